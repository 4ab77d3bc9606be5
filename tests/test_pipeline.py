"""clean(): input handling, the audit, options."""

from __future__ import annotations

import pytest

import cleancorp
from cleancorp import CleanConfig, Edit, ReplayError, apply_edits, clean

ARTICLE = (
    "Follow us on Twitter\n"
    "The city council voted on Monday to approve the new budget.\u00a0 It raises spending.\n"
    "Caf\u00c3\u00a9 owners welcomed it.\n"
    "***\n"
)


def test_bytes_are_refused_with_how_to_decode() -> None:
    with pytest.raises(TypeError, match=r"decode it first, e\.g\. data\.decode\('utf-8'"):
        clean(b"some bytes")  # type: ignore[arg-type]


def test_other_types_are_refused() -> None:
    with pytest.raises(TypeError, match="takes str, not int"):
        clean(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="config must be a CleanConfig"):
        clean("text", {"language": "en"})  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "\n\n", "   \t  ", "\u200b"])
def test_empty_input_gives_an_empty_result(text: str) -> None:
    result = clean(text)
    assert result.text == ""
    assert result.language == "und"
    assert result.language_confidence == 0.0


def test_audit_names_every_change_and_replays() -> None:
    result = clean(ARTICLE)
    assert result.text == (
        "The city council voted on Monday to approve the new budget. It raises spending."
        "\n\nCafé owners welcomed it."
    )
    assert [(e.stage, e.rule, e.action, e.paragraph) for e in result.edits] == [
        ("normalize", "whitespace", "fix", 1),
        ("encoding", "ftfy-fix-encoding", "fix", 2),
        ("boilerplate", "social-follow", "drop", 0),
        ("boilerplate", "separator-line", "drop", 3),
    ]
    assert apply_edits(ARTICLE, result.edits) == result.text
    assert result.category_counts() == {
        "whitespace": 1,
        "mojibake": 1,
        "social_prompt": 1,
        "separator": 1,
    }
    assert [e.rule for e in result.repairs] == ["ftfy-fix-encoding"]


def test_result_is_frozen_and_serialisable() -> None:
    result = clean(ARTICLE)
    with pytest.raises(AttributeError):
        result.text = "x"  # type: ignore[misc]
    data = result.to_dict()
    assert data["text"] == result.text
    paragraph = cleancorp.split_paragraphs(ARTICLE)[1]
    start = paragraph.index("\u00a0")
    assert data["edits"][0] == {
        "stage": "normalize",
        "rule": "whitespace",
        "category": "whitespace",
        "action": "fix",
        "paragraph": 1,
        "start": start,
        "before": "\u00a0",
        "after": "",
        "detail": "",
    }


def test_replaying_on_the_wrong_text_fails_loudly() -> None:
    result = clean(ARTICLE)
    with pytest.raises(ReplayError):
        apply_edits("Something else entirely.", result.edits)
    bad = Edit("quirks", "x", "y", "fix", 0, 0, "Nope", "")
    with pytest.raises(ReplayError, match="expects 'Nope'"):
        apply_edits("Text", [bad])


def test_paragraphs_separated_by_single_or_blank_lines() -> None:
    assert clean("One line here.\r\nTwo line here.\n\n\nThree.").text == (
        "One line here.\n\nTwo line here.\n\nThree."
    )


def test_every_stage_can_be_switched_off() -> None:
    config = CleanConfig(
        repair_encoding=False, remove_boilerplate=False, repair_quirks=False, detect_language=False
    )
    result = clean(ARTICLE, config)
    assert [e.stage for e in result.edits] == ["normalize"]
    assert result.language == "und"


def test_a_long_single_line_is_cleaned() -> None:
    text = ("The council met again on Monday to discuss the plan. " * 20_000).strip()
    assert len(text) > 1_000_000
    result = clean(text)
    assert result.text == text
    assert result.language == "en"


def test_public_names() -> None:
    assert set(cleancorp.__all__) >= {
        "clean",
        "CleanConfig",
        "CleanResult",
        "Edit",
        "LanguageGuess",
        "detect_language",
        "repair_encoding",
        "normalize_text",
        "remove_boilerplate",
        "repair_quirks",
        "apply_edits",
    }


def test_language_and_rules_that_never_agree_still_clean() -> None:
    # Removing the English lines makes the text French; keeping them makes it
    # English: the rounds end on a text whose language is the one reported.
    raw = "\n\n".join(
        [
            "***",
            "Le conseil municipal a voté lundi le nouveau budget pour les écoles.",
            "If you buy something through our links, we may earn a commission.",
            "If you purchase through links on this page, we may earn a small commission from the retailer.",
            "Share this article",
        ]
    )
    result = clean(raw)
    assert result.text == "Le conseil municipal a voté lundi le nouveau budget pour les écoles."
    assert result.language == cleancorp.detect_language(result.text).language == "fr"
    assert {e.category for e in result.removals} == {"separator", "affiliate_disclosure", "share_prompt"}
    assert apply_edits(raw, result.edits) == result.text


def test_none_for_a_switch_off_set_means_none() -> None:
    config = CleanConfig(keep_categories=None, disabled_rules=None)  # type: ignore[arg-type]
    assert config.keep_categories == frozenset() == config.disabled_rules
    assert clean("Follow us on Twitter.\nThe council met on Monday.", config).text == (
        "The council met on Monday."
    )


def test_edits_refuse_unknown_actions_and_stages() -> None:
    with pytest.raises(ValueError, match="unknown action 'remove'; valid: drop, fix"):
        Edit("boilerplate", "x", "y", "remove", 0, 0, "a", "")
    with pytest.raises(ValueError, match="unknown stage 'cleaning'"):
        Edit("cleaning", "x", "y", "fix", 0, 0, "a", "")


def test_many_repairs_in_one_paragraph_replay() -> None:
    raw = "He called it « a plan » today. " * 2000
    result = clean(raw, CleanConfig(language="en"))
    assert result.text == ("He called it “a plan” today. " * 2000).strip()
    assert len(result.edits) == 4000 + 1  # two marks a sentence, and the final space
    assert apply_edits(raw, result.edits) == result.text
