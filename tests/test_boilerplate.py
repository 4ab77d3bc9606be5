"""Boilerplate removal: the case table, structure, and the stage on its own."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import cleancorp
from cleancorp.boilerplate import count_words

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CASES: dict[str, list[dict[str, Any]]] = tomllib.loads(
    (Path(__file__).parent / "cases" / "boilerplate.toml").read_text(encoding="utf-8")
)
PROSE = (
    "The city council voted on Monday to approve the new budget, which raises spending on "
    "schools and roads for the third year in a row.",
    "Opposition members said the plan relied on optimistic revenue forecasts and would leave "
    "the city exposed if the economy slowed next year.",
)


def document(text: str, at: str) -> tuple[list[str], int]:
    """The case paragraph placed in a small article, and its index."""
    if at == "top":
        return [text, *PROSE], 0
    if at == "bottom":
        return [*PROSE, text], 2
    assert at == "middle", at
    return [PROSE[0], text, PROSE[1]], 1


def removals_of(paragraphs: list[str]) -> dict[int, str]:
    result = cleancorp.clean("\n\n".join(paragraphs))
    return {e.paragraph: e.category for e in result.removals}


def test_the_case_tables_cover_every_category() -> None:
    categories = {c["category"] for c in CASES["remove"]}
    rule_categories = {r.category for r in cleancorp.CleanConfig().rules.boilerplate}
    assert rule_categories <= categories
    assert len(CASES["keep"]) >= 10


@pytest.mark.parametrize("case", CASES["remove"], ids=[c["text"][:40] for c in CASES["remove"]])
def test_boilerplate_is_removed_with_its_category(case: dict[str, str]) -> None:
    paragraphs, index = document(case["text"], case["at"])
    assert removals_of(paragraphs) == {index: case["category"]}


@pytest.mark.parametrize("case", CASES["keep"], ids=[c["text"][:40] for c in CASES["keep"]])
def test_article_text_stays(case: dict[str, str]) -> None:
    paragraphs, _ = document(case["text"], case["at"])
    if case["at"] == "bottom" and case["text"].endswith(":"):
        paragraphs.append("Two cups of flour, one egg and a pinch of salt.")
    assert removals_of(paragraphs) == {}, case["why"]


def test_edge_rules_act_only_outside_the_article() -> None:
    bio = "Jane Roe is an independent journalist based in Lisbon."
    assert removals_of([PROSE[0], bio, PROSE[1]]) == {}
    assert removals_of([PROSE[0], PROSE[1], bio]) == {2: "author_bio"}


def test_a_run_of_boilerplate_at_both_ends() -> None:
    paragraphs = [
        "Title of the story",
        "In-depth Report:",
        "Follow us on Twitter and Facebook.",
        *PROSE,
        "*",
        "Jane Roe is an independent journalist.",
        "© 2024 The Daily Chronicle",
    ]
    assert removals_of(paragraphs) == {
        1: "section_label",
        2: "social_prompt",
        5: "separator",
        6: "author_bio",
        7: "copyright_notice",
    }


def test_alt_text_next_to_a_caption_goes_with_it() -> None:
    caption = "Jane Roe speaks to reporters in Brussels on Monday. John Doe/AFP via Getty Images"
    paragraphs = [PROSE[0], "Jane Roe Brussels 2", caption, PROSE[1]]
    assert removals_of(paragraphs) == {1: "image_alt_text", 2: "image_caption"}


def test_a_subheading_next_to_a_caption_stays() -> None:
    caption = "Jane Roe speaks to reporters in Brussels on Monday. John Doe/AFP via Getty Images"
    paragraphs = [PROSE[0], "A new plan for the city", caption, PROSE[1]]
    assert removals_of(paragraphs) == {2: "image_caption"}


def test_all_boilerplate_gives_empty_text() -> None:
    result = cleancorp.clean("Follow us on Twitter\n\n***\n\n© 2024 Example Media")
    assert result.text == ""
    assert len(result.removals) == 3


def test_keep_categories_and_disabled_rules() -> None:
    text = "\n\n".join([PROSE[0], "Follow us on Twitter.", "***", PROSE[1]])
    kept = cleancorp.CleanConfig(keep_categories={"social_prompt"})
    assert [e.category for e in cleancorp.clean(text, kept).removals] == ["separator"]
    disabled = cleancorp.CleanConfig(disabled_rules={"separator-line"})
    assert [e.category for e in cleancorp.clean(text, disabled).removals] == ["social_prompt"]
    off = cleancorp.CleanConfig(remove_boilerplate=False)
    assert cleancorp.clean(text, off).removals == ()


def test_remove_boilerplate_works_on_its_own() -> None:
    raw = "Share on Facebook\n" + PROSE[0] + "\n\n\n" + PROSE[1] + "\n• AFP\n"
    assert cleancorp.remove_boilerplate(raw) == PROSE[0] + "\n\n" + PROSE[1]


@pytest.mark.parametrize(
    ("text", "words"),
    [("", 0), ("one", 1), ("two words", 2), ("北约承认弹药", 3), ("NATO 北约承认", 3)],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


def test_rules_for_other_languages_do_not_act() -> None:
    french = [
        "Le conseil municipal a voté lundi le nouveau budget, qui augmente les dépenses pour "
        "les écoles et les routes pour la troisième année consécutive.",
        "If you buy something through our links, we may earn a commission.",
        "Les élus de l’opposition ont jugé que le plan reposait sur des prévisions trop "
        "optimistes et exposerait la ville si l’économie ralentissait.",
    ]
    result = cleancorp.clean("\n\n".join(french))
    assert result.language == "fr"
    assert result.removals == ()
    english = [PROSE[0], french[1], PROSE[1]]
    assert removals_of(english) == {1: "affiliate_disclosure"}


def test_a_later_rule_acts_where_an_earlier_one_may_not(tmp_path: Path) -> None:
    rules = tmp_path / "positions.toml"
    rules.write_text(
        """
[[boilerplate]]
id = "top-only"
category = "site_prompt"
languages = ["*"]
where = "top"
patterns = ['^Brought to you by']
source = "test"

[[boilerplate]]
id = "bottom-only"
category = "byline_footer"
languages = ["*"]
where = "bottom"
patterns = ['^Brought to you by']
source = "test"
""",
        encoding="utf-8",
    )
    config = cleancorp.CleanConfig(rule_files=[rules])
    text = "\n\n".join([*PROSE, "Brought to you by the Example Foundation"])
    assert [e.rule for e in cleancorp.clean(text, config).removals] == ["bottom-only"]


LANGUAGE_CASES: dict[str, Any] = tomllib.loads(
    (Path(__file__).parent / "cases" / "boilerplate_languages.toml").read_text(encoding="utf-8")
)


def language_document(case: dict[str, str]) -> tuple[list[str], int]:
    """The case paragraph placed in two paragraphs of prose in its own language."""
    first, second = LANGUAGE_CASES["prose"][case["lang"]]
    return {
        "top": ([case["text"], first, second], 0),
        "middle": ([first, case["text"], second], 1),
        "bottom": ([first, second, case["text"]], 2),
    }[case["at"]]


@pytest.mark.parametrize(
    "case", LANGUAGE_CASES["remove"], ids=[f"{c['lang']}-{c['text'][:30]}" for c in LANGUAGE_CASES["remove"]]
)
def test_boilerplate_in_nine_languages_is_removed(case: dict[str, str]) -> None:
    paragraphs, index = language_document(case)
    result = cleancorp.clean("\n\n".join(paragraphs))
    assert result.language == case["lang"]
    assert {e.paragraph: e.category for e in result.removals} == {index: case["category"]}


@pytest.mark.parametrize(
    "case", LANGUAGE_CASES["keep"], ids=[f"{c['lang']}-{c['text'][:30]}" for c in LANGUAGE_CASES["keep"]]
)
def test_article_text_in_nine_languages_stays(case: dict[str, str]) -> None:
    paragraphs, _ = language_document(case)
    assert cleancorp.clean("\n\n".join(paragraphs)).removals == (), case["why"]


REVIEW_CASES: dict[str, Any] = tomllib.loads(
    (Path(__file__).parent / "cases" / "boilerplate_review.toml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize(
    "case",
    REVIEW_CASES["keep"],
    ids=[f"{c['lang']}-{c['at']}-{c['text'][:30]}" for c in REVIEW_CASES["keep"]],
)
def test_article_text_found_by_review_stays(case: dict[str, str]) -> None:
    prose = REVIEW_CASES["prose"][case["lang"]]
    half = len(prose) // 2
    paragraphs = {
        "top": [case["text"], *prose],
        "middle": [*prose[:half], case["text"], *prose[half:]],
        "bottom": [*prose, case["text"]],
    }[case["at"]]
    result = cleancorp.clean("\n\n".join(paragraphs))
    assert [e.before for e in result.removals] == [], case["why"]


def test_a_title_case_list_is_removed_only_under_a_link_label() -> None:
    shortlist = [
        "- Prophet Song by Paul Lynch",
        "- Western Lane by Chetna Maroo",
        "- The Bee Sting by Paul Murray",
        "- Study for Obedience by Sarah Bernstein",
    ]
    article = [*PROSE, "The judges named the shortlist on Thursday:", *shortlist]
    assert removals_of(article) == {}
    related = [*PROSE, "Related stories", *shortlist]
    assert removals_of(related) == {2: "read_more", **dict.fromkeys(range(3, 7), "related_links")}
    sentence_case = [
        *PROSE,
        "Related",
        "- The night market on Saturdays",
        "- A boat trip along the canals",
        "- The old palace early in the morning",
    ]
    assert removals_of(sentence_case) == {2: "read_more"}
