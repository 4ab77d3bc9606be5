"""Corpus-level repetition: the table, its JSON, and its use in clean()."""

from __future__ import annotations

import json
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cleancorp
from cleancorp import CleanConfig, RepeatedLines, learn_repeated_lines
from cleancorp.repeated import line_key, normalize_line

STORIES = [
    "The harbour reopened on Monday after the storm damaged two piers.",
    "The mayor opened the new bridge, three years after work began.",
    "Schools stay closed until March while the buildings are repaired.",
    "The river rose again overnight and flooded the lower town.",
]
CHROME = "Acme Daily | News you can trust"
PAGES = [f"{CHROME}\n{story}\nSubscribe to Acme Daily" for story in STORIES]
CORPUS = [*PAGES, "Another page\nSubscribe to Acme Daily", "Lone page"]


def test_counts_documents_not_occurrences() -> None:
    table = learn_repeated_lines([f"{CHROME}\n{CHROME}\nOne story.", f"{CHROME}\nAnother story."])
    assert table.count(CHROME) == 2
    assert table.count("One story.") == 0  # seen once: below min_documents
    assert table.documents == 2


@pytest.mark.parametrize(
    ("a", "b"),
    [("© 2023 Acme", "© 2024 ACME"), ("Read more…", "read more"), ("A  b", "a b")],
)
def test_normalisation_makes_variants_one_line(a: str, b: str) -> None:
    assert normalize_line(a) == normalize_line(b)
    assert line_key(a) == line_key(b)


def test_lines_with_nothing_to_hash_are_skipped() -> None:
    assert line_key("*** — ***") is None
    assert learn_repeated_lines(["***", "***"]).counts == {}


@given(st.permutations(CORPUS))
def test_the_table_does_not_depend_on_document_order(pages: list[str]) -> None:
    assert learn_repeated_lines(pages) == learn_repeated_lines(CORPUS)
    assert learn_repeated_lines(pages).to_json() == learn_repeated_lines(sorted(pages)).to_json()


def test_shards_merge_to_the_whole() -> None:
    whole = learn_repeated_lines(PAGES, min_documents=1)
    merged = learn_repeated_lines(PAGES[:1], min_documents=1).merge(
        learn_repeated_lines(PAGES[1:], min_documents=1)
    )
    assert merged == whole
    assert merged.pruned(2) == learn_repeated_lines(PAGES)


def test_json_round_trip_and_pickle() -> None:
    table = learn_repeated_lines(PAGES)
    text = table.to_json()
    assert json.loads(text)["format"] == "cleancorp.repeated_lines"
    assert RepeatedLines.from_json(text) == table
    assert pickle.loads(pickle.dumps(table)) == table
    assert hash(RepeatedLines.from_json(text)) == hash(table)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": "other"}, "not a repeated-lines table"),
        ({"format": "cleancorp.repeated_lines", "version": 9}, "learn it again"),
        (
            {
                "format": "cleancorp.repeated_lines",
                "version": 1,
                "normalization": "casefold-digits-nopunct-v1",
                "documents": 2,
                "counts": {"xyz": 1},
            },
            "bad line key",
        ),
        (
            {
                "format": "cleancorp.repeated_lines",
                "version": 1,
                "normalization": "casefold-digits-nopunct-v1",
                "documents": 2,
                "counts": {"0123456789abcdef": 5},
            },
            "between 1 and 2",
        ),
    ],
)
def test_bad_tables_are_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RepeatedLines.from_dict(data)


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="not one string"):
        learn_repeated_lines("one document")
    with pytest.raises(ValueError, match="min_documents"):
        learn_repeated_lines(PAGES, min_documents=0)
    with pytest.raises(TypeError, match="RepeatedLines"):
        CleanConfig(repeated_lines={"a": 1})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="repeated_min_documents"):
        CleanConfig(repeated_lines=learn_repeated_lines(PAGES), repeated_min_documents=1)


def test_clean_removes_repeated_lines_with_their_count() -> None:
    config = CleanConfig(repeated_lines=learn_repeated_lines(PAGES))
    result = cleancorp.clean(PAGES[0], config)
    assert result.text == STORIES[0]
    assert [(e.paragraph, e.rule, e.category, e.detail) for e in result.removals] == [
        (0, "repeated-line", "repeated_line", "in 4 of 4 documents"),
        (2, "repeated-line", "repeated_line", "in 4 of 4 documents"),
    ]
    assert cleancorp.apply_edits(PAGES[0], result.edits) == result.text
    assert cleancorp.clean(result.text, config).edits == ()


def test_threshold_and_switches() -> None:
    table = learn_repeated_lines(PAGES)
    assert cleancorp.clean(PAGES[0], CleanConfig(repeated_lines=table, repeated_min_documents=5)).text == (
        f"{CHROME}\n\n{STORIES[0]}\n\nSubscribe to Acme Daily"
    )
    kept = CleanConfig(repeated_lines=table, keep_categories={"repeated_line"})
    assert CHROME in cleancorp.clean(PAGES[0], kept).text
    off = CleanConfig(repeated_lines=table, disabled_rules={"repeated-line"})
    assert CHROME in cleancorp.clean(PAGES[0], off).text
    assert CHROME in cleancorp.clean(PAGES[0]).text
