"""The datatrove step CleancorpCleaner: on documents, and in a pipeline run by datatrove's local executor."""

from __future__ import annotations

import gzip
import importlib
import json
import pickle
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("datatrove")

from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleancorp import CleanConfig, clean
from cleancorp.integrations.datatrove import CleancorpCleaner
from cleancorp.records import result_summary

ARTICLE = "The mayor opened the new bridge on Friday, officials said."
COUNCIL = "The council met on Monday to vote on the new budget plan for the city."
CHAMBER = "The plan passed by nine votes to four after a long debate in the chamber."
FRENCH = "Le maire a inauguré le nouveau pont vendredi, ont indiqué les responsables."


def documents() -> list[Document]:
    return [
        Document(text=f"Advertisement\n{ARTICLE}", id="ad"),
        Document(text=f"Share this article\n{COUNCIL}", id="tagged", metadata={"language": "xx", "url": "u"}),
        Document(text="The mayorâ€™s new bridge opened on Friday, officials said.", id="mojibake"),
        Document(text="Share this article\n\nAdvertisement", id="emptied"),
        Document(text=CHAMBER, id="clean"),
    ]


def stat(step: CleancorpCleaner, name: str) -> float:
    return step.stats[name].total


def test_the_step_cleans_each_document_and_records_the_result() -> None:
    step = CleancorpCleaner()
    out = list(step.run(iter(documents())))
    assert [doc.id for doc in out] == ["ad", "tagged", "mojibake", "clean"]
    ad, tagged, mojibake, unchanged = out
    assert ad.text == ARTICLE
    assert ad.metadata == {
        "cleancorp": {
            "language": "en",
            "language_confidence": 1.0,
            "removed": {"ad_marker": 1},
            "repaired": {},
        },
        "language": "en",
        "language_score": 1.0,
    }
    # a language already there (a reader's, a LanguageFilter's) stays; other metadata too
    assert tagged.text == COUNCIL
    assert tagged.metadata["language"] == "xx" and "language_score" not in tagged.metadata
    assert tagged.metadata["url"] == "u"
    assert tagged.metadata["cleancorp"]["removed"] == {"share_prompt": 1}
    assert mojibake.text == "The mayor’s new bridge opened on Friday, officials said."
    assert mojibake.metadata["cleancorp"]["repaired"] == {"mojibake": 1}
    assert unchanged.text == CHAMBER and unchanged.metadata["cleancorp"]["removed"] == {}

    assert (stat(step, "total"), stat(step, "forwarded"), stat(step, "dropped"), stat(step, "empty")) == (
        5,
        4,
        1,
        1,
    )
    assert stat(step, "removed") == 4
    assert (stat(step, "removed_ad_marker"), stat(step, "removed_share_prompt")) == (2, 2)
    assert (stat(step, "repaired"), stat(step, "repaired_mojibake")) == (1, 1)
    assert stat(step, "language_en") == 4 and stat(step, "language_und") == 1
    assert step.stats.time_stats.n == 5 and step.stats.time_stats.total > 0


def test_an_emptied_document_goes_on_when_asked() -> None:
    step = CleancorpCleaner(drop_empty=False)
    out = list(step.run(iter(documents())))
    emptied = next(doc for doc in out if doc.id == "emptied")
    assert emptied.text == ""
    assert emptied.metadata == {
        "cleancorp": {
            "language": "und",
            "language_confidence": 0.0,
            "removed": {"share_prompt": 1, "ad_marker": 1},
            "repaired": {},
        }
    }  # no language: "und" is not written where datatrove looks for one
    assert (stat(step, "total"), stat(step, "forwarded"), stat(step, "empty")) == (5, 5, 1)
    assert stat(step, "dropped") == 0


def test_config_and_audit_are_used() -> None:
    step = CleancorpCleaner(CleanConfig(keep_categories={"ad_marker"}), audit=True)
    (doc,) = step.run(iter([Document(text=f"Advertisement\n{ARTICLE}", id="1")]))
    assert doc.text == f"Advertisement\n\n{ARTICLE}"
    assert doc.metadata["cleancorp"]["edits"] == []
    (doc,) = CleancorpCleaner(audit=True).run(iter([Document(text=f"Advertisement\n{ARTICLE}", id="1")]))
    assert [edit["rule"] for edit in doc.metadata["cleancorp"]["edits"]] == ["ad-marker"]
    assert CleancorpCleaner().format(f"Advertisement\n{ARTICLE}") == ARTICLE


def test_the_step_pickles_for_worker_processes() -> None:
    step = CleancorpCleaner(CleanConfig(keep_categories={"image_credit"}), audit=True, drop_empty=False)
    copy = pickle.loads(pickle.dumps(step))
    assert (copy.config, copy.audit, copy.drop_empty) == (step.config, True, False)
    assert repr(copy) == repr(step) == "✂️ - FORMAT: 🧹 cleancorp"


def test_without_datatrove_the_import_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in sys.modules if n == "datatrove" or n.startswith("datatrove.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "cleancorp.integrations.datatrove")
    with pytest.raises(ImportError, match=r"pip install 'cleancorp\[datatrove\]'"):
        importlib.import_module("cleancorp.integrations.datatrove")


BOILERPLATE = ["Advertisement", "Share this article", "Subscribe to our newsletter", "Photo: Reuters"]
SENTENCES = [ARTICLE, COUNCIL, CHAMBER, FRENCH]


def corpus() -> list[dict[str, Any]]:
    """Three dozen records: boilerplate planted before articles, a few clean, one that is all boilerplate."""
    records: list[dict[str, Any]] = []
    for i in range(36):
        sentence = SENTENCES[i % len(SENTENCES)]
        lines = [sentence] if i % 5 == 0 else [BOILERPLATE[i % len(BOILERPLATE)], sentence]
        if i % 7 == 3:
            lines.append("Read more: Council votes on budget")
        records.append({"id": f"doc-{i:02d}", "text": "\n".join(lines), "metadata": {"source": f"s{i % 3}"}})
    records.append({"id": "doc-empty", "text": "Share this article\n\nAdvertisement"})
    return records


def test_a_local_pipeline_cleans_each_document_as_clean_does(tmp_path: Path) -> None:
    records = corpus()
    raw = tmp_path / "raw"
    raw.mkdir()
    for part in range(2):  # one file per task
        with (raw / f"part-{part}.jsonl").open("w", encoding="utf-8") as f:
            for record in records[part::2]:
                f.write(json.dumps(record) + "\n")
    config = CleanConfig(keep_categories={"image_credit"})
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(raw)),
            CleancorpCleaner(config),
            JsonlWriter(str(tmp_path / "clean")),
        ],
        tasks=2,
        workers=1,  # tasks one after the other, in this process: fast (the step pickles, for workers > 1)
        logging_dir=str(tmp_path / "logs"),
    )
    stats = executor.run()

    written: dict[str, dict[str, Any]] = {}
    for path in sorted((tmp_path / "clean").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                written[record["id"]] = record
    expected = {r["id"]: clean(r["text"], config) for r in records}
    assert set(written) == {i for i, result in expected.items() if result.text}
    assert "doc-empty" not in written
    for doc_id, record in written.items():
        result = expected[doc_id]
        assert record["text"] == result.text, doc_id
        assert record["metadata"]["cleancorp"] == result_summary(result), doc_id
        assert record["metadata"]["language"] == result.language, doc_id
    assert written["doc-01"]["text"] == COUNCIL  # "Share this article" gone
    assert written["doc-03"]["text"] == f"Photo: Reuters\n\n{FRENCH}"  # kept by the config
    assert written["doc-02"]["metadata"]["source"] == "s2"

    removed: dict[str, int] = {}
    for result in expected.values():
        for edit in result.removals:
            removed[edit.category] = removed.get(edit.category, 0) + 1
    assert (tmp_path / "logs" / "executor.json").is_file()
    on_disk = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    for step_stats in ({s.name: s.to_dict() for s in stats.stats}, {s["name"]: s for s in on_disk}):
        counters = {
            name: value if isinstance(value, int) else value["total"]  # a count, or its summary
            for name, value in step_stats[repr(CleancorpCleaner())]["stats"].items()
        }
        assert counters["total"] == len(records)
        assert counters["forwarded"] == len(written)
        assert counters["dropped"] == counters["empty"] == 1
        assert counters["removed"] == sum(removed.values())
        assert {name: n for name, n in counters.items() if name.startswith("removed_")} == {
            f"removed_{category}": n for category, n in removed.items()
        }
