"""Cleaning a batch of documents at once: a pyarrow Table, a pandas DataFrame or columns.

:func:`clean_batch` is the engine-neutral unit of work that Ray Data's
``map_batches``, Dask's ``map_partitions``, Spark's ``mapInPandas`` and
Hugging Face ``datasets.map(batched=True)`` all call: a batch in, a batch of
the same type out, with the text cleaned and the result in columns of its
own. Neither pyarrow nor pandas is imported unless the batch is one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from cleancorp.config import CleanConfig
from cleancorp.pipeline import clean
from cleancorp.records import result_summary

RESULT_COLUMNS = (
    "cleancorp_language",
    "cleancorp_language_confidence",
    "cleancorp_removed",
    "cleancorp_repaired",
)
"""The columns :func:`clean_batch` adds (and ``cleancorp_edits`` with ``audit=True``)."""


def _clean_column(
    texts: Sequence[Any], config: CleanConfig | None, audit: bool
) -> tuple[list[Any], dict[str, list[Any]]]:
    cleaned: list[Any] = []
    columns: dict[str, list[Any]] = {name: [] for name in RESULT_COLUMNS}
    if audit:
        columns["cleancorp_edits"] = []
    for text in texts:
        if not isinstance(text, str):  # a null (or not a string): passed through, no result
            cleaned.append(text)
            for values in columns.values():
                values.append(None)
            continue
        result = clean(text, config)
        summary = result_summary(result, audit=audit)
        cleaned.append(result.text)
        columns["cleancorp_language"].append(summary["language"])
        columns["cleancorp_language_confidence"].append(summary["language_confidence"])
        columns["cleancorp_removed"].append(summary["removed"])
        columns["cleancorp_repaired"].append(summary["repaired"])
        if audit:
            columns["cleancorp_edits"].append(json.dumps(summary["edits"], ensure_ascii=False))
    return cleaned, columns


def clean_batch(
    batch: Any, config: CleanConfig | None = None, *, text_field: str = "text", audit: bool = False
) -> Any:
    """Clean the ``text_field`` column of a batch; return a batch of the same type.

    ``batch`` is a ``pyarrow.Table`` (or ``RecordBatch``), a ``pandas.DataFrame``,
    or a mapping of column names to sequences (Ray's ``numpy`` batches, a
    ``datasets`` batch). Every column is kept; the text column holds the clean
    text, and ``cleancorp_language``, ``cleancorp_language_confidence``,
    ``cleancorp_removed`` and ``cleancorp_repaired`` (removals and repairs by
    category) are added, with ``cleancorp_edits`` (the edits as JSON) when
    ``audit`` is true. A null text stays null, with null results.

    >>> batch = {"id": [1, 2], "text": ["Advertisement\\nThe mayor opened the bridge.", None]}
    >>> out = clean_batch(batch)
    >>> out["text"], out["cleancorp_removed"]
    (['The mayor opened the bridge.', None], [{'ad_marker': 1}, None])
    """
    kind = type(batch).__module__.split(".")[0]
    if kind == "pyarrow":
        return _clean_arrow(batch, config, text_field, audit)
    if kind == "pandas":
        return _clean_pandas(batch, config, text_field, audit)
    if isinstance(batch, Mapping):
        if text_field not in batch:
            raise KeyError(
                f"the batch has no {text_field!r} column (its columns: {', '.join(map(str, batch))})"
            )
        texts = list(batch[text_field])
        cleaned, columns = _clean_column(texts, config, audit)
        return {**batch, text_field: cleaned, **columns}
    raise TypeError(
        f"clean_batch() takes a pyarrow Table, a pandas DataFrame or a mapping of columns, "
        f"not {type(batch).__name__}"
    )


def _clean_arrow(table: Any, config: CleanConfig | None, text_field: str, audit: bool) -> Any:
    import pyarrow as pa

    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if text_field not in table.column_names:
        raise KeyError(
            f"the table has no {text_field!r} column (its columns: {', '.join(table.column_names)})"
        )
    cleaned, columns = _clean_column(table.column(text_field).to_pylist(), config, audit)
    index = table.column_names.index(text_field)
    table = table.set_column(index, text_field, pa.array(cleaned, type=pa.string()))
    counts = pa.map_(pa.string(), pa.int64())
    types = {
        "cleancorp_language": pa.string(),
        "cleancorp_language_confidence": pa.float64(),
        "cleancorp_removed": counts,
        "cleancorp_repaired": counts,
        "cleancorp_edits": pa.string(),
    }
    for name, values in columns.items():
        table = table.append_column(name, pa.array(values, type=types[name]))
    return table


def _clean_pandas(frame: Any, config: CleanConfig | None, text_field: str, audit: bool) -> Any:
    if text_field not in frame.columns:
        raise KeyError(
            f"the frame has no {text_field!r} column (its columns: {', '.join(map(str, frame.columns))})"
        )
    texts = [None if _is_missing(value) else value for value in frame[text_field].tolist()]
    cleaned, columns = _clean_column(texts, config, audit)
    out = frame.copy()
    out[text_field] = cleaned
    for name, values in columns.items():
        out[name] = values
    return out


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # NaN is pandas' null
