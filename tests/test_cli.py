"""The command line, called in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleancorp.cli import main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED = SEEDS / "raw" / "000_92dd508af116c474.txt"


def test_clean_prints_text_and_audit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"==> {SEED} (en 1.00; 13 dropped, 0 repaired) <==\n")
    assert "Stoltenberg Admits Kiev Regime Is Losing" in out
    assert "drop ¶3   newsletter_prompt [newsletter-signup]" in out


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", "--json", str(SEED)]) == 0
    record = json.loads(capsys.readouterr().out)
    expected = (SEEDS / "expected" / SEED.name).read_text(encoding="utf-8").rstrip("\n")
    assert record["path"] == str(SEED)
    assert record["text"] == expected
    assert len(record["edits"]) == 13 + sum(e["stage"] == "normalize" for e in record["edits"])


def test_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", "-o", str(tmp_path / "out"), str(SEED)]) == 0
    written = (tmp_path / "out" / SEED.name).read_text(encoding="utf-8")
    expected = (SEEDS / "expected" / SEED.name).read_text(encoding="utf-8")
    assert written == expected
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    assert "Stoltenberg Admits" not in capsys.readouterr().out


def test_unreadable_files_are_reported_and_the_rest_done(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("caf\xe9".encode("latin-1"))
    good = tmp_path / "good.txt"
    good.write_text("The mayor opened the bridge on Friday morning.", encoding="utf-8")
    assert main(["clean", str(tmp_path / "absent.txt"), str(latin1), str(good)]) == 1
    captured = capsys.readouterr()
    assert "absent.txt: No such file or directory" in captured.err
    assert "latin1.txt: not UTF-8 text" in captured.err
    assert "The mayor opened the bridge" in captured.out


def test_bad_options_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", "--keep", "nonsense", str(SEED)]) == 2
    assert "unknown categories ['nonsense']" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2
    assert main([]) == 2


def test_keep_and_disable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", "--json", "--keep", "separator", "--disable", "author-bio", str(SEED)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert "***" in record["text"].split("\n\n")
    assert "Drago Bosnic is an independent geopolitical and military analyst." in record["text"]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("cleancorp ")


def test_output_that_would_overwrite_an_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = tmp_path / "orig.txt"
    original.write_text("Follow us on Twitter\nThe mayor opened the bridge on Friday.", encoding="utf-8")
    assert main(["clean", "-o", str(tmp_path), str(original)]) == 2
    assert "is an input file" in capsys.readouterr().err
    assert original.read_text(encoding="utf-8").startswith("Follow us on Twitter")


def test_two_inputs_with_one_name_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text(f"Text from {folder}.", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["clean", "-o", str(out), str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt")]) == 2
    assert "has the same name" in capsys.readouterr().err
    assert not out.exists()
