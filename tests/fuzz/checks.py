"""What the fuzzer checks, as plain functions: replayable with or without atheris.

An input is a byte string. Its first three bytes choose the target, an option
and how the rest becomes text (:func:`decode_case`); the rest is the payload.
The layout is ours rather than that of atheris's ``FuzzedDataProvider``, whose
byte-to-value mapping is a C implementation detail: this way a saved crash case
gives the same input on a machine without atheris and under any atheris version.

Targets and what must hold for every input:

- ``clean``: :func:`cleancorp.clean` never raises for any ``str`` (lone
  surrogates and control characters included); its text is NFC without
  control or surrogate characters; replaying the audit on the input gives the
  text; cleaning the text again changes nothing and records nothing.
- ``html``: :func:`cleancorp.clean_html` never raises for any ``str`` or
  ``bytes``; its text is ``clean()`` of ``extract_text()`` of the page, and its
  audit replays on that extracted text.
- ``jsonl``, ``jsonl.gz``, ``jsonl.zst``, ``txt``: the corpus reader either
  yields items or raises :class:`cleancorp.corpus.CorpusError`, never another
  exception; a readable record cleans into one JSON line that holds the clean
  text (the CLI's ``clean_chunk``).
- ``fix.jsonl``, ``fix.txt``: ``check``/``fix`` (``fixed_content``) never
  raise, keep a UTF-8 file UTF-8, and a fixed file needs no more fixing: each
  record that the corpus reader finds in it holds clean text.
- ``table``: a repeated-lines table is read or refused with ``ValueError``,
  and a table read round-trips through its JSON.
"""

from __future__ import annotations

import atexit
import gzip
import json
import shutil
import tempfile
import traceback
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cleancorp
from cleancorp import (
    CleanConfig,
    apply_edits,
    clean,
    clean_html,
    extract_text,
    join_paragraphs,
    split_paragraphs,
)
from cleancorp.cli import Job, clean_chunk, fixed_content
from cleancorp.corpus import CorpusError, find_sources, read_items
from cleancorp.repeated import RepeatedLines

CONFIGS = (CleanConfig(), CleanConfig(language="en"), CleanConfig(paragraph_languages=True))
"""The configs a case is cleaned with: the default, a given language, per-paragraph languages."""

TARGETS = ("clean", "html", "jsonl", "jsonl.gz", "jsonl.zst", "txt", "table", "fix.jsonl", "fix.txt")
ENCODINGS = (
    "utf-8",
    "utf-8-surrogateescape",
    "utf-16",
    "utf-16-no-surrogates",
    "code-points",
    "code-points-no-surrogates",
    "latin-1",
    "mojibake",
)
"""How the payload becomes text: ``utf-16`` and ``code-points`` (four bytes a
code point) reach every code point, lone surrogates included, like atheris's
``ConsumeUnicode``; their ``-no-surrogates`` forms are its
``ConsumeUnicodeNoSurrogates``; ``mojibake`` is UTF-8 read as cp1252."""
HEADER = 3
"""Bytes of a case before its payload: target, option, encoding."""


@dataclass(frozen=True)
class Case:
    """One decoded fuzz input."""

    target: str
    option: int
    encoding: str
    payload: bytes

    @property
    def text(self) -> str:
        """The payload as text, decoded as :attr:`encoding` says."""
        return decode_text(self.payload, self.encoding)

    @property
    def config(self) -> CleanConfig:
        return CONFIGS[self.option % len(CONFIGS)]


def decode_case(data: bytes) -> Case:
    """The case that a fuzz input stands for (short inputs are padded with zeros).

    >>> decode_case(b"\\x00\\x01\\x00caf\\xc3\\xa9").text
    'café'
    """
    head = data[:HEADER].ljust(HEADER, b"\0")
    return Case(TARGETS[head[0] % len(TARGETS)], head[1], ENCODINGS[head[2] % len(ENCODINGS)], data[HEADER:])


def encode_case(target: str, option: int, encoding: str, payload: bytes) -> bytes:
    """The input bytes of a case (to write seeds).

    >>> decode_case(encode_case("txt", 2, "latin-1", b"abc")).target
    'txt'
    """
    return bytes([TARGETS.index(target), option, ENCODINGS.index(encoding)]) + payload


def _no_surrogates(text: str) -> str:
    return "".join("\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char for char in text)


def decode_text(payload: bytes, encoding: str) -> str:
    """The payload as a ``str`` (every byte string gives one).

    >>> decode_text(b"\\x00\\xd8a\\x00", "utf-16"), decode_text(b"\\x00\\xd8a\\x00", "utf-16-no-surrogates")
    ('\\ud800a', '\\ufffda')
    """
    if encoding == "utf-8":
        return payload.decode("utf-8", "replace")
    if encoding == "utf-8-surrogateescape":
        return payload.decode("utf-8", "surrogateescape")
    if encoding.startswith("utf-16"):
        text = payload[: len(payload) // 2 * 2].decode("utf-16-le", "surrogatepass")
    elif encoding.startswith("code-points"):
        text = "".join(
            chr(int.from_bytes(payload[i : i + 4], "little") % 0x110000)
            for i in range(0, len(payload) - 3, 4)
        )
    elif encoding == "latin-1":
        return payload.decode("latin-1")
    else:
        return payload.decode("utf-8", "replace").encode("utf-8").decode("cp1252", "replace")
    return _no_surrogates(text) if encoding.endswith("no-surrogates") else text


def check_clean(text: str, config: CleanConfig | None = None) -> cleancorp.CleanResult:
    """``clean()`` accepts the text, its output is canonical, replays and is stable."""
    result = clean(text, config)
    assert isinstance(result.text, str)
    limit = getattr(config or CleanConfig(), "max_chars", None)
    if limit is not None and len(text) > limit:  # documented: left as it is, with a note
        assert result.text == join_paragraphs(split_paragraphs(text))
        return result
    assert unicodedata.is_normalized("NFC", result.text), "output is not NFC"
    bad = [c for c in result.text if c != "\n" and unicodedata.category(c) in ("Cc", "Cs")]
    assert not bad, f"control or surrogate characters in the output: {bad[:5]!r}"
    assert apply_edits(text, result.edits) == result.text, "replaying the audit differs"
    twice = clean(result.text, config)
    assert twice.text == result.text, "a second clean() changed the text"
    assert twice.edits == (), f"a second clean() recorded edits: {twice.edits[:3]!r}"
    return result


def check_html(page: str | bytes, config: CleanConfig | None = None) -> None:
    """``clean_html()`` accepts the page, and it is ``clean()`` of the extracted text."""
    extracted = extract_text(page)
    assert isinstance(extracted, str)
    result = clean_html(page, config)
    assert result == clean(extracted, config)
    assert apply_edits(extracted, result.edits) == result.text
    check_clean(extracted, config)


@lru_cache(maxsize=1)
def _workdir() -> Path:
    # one folder for the life of the process; its files are overwritten case after case
    folder = tempfile.mkdtemp(prefix="cleancorp-fuzz-")
    atexit.register(shutil.rmtree, folder, True)
    return Path(folder)


def _records_as_jsonl(text: str, ensure_ascii: bool) -> bytes:
    """Each line of the text as a record ``{"id": n, "text": line}`` (well-formed JSONL)."""
    lines = [
        json.dumps({"id": number, "text": line, "metadata": {"n": number}}, ensure_ascii=ensure_ascii)
        for number, line in enumerate(text.split("\n\n"))
    ]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def check_corpus_file(data: bytes, suffix: str, config: CleanConfig | None = None) -> None:
    """Read a file of these bytes as the CLI does, clean its records, check and fix it."""
    config = config or CleanConfig()
    path = _workdir() / f"case.{suffix}"
    path.write_bytes(data)
    (source,) = find_sources([path])
    try:
        items = list(read_items(source))
    except CorpusError:
        items = []  # a damaged compressed stream: documented, reported by the CLI
    outputs, tally = clean_chunk(config, Job("text", False, "jsonl"), items)
    assert len(outputs) == len(items)
    for item, output in zip(items, outputs, strict=True):
        assert isinstance(output, bytes)
        assert output.endswith(b"\n")
        if item.record is None or item.error is not None:
            assert item.raw is not None
            continue
        record = json.loads(output.decode("utf-8"))  # a record read from UTF-8 is written as UTF-8
        assert record["text"] == clean(item.record["text"], config).text
        assert "cleancorp" in record["metadata"] or "cleancorp" in record
    assert tally.documents == sum(1 for item in items if item.record is not None and item.error is None)


def check_fix_then_check(data: bytes, suffix: str, config: CleanConfig | None = None) -> None:
    """``fix`` keeps a UTF-8 file UTF-8, and ``check`` passes on what ``fix`` wrote."""
    config = config or CleanConfig()
    path = Path(f"case.{suffix}")  # fixed_content() reads only the suffix of the name
    fixed = fixed_content(path, data, config, "text")
    if fixed is None:
        return
    fixed.decode("utf-8")  # a file that was UTF-8 is still UTF-8
    assert fixed_content(path, fixed, config, "text") == fixed, "fix, then check, still finds changes"
    if suffix == "jsonl":  # every record that the corpus reader finds in the fixed file is clean
        for line in fixed.split(b"\n"):
            try:
                record = json.loads(line.decode("utf-8"))
            except (ValueError, RecursionError):
                continue
            if isinstance(record, dict) and isinstance(record.get("text"), str):
                assert clean(record["text"], config).text == record["text"], "fix left a record unclean"


def check_table(text: str) -> None:
    """A repeated-lines table is read, or refused with ``ValueError``."""
    try:
        table = RepeatedLines.from_json(text)
    except ValueError:
        return
    assert RepeatedLines.from_json(table.to_json()) == table


def _payload_file(case: Case, suffix: str) -> bytes:
    """A file of this kind: the raw payload (odd options) or records made of its text."""
    if case.option % 2:
        return case.payload
    body = _records_as_jsonl(case.text, ensure_ascii=case.option % 4 == 0)
    if suffix == "jsonl.gz":
        return gzip.compress(body, mtime=0)
    if suffix == "jsonl.zst":
        try:
            import zstandard
        except ImportError:  # the reader then says what to install: a CorpusError, checked as well
            return body
        return bytes(zstandard.ZstdCompressor().compress(body))
    if suffix == "txt":
        return case.text.encode("utf-8", "surrogatepass")
    return body


def _run_clean(case: Case) -> None:
    check_clean(case.text, case.config)


def _run_html(case: Case) -> None:
    check_html(case.payload if case.option % 2 else case.text, case.config)


def _run_corpus(case: Case) -> None:
    check_corpus_file(_payload_file(case, case.target), case.target, case.config)


def _run_fix(case: Case) -> None:
    suffix = case.target.removeprefix("fix.")
    check_fix_then_check(_payload_file(case, suffix), suffix, case.config)


def _run_table(case: Case) -> None:
    check_table(case.text)


RUNNERS: dict[str, Callable[[Case], None]] = {
    "clean": _run_clean,
    "html": _run_html,
    "jsonl": _run_corpus,
    "jsonl.gz": _run_corpus,
    "jsonl.zst": _run_corpus,
    "txt": _run_corpus,
    "table": _run_table,
    "fix.jsonl": _run_fix,
    "fix.txt": _run_fix,
}


def check_input(data: bytes) -> None:
    """Everything the fuzzer checks for one input; raises on a finding."""
    case = decode_case(data)
    RUNNERS[case.target](case)


def finding_id(error: BaseException) -> str:
    """A finding's name: the exception type and the innermost project function it came from.

    Two inputs with the same name are taken for the same bug; the long run can
    be told to go on past findings already reported (``bench/run_fuzz.py --known``).
    """
    place = "?"
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename)
        if "cleancorp" in path.parts or path.parent.name == "fuzz":
            place = f"{path.parent.name}/{path.name}:{frame.name}"
    kind = type(error)
    name = f"{kind.__module__}.{kind.__qualname__} in {place}".removeprefix("builtins.")
    if isinstance(error, AssertionError) and error.args:
        name += f" ({str(error.args[0]).partition(':')[0]})"  # which check, without the data
    return name
