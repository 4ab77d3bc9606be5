"""The ``cleancorp`` command: corpora in, clean corpora out, nothing lost.

Commands (``cleancorp COMMAND --help`` for each):

- ``clean INPUT... -o OUTPUT``: text files, folders of them, JSONL shards
  (``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst``) or Parquet files; the text of each
  record is cleaned and the result summarised under ``metadata.cleancorp``.
- ``explain FILE``: what cleaning does to one document, as a diff with the rule of each change.
- ``learn INPUT... -o table.json``: the repeated-line table (``clean --repeated table.json``).
- ``check FILE...`` / ``fix FILE...``: for data files kept in git (and the pre-commit hooks).

Exit codes: 0 done; 1 ``check``/``fix`` found files to change (or left a file
alone: changed meanwhile, locked), or an input could not be read or an output
written (the other inputs are still done, but not after a full disk); 2 bad
usage, or a bad record with ``--on-error fail``; 130 interrupted; 141 the reader
of standard output went away (``-o - | head``).

No output is ever left in part at its name: it is written to a temporary file
beside it and renamed into place when complete. An output whose input could not
be read in full is not kept, and a failure to write (``cannot write out/a.jsonl:
No space left on device``) removes the temporary file.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import difflib
import errno
import json
import os
import stat
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from cleancorp import __version__
from cleancorp.config import CleanConfig
from cleancorp.corpus import (
    CAN_LOCK,
    FORMATS,
    AtomicFile,
    CorpusError,
    Item,
    LockedError,
    OutputError,
    Source,
    find_sources,
    locked,
    parquet_schema,
    read_items,
    remove_stale_temporaries,
    split_suffix,
    write_atomic,
)
from cleancorp.paragraphs import split_paragraphs
from cleancorp.pipeline import clean
from cleancorp.records import Tally, clean_record
from cleancorp.repeated import learn_repeated_lines
from cleancorp.result import CleanResult, Edit
from cleancorp.rules import RuleFileError
from cleancorp.settings import (
    SettingsError,
    find_project_settings,
    load_repeated_lines,
    make_config,
    read_settings,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_PIPE_CLOSED = 0, 1, 2, 130, 141
CHUNK_ITEMS = 64
"""Records sent to a worker at a time."""
CHUNK_BYTES = 4 << 20
MAX_REPORTED = 20
"""Bad records reported one by one on stderr; the rest are counted."""
PROGRESS_EVERY = 0.25
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})
"""Write errors that every later output would meet too: the run stops at the first."""
NOT_CORPUS_SUFFIXES = frozenset({".json", ".csv", ".tsv", ".gz", ".zst", ".zstd", ".xml", ".html", ".arrow"})


class UsageError(Exception):
    """Bad usage: reported and exit code 2, before anything is written."""


class PipeClosedError(Exception):
    """Standard output was closed by its reader."""


class StopRunError(Exception):
    """A bad record with ``--on-error fail``."""


# --- options ------------------------------------------------------------------


def _add_config_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("cleaning options (also read from [tool.cleancorp] in pyproject.toml)")
    group.add_argument("--config", type=Path, metavar="FILE", help="a TOML file of settings")
    group.add_argument(
        "--text-field", metavar="NAME", help="the field of a record that holds the text (text)"
    )
    group.add_argument("--language", metavar="CODE", help="the language of the text, when known")
    group.add_argument("--source-language", metavar="CODE", help="the language the text was translated from")
    group.add_argument("--keep", action="append", metavar="CATEGORY", help="a category to leave alone")
    group.add_argument("--disable", action="append", metavar="RULE", help="a rule id to switch off")
    group.add_argument("--enable", action="append", metavar="RULE", help="an opt-in rule to switch on")
    group.add_argument("--rules", action="append", metavar="TOML", help="an extra rule file")
    group.add_argument("--repeated", type=Path, metavar="TABLE", help="a table from `cleancorp learn`")
    group.add_argument("--repeated-min-documents", type=int, metavar="N", help="its threshold (3)")
    group.add_argument(
        "--language-backend", metavar="NAME", help="langdetect (default), py3langid, fasttext, ..."
    )
    group.add_argument("--min-language-confidence", type=float, metavar="P", help="below it: und")
    group.add_argument(
        "--max-chars", type=int, metavar="N", help="a longer text is left as it is, with a note (10000000)"
    )
    group.add_argument(
        "--paragraph-languages", action="store_true", default=None, help="detect per paragraph"
    )
    for stage in ("encoding", "boilerplate", "quirks", "language"):
        group.add_argument(f"--no-{stage}", action="store_true", help=f"skip the {stage} stage")


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """Settings from the project file, then --config, then the options."""
    settings: dict[str, Any] = {}
    project = find_project_settings(Path.cwd())
    if project is not None:
        settings.update(read_settings(project))
    if args.config is not None:
        settings.update(read_settings(args.config))
    given = {
        "text_field": args.text_field,
        "language": args.language,
        "source_language": args.source_language,
        "keep_categories": args.keep,
        "disabled_rules": args.disable,
        "enabled_rules": args.enable,
        "repeated_min_documents": args.repeated_min_documents,
        "language_backend": args.language_backend,
        "min_language_confidence": args.min_language_confidence,
        "max_chars": args.max_chars,
        "paragraph_languages": args.paragraph_languages,
    }
    settings.update({k: v for k, v in given.items() if v is not None})
    if args.rules:
        settings["rule_files"] = [*settings.get("rule_files", []), *args.rules]
    if args.repeated is not None:
        settings["repeated_lines"] = load_repeated_lines(args.repeated)
    for stage, name in (
        ("encoding", "repair_encoding"),
        ("boilerplate", "remove_boilerplate"),
        ("quirks", "repair_quirks"),
        ("language", "detect_language"),
    ):
        if getattr(args, f"no_{stage}"):
            settings[name] = False
    return settings


def _config(args: argparse.Namespace) -> tuple[CleanConfig, str]:
    settings = _settings(args)
    text_field = settings.get("text_field", "text")
    if not isinstance(text_field, str) or not text_field:
        raise SettingsError(f"text-field must be a field name, not {text_field!r}")
    try:
        return make_config(settings), text_field
    except (ValueError, TypeError) as error:
        raise UsageError(str(error)) from error


# --- clean ----------------------------------------------------------------------


@dataclass
class Output:
    """Where cleaned records go: a file (or stdout) in one format."""

    target: Path | None
    """``None`` for stdout."""
    format: str
    compression: str | None = None
    schema_source: Source | None = None
    """A Parquet input whose schema a Parquet output keeps."""
    audit: bool = False
    """Whether ``metadata.cleancorp`` holds the edits (a Parquet column then)."""
    _file: AtomicFile | None = None
    _parquet: Any = None
    _schema: Any = None
    written: int = 0

    def open(self) -> None:
        if self.target is not None:
            self._file = AtomicFile(self.target, self.compression if self.format == "jsonl" else None)

    def write(self, items: Sequence[Item], outputs: Sequence[Any]) -> None:
        if self.format == "parquet":
            self._write_parquet([row for row in outputs if row is not None])
            return
        data = b"".join(outputs)
        if self._file is None:
            try:
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
            except BrokenPipeError:
                # the reader stopped (`| head`): stop quietly, as shell tools do
                _drop_stdout()
                raise PipeClosedError from None
            except OSError as error:
                _drop_stdout()  # what is left in its buffer would fail again at exit
                raise OutputError("standard output", error) from error
        else:
            self._file.write(data)
        self.written += len(outputs)

    def _write_parquet(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        import pyarrow
        import pyarrow.parquet

        if self._schema is None:
            base = (
                parquet_schema(self.schema_source)
                if self.schema_source is not None
                else pyarrow.Table.from_pylist(rows).schema
            )
            self._schema = _with_result_type(base, self.audit)
            assert self._file is not None and self.target is not None
            try:
                self._parquet = pyarrow.parquet.ParquetWriter(self._file.stream, self._schema)
            except OSError as error:
                raise OutputError(self.target, error) from error
        try:
            table = pyarrow.Table.from_pylist(rows, schema=self._schema)
        except (pyarrow.ArrowException, TypeError, ValueError) as error:
            raise CorpusError(
                f"{self.target}: the records do not share one Parquet schema ({error}); "
                "write JSONL instead (--format jsonl)"
            ) from error
        try:
            self._parquet.write_table(table)
        except OSError as error:
            assert self.target is not None
            raise OutputError(self.target, error) from error
        self.written += len(rows)

    def commit(self) -> None:
        if self._parquet is not None:
            try:
                self._parquet.close()
            except OSError as error:
                assert self.target is not None
                raise OutputError(self.target, error) from error
        if self._file is not None:
            if self.format == "parquet" and self._parquet is None:
                self._file.discard()  # no record at all: nothing to write a schema from
                return
            self._file.commit()

    def discard(self) -> None:
        if self._file is not None:
            self._file.discard()


def _tidy(targets: Iterable[Path]) -> None:
    """Remove what killed runs left beside these outputs (each folder is listed once)."""
    for folder in sorted({target.parent for target in targets}):
        remove_stale_temporaries(folder)


def _drop_stdout() -> None:
    """Point standard output at the null device, so that nothing more is written (or fails) there."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _with_result_type(schema: Any, audit: bool) -> Any:
    """The schema with ``metadata.cleancorp`` (a struct of fixed type) added."""
    import pyarrow as pa

    counts = pa.map_(pa.string(), pa.int64())
    fields = [
        ("language", pa.string()),
        ("language_confidence", pa.float64()),
        ("removed", counts),
        ("repaired", counts),
    ]
    if audit:
        edit = pa.struct(
            [(name, pa.int64() if name in ("paragraph", "start") else pa.string()) for name in EDIT_FIELDS]
        )
        fields.append(("edits", pa.list_(edit)))
    result = pa.struct(fields)
    index = schema.get_field_index("metadata")
    if index < 0:
        return schema.append(pa.field("metadata", pa.struct([("cleancorp", result)])))
    metadata = schema.field(index)
    if not pa.types.is_struct(metadata.type):
        return schema.append(pa.field("cleancorp", result))
    kept = [f for f in metadata.type if f.name != "cleancorp"] + [pa.field("cleancorp", result)]
    return schema.set(index, pa.field("metadata", pa.struct(kept)))


EDIT_FIELDS = tuple(field.name for field in dataclasses.fields(Edit))


@dataclass(frozen=True)
class Job:
    """How to clean and encode a chunk (sent to the worker with it; the config is sent once)."""

    text_field: str
    audit: bool
    format: str


_WORKER_CONFIG: dict[str, CleanConfig] = {}
"""The config of a worker process, set once when it starts: a repeated-lines table
can be large, and is not sent again with every chunk."""


def _start_worker(config: CleanConfig) -> None:
    _WORKER_CONFIG["config"] = config


def _clean_chunk_in_worker(job: Job, items: Sequence[Item]) -> tuple[list[Any], Tally]:
    return clean_chunk(_WORKER_CONFIG["config"], job, items)


def clean_chunk(config: CleanConfig, job: Job, items: Sequence[Item]) -> tuple[list[Any], Tally]:
    """Clean a chunk of items: the output of each (bytes, or a row for Parquet) and the tally.

    An item that cannot be cleaned goes through as it was read.
    """
    tally = Tally()
    outputs: list[Any] = []
    for item in items:
        if item.error is not None or item.record is None:
            if item.error is not None:
                tally.passed_through += 1
            outputs.append(_passed_through(item, job.format))
            continue
        record, result = clean_record(item.record, config, text_field=job.text_field, audit=job.audit)
        tally.add(item.record[job.text_field], result)
        outputs.append(_encoded(record, result, job))
    return outputs, tally


def _passed_through(item: Item, output_format: str) -> Any:
    if output_format == "parquet":
        return item.record  # a line that is not a record cannot go into Parquet: counted, and in --rejects
    raw = item.raw if item.raw is not None else _json_line(item.record or {})
    return raw if raw.endswith(b"\n") or output_format == "txt" else raw + b"\n"


def _encoded(record: dict[str, Any], result: CleanResult, job: Job) -> Any:
    if job.format == "txt":
        return (result.text + "\n").encode("utf-8", "surrogatepass") if result.text else b""
    if job.format == "parquet":
        return record
    return _json_line(record)


def _json_line(record: dict[str, Any]) -> bytes:
    return (json_text(record) + "\n").encode("utf-8")


def json_text(value: Any, **options: Any) -> str:
    r"""JSON with its text as it is, but lone surrogates (from ``"\ud800"`` escapes) kept escaped.

    Written as UTF-8 it is then always valid UTF-8, and it reads back the same.

    >>> json_text({"title": "café"})
    '{"title": "café"}'
    >>> json_text({"title": "café " + chr(0xD800)})
    '{"title": "caf\\u00e9 \\ud800"}'
    """
    text = json.dumps(value, ensure_ascii=False, **options)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True, **options)
    return text


def _chunks(items: Iterable[Item]) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += len(item.raw) if item.raw is not None else 0
        if len(chunk) >= CHUNK_ITEMS or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class Progress:
    """One status line on a terminal: documents, MB, MB/s, ETA. Silent elsewhere."""

    def __init__(self, stream: TextIO, total_bytes: int, enabled: bool) -> None:
        self.stream, self.total, self.enabled = stream, total_bytes, enabled
        self.start = self.last = time.monotonic()
        self.shown = False

    def update(self, documents: int, done_bytes: int, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < PROGRESS_EVERY):
            return
        self.last = now
        elapsed = max(now - self.start, 1e-6)
        rate = done_bytes / elapsed
        eta = ""
        if self.total and 0 < done_bytes < self.total and rate > 0:
            left = int((self.total - done_bytes) / rate)
            eta = f"  ETA {left // 60}:{left % 60:02d}"
        share = f" {100 * done_bytes / self.total:3.0f}%" if self.total else ""
        self.stream.write(
            f"\r{share} {documents:,} docs  {done_bytes / 1e6:,.1f} MB  {rate / 1e6:.2f} MB/s{eta}\033[K"
        )
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


@dataclass
class Run:
    """The state of one ``clean`` run, for its summary and its error report."""

    tally: Tally = field(default_factory=Tally)
    rejects: list[Item] = field(default_factory=list)
    reported: int = 0
    failed_inputs: int = 0
    failed_outputs: int = 0
    outputs_written: int = 0


def _plan(args: argparse.Namespace, sources: list[Source]) -> list[tuple[list[Source], Output]]:
    """Which inputs go to which output."""
    if args.output == "-":
        if args.format not in (None, "jsonl"):
            raise UsageError("-o - writes JSONL to standard output; --format must be jsonl")
        return [(sources, Output(None, "jsonl", audit=args.audit))]
    output = Path(args.output)
    inputs = {source.path.resolve() for source in sources}
    kind, compression = split_suffix(output)
    if kind is None and output.exists() and not output.is_dir():
        raise UsageError(f"{output} is a file, not a folder; name a folder, or a .jsonl or .parquet file")
    if kind is None and not output.is_dir() and output.suffix.lower() in NOT_CORPUS_SUFFIXES:
        raise UsageError(
            f"{output}: cleancorp does not write {output.suffix} files; name a folder, "
            "or a .jsonl (.gz, .zst) or .parquet file"
        )
    if kind is not None and not output.is_dir():
        # one output file for every input
        if args.format not in (None, kind):
            raise UsageError(f"{output}: its name says {kind}, but --format says {args.format}")
        if kind == "txt" and (len(sources) > 1 or sources[0].format != "txt"):
            raise UsageError(
                f"{output}: a text file holds one document; give a folder, or a .jsonl or .parquet file"
            )
        if output.resolve() in inputs:
            raise UsageError(f"{output} is also an input; write to another file")
        schema = sources[0] if kind == "parquet" and all(s.format == "parquet" for s in sources) else None
        return [(sources, Output(output, kind, compression, schema, args.audit))]
    plan = []
    seen: dict[Path, Source] = {}
    for source in sources:
        kind = args.format or source.format
        if kind == "txt" and source.format != "txt":
            raise UsageError(f"{source.path}: records cannot be written as text files; use --format jsonl")
        name = source.name
        compression = source.compression if kind == "jsonl" else None
        if kind != source.format or compression != source.compression:
            name = name.with_name(
                _base_name(name.name) + {"txt": ".txt", "jsonl": ".jsonl", "parquet": ".parquet"}[kind]
            )
        target = output / name
        resolved = target.resolve()
        if resolved in inputs:
            raise UsageError(f"{source.path}: its output {target} is an input; choose another output folder")
        if resolved in seen:
            raise UsageError(f"{source.path} and {seen[resolved].path} would both be written to {target}")
        seen[resolved] = source
        if args.skip_existing and target.exists():
            continue
        schema = source if kind == "parquet" and source.format == "parquet" else None
        plan.append(([source], Output(target, kind, compression, schema, args.audit)))
    return plan


def _base_name(name: str) -> str:
    for suffix in (".gz", ".zst", ".zstd"):
        name = name.removesuffix(suffix)
    for suffix in (".jsonl", ".ndjson", ".parquet", ".txt", ".md"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _report(run: Run, item: Item, err: TextIO, on_error: str, output_format: str) -> None:
    run.rejects.append(item)
    if on_error == "fail":
        raise StopRunError(f"{item.where}: {item.error}")
    if run.reported < MAX_REPORTED:
        what = (
            "left out of the Parquet output (not a record)"
            if output_format == "parquet" and item.record is None
            else "passed through unchanged"
        )
        print(f"cleancorp: {item.where}: {item.error}; {what}", file=err)
    elif run.reported == MAX_REPORTED:
        print("cleancorp: more records could not be cleaned; they are counted in the summary", file=err)
    run.reported += 1


def _run_clean(args: argparse.Namespace, err: TextIO) -> int:
    config, text_field = _config(args)
    sources = find_sources(args.inputs)
    plan = _plan(args, sources)
    if args.rejects is not None:
        rejects = Path(args.rejects).resolve()
        if rejects in {source.path.resolve() for source in sources}:
            raise UsageError(f"{args.rejects} is also an input; write the bad records to another file")
        if rejects in {output.target.resolve() for _, output in plan if output.target is not None}:
            raise UsageError(f"{args.rejects} is also an output; write the bad records to another file")
    _tidy(
        [output.target for _, output in plan if output.target is not None]
        + ([Path(args.rejects)] if args.rejects is not None else [])
    )
    run = Run()
    total = sum(source.size for sources_, _ in plan for source in sources_)
    progress = Progress(err, total, enabled=not args.quiet and err.isatty() and "CI" not in os.environ)
    workers = max(1, args.workers or os.cpu_count() or 1)
    executor = (
        ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(config,))
        if workers > 1
        else None
    )
    started = time.monotonic()
    done_before = 0
    current: Output | None = None
    try:
        for inputs, output in plan:
            current = output
            try:
                output.open()
                complete = True
                for source in inputs:
                    written = output.written
                    try:
                        _clean_source(
                            source,
                            output,
                            args,
                            config,
                            text_field,
                            run,
                            executor,
                            workers,
                            err,
                            lambda position, base=done_before: progress.update(
                                run.tally.documents, base + position
                            ),
                        )
                    except OSError as error:
                        print(f"cleancorp: cannot read {source.path}: {error.strerror or error}", file=err)
                        run.failed_inputs += 1
                        complete = complete and output.written == written  # nothing of it went out
                    done_before += source.size
                if complete:
                    output.commit()
                    run.outputs_written += 1
                else:
                    output.discard()
                    if output.target is not None:
                        print(
                            f"cleancorp: {output.target}: not written (an input was read in part)", file=err
                        )
            except OutputError as error:
                output.discard()
                run.failed_outputs += 1
                print(f"cleancorp: {error}", file=err)
                if output.target is None or error.errno in DISK_FULL_ERRNOS:
                    print(
                        f"cleancorp: stopped; {run.outputs_written} of {len(plan)} outputs were written "
                        "in full, none in part",
                        file=err,
                    )
                    progress.close()
                    if executor is not None:
                        executor.shutdown(wait=False, cancel_futures=True)
                    return EXIT_FAILED
            current = None
    except (KeyboardInterrupt, StopRunError, CorpusError, BrokenProcessPool, PipeClosedError) as stop:
        if current is not None:
            current.discard()
        progress.close()
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        if isinstance(stop, PipeClosedError):
            return EXIT_PIPE_CLOSED
        if isinstance(stop, KeyboardInterrupt):
            print(
                f"cleancorp: interrupted; {run.outputs_written} of {len(plan)} outputs were written in full, "
                "none in part. To resume, run the same command with --skip-existing.",
                file=err,
            )
            return EXIT_INTERRUPTED
        if isinstance(stop, StopRunError):
            print(
                f"cleancorp: {stop} (--on-error fail: stopped; the output being written was not kept)",
                file=err,
            )
            _write_rejects(args, run)
            return EXIT_USAGE
        if isinstance(stop, BrokenProcessPool):
            print(
                f"cleancorp: a worker process died ({stop}); the output being written was not kept", file=err
            )
            return EXIT_FAILED
        print(f"cleancorp: {stop}", file=err)
        return EXIT_FAILED
    finally:
        if executor is not None:
            executor.shutdown()
    progress.close()
    _write_rejects(args, run)
    if not args.quiet:
        print(run.tally.table(time.monotonic() - started), file=err)
    return EXIT_FAILED if run.failed_inputs or run.failed_outputs else EXIT_OK


def _clean_source(
    source: Source,
    output: Output,
    args: argparse.Namespace,
    config: CleanConfig,
    text_field: str,
    run: Run,
    executor: ProcessPoolExecutor | None,
    workers: int,
    err: TextIO,
    progress: Any,
) -> None:
    job = Job(text_field, args.audit, output.format)
    items = read_items(source, text_field)

    def finished(chunk: list[Item], outputs: list[Any], tally: Tally) -> None:
        for item in chunk:
            if item.error is not None:
                _report(run, item, err, args.on_error, output.format)
        output.write(chunk, outputs)
        run.tally.merge(tally)
        progress(chunk[-1].position)

    if executor is None:
        for chunk in _chunks(items):
            if args.on_error == "fail":
                for item in chunk:
                    if item.error is not None:
                        _report(run, item, err, args.on_error, output.format)
            finished(chunk, *clean_chunk(config, job, chunk))
        return
    pending: deque[tuple[list[Item], Future[tuple[list[Any], Tally]]]] = deque()
    for chunk in _chunks(items):
        if args.on_error == "fail":
            for item in chunk:
                if item.error is not None:
                    _report(run, item, err, args.on_error, output.format)
        pending.append((chunk, executor.submit(_clean_chunk_in_worker, job, chunk)))
        while len(pending) > 2 * workers:  # bounded: memory stays flat in corpus size
            done, future = pending.popleft()
            finished(done, *future.result())
    while pending:
        done, future = pending.popleft()
        finished(done, *future.result())


def _write_rejects(args: argparse.Namespace, run: Run) -> None:
    if args.rejects is None:
        return
    lines = [
        json_text(
            {
                "source": str(item.source),
                "line": item.line,
                "error": item.error,
                "raw": (item.raw or b"").decode("utf-8", "backslashreplace").rstrip("\r\n")
                if item.record is None
                else None,
                "record": item.record,
            },
            default=str,
        )
        + "\n"
        for item in run.rejects
    ]
    write_atomic(Path(args.rejects), "".join(lines).encode("utf-8"))


# --- explain -------------------------------------------------------------------

RED, GREEN, DIM, BOLD, RESET = "\033[31m", "\033[32m", "\033[2m", "\033[1m", "\033[0m"


def _use_colour(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or "NO_COLOR" in os.environ:
        return False
    return stream.isatty()


def explain(raw: str, result: CleanResult, *, colour: bool = False) -> str:
    """A diff of what cleaning did to each paragraph of ``raw``, with the rule of each change.

    Removed paragraphs are marked ``-``, rewritten ones ``~`` with the changed
    characters shown as ``[-old-]{+new+}``; kept paragraphs are shown as they are.

    >>> raw = "Advertisement\\nThe mayor «opened» the bridge."
    >>> print(explain(raw, clean(raw)))
    - Advertisement
        removed: ad_marker [ad-marker]
    ~ The mayor [-«-]{+“+}opened[-»-]{+”+} the bridge.
        repaired: guillemet_in_english [guillemet-in-english] '«' -> '“'
        repaired: guillemet_in_english [guillemet-in-english] '»' -> '”'
    """

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if colour else text

    paragraphs = split_paragraphs(raw)
    by_paragraph: dict[int, list[Any]] = {}
    for edit in result.edits:
        by_paragraph.setdefault(edit.paragraph, []).append(edit)
    current = list(paragraphs)
    lines: list[str] = []
    for index, original in enumerate(paragraphs):
        edits = by_paragraph.get(index, [])
        notes = []
        text = original
        for edit in edits:
            if edit.action == "drop":
                notes.append(
                    f"removed: {edit.category} [{edit.rule}]" + (f" ({edit.detail})" if edit.detail else "")
                )
                text = ""
            else:
                text = text[: edit.start] + edit.after + text[edit.start + len(edit.before) :]
                if edit.stage != "normalize":
                    notes.append(f"repaired: {edit.category} [{edit.rule}] {edit.before!r} -> {edit.after!r}")
        current[index] = text
        if not text:
            lines.append(paint(f"- {original}", RED))
        elif text != original:
            lines.append("~ " + _inline_diff(original, text, paint))
        else:
            lines.append(paint(f"  {original}", DIM) if colour else f"  {original}")
        lines += [f"    {note}" for note in notes]
    return "\n".join(lines)


def _inline_diff(old: str, new: str, paint: Any) -> str:
    pieces = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(old[a0:a1])
            continue
        if a1 > a0:
            pieces.append(paint(f"[-{old[a0:a1]}-]", RED))
        if b1 > b0:
            pieces.append(paint(f"{{+{new[b0:b1]}+}}", GREEN))
    return "".join(pieces)


def _run_explain(args: argparse.Namespace, out: TextIO) -> int:
    config, text_field = _config(args)
    sources = find_sources([args.file])
    source = sources[0]
    wanted = args.line or 1
    for item in read_items(source, text_field):
        if item.line < wanted:
            continue
        if item.error is not None or item.record is None:
            raise CorpusError(f"{item.where}: {item.error or 'a blank line'}")
        raw = item.record[text_field]
        result = clean(raw, config)
        colour = _use_colour(args.color, out)
        removed, repaired = len(result.removals), len(result.repairs)
        header = (
            f"{item.where if source.format != 'txt' else source.path} "
            f"({result.language} {result.language_confidence:.2f}; {removed} removed, {repaired} repaired)"
        )
        print(f"{BOLD}{header}{RESET}" if colour else header, file=out)
        print(explain(raw, result, colour=colour), file=out)
        return EXIT_OK
    raise CorpusError(f"{source.path}: there is no record {wanted}")


# --- learn ---------------------------------------------------------------------


def _run_learn(args: argparse.Namespace, err: TextIO) -> int:
    _, text_field = _config(args)
    sources = find_sources(args.inputs)
    output = Path(args.output)
    if output.resolve() in {s.path.resolve() for s in sources}:
        raise UsageError(f"{output} is also an input; write the table to another file")

    def texts() -> Iterator[str]:
        for source in sources:
            for item in read_items(source, text_field):
                if item.record is not None and item.error is None:
                    yield item.record[text_field]

    table = learn_repeated_lines(texts(), min_documents=args.min_documents)
    _tidy([output])
    write_atomic(output, (table.to_json() + "\n").encode("utf-8"))
    print(
        f"cleancorp: {len(table.counts):,} lines in at least {args.min_documents} of "
        f"{table.documents:,} documents written to {output}",
        file=err,
    )
    return EXIT_OK


# --- check and fix ---------------------------------------------------------------

CHECKED_SUFFIXES = (".txt", ".md", ".jsonl")
DIFF_LINES = 12
DIFF_WIDTH = 160


def fixed_content(path: Path, data: bytes, config: CleanConfig, text_field: str) -> bytes | None:
    """What a data file holds once cleaned, or ``None`` when it is not UTF-8 text.

    A text file becomes its clean text (one newline at the end). In a JSONL
    file the text of each record is cleaned; a line that is not a record with
    a text field, or whose text is clean already, is kept byte for byte.
    """
    if b"\0" in data[:8192]:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if path.suffix.lower() != ".jsonl":
        cleaned = clean(text.removeprefix("\ufeff"), config).text
        return (cleaned + "\n").encode("utf-8", "surrogatepass") if cleaned else b""
    lines = []
    # lines end at "\n" only, as the corpus reader reads them: str.splitlines() would also
    # end one at U+2028, U+0085 or \x1c, which a JSON string may hold as they are
    *ended, last = text.split("\n")
    for line in [*(part + "\n" for part in ended), *([last] if last else [])]:
        body = line.rstrip("\r\n")
        try:
            record = json.loads(body)
        except (ValueError, RecursionError):  # not JSON, or not JSON that can be read
            record = None
        if not isinstance(record, dict) or not isinstance(record.get(text_field), str):
            lines.append(line)
            continue
        cleaned = clean(record[text_field], config).text
        if cleaned == record[text_field]:
            lines.append(line)
        else:
            record[text_field] = cleaned
            lines.append(json_text(record) + line[len(body) :])
    return "".join(lines).encode("utf-8")


def _short_diff(path: Path, old: bytes, new: bytes) -> list[str]:
    diff = list(
        difflib.unified_diff(
            old.decode("utf-8").splitlines(),
            new.decode("utf-8").splitlines(),
            f"{path}",
            f"{path} (cleaned)",
            n=0,
            lineterm="",
        )
    )
    diff = [line if len(line) <= DIFF_WIDTH else line[: DIFF_WIDTH - 1] + "…" for line in diff]
    if len(diff) > DIFF_LINES:
        diff = [*diff[:DIFF_LINES], f"... ({len(diff) - DIFF_LINES} more diff lines)"]
    return diff


FIXED, UNCHANGED, SKIPPED, CHANGED_MEANWHILE = "fixed", "unchanged", "skipped", "changed-meanwhile"
"""What :func:`fix_file` did."""


def fix_file(path: Path, config: CleanConfig, text_field: str) -> str:
    """Clean a data file in place; returns ``fixed``, ``unchanged``, ``skipped`` or ``changed-meanwhile``.

    The file is read and replaced under an advisory lock (:func:`cleancorp.corpus.locked`),
    so two ``fix`` runs on one file take turns. A writer that does not lock is
    caught by a second look just before the cleaned file is renamed into place:
    if the file is not the one that was read (its bytes, size, time or inode),
    it is left alone (``changed-meanwhile``) and nothing of that writer's change
    is lost. The file keeps its permissions; a symbolic link keeps pointing to
    the file it names, which is the one cleaned. What this cannot close: a
    writer that does not lock and writes in the instant between that look and
    the rename. Raises :class:`OSError` when the file cannot be read,
    :class:`~cleancorp.corpus.OutputError` when it cannot be written and
    :class:`~cleancorp.corpus.LockedError` when another process holds it too long.
    """
    target = path.resolve() if path.is_symlink() else path
    with locked(target) as handle:
        before = os.fstat(handle.fileno())
        data = handle.read()
        if not CAN_LOCK:  # pragma: no cover - Windows, where an open file cannot be replaced
            handle.close()
        new = fixed_content(path, data, config, text_field)
        if new is None:
            return SKIPPED
        if new == data:
            return UNCHANGED
        with AtomicFile(target) as output:
            output.write(new)
            os.chmod(output.temporary, stat.S_IMODE(before.st_mode))
            output.sync()
            if _changed_since(target, before, data):
                output.discard()
                return CHANGED_MEANWHILE
        return FIXED


def _changed_since(path: Path, before: os.stat_result, data: bytes) -> bool:
    try:
        now = os.stat(path)
        if (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns) != (
            before.st_dev,
            before.st_ino,
            before.st_size,
            before.st_mtime_ns,
        ):
            return True
        return path.read_bytes() != data
    except OSError:  # gone, or no longer readable: not the file that was read
        return True


def _run_check_or_fix(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    config, text_field = _config(args)
    if args.command == "fix":
        _tidy(Path(name).resolve() for name in args.files)
    status = EXIT_OK
    for name in args.files:
        path = Path(name)
        if path.suffix.lower() not in CHECKED_SUFFIXES:
            print(f"cleancorp: {path}: skipped (checks .txt, .md and .jsonl files)", file=err)
            continue
        diff: list[str] = []
        try:
            if args.command == "fix":
                outcome = fix_file(path, config, text_field)
            else:
                data = path.read_bytes()
                new = fixed_content(path, data, config, text_field)
                outcome = SKIPPED if new is None else UNCHANGED if new == data else FIXED
                diff = _short_diff(path, data, new) if new is not None and new != data else []
        except OSError as error:
            print(f"cleancorp: cannot read {path}: {error.strerror or error}", file=err)
            status = EXIT_FAILED
            continue
        except (OutputError, LockedError) as error:
            print(f"cleancorp: {error}", file=err)
            status = EXIT_FAILED
            continue
        if outcome == SKIPPED:
            print(f"cleancorp: {path}: skipped (binary or not UTF-8)", file=err)
        elif outcome == CHANGED_MEANWHILE:
            print(f"cleancorp: {path}: changed while it was being cleaned; left alone, run again", file=err)
            status = EXIT_FAILED
        elif outcome == FIXED:
            status = EXIT_FAILED
            if args.command == "fix":
                print(f"Fixing {path}", file=out)
            else:
                print(f"{path}: cleaning would change it", file=out)
                for line in diff:
                    print(f"    {line}", file=out)
    return status


# --- main ----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cleancorp`` command."""
    parser = argparse.ArgumentParser(
        prog="cleancorp",
        description="Clean scraped article text: boilerplate, encoding, translation quirks.",
    )
    parser.add_argument("--version", action="version", version=f"cleancorp {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    clean_parser = commands.add_parser(
        "clean",
        help="clean text files, JSONL shards or Parquet files",
        description="Clean every record of the inputs; each record keeps its other fields.",
    )
    clean_parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="a .txt/.md file, a folder, .jsonl(.gz|.zst), .parquet, or a glob",
    )
    clean_parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUTPUT",
        help="a folder (outputs mirror the inputs), one .jsonl/.parquet file, or - for JSONL on stdout",
    )
    clean_parser.add_argument("--format", choices=FORMATS, help="the output format (default: the input's)")
    clean_parser.add_argument("--audit", action="store_true", help="add every edit to metadata.cleancorp")
    clean_parser.add_argument("--workers", type=int, metavar="N", help="processes (default: all cores)")
    clean_parser.add_argument(
        "--on-error",
        choices=("pass", "fail"),
        default="pass",
        help="a bad record: pass it through unchanged and go on (default), or stop with exit 2",
    )
    clean_parser.add_argument("--rejects", metavar="FILE", help="write the bad records here (JSONL)")
    clean_parser.add_argument(
        "--skip-existing", action="store_true", help="leave out inputs whose output exists"
    )
    clean_parser.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary")
    _add_config_options(clean_parser)

    explain_parser = commands.add_parser("explain", help="show what cleaning does to one document")
    explain_parser.add_argument(
        "file", metavar="FILE", help="a text file, or a JSONL/Parquet file with --line"
    )
    explain_parser.add_argument("--line", type=int, metavar="N", help="the record to explain (from 1)")
    explain_parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    _add_config_options(explain_parser)

    learn_parser = commands.add_parser("learn", help="learn the lines repeated across a corpus")
    learn_parser.add_argument("inputs", nargs="+", metavar="INPUT")
    learn_parser.add_argument("-o", "--output", required=True, metavar="TABLE", help="the table (JSON)")
    learn_parser.add_argument(
        "--min-documents", type=int, default=2, metavar="N", help="keep lines in N+ documents"
    )
    _add_config_options(learn_parser)

    for name, help_ in (
        ("check", "report data files (.txt, .md, .jsonl) that cleaning would change; exit 1 if any"),
        ("fix", "clean data files (.txt, .md, .jsonl) in place; exit 1 if any changed"),
    ):
        sub = commands.add_parser(name, help=help_, description=help_)
        sub.add_argument("files", nargs="*", metavar="FILE")
        _add_config_options(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code in (0, None) else EXIT_USAGE
    out, err = sys.stdout, sys.stderr
    try:
        if args.command == "clean":
            return _run_clean(args, err)
        if args.command == "explain":
            return _run_explain(args, out)
        if args.command == "learn":
            return _run_learn(args, err)
        return _run_check_or_fix(args, out, err)
    except (UsageError, SettingsError, RuleFileError) as error:
        print(f"cleancorp: {error}", file=err)
        return EXIT_USAGE
    except CorpusError as error:
        print(f"cleancorp: {error}", file=err)
        return EXIT_FAILED
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"cleancorp: {where}{error.strerror or error}", file=err)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("cleancorp: interrupted", file=err)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
