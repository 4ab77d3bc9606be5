"""Corpus-level repetition: lines that recur across many documents.

Site chrome that no phrase list knows (a site's own slogan, its footer, the
same "related stories" heading) recurs in every page of that site. CCNet
(Wenzek et al., 2020, "CCNet: Extracting High Quality Monolingual Datasets
from Web Crawl Data") removes paragraphs whose normalised hash recurs in a
shard. cleancorp learns the same kind of table with
:func:`learn_repeated_lines`, and :func:`cleancorp.clean` removes the lines it
holds above a threshold (``CleanConfig(repeated_lines=..., repeated_min_documents=...)``)
as ``repeated_line``, with the count in the edit's ``detail``.

The table is a pure function of the set of documents: each line is counted
once per document and the counts are summed, so the order of the documents
(or of shards merged with :meth:`RepeatedLines.merge`) never changes it, unlike
trafilatura's and dolma's dedup caches, which depend on what came first.

A line is normalised before it is hashed, as CCNet does: case folded, digits
turned into ``0``, punctuation and symbols removed, white space collapsed; so
``Updated: 12 May`` and ``UPDATED 3 June`` differ but ``© 2023 Acme`` and
``© 2024 Acme`` do not. Keys are the first 16 hex digits of a BLAKE2b hash.

Limits: a sentence that many documents share for real (``He declined to
comment.``) is removed like any other repeated line once it passes the
threshold; choose the threshold for the corpus. Learning keeps a counter of
every distinct line in memory; for a large corpus learn per shard with
``min_documents=1``, :meth:`~RepeatedLines.merge` the shards, then
:meth:`~RepeatedLines.pruned`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from cleancorp.paragraphs import split_paragraphs

FORMAT = "cleancorp.repeated_lines"
VERSION = 1
NORMALIZATION = "casefold-digits-nopunct-v1"
DIGIT_RE = re.compile(r"\d")
SPACE_RE = re.compile(r"\s+")
KEY_RE = re.compile(r"^[0-9a-f]{16}$")


def normalize_line(line: str) -> str:
    """The form of a line that is hashed: case folded, digits 0, no punctuation.

    >>> normalize_line("  © 2024 Acme News — All rights reserved. ")
    '0000 acme news all rights reserved'
    """
    folded = DIGIT_RE.sub("0", unicodedata.normalize("NFC", line).casefold())
    kept = "".join(c for c in folded if not unicodedata.category(c).startswith(("P", "S", "C")))
    return SPACE_RE.sub(" ", kept).strip()


def line_key(line: str) -> str | None:
    """The hash key of a line, or ``None`` for a line with nothing left to hash.

    >>> line_key("Read our daily briefing") == line_key("READ OUR DAILY BRIEFING!")
    True
    """
    normal = normalize_line(line)
    if not normal:
        return None
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class RepeatedLines:
    """How many documents each normalised line appears in. Frozen; JSON round-trips.

    >>> table = learn_repeated_lines(["Acme News\\nStory one.", "Acme News\\nStory two."])
    >>> table.count("ACME NEWS"), table.count("Story one."), table.documents
    (2, 0, 2)
    >>> RepeatedLines.from_json(table.to_json()) == table
    True
    """

    counts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Line key (see :func:`line_key`) → number of documents, keys sorted."""
    documents: int = 0
    """How many documents the table was learnt from."""

    def __post_init__(self) -> None:
        if isinstance(self.documents, bool) or not isinstance(self.documents, int) or self.documents < 0:
            raise ValueError(f"documents must be a whole number >= 0, not {self.documents!r}")
        ordered = {}
        for key in sorted(self.counts):
            value = self.counts[key]
            if not isinstance(key, str) or not KEY_RE.match(key):
                raise ValueError(f"bad line key {key!r}: expected 16 lower-case hex digits")
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= self.documents:
                raise ValueError(f"count of {key} must be between 1 and {self.documents}, not {value!r}")
            ordered[key] = value
        object.__setattr__(self, "counts", MappingProxyType(ordered))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RepeatedLines):
            return NotImplemented
        return self.documents == other.documents and dict(self.counts) == dict(other.counts)

    def __hash__(self) -> int:
        return hash((self.documents, tuple(self.counts.items())))

    def __reduce__(self) -> tuple[Any, ...]:
        return (RepeatedLines, (dict(self.counts), self.documents))

    def count(self, line: str) -> int:
        """In how many documents the line (normalised) appears; 0 if unknown."""
        key = line_key(line)
        return self.counts.get(key, 0) if key is not None else 0

    def merge(self, other: RepeatedLines) -> RepeatedLines:
        """The table of both corpora together (for tables learnt per shard).

        Exact only when both were learnt with ``min_documents=1``; otherwise a
        line under the threshold in each shard is missing from both.
        """
        counts: Counter[str] = Counter(self.counts)
        counts.update(other.counts)
        return RepeatedLines(dict(counts), self.documents + other.documents)

    def pruned(self, min_documents: int) -> RepeatedLines:
        """The table without the lines seen in fewer than ``min_documents`` documents."""
        return RepeatedLines({k: v for k, v in self.counts.items() if v >= min_documents}, self.documents)

    def to_dict(self) -> dict[str, Any]:
        """The table as plain JSON-serialisable data."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "normalization": NORMALIZATION,
            "documents": self.documents,
            "counts": dict(self.counts),
        }

    def to_json(self) -> str:
        """The table as JSON text (keys sorted: the same table gives the same bytes)."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RepeatedLines:
        """Read a table written by :meth:`to_dict`, checking its format."""
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise ValueError(f"not a repeated-lines table (expected format {FORMAT!r})")
        if data.get("version") != VERSION or data.get("normalization") != NORMALIZATION:
            raise ValueError(
                f"repeated-lines table of version {data.get('version')!r} / normalization "
                f"{data.get('normalization')!r}; this cleancorp reads version {VERSION} / "
                f"{NORMALIZATION!r}: learn it again"
            )
        counts = data.get("counts")
        if not isinstance(counts, Mapping):
            raise ValueError("repeated-lines table without a 'counts' object")
        return cls(dict(counts), data.get("documents"))  # type: ignore[arg-type]

    @classmethod
    def from_json(cls, text: str) -> RepeatedLines:
        """Read a table written by :meth:`to_json`.

        Anything else raises ``ValueError``, JSON nested too deep to read included.

        >>> RepeatedLines.from_json("[" * 100_000)
        Traceback (most recent call last):
        ...
        ValueError: not a repeated-lines table: JSON nested too deep
        """
        try:
            data = json.loads(text)
        except RecursionError:
            raise ValueError("not a repeated-lines table: JSON nested too deep") from None
        return cls.from_dict(data)


def learn_repeated_lines(texts: Iterable[str], *, min_documents: int = 2) -> RepeatedLines:
    """Count, for each normalised line, the documents it appears in.

    Lines are the paragraphs of :func:`cleancorp.split_paragraphs`; each counts
    once per document. Lines seen in fewer than ``min_documents`` documents are
    left out of the table (use 1 to keep all, e.g. before merging shards). The
    result does not depend on the order of ``texts``.

    >>> table = learn_repeated_lines(["Menu\\nA story.", "Menu\\nAnother.", "Menu\\nA third."])
    >>> table.count("menu"), len(table.counts)
    (3, 1)
    """
    if isinstance(min_documents, bool) or not isinstance(min_documents, int) or min_documents < 1:
        raise ValueError(f"min_documents must be a whole number >= 1, not {min_documents!r}")
    if isinstance(texts, (str, bytes)):
        raise TypeError("learn_repeated_lines() takes a collection of documents, not one string")
    counts: Counter[str] = Counter()
    documents = 0
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"documents must be str, not {type(text).__name__}")
        documents += 1
        keys = {line_key(line) for line in split_paragraphs(text)}
        keys.discard(None)
        counts.update(keys)  # type: ignore[arg-type]
    return RepeatedLines({k: v for k, v in counts.items() if v >= min_documents}, documents)
