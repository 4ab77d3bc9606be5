"""The fuzzing harness: saved findings replay, seeds pass, and a short atheris run.

The checks are in ``tests/fuzz/checks.py``; the harness (``tests/fuzz/fuzz_clean.py``)
feeds them atheris's inputs. Every file under ``tests/fuzz/crashes/`` is an
input that once failed them; each is replayed here, with or without atheris.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fuzz.checks import ENCODINGS, TARGETS, check_input, decode_case, decode_text, encode_case, finding_id
from hypothesis import given
from hypothesis import strategies as st

FUZZ = Path(__file__).parent / "fuzz"
CRASHES = sorted((FUZZ / "crashes").iterdir())
SEEDS = sorted((FUZZ / "corpus").iterdir())
SHORT_RUNS = 2000
"""Inputs of the short atheris run: 10 to 20 s on two busy cores (100 to 200 inputs a second)."""


def test_there_are_saved_findings_and_seeds() -> None:
    assert CRASHES, "tests/fuzz/crashes/ holds the findings that were fixed"
    assert {decode_case(path.read_bytes()).target for path in SEEDS} == set(TARGETS)


@pytest.mark.parametrize("path", CRASHES, ids=[path.name for path in CRASHES])
def test_saved_finding_passes_the_checks(path: Path) -> None:
    check_input(path.read_bytes())


@pytest.mark.parametrize("path", SEEDS, ids=[path.name for path in SEEDS])
def test_seed_passes_the_checks(path: Path) -> None:
    check_input(path.read_bytes())


@given(st.binary(max_size=64))
def test_every_input_decodes_to_a_case(data: bytes) -> None:
    case = decode_case(data)
    assert case.target in TARGETS
    assert isinstance(case.text, str)
    assert decode_case(encode_case(case.target, case.option, case.encoding, case.payload)) == case


@pytest.mark.parametrize(
    ("encoding", "payload", "text"),
    [
        ("utf-8", b"caf\xc3\xa9 \xff", "café \ufffd"),
        ("utf-8-surrogateescape", b"a\xff", "a\udcff"),
        ("utf-16", b"\x00\xd8a\x00\x00", "\ud800a"),
        ("utf-16-no-surrogates", b"\x00\xd8a\x00", "\ufffda"),
        ("code-points", (0xDFFF).to_bytes(4, "little") + (0x1F600).to_bytes(4, "little") + b"\1", "\udfff😀"),
        ("code-points-no-surrogates", (0xDFFF).to_bytes(4, "little"), "\ufffd"),
        ("code-points", (0x110000 + 0x41).to_bytes(4, "little"), "A"),
        ("latin-1", b"\x00\xe9\x85", "\x00é\x85"),
        ("mojibake", "café".encode(), "cafÃ©"),
    ],
)
def test_payload_decodings(encoding: str, payload: bytes, text: str) -> None:
    assert encoding in ENCODINGS
    assert decode_text(payload, encoding) == text


def test_finding_id_names_the_exception_and_the_function() -> None:
    from cleancorp.repeated import RepeatedLines

    with pytest.raises(ValueError) as caught:
        RepeatedLines({"not a key": 1}, 1)
    assert finding_id(caught.value) == "ValueError in cleancorp/repeated.py:__post_init__"


def test_the_checks_catch_an_unstable_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clean() that is not stable on its own output fails the checks."""
    import fuzz.checks

    from cleancorp import CleanResult

    def unstable(text: str, config: object = None) -> CleanResult:
        return CleanResult(text.strip() + " x", "und", 0.0, ())

    monkeypatch.setattr(fuzz.checks, "clean", unstable)
    monkeypatch.setattr(fuzz.checks, "apply_edits", lambda text, edits: text.strip() + " x")
    with pytest.raises(AssertionError, match="second clean"):
        check_input(encode_case("clean", 0, "utf-8", b"a"))


def test_short_atheris_run(tmp_path: Path) -> None:
    """A fixed budget of atheris inputs from the seeds: no finding, and the count is printed."""
    pytest.importorskip("atheris")
    env = {k: v for k, v in os.environ.items() if k != "CLEANCORP_FUZZ_KNOWN"}  # nothing is let through
    new_inputs = tmp_path / "corpus"
    new_inputs.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            str(FUZZ / "fuzz_clean.py"),
            f"-runs={SHORT_RUNS}",
            "-seed=1",
            "-max_len=4096",
            "-timeout=60",
            f"-artifact_prefix={tmp_path}/",
            str(new_inputs),
            str(FUZZ / "corpus"),
        ],
        capture_output=True,
        text=True,
        errors="replace",
        env=env,
        timeout=600,
        check=False,
    )
    log = done.stderr
    assert done.returncode == 0, log[-3000:]
    executed = re.search(r"^Done (\d+) runs in (\d+) second", log, re.MULTILINE)
    assert executed is not None, log[-3000:]
    stats = re.findall(r"^#\d+\s+\w+\s+cov: (\d+) ft: (\d+)", log, re.MULTILINE)
    print(f"atheris: {executed[1]} inputs in {executed[2]} s, cov {stats[-1][0]}, ft {stats[-1][1]}")
    assert int(executed[1]) >= SHORT_RUNS
    assert not list(tmp_path.glob("crash-*"))
