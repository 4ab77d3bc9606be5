"""HTML input: extraction with trafilatura, then clean()."""

from __future__ import annotations

from pathlib import Path

import pytest

import cleancorp

ARTICLE = (Path(__file__).parent / "cases" / "article.html").read_text(encoding="utf-8")
EXPECTED = (
    "Council approves the new school budget\n\n"
    "The city council voted on Monday to approve the new budget, which raises spending on "
    "schools and roads for the third year in a row.\n\n"
    "Opposition members said the plan relied on optimistic revenue forecasts and would leave "
    "the city exposed if the economy slowed next year.\n\n"
    "The mayor said the vote showed that the city could still agree on what matters most, and "
    "promised a review of the forecasts in the spring."
)


def test_clean_html_keeps_the_article_and_drops_the_rest() -> None:
    result = cleancorp.clean_html(ARTICLE)
    assert result.text == EXPECTED
    assert result.language == "en"
    assert [(e.rule, e.category) for e in result.removals] == [("social-follow", "social_prompt")]


def test_the_audit_replays_on_the_extracted_text() -> None:
    result = cleancorp.clean_html(ARTICLE)
    assert cleancorp.apply_edits(cleancorp.extract_text(ARTICLE), result.edits) == result.text


def test_extraction_is_the_same_every_time() -> None:
    # trafilatura's deduplication (off here) changes results after a few calls
    first = cleancorp.extract_text(ARTICLE)
    assert all(cleancorp.extract_text(ARTICLE) == first for _ in range(8))


def test_bytes_are_decoded_by_the_declared_charset() -> None:
    page = ARTICLE.replace('charset="utf-8"', 'charset="iso-8859-1"').replace(
        "the third year", "the third année"
    )
    assert "the third année" in cleancorp.clean_html(page.encode("iso-8859-1")).text


@pytest.mark.parametrize("page", ["", "   ", "<html></html>", b"", "<p>Hi</p>"])
def test_pages_without_an_article_give_empty_text(page: str | bytes) -> None:
    result = cleancorp.clean_html(page)
    assert result.text == ""
    assert result.language == "und"


def test_other_types_are_refused() -> None:
    with pytest.raises(TypeError, match="takes the page as str or bytes, not int"):
        cleancorp.clean_html(42)  # type: ignore[arg-type]
