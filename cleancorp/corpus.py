"""Reading and writing corpora: text files, JSONL shards and Parquet.

A corpus is read as a stream of :class:`Item`: one record each, with where it
came from (file and line) and, when it cannot be cleaned, why. Nothing is held
in memory beyond one batch: JSONL is read line by line (plain, gzip or
Zstandard), Parquet a record batch at a time.

- A text file (``.txt``, ``.md``) is one record ``{"id": <name>, "text": ...}``.
- A JSONL line is a JSON object; ``text`` (or another field) is the document.
- A Parquet row is a record with the same rule. Parquet needs ``pyarrow``
  (``pip install 'cleancorp[parquet]'``), ``.zst`` needs ``zstandard``
  (``pip install 'cleancorp[zstd]'``).

Outputs are written through :class:`AtomicFile`: a temporary file beside the
target, renamed into place when complete, so a run that is interrupted (Ctrl-C,
a kill, a full disk) leaves either the old file or the whole new one, never a
part.
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import io
import json
import os
import re
import secrets
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

FORMATS = ("txt", "jsonl", "parquet")
"""The corpus formats, as ``--format`` names them."""
TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
COMPRESSIONS = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}
PARQUET_BATCH_ROWS = 1024


class CorpusError(Exception):
    """An input or output that cannot be used at all (the message says why and what to do)."""


def split_suffix(path: str | os.PathLike[str]) -> tuple[str | None, str | None]:
    """The format and the compression that a file name says.

    >>> split_suffix("shard-0001.jsonl.zst"), split_suffix("notes.md"), split_suffix("data.csv")
    (('jsonl', 'zstd'), ('txt', None), (None, None))
    """
    name = Path(path).name.lower()
    compression = None
    for suffix, kind in COMPRESSIONS.items():
        if name.endswith(suffix):
            compression, name = kind, name[: -len(suffix)]
            break
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl", compression
    if compression is None and name.endswith(TEXT_SUFFIXES):
        return "txt", None
    if compression is None and name.endswith(".parquet"):
        return "parquet", None
    return None, None


@dataclass(frozen=True)
class Source:
    """One input file: its path, the name its output takes, and its format."""

    path: Path
    name: Path
    """The path relative to the folder it was found in (or its file name)."""
    format: str
    compression: str | None = None

    @property
    def size(self) -> int:
        """Bytes on disk (0 if it went away)."""
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


def find_sources(inputs: Sequence[str | os.PathLike[str]]) -> list[Source]:
    """The input files that ``inputs`` name: files, folders (searched recursively), globs.

    A folder gives every file in it whose name says a corpus format, sorted.
    A name that is not a file or a folder is read as a glob pattern
    (``shards/*.jsonl.gz``, ``**`` recursive). Raises :class:`CorpusError`
    for a name that matches nothing or a file of no known format.
    """
    sources: list[Source] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and split_suffix(p)[0] is not None)
            if not found:
                raise CorpusError(f"{given}: no .txt, .md, .jsonl or .parquet files in this folder")
            sources += [_source(p, p.relative_to(path)) for p in found]
        elif path.exists():
            sources.append(_source(path, Path(path.name)))
        elif glob.has_magic(str(given)):
            matches = sorted(glob.glob(str(given), recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                raise CorpusError(f"{given}: no file matches this pattern")
            sources += [_source(p, Path(p.name)) for p in files]
        else:
            raise CorpusError(f"{given}: no such file or folder")
    return sources


def _source(path: Path, name: Path) -> Source:
    kind, compression = split_suffix(path)
    if kind is None:
        raise CorpusError(
            f"{path}: unknown format; cleancorp reads .txt, .md, .jsonl (.gz, .zst) and .parquet files"
        )
    return Source(path, name, kind, compression)


@dataclass(frozen=True)
class Item:
    """One record of an input, or one that could not be read as a record."""

    source: Path
    line: int
    """Line (JSONL) or row (Parquet) number, from 1; 1 for a text file."""
    record: dict[str, Any] | None
    """The record; ``None`` when the line is not a JSON object."""
    raw: bytes | None
    """The line as read (JSONL) or the file's bytes (text), for passing it through."""
    error: str | None = None
    """Why this item cannot be cleaned; ``None`` when it can."""
    position: int = 0
    """Bytes of the input file read up to and including this item (for progress)."""

    @property
    def where(self) -> str:
        """``file:line`` for messages."""
        return f"{self.source}:{self.line}"


def _text_problem(record: dict[str, Any], field: str) -> str | None:
    if field not in record:
        fields = ", ".join(sorted(map(str, record))[:8]) or "none"
        return f"no {field!r} field (its fields: {fields})"
    if not isinstance(record[field], str):
        return f"{field!r} is {type(record[field]).__name__}, not a string"
    return None


def read_items(source: Source, text_field: str = "text") -> Iterator[Item]:
    """The items of one input, in order (see the module docstring for each format)."""
    if source.format == "txt":
        yield _read_text_file(source, text_field)
    elif source.format == "jsonl":
        yield from _read_jsonl(source, text_field)
    else:
        yield from _read_parquet(source, text_field)


def _read_text_file(source: Source, text_field: str) -> Item:
    data = source.path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return Item(
            source.path, 1, None, data, f"not UTF-8 ({error.reason} at byte {error.start})", len(data)
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return Item(source.path, 1, {"id": source.name.as_posix(), text_field: text}, data, None, len(data))


def open_binary(path: Path, compression: str | None) -> tuple[IO[bytes], IO[bytes]]:
    """The decompressed stream of a file and the raw file under it (for its position)."""
    raw = path.open("rb")
    if compression is None:
        return raw, raw
    if compression == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw  # type: ignore[return-value]
    return io.BufferedReader(_ZstdReader(raw, _import_zstandard())), raw


ZSTD_FEED_BYTES = 512
"""Compressed bytes given to the decompressor at a time: a Zstandard block of
4 bytes can stand for 128 KiB, so this bounds what one step holds (16 MiB)."""


class _ZstdReader(io.RawIOBase):
    """The decompressed bytes of a Zstandard file of one or more frames.

    Unlike ``stream_reader``, which ends quietly where the file ends, a last
    frame that is cut short raises :class:`EOFError`: a truncated shard is an
    error, not fewer records.
    """

    def __init__(self, raw: IO[bytes], zstandard: Any) -> None:
        super().__init__()
        self._raw, self._new = raw, zstandard.ZstdDecompressor().decompressobj
        self._frame: Any = None
        self._out, self._at = b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._at >= len(self._out):
            data = self._raw.read(ZSTD_FEED_BYTES)
            if not data:
                if self._frame is not None and not self._frame.eof:
                    raise EOFError("the last Zstandard frame is cut short")
                return 0
            self._out, self._at = self._decompress(data), 0
        size = min(len(buffer), len(self._out) - self._at)
        buffer[:size] = self._out[self._at : self._at + size]
        self._at += size
        return size

    def _decompress(self, data: bytes) -> bytes:
        pieces = []
        while data:
            if self._frame is None or self._frame.eof:
                self._frame = self._new()
            pieces.append(self._frame.decompress(data))
            data = self._frame.unused_data if self._frame.eof else b""
        return b"".join(pieces)


def _import_zstandard() -> Any:
    try:
        import zstandard
    except ImportError as error:
        raise CorpusError(
            "reading and writing .zst files needs zstandard: pip install 'cleancorp[zstd]'"
        ) from error
    return zstandard


def _read_jsonl(source: Source, text_field: str) -> Iterator[Item]:
    stream, raw = open_binary(source.path, source.compression)
    with raw, stream:
        try:
            for number, line in enumerate(stream, 1):
                yield _jsonl_item(source.path, number, line, text_field, raw.tell())
        except Exception as error:
            if not _is_decompression_error(error):
                raise
            raise CorpusError(
                f"{source.path}: the compressed stream is damaged or cut short ({error})"
            ) from error


def _is_decompression_error(error: BaseException) -> bool:
    """A damaged or truncated gzip or Zstandard stream (``zlib.error`` is not an ``OSError``)."""
    return isinstance(error, (EOFError, gzip.BadGzipFile, zlib.error)) or type(error).__module__.startswith(
        "zstandard"
    )


def _jsonl_item(path: Path, number: int, line: bytes, text_field: str, position: int) -> Item:
    body = line.rstrip(b"\r\n")
    if not body.strip():
        return Item(path, number, None, line, None, position)  # a blank line: passed through
    try:
        record = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        return Item(path, number, None, line, f"not UTF-8 ({error.reason} at byte {error.start})", position)
    except json.JSONDecodeError as error:
        return Item(path, number, None, line, f"not JSON ({error.msg} at column {error.colno})", position)
    except RecursionError:
        return Item(path, number, None, line, "not JSON that can be read (nested too deeply)", position)
    except ValueError as error:  # a number of more digits than Python converts
        return Item(path, number, None, line, f"not JSON that can be read ({error})", position)
    if not isinstance(record, dict):
        return Item(path, number, None, line, f"a JSON {type(record).__name__}, not an object", position)
    return Item(path, number, record, line, _text_problem(record, text_field), position)


def _import_pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as error:
        raise CorpusError(
            "reading and writing Parquet needs pyarrow: pip install 'cleancorp[parquet]'"
        ) from error
    return pyarrow


def _read_parquet(source: Source, text_field: str) -> Iterator[Item]:
    pyarrow = _import_pyarrow()
    size = source.size
    try:
        parquet = pyarrow.parquet.ParquetFile(source.path)
    except (pyarrow.ArrowException, OSError) as error:
        raise CorpusError(f"{source.path}: not a Parquet file ({error})") from error
    total = max(parquet.metadata.num_rows, 1)
    number = 0
    for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
        for record in batch.to_pylist():
            number += 1
            yield Item(
                source.path, number, record, None, _text_problem(record, text_field), size * number // total
            )


def parquet_schema(source: Source) -> Any:
    """The Arrow schema of a Parquet input."""
    return _import_pyarrow().parquet.read_schema(source.path)


class OutputError(CorpusError):
    """An output that cannot be written: the message names it and says why.

    >>> str(OutputError(Path("out/a.jsonl"), OSError(28, "No space left on device")))
    'cannot write out/a.jsonl: No space left on device'
    """

    def __init__(self, target: Path | str, error: OSError) -> None:
        super().__init__(f"cannot write {target}: {error.strerror or error}")
        self.target = target
        self.errno = error.errno


TEMPORARY_SUFFIX = ".tmp"


def _temporary_name(target: Path, pid: int) -> str:
    return f".{target.name}.{pid}-{secrets.token_hex(4)}{TEMPORARY_SUFFIX}"


_TEMPORARY_NAME = re.compile(r"\.(?P<target>.+)\.(?P<pid>[0-9]+)-[0-9a-f]{8}" + re.escape(TEMPORARY_SUFFIX))


def _is_running(pid: int) -> bool:
    if os.name == "nt":  # pragma: no cover - there os.kill(pid, 0) would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, and belongs to someone else (EPERM)
        return True
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files that killed runs left in ``folder``; returns them, sorted.

    A temporary file of :class:`AtomicFile` is named
    ``.<target name>.<pid>-<8 hex digits>.tmp``; it is stale when no process of
    that id runs on this machine (a run that was killed, or a machine that
    stopped). The folder is listed once, so call this once per output folder,
    not once per file. What this cannot know: a process of another machine
    writing to the same folder on a network file system (its temporary file
    would be taken for a stale one).
    """
    try:
        with os.scandir(folder) as entries:
            names = sorted(
                entry.name
                for entry in entries
                if entry.name.endswith(TEMPORARY_SUFFIX) and entry.name[0] == "."
            )
    except OSError:  # a folder that cannot be listed has nothing to tidy
        return []
    removed = []
    for name in names:
        match = _TEMPORARY_NAME.fullmatch(name)
        if match is None or int(match["pid"]) == os.getpid() or _is_running(int(match["pid"])):
            continue
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            os.unlink(folder / name)
            removed.append(folder / name)
    return removed


def _create(path: Path) -> IO[bytes]:
    """A new file opened for writing, with the usual mode (``FileExistsError`` if there is one)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb")


class AtomicFile:
    """A file written in full or not at all: a temporary file renamed into place.

    Use as a context manager; leaving the block with an exception (or
    :meth:`discard`) removes the temporary file and leaves the target as it was.
    ``compression`` (``"gzip"``, ``"zstd"``) compresses what is written. The
    temporary file is ``.<name>.<pid>-<random>.tmp`` beside the target; those
    of processes that were killed are removed by :func:`remove_stale_temporaries`.
    Every failure to write raises :class:`OutputError` naming the target, after
    the temporary file is removed.
    """

    def __init__(self, target: Path, compression: str | None = None) -> None:
        self.target = target
        self._done = self._synced = False
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # not mkstemp: its files are private (0600); an output gets the usual mode (0666 less the umask)
            while True:
                self.temporary = target.parent / _temporary_name(target, os.getpid())
                try:
                    self._raw = _create(self.temporary)
                    break
                except FileExistsError:  # pragma: no cover - a clash of random names
                    continue
        except OSError as error:
            raise OutputError(target, error) from error
        self.stream: IO[bytes]
        try:
            if compression == "gzip":
                # no file name or time in the header: the same input gives the same bytes
                self.stream = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0)  # type: ignore[assignment]
            elif compression == "zstd":
                self.stream = _import_zstandard().ZstdCompressor().stream_writer(self._raw, closefd=False)
            else:
                self.stream = self._raw
        except BaseException:
            self.stream = self._raw
            self.discard()
            raise

    def write(self, data: bytes) -> None:
        """Write ``data``; on failure the temporary file is removed and :class:`OutputError` raised."""
        try:
            self.stream.write(data)
        except OSError as error:
            self.discard()
            raise OutputError(self.target, error) from error

    def sync(self) -> None:
        """Finish the compressed stream, flush and sync: what is written is on disk, not yet in place."""
        if self._synced:
            return
        try:
            if self.stream is not self._raw:
                self.stream.close()
            self._raw.flush()
            os.fsync(self._raw.fileno())
            self._raw.close()
        except OSError as error:
            self.discard()
            raise OutputError(self.target, error) from error
        self._synced = True

    def commit(self) -> None:
        """Flush, sync and rename into place."""
        if self._done:
            raise ValueError(f"{self.target}: this output was already committed or discarded")
        self.sync()
        try:
            os.replace(self.temporary, self.target)
        except OSError as error:
            self.discard()
            raise OutputError(self.target, error) from error
        self._done = True

    def discard(self) -> None:
        """Remove the temporary file; the target is left as it was."""
        if self._done:
            return
        self._done = True
        for stream in (self.stream, self._raw):
            with contextlib.suppress(Exception):  # a stream that failed to write may fail to close
                stream.close()
        with contextlib.suppress(OSError):  # removing it is tidying up; the error that matters is raised
            self.temporary.unlink(missing_ok=True)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is not None:
            self.discard()
        elif not self._done:
            self.commit()


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` in full or not at all (:class:`OutputError` if it cannot be written)."""
    with AtomicFile(path) as output:
        output.write(data)


try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

CAN_LOCK = fcntl is not None
"""Whether :func:`locked` takes a lock here (POSIX); elsewhere it only opens the file."""
LOCK_WAIT = 30.0
"""Seconds :func:`locked` waits for another process to let go of a file."""
_LOCK_POLL = 0.05


class LockedError(CorpusError):
    """A file that another process held locked for longer than the wait."""


@contextlib.contextmanager
def locked(path: Path, *, wait: float | None = None) -> Iterator[IO[bytes]]:
    """Open ``path`` for reading under an exclusive advisory lock; yields the open file.

    The lock (``fcntl.flock``) is on the file itself, so that a cooperating
    process which replaces the file (a rename, as :class:`AtomicFile` does)
    holds it until the new file is in place; a process that got the lock on a
    file that was replaced meanwhile opens the new one and locks again. Raises
    :class:`LockedError` after ``wait`` seconds (:data:`LOCK_WAIT`). What this
    cannot do: hold off a writer that does not lock (an editor); on systems
    without ``fcntl`` (Windows), or file systems that refuse ``flock``, the file
    is opened without a lock.
    """
    budget = LOCK_WAIT if wait is None else wait
    deadline = time.monotonic() + budget
    while True:
        handle = path.open("rb")
        try:
            if _lock(handle, deadline):
                opened, current = os.fstat(handle.fileno()), os.stat(path)
                if (opened.st_dev, opened.st_ino) != (current.st_dev, current.st_ino):
                    handle.close()  # replaced while we waited: lock the file that is there now
                    continue
            break
        except BaseException:
            handle.close()
            raise
    with handle:
        yield handle


def _lock(handle: IO[bytes], deadline: float) -> bool:
    """Take the lock by ``deadline``; ``False`` when locks are not to be had here."""
    if fcntl is None:  # pragma: no cover - Windows
        return False
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockedError(
                    f"{handle.name}: another process has held it locked for too long; left alone"
                ) from None
            time.sleep(_LOCK_POLL)
        except OSError:  # ENOLCK, EBADF on some network file systems: go on unlocked
            return False
