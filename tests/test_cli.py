"""The command line, called in-process: ``main(argv) -> int`` with tmp_path and capsys."""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cleancorp
from cleancorp import cli
from cleancorp.cli import main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED = SEEDS / "raw" / "000_92dd508af116c474.txt"
ARTICLE = "The mayor opened the new bridge on Friday, officials said."
DIRTY = f"Share this article\n{ARTICLE}\nAdvertisement"


def _records(n: int) -> list[dict[str, Any]]:
    return [
        {"id": i, "text": f"Advertisement\nStory {i}: {ARTICLE}", "url": f"https://example.org/{i}"}
        for i in range(n)
    ]


def _write_jsonl(path: Path, records: list[Any], extra_lines: tuple[str, ...] = ()) -> None:
    lines = [json.dumps(r) for r in records] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


# --- clean: formats ---------------------------------------------------------------


def test_clean_folder_of_text_files_mirrors_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(SEEDS / "raw"), "-o", str(tmp_path / "out"), "--workers", "1"]) == 0
    for expected in sorted((SEEDS / "expected").glob("*.txt")):
        assert (tmp_path / "out" / expected.name).read_text(encoding="utf-8") == expected.read_text(
            encoding="utf-8"
        )
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]  # no temporary files
    err = capsys.readouterr().err
    assert "documents       5" in err
    assert "languages       en 5" in err
    assert "removed         19  separator 2" in err


def test_outputs_get_the_usual_file_mode(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    assert main(["clean", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "-q", "--workers", "1"]) == 0
    mode = stat.S_IMODE((tmp_path / "out" / "a.txt").stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_jsonl_records_keep_their_fields_and_get_a_summary(tmp_path: Path) -> None:
    records = [
        {"id": 1, "text": DIRTY, "metadata": {"source": "crawl"}},
        {"id": 2, "text": ARTICLE, "metadata": "not an object"},
        {"id": 3, "text": "", "tags": ["a", "b"]},
    ]
    _write_jsonl(tmp_path / "in.jsonl", records)
    assert (
        main(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out"), "-q", "--workers", "1"]) == 0
    )
    first, second, third = _read_jsonl(tmp_path / "out" / "in.jsonl")
    assert first["text"] == ARTICLE
    assert first["metadata"]["source"] == "crawl"
    assert first["metadata"]["cleancorp"] == {
        "language": "en",
        "language_confidence": 1.0,
        "removed": {"share_prompt": 1, "ad_marker": 1},
        "repaired": {},
    }
    assert second["metadata"] == "not an object"
    assert second["cleancorp"]["removed"] == {}
    assert third["tags"] == ["a", "b"]
    assert third["metadata"]["cleancorp"]["language"] == "und"


def test_audit_adds_edits_that_replay(tmp_path: Path) -> None:
    _write_jsonl(tmp_path / "in.jsonl", [{"text": DIRTY}])
    assert main(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--audit", "-q"]) == 0
    (record,) = _read_jsonl(tmp_path / "o.jsonl")
    edits = [cleancorp.Edit(**e) for e in record["metadata"]["cleancorp"]["edits"]]
    assert cleancorp.apply_edits(DIRTY, edits) == record["text"] == ARTICLE


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_compressed_shards_are_written_compressed_alike(tmp_path: Path, suffix: str) -> None:
    data = ("\n".join(json.dumps(r) for r in _records(3)) + "\n").encode("utf-8")
    source = tmp_path / f"shard{suffix}"
    if suffix.endswith(".gz"):
        source.write_bytes(gzip.compress(data))
    else:
        zstandard = pytest.importorskip("zstandard")
        source.write_bytes(zstandard.ZstdCompressor().compress(data))
    assert main(["clean", str(source), "-o", str(tmp_path / "out"), "-q", "--workers", "1"]) == 0
    written = (tmp_path / "out" / source.name).read_bytes()
    if suffix.endswith(".gz"):
        text = gzip.decompress(written)
    else:
        text = zstandard.ZstdDecompressor().stream_reader(written).read()
    rows = [json.loads(line) for line in text.decode("utf-8").splitlines()]
    assert [r["text"] for r in rows] == [f"Story {i}: {ARTICLE}" for i in range(3)]


def test_parquet_in_parquet_out_keeps_the_schema(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"id": pa.array([1, 2], pa.int32()), "text": [DIRTY, ARTICLE]})
    pq.write_table(table, tmp_path / "in.parquet")
    assert main(["clean", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out"), "-q"]) == 0
    out = pq.read_table(tmp_path / "out" / "in.parquet")
    assert out.schema.field("id").type == pa.int32()
    rows = out.to_pylist()
    assert [r["text"] for r in rows] == [ARTICLE, ARTICLE]
    assert dict(rows[0]["metadata"]["cleancorp"]["removed"]) == {"share_prompt": 1, "ad_marker": 1}


def test_parquet_audit_column_only_with_audit(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    _write_jsonl(tmp_path / "in.jsonl", [{"text": DIRTY}])
    assert main(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "plain.parquet"), "-q"]) == 0
    result_type = pq.read_schema(tmp_path / "plain.parquet").field("metadata").type.field("cleancorp").type
    assert [f.name for f in result_type] == ["language", "language_confidence", "removed", "repaired"]
    assert (
        main(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "a.parquet"), "-q", "--audit"]) == 0
    )
    (row,) = pq.read_table(tmp_path / "a.parquet").to_pylist()
    edits = [cleancorp.Edit(**edit) for edit in row["metadata"]["cleancorp"]["edits"]]
    assert edits[0].paragraph == 0
    assert cleancorp.apply_edits(DIRTY, edits) == ARTICLE


def test_jsonl_to_one_parquet_file_and_text_to_jsonl(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    _write_jsonl(tmp_path / "a.jsonl", _records(2))
    _write_jsonl(tmp_path / "b.jsonl", _records(1))
    assert (
        main(
            [
                "clean",
                str(tmp_path / "a.jsonl"),
                str(tmp_path / "b.jsonl"),
                "-o",
                str(tmp_path / "all.parquet"),
                "-q",
            ]
        )
        == 0
    )
    assert pq.read_table(tmp_path / "all.parquet").column("id").to_pylist() == [0, 1, 0]
    assert main(["clean", str(SEED), "-o", str(tmp_path / "seed.jsonl"), "-q"]) == 0
    (record,) = _read_jsonl(tmp_path / "seed.jsonl")
    assert record["id"] == SEED.name
    assert record["text"] == (SEEDS / "expected" / SEED.name).read_text(encoding="utf-8").rstrip("\n")


def test_dash_writes_jsonl_to_stdout_and_the_summary_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_jsonl(tmp_path / "in.jsonl", _records(2))
    assert main(["clean", str(tmp_path / "in.jsonl"), "-o", "-", "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert [json.loads(line)["id"] for line in captured.out.splitlines()] == [0, 1]
    assert "documents       2" in captured.err
    assert "\r" not in captured.err  # not a terminal: no progress line


def test_a_closed_pipe_stops_the_run_quietly(tmp_path: Path) -> None:
    _write_jsonl(tmp_path / "in.jsonl", _records(5000))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cleancorp",
            "clean",
            str(tmp_path / "in.jsonl"),
            "-o",
            "-",
            "-q",
            "--workers",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert json.loads(process.stdout.readline())["id"] == 0
    process.stdout.close()  # what `| head -n 1` does
    assert process.wait(timeout=120) == 141
    assert process.stderr.read() == b""


def test_two_workers_give_the_same_output_in_the_same_order(tmp_path: Path) -> None:
    records = _records(3 * cli.CHUNK_ITEMS + 5)
    _write_jsonl(tmp_path / "in.jsonl", records)
    assert (
        main(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "one.jsonl"), "--workers", "1", "-q"])
        == 0
    )
    assert (
        main(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "two.jsonl"), "--workers", "2", "-q"])
        == 0
    )
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert [r["id"] for r in _read_jsonl(tmp_path / "two.jsonl")] == list(range(len(records)))


def test_workers_clean_with_the_run_s_settings(tmp_path: Path) -> None:
    _write_jsonl(tmp_path / "in.jsonl", _records(cli.CHUNK_ITEMS + 1))
    argv = ["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--workers", "2", "-q"]
    assert main([*argv, "--keep", "ad_marker"]) == 0
    texts = [r["text"] for r in _read_jsonl(tmp_path / "o.jsonl")]
    assert len(texts) == cli.CHUNK_ITEMS + 1
    assert all(t.startswith("Advertisement\n\nStory ") for t in texts)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only() -> None:
    terminal = _Terminal()
    progress = cli.Progress(terminal, total_bytes=4_000_000, enabled=True)
    progress.update(1234, 2_000_000, force=True)
    line = terminal.getvalue()
    assert line.startswith("\r  50% 1,234 docs  2.0 MB")
    assert "MB/s  ETA 0:" in line
    progress.close()
    assert terminal.getvalue().endswith("\r\033[K")
    quiet = io.StringIO()
    cli.Progress(quiet, total_bytes=10, enabled=False).update(1, 5, force=True)
    assert quiet.getvalue() == ""


def test_glob_inputs(tmp_path: Path) -> None:
    for name in ("s1.jsonl", "s2.jsonl"):
        _write_jsonl(tmp_path / name, _records(1))
    assert main(["clean", str(tmp_path / "s*.jsonl"), "-o", str(tmp_path / "out"), "-q"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["s1.jsonl", "s2.jsonl"]


# --- clean: never lose data -----------------------------------------------------------

BAD_LINES = ("not json", '{"id": 9, "body": "no text field"}', "[1, 2]", '{"text": 5}')


def test_bad_records_pass_through_unchanged_and_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_jsonl(tmp_path / "in.jsonl", _records(2), BAD_LINES)
    rejects = tmp_path / "rejects.jsonl"
    code = main(
        ["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--rejects", str(rejects)]
    )
    assert code == 0
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[2:] == list(BAD_LINES)  # byte for byte
    err = capsys.readouterr().err
    assert f"{tmp_path / 'in.jsonl'}:3: not JSON" in err
    assert f"{tmp_path / 'in.jsonl'}:4: no 'text' field (its fields: body, id)" in err
    assert "a JSON list, not an object" in err
    assert "'text' is int, not a string" in err
    assert "passed through  4" in err
    reported = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [(r["line"], r["raw"]) for r in reported][:1] == [(3, "not json")]
    assert len(reported) == 4


def test_on_error_fail_stops_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write_jsonl(tmp_path / "in.jsonl", _records(2), BAD_LINES[:1])
    assert main(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out"), "--on-error", "fail"]) == 2
    assert "in.jsonl:3: not JSON" in capsys.readouterr().err
    assert list((tmp_path / "out").iterdir()) == []


def test_a_text_file_that_is_not_utf8_goes_through_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "latin1.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    (tmp_path / "in" / "good.txt").write_text(DIRTY, encoding="utf-8")
    assert main(["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--workers", "1"]) == 0
    assert (tmp_path / "out" / "latin1.txt").read_bytes() == "caf\xe9 cr\xe8me".encode("latin-1")
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == ARTICLE + "\n"
    assert "latin1.txt:1: not UTF-8 (invalid continuation byte at byte 3)" in capsys.readouterr().err


def test_an_interrupted_run_leaves_no_partial_output_and_can_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.jsonl", "b.jsonl"):
        _write_jsonl(tmp_path / name, _records(cli.CHUNK_ITEMS + 1))
    real = cli.clean_chunk
    calls = []

    def interrupted(config: cleancorp.CleanConfig, job: cli.Job, items: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:  # b.jsonl's first chunk: a.jsonl is written, b.jsonl half done
            raise KeyboardInterrupt
        return real(config, job, items)

    monkeypatch.setattr(cli, "clean_chunk", interrupted)
    args = [
        "clean",
        str(tmp_path / "a.jsonl"),
        str(tmp_path / "b.jsonl"),
        "-o",
        str(tmp_path / "out"),
        "--workers",
        "1",
    ]
    assert main(args) == 130
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.jsonl"]  # whole, and no temporary file
    assert len(_read_jsonl(tmp_path / "out" / "a.jsonl")) == cli.CHUNK_ITEMS + 1
    assert "run the same command with --skip-existing" in capsys.readouterr().err
    monkeypatch.setattr(cli, "clean_chunk", real)
    before = (tmp_path / "out" / "a.jsonl").stat().st_mtime_ns
    assert main([*args, "--skip-existing"]) == 0
    assert (tmp_path / "out" / "a.jsonl").stat().st_mtime_ns == before
    assert len(_read_jsonl(tmp_path / "out" / "b.jsonl")) == cli.CHUNK_ITEMS + 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["clean", "{a}", "-o", "{a}"], "is also an input"),
        (["clean", "{a}", "-o", "{tmp}/x.txt"], "a text file holds one document"),
        (["clean", "{a}", "-o", "{tmp}/out", "--format", "txt"], "cannot be written as text files"),
        (["clean", "{a}", "-o", "{tmp}/out", "--keep", "nonsense"], "unknown categories ['nonsense']"),
        (["clean", "{a}", "-o", "-", "--format", "parquet"], "--format must be jsonl"),
        (["clean", "{a}"], "required: -o/--output"),
        (["clean", "{a}", "-o", "{tmp}/out.json"], "cleancorp does not write .json files"),
    ],
)
def test_bad_usage_exits_2_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    _write_jsonl(tmp_path / "a.jsonl", _records(1))
    filled = [a.format(a=tmp_path / "a.jsonl", tmp=tmp_path) for a in argv]
    assert main(filled) == 2
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]


def test_missing_input_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(tmp_path / "absent.jsonl"), "-o", str(tmp_path / "out")]) == 1
    assert "absent.jsonl: no such file or folder" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2
    assert main([]) == 2


# --- settings -------------------------------------------------------------------------


def test_pyproject_settings_apply_and_options_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.cleancorp]\nkeep-categories = ["ad_marker"]\ntext-field = "body"\n', encoding="utf-8"
    )
    _write_jsonl(tmp_path / "in.jsonl", [{"body": DIRTY}])
    monkeypatch.chdir(tmp_path)
    assert main(["clean", "in.jsonl", "-o", "out.jsonl", "-q"]) == 0
    assert _read_jsonl(tmp_path / "out.jsonl")[0]["body"] == f"{ARTICLE}\n\nAdvertisement"
    assert main(["clean", "in.jsonl", "-o", "out2.jsonl", "-q", "--config", "other.toml"]) == 2
    assert "other.toml: cannot read it" in capsys.readouterr().err
    (tmp_path / "other.toml").write_text("keep-categories = []\nsome-key = 1\n", encoding="utf-8")
    assert main(["clean", "in.jsonl", "-o", "out2.jsonl", "-q", "--config", "other.toml"]) == 2
    assert "unknown key 'some-key'; valid: repair-encoding" in capsys.readouterr().err
    (tmp_path / "other.toml").write_text("[tool.cleancorp]\nkeep-categories = []\n", encoding="utf-8")
    assert main(["clean", "in.jsonl", "-o", "out2.jsonl", "-q", "--config", "other.toml"]) == 0
    assert _read_jsonl(tmp_path / "out2.jsonl")[0]["body"] == ARTICLE


def test_max_chars_leaves_a_long_text_as_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write_jsonl(tmp_path / "in.jsonl", [{"text": DIRTY}, {"text": ARTICLE}])
    limit = str(len(ARTICLE))
    assert (
        main(
            [
                "clean",
                str(tmp_path / "in.jsonl"),
                "-o",
                str(tmp_path / "out.jsonl"),
                "-q",
                "--max-chars",
                limit,
            ]
        )
        == 0
    )
    records = _read_jsonl(tmp_path / "out.jsonl")
    assert [r["text"] for r in records] == [
        DIRTY.replace("\n", "\n\n"),
        ARTICLE,
    ]  # its paragraphs, as they are
    assert (
        main(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "bad.jsonl"), "--max-chars", "0"])
        == 2
    )
    assert "max_chars must be a whole number > 0" in capsys.readouterr().err


# --- explain and learn ----------------------------------------------------------------


def test_explain_shows_each_change_with_its_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text("Advertisement\nThe mayor «opened» the bridge.", encoding="utf-8")
    assert main(["explain", str(tmp_path / "a.txt")]) == 0
    out = capsys.readouterr().out
    assert "- Advertisement\n    removed: ad_marker [ad-marker]" in out
    assert "~ The mayor [-«-]{+“+}opened[-»-]{+”+} the bridge." in out
    assert "\033[" not in out  # not a terminal: no colour
    assert main(["explain", str(tmp_path / "a.txt"), "--color", "always"]) == 0
    assert "\033[31m- Advertisement\033[0m" in capsys.readouterr().out


def test_explain_a_record_of_a_jsonl_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write_jsonl(tmp_path / "in.jsonl", _records(3))
    assert main(["explain", str(tmp_path / "in.jsonl"), "--line", "2"]) == 0
    assert "~" not in (out := capsys.readouterr().out)
    assert "Story 1:" in out
    assert main(["explain", str(tmp_path / "in.jsonl"), "--line", "9"]) == 1
    assert "there is no record 9" in capsys.readouterr().err


def test_learn_then_clean_with_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    towns = ("Leeds", "Hull", "York", "Bath")
    masthead = "Acme Gazette, your town's voice"
    records = [{"text": f"{masthead}\nThe mayor of {town} opened a bridge."} for town in towns]
    _write_jsonl(tmp_path / "in.jsonl", records)
    assert (
        main(
            ["learn", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "table.json"), "--min-documents", "3"]
        )
        == 0
    )
    assert "1 lines in at least 3 of 4 documents" in capsys.readouterr().err
    table = cleancorp.RepeatedLines.from_json((tmp_path / "table.json").read_text(encoding="utf-8"))
    assert table.count("Acme Gazette, your town's voice") == 4
    code = main(
        [
            "clean",
            str(tmp_path / "in.jsonl"),
            "-o",
            str(tmp_path / "o.jsonl"),
            "-q",
            "--repeated",
            str(tmp_path / "table.json"),
        ]
    )
    assert code == 0
    first = _read_jsonl(tmp_path / "o.jsonl")[0]
    assert first["text"] == "The mayor of Leeds opened a bridge."
    assert first["metadata"]["cleancorp"]["removed"] == {"repeated_line": 1}


# --- check and fix --------------------------------------------------------------------

CASES = [
    # (file name, content, cleaned content or None when it is clean already)
    ("dirty.txt", DIRTY + "\n", ARTICLE + "\n"),
    ("clean.txt", ARTICLE + "\n", None),
    ("notes.md", f"# Notes\n\n{ARTICLE}\n\nShare this article\n", f"# Notes\n\n{ARTICLE}\n"),
    (
        "data.jsonl",
        '{"id": 1, "text": "Share this article\\nThe mayor opened it."}\n{"x": 1}\nnot json\n',
        '{"id": 1, "text": "The mayor opened it."}\n{"x": 1}\nnot json\n',
    ),
    ("same.jsonl", '{"text":  "The mayor opened it."}\n', None),  # clean: kept byte for byte
]


@pytest.mark.parametrize(("name", "content", "cleaned"), CASES)
def test_fixed_content(tmp_path: Path, name: str, content: str, cleaned: str | None) -> None:
    path = tmp_path / name
    data = content.encode("utf-8")
    expected = data if cleaned is None else cleaned.encode("utf-8")
    assert cli.fixed_content(path, data, cleancorp.CleanConfig(), "text") == expected


@pytest.mark.parametrize(("name", "content", "cleaned"), CASES)
def test_check_then_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, cleaned: str | None
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    changes = cleaned is not None
    assert main(["check", str(path)]) == int(changes)
    assert (f"{path}: cleaning would change it" in capsys.readouterr().out) is changes
    assert path.read_text(encoding="utf-8") == content  # check never writes
    assert main(["fix", str(path)]) == int(changes)
    assert (f"Fixing {path}" in capsys.readouterr().out) is changes
    assert path.read_text(encoding="utf-8") == (cleaned if changes else content)
    assert main(["fix", str(path)]) == 0  # a second run finds nothing
    assert main(["check", str(path)]) == 0


def test_fix_leaves_binary_and_other_files_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"Share this article\n\0\x01\x02")
    latin1 = tmp_path / "old.txt"
    latin1.write_bytes("Share this article\ncaf\xe9".encode("latin-1"))
    other = tmp_path / "data.csv"
    other.write_text("Share this article\n", encoding="utf-8")
    assert main(["fix", str(binary), str(latin1), str(other)]) == 0
    err = capsys.readouterr().err
    assert "blob.txt: skipped (binary or not UTF-8)" in err
    assert "old.txt: skipped (binary or not UTF-8)" in err
    assert "data.csv: skipped" in err
    assert binary.read_bytes() == b"Share this article\n\0\x01\x02"


def test_fix_refuses_a_file_that_changed_while_it_was_cleaned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(DIRTY, encoding="utf-8")
    real = cli.fixed_content

    def edited_meanwhile(*args: Any) -> Any:
        result = real(*args)
        path.write_text(DIRTY + "\nA sentence the user just added to the file.", encoding="utf-8")
        return result

    monkeypatch.setattr(cli, "fixed_content", edited_meanwhile)
    assert main(["fix", str(path)]) == 1
    assert "changed while it was being cleaned; left alone" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8").endswith("A sentence the user just added to the file.")
