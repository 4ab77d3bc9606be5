"""clean_batch on each kind of batch."""

from __future__ import annotations

import json
from typing import Any

import pytest

import cleancorp
from cleancorp import clean_batch

ARTICLE = "The mayor opened the new bridge on Friday, officials said."
TEXTS = [f"Advertisement\n{ARTICLE}", None, "La mairie a ouvert le pont vendredi, selon les responsables."]


def _check(text: list[Any], language: list[Any], removed: list[Any]) -> None:
    assert text == [ARTICLE, None, TEXTS[2]]
    assert language == ["en", None, "fr"]
    assert removed[0] == {"ad_marker": 1} and removed[1] is None and removed[2] == {}


def test_columns_mapping() -> None:
    out = clean_batch({"id": [1, 2, 3], "body": TEXTS}, text_field="body", audit=True)
    assert out["id"] == [1, 2, 3]
    _check(out["body"], out["cleancorp_language"], out["cleancorp_removed"])
    edits = [cleancorp.Edit(**e) for e in json.loads(out["cleancorp_edits"][0])]
    assert cleancorp.apply_edits(TEXTS[0], edits) == ARTICLE  # type: ignore[arg-type]


def test_pyarrow_table_and_record_batch() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"id": pa.array([1, 2, 3], pa.int16()), "text": TEXTS})
    for batch in (table, table.to_batches()[0]):
        out = clean_batch(batch)
        assert isinstance(out, pa.Table)
        assert out.schema.field("id").type == pa.int16()
        assert out.column_names == ["id", "text", *cleancorp.batch.RESULT_COLUMNS]
        removed = [None if r is None else dict(r) for r in out.column("cleancorp_removed").to_pylist()]
        _check(out.column("text").to_pylist(), out.column("cleancorp_language").to_pylist(), removed)


def test_pandas_frame() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": [1, 2, 3], "text": TEXTS})
    out = clean_batch(frame, cleancorp.CleanConfig(keep_categories={"image_caption"}))
    assert frame["text"][0] == TEXTS[0]  # the input is not changed
    assert list(out["id"]) == [1, 2, 3]

    def values(column: str) -> list[Any]:
        return [None if pd.isna(v) is True else v for v in out[column]]

    _check(values("text"), values("cleancorp_language"), values("cleancorp_removed"))


def test_missing_column_and_wrong_type() -> None:
    with pytest.raises(KeyError, match="no 'text' column"):
        clean_batch({"body": ["x"]})
    with pytest.raises(TypeError, match="not list"):
        clean_batch(["x"])
