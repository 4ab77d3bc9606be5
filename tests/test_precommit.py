"""The pre-commit hooks of .pre-commit-hooks.yaml, end to end.

A snapshot of this checkout (its working tree, uncommitted changes included)
is committed to a temporary repository; a second temporary repository, a data
repository, uses the hooks from that snapshot through pre-commit as a user
would. pre-commit builds the hooks' environment with pip, so the package index
must be reachable; the first run takes a while.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

pytest.importorskip("pre_commit")
GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")

ROOT = Path(__file__).resolve().parent.parent
INSTALL_TIMEOUT = 600  # seconds: building the hook environment (pip install of cleancorp and its deps)
TIMEOUT = 180

ARTICLE = "The mayor opened the new bridge on Friday, officials said.\n"
DIRTY_ARTICLE = "Advertisement\n" + ARTICLE
DIRTY_JSONL = (
    '{"id": 1, "text": "Share this article\\nThe mayor of Malmö opened the new bridge on Friday."}\n'
    '{"id":2,"text":"The council met on Monday to vote on the new budget plan for the city."}\n'
    '{"id": 3, "note": "no text field"}\n'
)
CLEAN_JSONL = (
    '{"id": 1, "text": "The mayor of Malmö opened the new bridge on Friday."}\n'
    '{"id":2,"text":"The council met on Monday to vote on the new budget plan for the city."}\n'
    '{"id": 3, "note": "no text field"}\n'
)


def _output(value: str | bytes | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""


def run(
    args: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Run a command; its output is kept for the assertion messages."""
    try:
        return subprocess.run(
            list(args), cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(
            f"{' '.join(args)} (in {cwd}) took more than {timeout} s\n"
            f"--- stdout\n{_output(error.stdout)}\n--- stderr\n{_output(error.stderr)}"
        )


def report(proc: subprocess.CompletedProcess[str]) -> str:
    return (
        f"{' '.join(proc.args)} exited with {proc.returncode}\n"
        f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    )


def run_ok(args: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float = TIMEOUT) -> str:
    proc = run(args, cwd, env, timeout)
    assert proc.returncode == 0, report(proc)
    return proc.stdout


def isolated_env(tmp_path: Path) -> dict[str, str]:
    """The environment of every command: git and pre-commit kept away from the user's settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        # GIT_DIR, GIT_INDEX_FILE, ... are set when the tests run inside a git hook;
        # SKIP and PRE_COMMIT_* would change what pre-commit runs.
        if not key.startswith(("GIT_", "PRE_COMMIT")) and key != "SKIP"
    }
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = cleancorp tests\n\temail = tests@example.invalid\n"
        "[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n",
        encoding="utf-8",
    )
    env.update(
        GIT_CONFIG_GLOBAL=str(gitconfig),  # no core.hooksPath, signing, templates of the user
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="cleancorp tests",
        GIT_AUTHOR_EMAIL="tests@example.invalid",
        GIT_COMMITTER_NAME="cleancorp tests",
        GIT_COMMITTER_EMAIL="tests@example.invalid",
        # A store of its own: the snapshot is a new repository with a new commit on every
        # run, so a shared store (~/.cache/pre-commit) could never reuse its environment and
        # would only grow. pip's own cache, left alone, is what makes later runs faster.
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        PRE_COMMIT_COLOR="never",
    )
    return env


def snapshot_checkout(dest: Path, env: Mapping[str, str]) -> str:
    """Commit the working tree of this checkout (tracked and untracked, not ignored) in ``dest``.

    Returns the sha of that commit.
    """
    assert GIT is not None
    top = Path(run_ok([GIT, "rev-parse", "--show-toplevel"], ROOT, env).strip())
    listed = run_ok([GIT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], top, env)
    dest.mkdir()
    copied = 0
    for name in sorted(set(listed.split("\0")) - {""}):
        source = top / name
        if not (source.is_file() or source.is_symlink()):
            continue  # deleted in the working tree, or a submodule
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
        copied += 1
    assert (dest / ".pre-commit-hooks.yaml").is_file(), f"{top} has no .pre-commit-hooks.yaml"
    assert copied > 0
    run_ok([GIT, "init", "-q"], dest, env)
    # --force: a tracked file can match an ignore pattern; the copy holds exactly what is wanted
    run_ok([GIT, "add", "--all", "--force"], dest, env)
    run_ok([GIT, "commit", "-q", "--no-verify", "-m", "snapshot of the working tree"], dest, env)
    return run_ok([GIT, "rev-parse", "HEAD"], dest, env).strip()


def commits(repo: Path, env: Mapping[str, str]) -> int:
    assert GIT is not None
    return int(run_ok([GIT, "rev-list", "--count", "HEAD"], repo, env))


def test_the_hooks_clean_data_files_in_a_data_repository(tmp_path: Path) -> None:
    assert GIT is not None
    env = isolated_env(tmp_path)
    hooks_repo = tmp_path / "cleancorp"
    sha = snapshot_checkout(hooks_repo, env)

    data_repo = tmp_path / "data-repo"
    data_repo.mkdir()
    run_ok([GIT, "init", "-q"], data_repo, env)
    # cleancorp-check only when asked for (manual stage), so that a commit runs cleancorp-fix alone
    (data_repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {json.dumps(str(hooks_repo))}\n"
        f"    rev: {sha}\n"
        "    hooks:\n"
        "      - id: cleancorp-fix\n"
        "      - id: cleancorp-check\n"
        "        stages: [manual]\n",
        encoding="utf-8",
    )
    pre_commit = [sys.executable, "-m", "pre_commit"]
    run_ok([*pre_commit, "install", "--install-hooks"], data_repo, env, timeout=INSTALL_TIMEOUT)
    run_ok([GIT, "add", ".pre-commit-config.yaml"], data_repo, env)
    run_ok([GIT, "commit", "-q", "-m", "pre-commit config"], data_repo, env)
    assert commits(data_repo, env) == 1

    # a commit of dirty files is stopped, and the files are cleaned on disk
    data = data_repo / "data"
    data.mkdir()
    article, records, other = data / "article.txt", data / "records.jsonl", data / "notes.csv"
    article.write_bytes(DIRTY_ARTICLE.encode("utf-8"))
    records.write_bytes(DIRTY_JSONL.encode("utf-8"))
    other.write_bytes(DIRTY_ARTICLE.encode("utf-8"))
    run_ok([GIT, "add", "data"], data_repo, env)
    blocked = run([GIT, "commit", "-m", "articles"], data_repo, env)
    assert blocked.returncode != 0, report(blocked)
    assert "files were modified by this hook" in blocked.stdout + blocked.stderr, report(blocked)
    assert "Fixing data/article.txt" in blocked.stdout + blocked.stderr, report(blocked)
    assert commits(data_repo, env) == 1
    assert article.read_bytes() == ARTICLE.encode("utf-8"), report(blocked)
    assert records.read_bytes() == CLEAN_JSONL.encode("utf-8"), report(blocked)
    assert other.read_bytes() == DIRTY_ARTICLE.encode("utf-8"), "a .csv file is not the hooks' business"

    # once the fixes are added, the commit goes through
    run_ok([GIT, "add", "data"], data_repo, env)
    run_ok([GIT, "commit", "-q", "-m", "articles"], data_repo, env)
    assert commits(data_repo, env) == 2
    committed = run_ok([GIT, "show", "HEAD:data/article.txt"], data_repo, env)
    assert committed == ARTICLE

    # cleancorp-check fails on a dirty file, leaving it as it is, and passes on clean ones
    page = data / "page.md"
    page.write_bytes(("Share this article\n" + ARTICLE).encode("utf-8"))
    check = [*pre_commit, "run", "cleancorp-check", "--hook-stage", "manual", "--files"]
    failed = run([*check, "data/page.md"], data_repo, env)
    assert failed.returncode == 1, report(failed)
    assert "data/page.md: cleaning would change it" in failed.stdout, report(failed)
    assert "-Share this article" in failed.stdout, report(failed)
    assert page.read_bytes() == ("Share this article\n" + ARTICLE).encode("utf-8")
    passed = run([*check, "data/article.txt", "data/records.jsonl"], data_repo, env)
    assert passed.returncode == 0, report(passed)
    assert "Passed" in passed.stdout, report(passed)
