"""The command line under faults: a kill, a full disk, an unwritable folder, a file changed meanwhile.

Whatever goes wrong, an output is at its name in full or not at all, the inputs
are left byte for byte as they were, and the error is one line that names the
file and the cause, with exit code 1 (``cleancorp.cli`` documents the codes).
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from cleancorp import cli, corpus
from cleancorp.cli import main

ARTICLE = "The mayor opened the new bridge on Friday, officials said."
DIRTY = f"Share this article\n{ARTICLE}\nAdvertisement"
TEMPORARY = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)-[0-9a-f]{8}\.tmp$")
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
"""Root ignores file permissions: an unwritable folder is then simulated."""


def _record(i: int) -> dict[str, Any]:
    return {"id": i, "text": f"Advertisement\nStory {i}: {ARTICLE}\nShare this article", "n": i}


def _write_jsonl(path: Path, ids: range) -> bytes:
    data = "".join(json.dumps(_record(i)) + "\n" for i in ids).encode("utf-8")
    path.write_bytes(data)
    return data


def _ids(path: Path) -> list[int]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines() if line]


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _one_error_line(err: str) -> None:
    assert "Traceback" not in err
    assert all(line.startswith("cleancorp: ") for line in err.splitlines()), err


# --- a killed run -------------------------------------------------------------------------


def _cleancorp(*argv: str) -> list[str]:
    return [sys.executable, "-m", "cleancorp", *argv]


def test_a_killed_run_leaves_no_partial_output_and_the_next_run_tidies_up(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    data = _write_jsonl(source, range(8_000))  # seconds of work for one worker
    out = tmp_path / "out"
    out.mkdir()
    argv = _cleancorp("clean", str(source), "-o", str(out / "clean.jsonl"), "--workers", "1", "-q")
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: list[Path] = []
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        seen = [p for p in out.iterdir() if TEMPORARY.match(p.name) and p.stat().st_size > 0]
        if seen:  # writing has begun
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    process.communicate(timeout=120)
    assert seen, "the run ended before anything was written: make the input larger"
    assert process.returncode == -signal.SIGKILL
    # no output at its name: the records written so far are only in the temporary file
    assert not (out / "clean.jsonl").exists()
    leftovers = [p for p in out.iterdir() if p.name != "clean.jsonl"]
    assert leftovers == seen
    match = TEMPORARY.match(seen[0].name)
    assert match is not None and match["target"] == "clean.jsonl" and int(match["pid"]) == process.pid
    assert source.read_bytes() == data

    # the next run removes what the killed one left and writes the whole output
    rerun = subprocess.run(argv, capture_output=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert _ids(out / "clean.jsonl") == list(range(8_000))
    assert json.loads((out / "clean.jsonl").read_bytes().splitlines()[7])["text"] == f"Story 7: {ARTICLE}"
    assert os.listdir(out) == ["clean.jsonl"] or _pid_exists(process.pid)  # unless its id is taken again
    assert source.read_bytes() == data


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def test_stale_temporary_files_go_only_when_their_writer_is_gone(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    dead_pid = int(dead.stdout)  # a process that has ended
    stale = [tmp_path / f".a.jsonl.{dead_pid}-0123abcd.tmp", tmp_path / f".b.txt.{dead_pid}-89abcdef.tmp"]
    kept = [
        tmp_path / f".a.jsonl.{os.getppid()}-0123abcd.tmp",  # its writer (our parent) still runs
        tmp_path / f".a.jsonl.{os.getpid()}-0123abcd.tmp",  # ours
        tmp_path / ".a.jsonl.notes.tmp",  # not named by cleancorp
        tmp_path / f".a.jsonl.{dead_pid}-0123abcd.tmp.txt",
        tmp_path / f"a.jsonl.{dead_pid}-0123abcd.tmp",
    ]
    for path in stale + kept:
        path.write_bytes(b"{}\n")
    removed = corpus.remove_stale_temporaries(tmp_path)
    if _pid_exists(dead_pid):  # its id was taken again meanwhile: nothing may go
        assert removed == []
    else:
        assert removed == stale
        assert sorted(tmp_path.iterdir()) == sorted(kept)
    assert corpus.remove_stale_temporaries(tmp_path / "absent") == []


# --- a full disk, an unwritable folder ----------------------------------------------------------


class FullDisk:
    """A file on a disk that fills up: ``write`` fails once ``room`` bytes are taken, or
    ``flush`` fails (what a disk that allocates late, or a network file system, does)."""

    def __init__(self, real: IO[bytes], room: int, fail_on: str) -> None:
        self.real, self.room, self.fail_on = real, room, fail_on
        self.taken = 0

    def _full(self) -> OSError:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def write(self, data: bytes) -> int:
        if self.fail_on == "write" and self.taken + len(data) > self.room:
            raise self._full()
        self.taken += len(data)
        return self.real.write(data)

    def flush(self) -> None:
        if self.fail_on == "flush":
            raise self._full()
        self.real.flush()

    def fileno(self) -> int:
        return self.real.fileno()

    def close(self) -> None:
        self.real.close()

    @property
    def closed(self) -> bool:
        return self.real.closed


@pytest.fixture
def folder_in(tmp_path: Path) -> Iterator[tuple[Path, dict[str, bytes]]]:
    """A folder of two shards (one in a subfolder), and their bytes."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    data = {
        "a.jsonl": _write_jsonl(folder / "a.jsonl", range(cli.CHUNK_ITEMS * 3)),
        "sub/b.jsonl": _write_jsonl(folder / "sub" / "b.jsonl", range(100, 110)),
    }
    yield folder, data
    assert {name: (folder / name).read_bytes() for name in data} == data  # the inputs are intact


@pytest.mark.parametrize("fail_on", ["write", "flush", "fsync"])
def test_a_full_disk_is_one_clear_line_and_no_partial_file(
    tmp_path: Path,
    folder_in: tuple[Path, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fail_on: str,
) -> None:
    folder, _ = folder_in
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.jsonl").write_bytes(b'{"id": "from an earlier run"}\n')
    real_create = corpus._create
    monkeypatch.setattr(corpus, "_create", lambda path: FullDisk(real_create(path), 20_000, fail_on))
    if fail_on == "fsync":

        def fsync(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(os, "fsync", fsync)
    code = main(["clean", str(folder), "-o", str(out), "--workers", "1", "-q"])
    assert code == cli.EXIT_FAILED == 1
    err = capsys.readouterr().err
    _one_error_line(err)
    assert err.splitlines() == [
        f"cleancorp: cannot write {out / 'a.jsonl'}: No space left on device",
        "cleancorp: stopped; 0 of 2 outputs were written in full, none in part",
    ]
    # the earlier output is as it was, the next one was not begun, no temporary file is left
    assert _files(out) == ["a.jsonl"]
    assert (out / "a.jsonl").read_bytes() == b'{"id": "from an earlier run"}\n'


def test_an_unwritable_folder_is_reported_and_the_other_outputs_are_written(
    tmp_path: Path,
    folder_in: tuple[Path, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder, _ = folder_in
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    if AS_ROOT:
        real_create = corpus._create

        def create(path: Path) -> IO[bytes]:
            if path.parent == out / "sub":
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real_create(path)

        monkeypatch.setattr(corpus, "_create", create)
    else:
        (out / "sub").chmod(0o500)
    try:
        code = main(["clean", str(folder), "-o", str(out), "--workers", "1", "-q"])
    finally:
        (out / "sub").chmod(0o700)
    assert code == 1
    err = capsys.readouterr().err
    _one_error_line(err)
    assert err.splitlines() == [f"cleancorp: cannot write {out / 'sub' / 'b.jsonl'}: Permission denied"]
    assert _files(out) == ["a.jsonl"]
    assert _ids(out / "a.jsonl") == list(range(cli.CHUNK_ITEMS * 3))


def test_an_output_folder_that_cannot_be_made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "a.txt"
    source.write_text(DIRTY, encoding="utf-8")
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    out = tmp_path / "file" / "out"
    assert main(["clean", str(source), "-o", str(out), "-q", "--workers", "1"]) == 1
    err = capsys.readouterr().err
    _one_error_line(err)
    assert err.splitlines() == [f"cleancorp: cannot write {out / 'a.txt'}: Not a directory"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full is a Linux device")
def test_standard_output_on_a_full_disk(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    data = _write_jsonl(source, range(500))
    with open("/dev/full", "wb") as full:
        run = subprocess.run(
            _cleancorp("clean", str(source), "-o", "-", "--workers", "1", "-q"),
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    assert run.returncode == 1
    assert run.stderr.decode().splitlines() == [
        "cleancorp: cannot write standard output: No space left on device",
        "cleancorp: stopped; 0 of 1 outputs were written in full, none in part",
    ]
    assert source.read_bytes() == data


def test_an_input_read_in_part_gives_no_output_and_is_done_on_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.jsonl"
    _write_jsonl(source, range(cli.CHUNK_ITEMS * 2 + 5))
    real_read = corpus.read_items

    def failing_disk(found: corpus.Source, text_field: str = "text") -> Iterator[corpus.Item]:
        for number, item in enumerate(real_read(found, text_field)):
            if number == cli.CHUNK_ITEMS + 3:  # after a first chunk was written
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            yield item

    monkeypatch.setattr(cli, "read_items", failing_disk)
    out = tmp_path / "out"
    args = ["clean", str(source), "-o", str(out), "--workers", "1", "-q", "--skip-existing"]
    assert main(args) == 1
    err = capsys.readouterr().err
    _one_error_line(err)
    assert err.splitlines() == [
        f"cleancorp: cannot read {source}: Input/output error",
        f"cleancorp: {out / 'in.jsonl'}: not written (an input was read in part)",
    ]
    assert _files(out) == []
    monkeypatch.setattr(cli, "read_items", real_read)
    assert main(args) == 0  # not taken for done by --skip-existing
    assert _ids(out / "in.jsonl") == list(range(cli.CHUNK_ITEMS * 2 + 5))


def test_an_unreadable_input_leaves_the_others_in_one_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_jsonl(tmp_path / "a.jsonl", range(3))
    _write_jsonl(tmp_path / "b.jsonl", range(10, 13))
    real_read = corpus.read_items

    def unreadable_b(found: corpus.Source, text_field: str = "text") -> Iterator[corpus.Item]:
        if found.path.name == "b.jsonl":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        yield from real_read(found, text_field)

    monkeypatch.setattr(cli, "read_items", unreadable_b)
    out = tmp_path / "all.jsonl"
    argv = ["clean", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "-o", str(out), "-q"]
    assert main([*argv, "--workers", "1"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"cleancorp: cannot read {tmp_path / 'b.jsonl'}: Permission denied"
    ]
    assert _ids(out) == [0, 1, 2]  # nothing of b went in: the rest is whole


# --- fix: concurrent writers ------------------------------------------------------------


def _meanwhile(path: Path, change: str) -> None:
    """Another program changes ``path``, without a lock, in one of the ways programs do."""
    before = path.stat()
    if change == "append":
        with path.open("ab") as stream:
            stream.write(b"A sentence added meanwhile.\n")
    elif change == "rewrite":
        path.write_text(DIRTY + "\nA sentence added meanwhile.\n", encoding="utf-8")
    elif change == "rename":  # an editor that saves by a rename
        (path.parent / "saved").write_text(DIRTY + "\nA sentence added meanwhile.\n", encoding="utf-8")
        os.replace(path.parent / "saved", path)
    else:  # the same size and time: only the bytes tell
        data = path.read_bytes()
        path.write_bytes(data.replace(b"Friday", b"Monday"))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.parametrize("change", ["append", "rewrite", "rename", "same-size-and-time"])
def test_fix_keeps_a_change_made_while_it_cleaned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(DIRTY + "\n", encoding="utf-8")
    real = cli.fixed_content
    changed_to: list[bytes] = []

    def changed_meanwhile(*args: Any) -> Any:  # between the read and the write
        result = real(*args)
        _meanwhile(path, change)
        changed_to.append(path.read_bytes())
        return result

    monkeypatch.setattr(cli, "fixed_content", changed_meanwhile)
    assert main(["fix", str(path)]) == 1
    assert len(changed_to) == 1
    assert capsys.readouterr().err == (
        f"cleancorp: {path}: changed while it was being cleaned; left alone, run again\n"
    )
    assert path.read_bytes() == changed_to[0]  # the other program's change, whole
    assert _files(tmp_path) == ["a.txt"]
    monkeypatch.setattr(cli, "fixed_content", real)
    assert main(["fix", str(path)]) == 1  # run again: cleaned, with the change
    assert "Fixing" in capsys.readouterr().out
    assert "Share this article" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_fix_keeps_the_file_mode(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "a.md"
    path.write_text(DIRTY, encoding="utf-8")
    path.chmod(mode)
    assert main(["fix", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == ARTICLE + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_fix_through_a_symbolic_link_cleans_the_file_it_names(tmp_path: Path) -> None:
    real = tmp_path / "data" / "a.txt"
    real.parent.mkdir()
    real.write_text(DIRTY, encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert main(["fix", str(link)]) == 1
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_text(encoding="utf-8") == ARTICLE + "\n"
    assert _files(tmp_path / "data") == ["a.txt"]


@pytest.mark.skipif(sys.platform == "win32", reason="advisory locks are POSIX (fcntl)")
def test_fix_waits_for_a_lock_and_gives_up_with_a_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(DIRTY, encoding="utf-8")
    monkeypatch.setattr(corpus, "LOCK_WAIT", 0.3)
    with corpus.locked(path):
        started = time.monotonic()
        assert main(["fix", str(path)]) == 1
        waited = time.monotonic() - started
    assert waited >= 0.3
    assert capsys.readouterr().err == (
        f"cleancorp: {path}: another process has held it locked for too long; left alone\n"
    )
    assert path.read_text(encoding="utf-8") == DIRTY
    assert main(["fix", str(path)]) == 1  # let go: it is fixed
    assert path.read_text(encoding="utf-8") == ARTICLE + "\n"


@pytest.mark.skipif(sys.platform == "win32", reason="advisory locks are POSIX (fcntl)")
def test_a_lock_taken_on_a_file_that_was_replaced_follows_the_new_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old\n", encoding="utf-8")
    got: list[bytes] = []
    real_lock = corpus._lock
    opened = threading.Event()

    def lock(handle: IO[bytes], deadline: float) -> bool:
        opened.set()  # the old file is open: now it waits for the lock
        return real_lock(handle, deadline)

    with corpus.locked(path) as first:
        assert first.read() == b"old\n"
        monkeypatch.setattr(corpus, "_lock", lock)

        def second() -> None:
            with corpus.locked(path) as handle:
                got.append(handle.read())

        waiting = threading.Thread(target=second)
        waiting.start()
        assert opened.wait(timeout=30)
        corpus.write_atomic(path, b"new\n")  # replaced while the second waits on the old file
    waiting.join(timeout=30)
    assert got == [b"new\n"]


def _held_by_another(path: Path) -> bool:
    import fcntl

    with path.open("rb") as probe:
        try:
            fcntl.flock(probe.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(probe.fileno(), fcntl.LOCK_UN)
        return False


@pytest.mark.skipif(sys.platform == "win32", reason="advisory locks are POSIX (fcntl)")
def test_two_fix_processes_and_a_locking_writer_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shard.jsonl"
    _write_jsonl(path, range(1500))
    fixers = [
        subprocess.Popen(_cleancorp("fix", str(path)), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    added: list[int] = []
    waits = 0
    deadline = time.monotonic() + 300
    while any(fixer.poll() is None for fixer in fixers) and time.monotonic() < deadline:
        # a writer that appends under the same lock for as long as the two fix runs go
        waits += _held_by_another(path)
        with corpus.locked(path), path.open("ab") as stream:
            stream.write((json.dumps(_record(10_000 + len(added))) + "\n").encode("utf-8"))
        added.append(10_000 + len(added))
        time.sleep(0.01)
    results = [fixer.communicate(timeout=60) for fixer in fixers]
    for fixer, (_, err) in zip(fixers, results, strict=True):
        assert fixer.returncode in (0, 1), err.decode()
        assert err == b"", err.decode()
    assert waits >= 1  # the writer did meet a fix run holding the file
    assert sorted(_ids(path)) == [*range(1500), *added]  # every record, once
    assert sum(b"Fixing" in out for out, _ in results) >= 1
    assert _files(tmp_path) == ["shard.jsonl"]
    cleaned = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert cleaned[0] == f"Story 0: {ARTICLE}"


# --- other clear errors ----------------------------------------------------------------


def test_fix_on_what_is_not_a_readable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "folder.txt").mkdir()
    absent = tmp_path / "absent.md"
    assert main(["fix", str(tmp_path / "folder.txt"), str(absent)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"cleancorp: cannot read {tmp_path / 'folder.txt'}: Is a directory",
        f"cleancorp: cannot read {absent}: No such file or directory",
    ]


def test_fix_in_an_unwritable_folder_leaves_the_file_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "a.txt"
    path.write_text(DIRTY, encoding="utf-8")
    if AS_ROOT:

        def create(target: Path) -> IO[bytes]:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))

        monkeypatch.setattr(corpus, "_create", create)
    else:
        folder.chmod(0o500)
    try:
        assert main(["fix", str(path)]) == 1
    finally:
        folder.chmod(0o700)
    assert capsys.readouterr().err == f"cleancorp: cannot write {path}: Permission denied\n"
    assert path.read_text(encoding="utf-8") == DIRTY
    assert _files(folder) == ["a.txt"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["clean", "{a}", "-o", "{tmp}/plain"], "{tmp}/plain is a file, not a folder"),
        (["clean", "{a}", "-o", "{tmp}/out", "--rejects", "{a}"], "{a} is also an input"),
        (["clean", "{a}", "-o", "{tmp}/o.jsonl", "--rejects", "{tmp}/o.jsonl"], "o.jsonl is also an output"),
        (["clean", "{a}", "-o", "{tmp}/out", "--rejects", "{tmp}/out/a.jsonl"], "is also an output"),
    ],
)
def test_outputs_that_would_overwrite_an_input_or_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    data = _write_jsonl(tmp_path / "a.jsonl", range(3))
    (tmp_path / "plain").write_text("a file\n", encoding="utf-8")
    fill = {"a": tmp_path / "a.jsonl", "tmp": tmp_path}
    assert main([a.format(**fill) for a in argv]) == 2
    err = capsys.readouterr().err
    _one_error_line(err)
    assert message.format(**fill) in err
    assert (tmp_path / "a.jsonl").read_bytes() == data
    assert _files(tmp_path) == ["a.jsonl", "plain"]


def test_learn_into_a_folder_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write_jsonl(tmp_path / "a.jsonl", range(3))
    (tmp_path / "table").mkdir()
    assert main(["learn", str(tmp_path / "a.jsonl"), "-o", str(tmp_path / "table")]) == 1
    err = capsys.readouterr().err
    _one_error_line(err)
    assert err == f"cleancorp: cannot write {tmp_path / 'table'}: Is a directory\n"
    assert _files(tmp_path) == ["a.jsonl"]
    assert (tmp_path / "a.jsonl").read_bytes() == data


def test_undecodable_bytes_go_through_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = json.dumps(_record(1)).encode("utf-8")
    latin1 = '{"id": 2, "text": "caf\xe9"}'.encode("latin-1")
    source = tmp_path / "in.jsonl"
    source.write_bytes(good + b"\n" + latin1 + b"\n" + b"\xff\xfe\x00 not json\n")
    data = source.read_bytes()
    out = tmp_path / "out"
    assert main(["clean", str(source), "-o", str(out), "--workers", "1", "-q"]) == 0
    lines = (out / "in.jsonl").read_bytes().splitlines(keepends=True)
    assert json.loads(lines[0])["text"] == f"Story 1: {ARTICLE}"
    assert lines[1:] == [latin1 + b"\n", b"\xff\xfe\x00 not json\n"]  # byte for byte
    assert source.read_bytes() == data
    err = capsys.readouterr().err
    assert f"{source}:2: not UTF-8" in err and f"{source}:3: not UTF-8" in err


# --- hostile records -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (b"[" * 100_000, "not JSON that can be read (nested too deeply)"),
        (b'{"text": 1' + b"0" * 5000 + b"}", "not JSON that can be read (Exceeds the limit (4300 digits)"),
        (b'{"text": "a", "n": 1e999999}', None),  # a float: inf, read as Python reads it
    ],
)
def test_lines_json_cannot_hold_go_through_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: bytes, error: str | None
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(json.dumps(_record(1)).encode() + b"\n" + line + b"\n")
    (item,) = [i for i in corpus.read_items(corpus.find_sources([source])[0]) if i.line == 2]
    assert item.error == error or (
        error is not None and item.error is not None and item.error.startswith(error)
    )
    assert main(["clean", str(source), "-o", str(tmp_path / "out"), "--workers", "1", "-q"]) == 0
    written = (tmp_path / "out" / "in.jsonl").read_bytes().splitlines(keepends=True)
    assert json.loads(written[0])["text"] == f"Story 1: {ARTICLE}"
    if error is not None:
        assert written[1] == line + b"\n"
    assert main(["fix", str(source)]) == 1  # the record is cleaned, the line is kept
    assert source.read_bytes().splitlines()[1] == line


def _zstd(data: bytes) -> bytes:
    return pytest.importorskip("zstandard").ZstdCompressor().compress(data)  # type: ignore[no-any-return]


SHARD = b"".join(json.dumps(_record(i)).encode() + b"\n" for i in range(50))


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("a.jsonl.gz", lambda: b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 20),  # zlib.error
        ("a.jsonl.gz", lambda: gzip.compress(SHARD)[:-12]),  # cut short
        ("a.jsonl.zst", lambda: _zstd(SHARD)[:-6]),  # cut short: zstandard's reader ends quietly
        ("a.jsonl.zst", lambda: _zstd(SHARD) + _zstd(SHARD)[:-3]),  # a second frame cut short
        ("a.jsonl.zst", lambda: b"\x28\xb5\x2f\xfd" + b"\x00" * 20),  # a frame header and nothing
        ("a.jsonl.zst", lambda: (lambda z: z[:12] + b"\xff" * 8 + z[20:])(_zstd(SHARD))),  # corrupt
    ],
)
def test_a_damaged_compressed_shard_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, damage: Any
) -> None:
    source = tmp_path / name
    data = damage()
    source.write_bytes(data)
    assert main(["clean", str(source), "-o", str(tmp_path / "out"), "--workers", "1", "-q"]) == 1
    err = capsys.readouterr().err
    _one_error_line(err)
    assert err.startswith(f"cleancorp: {source}: the compressed stream is damaged or cut short (")
    assert _files(tmp_path) == [name]
    assert source.read_bytes() == data


def test_zstandard_shards_of_several_frames_are_read_whole(tmp_path: Path) -> None:
    source = tmp_path / "a.jsonl.zst"
    source.write_bytes(_zstd(SHARD) + _zstd(b"") + _zstd(SHARD))
    assert len(list(corpus.read_items(corpus.find_sources([source])[0]))) == 100
    source.write_bytes(b"")
    assert list(corpus.read_items(corpus.find_sources([source])[0])) == []


def test_lone_surrogates_are_written_as_valid_utf8(tmp_path: Path) -> None:
    line = b'{"id": 1, "text": "Share this article\\nStory \\ud800 one.", "title": "caf\\u00e9 \\udfff"}\n'
    source = tmp_path / "in.jsonl"
    source.write_bytes(line)
    rejects = tmp_path / "rejects.jsonl"
    args = ["clean", str(source), "-o", str(tmp_path / "out.jsonl"), "--workers", "1", "-q"]
    assert main([*args, "--rejects", str(rejects)]) == 0
    written = (tmp_path / "out.jsonl").read_bytes()
    record = json.loads(written.decode("utf-8"))  # strict UTF-8
    assert record["title"] == "caf\xe9 \udfff"  # the same text, read back
    assert main(["fix", str(source)]) == 1
    assert json.loads(source.read_bytes().decode("utf-8"))["title"] == "caf\xe9 \udfff"
    assert rejects.read_bytes() == b""
