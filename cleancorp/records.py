"""Cleaning records (dicts) and counting what was done: the work of one batch.

:func:`clean_record` is what the command line runs on each JSONL line or
Parquet row: the text field is replaced by the clean text and a summary of
the result goes under ``metadata.cleancorp``. :class:`Tally` adds up results
for the run's summary; tallies of batches cleaned in other processes are
merged with :meth:`Tally.merge`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cleancorp.config import CleanConfig
from cleancorp.pipeline import clean
from cleancorp.result import CleanResult

METADATA_FIELD = "metadata"
RESULT_KEY = "cleancorp"


def result_summary(result: CleanResult, *, audit: bool = False) -> dict[str, Any]:
    """What ``metadata.cleancorp`` holds: language, confidence, and counts by category.

    ``removed`` counts the paragraphs dropped, ``repaired`` the encoding and
    quirk repairs, each by category; ``audit=True`` adds every edit.

    >>> from cleancorp import clean
    >>> result_summary(clean("Advertisement\\nThe minister spoke on Monday about the plan."))
    {'language': 'en', 'language_confidence': 1.0, 'removed': {'ad_marker': 1}, 'repaired': {}}
    """
    summary: dict[str, Any] = {
        "language": result.language,
        "language_confidence": round(result.language_confidence, 4),
        "removed": dict(Counter(e.category for e in result.removals)),
        "repaired": dict(Counter(e.category for e in result.repairs)),
    }
    if audit:
        summary["edits"] = [edit.to_dict() for edit in result.edits]
    return summary


def clean_record(
    record: dict[str, Any],
    config: CleanConfig | None = None,
    *,
    text_field: str = "text",
    audit: bool = False,
) -> tuple[dict[str, Any], CleanResult]:
    """A copy of the record with its text cleaned and the result under ``metadata.cleancorp``.

    Every other field is kept. When ``metadata`` is there but is not an
    object, the summary goes in a top-level ``cleancorp`` field instead.

    >>> record = {"id": 7, "text": "Share this article\\nThe mayor opened the bridge on Friday."}
    >>> cleaned, _ = clean_record(record)
    >>> cleaned["id"], cleaned["text"], cleaned["metadata"]["cleancorp"]["removed"]
    (7, 'The mayor opened the bridge on Friday.', {'share_prompt': 1})
    """
    result = clean(record[text_field], config)
    cleaned = dict(record)
    cleaned[text_field] = result.text
    summary = result_summary(result, audit=audit)
    metadata = cleaned.get(METADATA_FIELD)
    if metadata is None:
        cleaned[METADATA_FIELD] = {RESULT_KEY: summary}
    elif isinstance(metadata, dict):
        cleaned[METADATA_FIELD] = {**metadata, RESULT_KEY: summary}
    else:
        cleaned[RESULT_KEY] = summary
    return cleaned, result


@dataclass
class Tally:
    """Counts of a run: documents, bytes, removals and repairs by category, languages."""

    documents: int = 0
    passed_through: int = 0
    """Records that could not be cleaned (not JSON, no text field, ...) and went through as they were."""
    bytes_in: int = 0
    bytes_out: int = 0
    removed: Counter[str] = field(default_factory=Counter)
    repaired: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)

    def add(self, text: str, result: CleanResult) -> None:
        """Count one cleaned document."""
        self.documents += 1
        self.bytes_in += len(text.encode("utf-8", "surrogatepass"))
        self.bytes_out += len(result.text.encode("utf-8", "surrogatepass"))
        self.removed.update(e.category for e in result.removals)
        self.repaired.update(e.category for e in result.repairs)
        self.languages[result.language] += 1

    def merge(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.documents += other.documents
        self.passed_through += other.passed_through
        self.bytes_in += other.bytes_in
        self.bytes_out += other.bytes_out
        self.removed.update(other.removed)
        self.repaired.update(other.repaired)
        self.languages.update(other.languages)

    def table(self, seconds: float | None = None) -> str:
        """The summary table printed at the end of a run.

        >>> print(Tally(documents=2, bytes_in=2000, bytes_out=1500, removed=Counter(ad_marker=3)).table())
        documents       2
        passed through  0
        bytes in        2,000
        bytes out       1,500 (75.0%)
        removed         3  ad_marker 3
        repaired        0
        languages       -
        """
        share = f" ({100 * self.bytes_out / self.bytes_in:.1f}%)" if self.bytes_in else ""

        def counts(counter: Counter[str]) -> str:
            return ", ".join(f"{name} {count:,}" for name, count in counter.most_common())

        rows = [
            ("documents", f"{self.documents:,}"),
            ("passed through", f"{self.passed_through:,}"),
            ("bytes in", f"{self.bytes_in:,}"),
            ("bytes out", f"{self.bytes_out:,}{share}"),
            ("removed", f"{sum(self.removed.values()):,}  {counts(self.removed)}".rstrip()),
            ("repaired", f"{sum(self.repaired.values()):,}  {counts(self.repaired)}".rstrip()),
            ("languages", counts(self.languages) or "-"),
        ]
        if seconds is not None and seconds > 0:
            rows.append(
                (
                    "time",
                    f"{seconds:.1f} s, {self.documents / seconds:,.0f} docs/s, "
                    f"{self.bytes_in / seconds / 1e6:.2f} MB/s",
                )
            )
        return "\n".join(f"{name:<15} {value}" for name, value in rows)
