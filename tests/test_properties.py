"""Properties of clean() that hold for every input.

Run longer with ``pytest tests/test_properties.py --hypothesis-profile=long``.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import (
    any_text,
    clean_document,
    corpus_record,
    document,
    html_page,
    jsonl_file,
    mojibake_text,
    quoted_document,
)

import cleancorp
import cleancorp.encoding
import cleancorp.normalize
from cleancorp import apply_edits, clean, split_paragraphs

FORBIDDEN = {"\u200b", "\u2060", "\ufeff", "\u00ad"}


def check_canonical(text: str) -> None:
    assert unicodedata.is_normalized("NFC", text)
    assert text == text.strip()
    for paragraph in text.split("\n\n") if text else []:
        assert paragraph, "empty paragraph or more than one blank line"
        assert paragraph == paragraph.strip()
        assert "  " not in paragraph
        for index, char in enumerate(paragraph):
            assert char not in FORBIDDEN, f"invisible {char!r}"
            assert unicodedata.category(char) not in ("Cc", "Cs"), f"control {char!r}"
            assert char not in "\u2028\u2029\u00a0\u202f"
            if char in "\u200c\u200d":
                assert 0 < index < len(paragraph) - 1, "a joiner at the edge of a paragraph"
                before, after = paragraph[index - 1], paragraph[index + 1]
                assert not before.isascii() and not before.isspace()
                assert not after.isascii() and not after.isspace()


def check_paragraph_provenance(raw: str, result: cleancorp.CleanResult) -> None:
    """Each output paragraph is an input paragraph changed only by its own edits."""
    paragraphs = list(split_paragraphs(raw))
    touched = {e.paragraph for e in result.edits}
    dropped = {e.paragraph for e in result.edits if e.action == "drop"}
    output = result.text.split("\n\n") if result.text else []
    kept = [i for i in range(len(paragraphs)) if i not in dropped]
    assert len(output) == len(kept)
    for index, text in zip(kept, output, strict=True):
        if index not in touched:
            assert text == paragraphs[index]


@given(document())
@example("")
@example("\ud800 lone surrogate \udfff")
@example("a&#10;b&#x2028;c")
@example("\u200b\u200c\u200d")
def test_any_document(raw: str) -> None:
    result = clean(raw)
    check_canonical(result.text)
    assert apply_edits(raw, result.edits) == result.text
    check_paragraph_provenance(raw, result)
    assert result.language == "und" or len(result.language) == 2


@given(any_text)
def test_any_str_is_accepted(raw: str) -> None:
    result = clean(raw)
    check_canonical(result.text)
    assert apply_edits(raw, result.edits) == result.text


@given(mojibake_text)
def test_generated_mojibake_is_accepted(raw: str) -> None:
    result = clean(raw)
    check_canonical(result.text)
    assert apply_edits(raw, result.edits) == result.text


@given(document())
@example(
    "The the the the the the the the the. »\n| 21 February 2024, Wednesday |\n"
    "The the the the the the the the the the.\n"
)
@example("Home » World » “Europe.»")  # a breadcrumb once its guillemet is repaired
@example("«»Â p>o")  # mojibake that ftfy reads only next to the repaired quote
def test_cleaning_twice_changes_nothing(raw: str) -> None:
    once = clean(raw)
    twice = clean(once.text)
    assert twice.text == once.text
    assert twice.edits == ()


@given(clean_document)
def test_clean_text_passes_through_unchanged(raw: str) -> None:
    result = clean(raw)
    assert result.text == raw
    assert result.edits == ()


ENGLISH = cleancorp.CleanConfig(language="en")


@given(quoted_document())
@example("The minister said « we heard « no » from them » on Monday.")
@example("“We must prepare for bad news. “ The war is long,” he said.")
def test_quote_repairs_are_stable_and_replay(raw: str) -> None:
    once = clean(raw, ENGLISH)
    check_canonical(once.text)
    assert apply_edits(raw, once.edits) == once.text
    twice = clean(once.text, ENGLISH)
    assert twice.text == once.text
    assert twice.edits == ()


@given(quoted_document())
def test_quirk_repairs_change_only_their_spans(text: str) -> None:
    """Undoing each repair, last first, gives back the paragraph; a second pass repairs nothing."""
    from cleancorp.quirks import repair_paragraph_quirks, rules_for

    rules = cleancorp.CleanConfig().rules
    quote_rules, false_friends = rules_for(rules, "en")
    for paragraph in split_paragraphs(text):
        edits: list[cleancorp.Edit] = []
        repaired = repair_paragraph_quirks(0, paragraph, edits, quote_rules, false_friends, "fr")
        undone = repaired
        for edit in reversed(edits):
            assert undone[edit.start : edit.start + len(edit.after)] == edit.after
            undone = undone[: edit.start] + edit.before + undone[edit.start + len(edit.after) :]
        assert undone == paragraph
        again: list[cleancorp.Edit] = []
        assert repair_paragraph_quirks(0, repaired, again, quote_rules, false_friends, "fr") == repaired
        assert again == []


# The fast paths of clean() must give what the full work gives.


@given(st.one_of(any_text, mojibake_text, document()))
@example("a Ã© b")
@example("x Ã\u00a0y")
@example("“café” Ã‰")
def test_badness_search_agrees_with_ftfy(raw: str) -> None:
    from ftfy.badness import is_bad

    from cleancorp.encoding import _is_bad

    for text in (raw, f"a {raw}", f"{raw} z", raw[1:]):
        assert _is_bad(text) == is_bad(text)


@given(st.one_of(any_text, mojibake_text, document()))
def test_skipped_encoding_and_normalisation_change_nothing(raw: str) -> None:
    from cleancorp.encoding import may_need_repair
    from cleancorp.normalize import is_normal

    edits: list[cleancorp.Edit] = []
    for index, paragraph in enumerate(split_paragraphs(raw)):
        if not may_need_repair(raw):
            assert cleancorp.encoding.repair_paragraph_encoding(index, paragraph, edits) == paragraph
        if is_normal(paragraph):
            assert cleancorp.normalize.normalize_paragraph(index, paragraph, edits) == paragraph
    assert edits == [] or may_need_repair(raw) or not all(map(is_normal, split_paragraphs(raw)))


@given(st.one_of(quoted_document(), document(), any_text))
def test_quirk_triggers_skip_only_rules_that_find_nothing(raw: str) -> None:
    from cleancorp.quirks import QUOTE_FINDERS, QUOTE_TRIGGERS

    for paragraph in split_paragraphs(raw):
        for rule_id, trigger in QUOTE_TRIGGERS.items():
            if not trigger(paragraph):
                assert QUOTE_FINDERS[rule_id](paragraph) == []


# HTML input: clean_html() is clean() of what trafilatura extracts.

SLOW = settings(max_examples=max(settings().max_examples // 3, 1))
"""For properties whose examples take milliseconds each (an HTML extraction, a
command run on files): a third of the profile's examples."""


@SLOW
@given(st.one_of(html_page(), any_text))
@example("<p>a</p>" * 3)
@example("<html><body><p>\ud800 \x00 &#0; &#xD800; &#x110000;</p></body></html>")
@example("<p>" * 300)
@example("<?xml version='1.0' encoding='bogus'?><p>text</p>")
def test_clean_html_is_clean_of_the_extracted_text(page: str) -> None:
    from cleancorp import clean_html, extract_text

    extracted = extract_text(page)
    result = clean_html(page)
    assert result == clean(extracted)
    assert apply_edits(extracted, result.edits) == result.text
    check_canonical(result.text)
    assert extract_text(page) == extracted, "extraction must not depend on what came before"


@SLOW
@given(html_page())
def test_clean_html_accepts_the_page_as_bytes(page: str) -> None:
    from cleancorp import clean_html

    result = clean_html(page.encode("utf-8", "surrogatepass"))
    check_canonical(result.text)


# Corpus files: a record or a documented error for every line, never a crash.


@contextlib.contextmanager
def _folder() -> Iterator[Path]:
    """A temporary folder that is also the working directory (no project settings apply)."""
    with tempfile.TemporaryDirectory() as name:
        before = os.getcwd()
        os.chdir(name)
        try:
            yield Path(name)
        finally:
            os.chdir(before)


def _read(path: Path) -> list[cleancorp.corpus.Item]:
    from cleancorp.corpus import find_sources, read_items

    (source,) = find_sources([path])
    return list(read_items(source))


@given(jsonl_file())
def test_any_jsonl_file_gives_one_item_per_line(data: bytes) -> None:
    with _folder() as folder:
        path = folder / "shard.jsonl"
        path.write_bytes(data)
        items = _read(path)
    lines = _lines(data)
    assert [item.raw for item in items] == lines
    assert [item.line for item in items] == list(range(1, len(lines) + 1))
    for item in items:
        assert item.raw is not None
        if item.record is None:
            assert item.error is not None or not item.raw.strip()
        else:
            assert isinstance(item.record, dict)
            assert item.error is None or "text" in item.error
    if items:
        assert items[-1].position == len(data)


@given(st.binary(max_size=200), st.sampled_from(["a.jsonl", "a.jsonl.gz", "a.jsonl.zst", "a.txt"]))
@example(gzip.compress(b'{"text": "a"}\n')[:-3], "a.jsonl.gz")
@example(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 20, "a.jsonl.gz")
@example(b"\x28\xb5\x2f\xfd" + b"\x00" * 20, "a.jsonl.zst")
def test_any_bytes_are_items_or_a_corpus_error(data: bytes, name: str) -> None:
    from cleancorp.corpus import CorpusError

    with _folder() as folder:
        path = folder / name
        path.write_bytes(data)
        try:
            items = _read(path)
        except CorpusError as error:
            assert str(path) in str(error)
            return
    for item in items:
        assert item.record is not None or item.error is not None or not (item.raw or b"").strip()


@given(st.lists(corpus_record(), max_size=4), st.booleans(), st.sampled_from(["jsonl", "jsonl.gz"]))
def test_records_written_then_read_are_the_same(
    records: list[dict[str, object]], ensure_ascii: bool, suffix: str
) -> None:
    lines = b"".join(
        (json.dumps(r, ensure_ascii=ensure_ascii) + "\n").encode("utf-8", "backslashreplace") for r in records
    )
    with _folder() as folder:
        path = folder / f"shard.{suffix}"
        path.write_bytes(gzip.compress(lines, mtime=0) if suffix.endswith("gz") else lines)
        items = _read(path)
    assert [item.record for item in items] == records
    assert all(item.error is None for item in items)


# The command line, in process: an exit code of the documented set, never a traceback.


def _main(*argv: str) -> tuple[int, str, str]:
    from cleancorp.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


@SLOW
@given(jsonl_file())
@example(b'{"text": "a  b", "title": "\\ud800"}\n')
def test_cli_clean_jsonl_writes_utf8_records(data: bytes) -> None:
    with _folder() as folder:
        (folder / "in.jsonl").write_bytes(data)
        code, _, err = _main(
            "clean", "in.jsonl", "-o", "out.jsonl", "--workers", "1", "--rejects", "bad.jsonl"
        )
        assert code == 0, err
        written = (folder / "out.jsonl").read_bytes()
        rejects = (folder / "bad.jsonl").read_bytes()
    lines = _lines(data)
    assert len(_lines(written)) == len(lines)
    for line, output in zip(lines, _lines(written), strict=True):
        try:
            record = json.loads(line.decode("utf-8"))
        except (ValueError, RecursionError):
            record = None
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            cleaned = json.loads(output.decode("utf-8"))  # a record read as UTF-8 is written as UTF-8
            assert cleaned["text"] == clean(record["text"]).text
        else:
            assert output in (line, line + b"\n")  # passed through as it was
    for reject in rejects.decode("utf-8").splitlines():
        assert json.loads(reject)["error"]


@SLOW
@given(st.one_of(document(), any_text, mojibake_text), st.sampled_from(["doc.txt", "doc.md"]))
def test_cli_clean_and_explain_a_text_file(text: str, name: str) -> None:
    with _folder() as folder:
        (folder / name).write_bytes(text.encode("utf-8", "surrogatepass"))
        code, _, err = _main("clean", name, "-o", "out", "--workers", "1", "-q")
        assert code == 0, err
        code, out, err = _main("explain", name, "--color", "never")
        assert code in (0, 1), err
        assert out.startswith(f"{name} (") if code == 0 else "not UTF-8" in err


@SLOW
@given(
    st.one_of(
        jsonl_file(),
        st.lists(corpus_record(), max_size=4).map(
            lambda rs: "".join(json.dumps(r) + "\n" for r in rs).encode()
        ),
    )
)
@example(b'{"text": "a  b", "title": "\\ud800"}\n')
@example(b'{"text": "a  b"}\n' + b"[" * 3000 + b"\n")
def test_cli_fix_then_check_passes_jsonl(data: bytes) -> None:
    with _folder() as folder:
        (folder / "data.jsonl").write_bytes(data)
        code, _, err = _main("fix", "data.jsonl")
        assert code in (0, 1), err
        skipped = "skipped (binary or not UTF-8)" in err
        fixed = (folder / "data.jsonl").read_bytes()
        assert (code == 0) == (fixed == data)
        code, out, err = _main("check", "data.jsonl")
        assert code == 0, out + err
    if _is_utf8(data):
        fixed.decode("utf-8")  # fix keeps a UTF-8 file UTF-8
    if skipped:
        return
    for line in _lines(fixed):  # what the corpus reader finds in the fixed file is clean
        try:
            record = json.loads(line.decode("utf-8"))
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            assert clean(record["text"]).text == record["text"]


@SLOW
@given(st.one_of(document(), any_text, mojibake_text))
def test_cli_fix_then_check_passes_text(text: str) -> None:
    with _folder() as folder:
        (folder / "notes.txt").write_bytes(text.encode("utf-8", "surrogatepass"))
        code, _, err = _main("fix", "notes.txt")
        assert code in (0, 1), err
        code, out, err = _main("check", "notes.txt")
        assert code == 0, out + err


def _lines(data: bytes) -> list[bytes]:
    """The lines of a file as the corpus reader reads them: each ends at b"\\n" (and keeps it)."""
    *ended, last = data.split(b"\n")
    return [line + b"\n" for line in ended] + ([last] if last else [])


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
