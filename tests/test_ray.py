"""cleancorp.integrations.ray on a local Ray: JSONL and Parquet shards in, Parquet and JSONL out.

One Ray session (two CPUs, no dashboard) serves the module; the tests that
need no Ray session run without one.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cleancorp
from cleancorp.batch import RESULT_COLUMNS
from cleancorp.records import result_summary

# Ray's own: DataContext properties it deprecates, read when the context is copied
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")

BOILERPLATE = ("Advertisement", "Share this article", "Follow us on Twitter.", None)
SENTENCES = (
    "The mayor opened bridge number {n} on Friday, officials said.",
    "The council «voted» on budget plan {n} after a long debate in the chamber.",
    "Le maire a inauguré le pont numéro {n} vendredi, selon les responsables.",
)


def _records(count: int = 300) -> list[dict[str, Any]]:
    """Articles with a line of boilerplate above (or none), and a null text now and then."""
    records = []
    for n in range(count):
        line = BOILERPLATE[n % len(BOILERPLATE)]
        article = SENTENCES[n % len(SENTENCES)].format(n=n)
        text = None if n % 50 == 7 else article if line is None else f"{line}\n{article}"
        records.append(
            {"id": n, "source": f"site-{n % 5}", "meta": {"url": f"https://example.com/{n}"}, "text": text}
        )
    return records


def _expected(text: str | None, config: cleancorp.CleanConfig | None = None) -> dict[str, Any] | None:
    if text is None:
        return None
    result = cleancorp.clean(text, config)
    return {"text": result.text, **result_summary(result, audit=True)}


@pytest.fixture(scope="module")
def ray() -> Iterator[Any]:
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    started = not ray.is_initialized()
    if started:
        # address="local": a new local Ray, whatever RAY_ADDRESS or a `ray start` on this machine says
        ray.init(
            address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="warning"
        )
    context = ray.data.DataContext.get_current()
    progress = context.enable_progress_bars
    context.enable_progress_bars = False
    yield ray
    context.enable_progress_bars = progress
    if started:
        ray.shutdown()


def test_jsonl_shards_to_parquet(ray: Any, tmp_path: Path) -> None:
    from cleancorp.integrations.ray import clean_dataset

    pq = pytest.importorskip("pyarrow.parquet")
    records = _records()
    shards = tmp_path / "raw"
    shards.mkdir()
    for index, opener in enumerate((open, gzip.open, gzip.open)):
        name = "part-0.jsonl" if opener is open else f"part-{index}.jsonl.gz"
        with opener(shards / name, "wt", encoding="utf-8") as file:
            for record in records[index::3]:
                file.write(json.dumps(record, ensure_ascii=False) + "\n")

    clean_dataset(ray.data.read_json(str(shards))).write_parquet(str(tmp_path / "clean"))

    table = pq.read_table(tmp_path / "clean")
    assert table.column_names == ["id", "source", "meta", "text", *RESULT_COLUMNS]
    rows = {row["id"]: row for row in table.to_pylist(maps_as_pydicts="strict")}
    assert sorted(rows) == [record["id"] for record in records]
    for record in records:
        row = rows[record["id"]]
        assert (row["source"], row["meta"]) == (record["source"], record["meta"])
        expected = _expected(record["text"])
        if expected is None:
            assert row["text"] is None and all(row[name] is None for name in RESULT_COLUMNS)
            continue
        assert row["text"] == expected["text"]
        assert row["cleancorp_language"] == expected["language"]
        assert row["cleancorp_language_confidence"] == expected["language_confidence"]
        assert row["cleancorp_removed"] == expected["removed"]
        assert row["cleancorp_repaired"] == expected["repaired"]
    assert sum(bool(row["cleancorp_removed"]) for row in rows.values()) == 222  # 3 in 4, less the nulls
    assert sum(bool(row["cleancorp_repaired"]) for row in rows.values()) > 0


def test_parquet_shards_to_gzipped_jsonl_with_audit(ray: Any, tmp_path: Path) -> None:
    from cleancorp.integrations.ray import clean_dataset, write_jsonl

    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    records = [
        {"id": r["id"], "source": r["source"], "meta": r["meta"], "body": r["text"]} for r in _records(120)
    ]
    shards = tmp_path / "raw"
    shards.mkdir()
    for index in range(2):
        pq.write_table(pa.Table.from_pylist(records[index::2]), shards / f"part-{index}.parquet")
    config = cleancorp.CleanConfig(keep_categories={"social_prompt"})

    cleaned = clean_dataset(ray.data.read_parquet(str(shards)), config, text_field="body", audit=True)
    write_jsonl(cleaned, str(tmp_path / "clean"), compression="gzip")

    files = sorted((tmp_path / "clean").iterdir())
    assert files and all(path.name.endswith(".jsonl.gz") for path in files)
    rows = {}
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as file:
            for line in file:
                assert "\\u" not in line  # UTF-8, not escaped
                row = json.loads(line)
                rows[row["id"]] = row
    assert sorted(rows) == [record["id"] for record in records]
    for record in records:
        row = rows[record["id"]]
        assert list(row) == ["id", "source", "meta", "body", *RESULT_COLUMNS, "cleancorp_edits"]
        assert row["meta"] == record["meta"]
        expected = _expected(record["body"], config)
        if expected is None:
            assert row["body"] is None and row["cleancorp_removed"] is None
            continue
        assert row["body"] == expected["text"]
        assert row["cleancorp_removed"] == expected["removed"]  # a JSON object, not pairs
        assert row["cleancorp_repaired"] == expected["repaired"]
        edits = [cleancorp.Edit(**edit) for edit in json.loads(row["cleancorp_edits"])]
        assert cleancorp.apply_edits(record["body"], edits) == row["body"]
    assert any(row["body"].startswith("Follow us") for row in rows.values() if row["body"])  # kept


def test_arguments_are_checked_before_ray_runs() -> None:
    pytest.importorskip("ray.data")
    from cleancorp.integrations.ray import clean_dataset, write_jsonl

    with pytest.raises(TypeError, match="config must be a CleanConfig, not dict"):
        clean_dataset(object(), {"language": "en"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown compression 'gz'; valid: None, 'gzip', 'zstd'"):
        write_jsonl(object(), "out", compression="gz")


def test_without_ray_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleancorp.integrations import ray as integration

    for name in ("ray", "ray.data"):  # importing them fails, as when Ray is not installed
        monkeypatch.setitem(sys.modules, name, None)
    for call in (
        lambda: integration.clean_dataset(object()),
        lambda: integration.write_jsonl(object(), "out"),
    ):
        with pytest.raises(ImportError, match=r"needs Ray Data: pip install 'cleancorp\[ray\]'"):
            call()
