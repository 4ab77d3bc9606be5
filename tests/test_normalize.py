"""Normalisation: white space, invisible and control characters, NFC."""

from __future__ import annotations

import unicodedata

import pytest

import cleancorp
from cleancorp import normalize

CASES = [
    # (input paragraph, expected)
    ("  two  spaces\tand a tab ", "two spaces and a tab"),
    ("no\u00a0break\u202fnarrow\u2009thin", "no break narrow thin"),
    ("soft\u00adhyphen and zero\u200bwidth\ufeff", "softhyphen and zerowidth"),
    ("bell\x07 and null\x00 and DEL\x7f", "bell and null and DEL"),
    ("line\x85next", "line next"),
    ("e\u0301 composed", "\u00e9 composed"),
    ("lone \ud800 surrogate", "lone surrogate"),
    # ZWNJ and ZWJ are kept where they join letters (Persian, Hindi, emoji) ...
    ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),
    ("\U0001f469\u200d\U0001f4bb", "\U0001f469\u200d\U0001f4bb"),
    # ... and removed where they join nothing.
    ("word\u200c next\u200d", "word next"),
    # typographic quotes, dashes and full-width forms stay as they are
    ("“quoted” — ‘single’ … ＡＢＣ ﬁ", "“quoted” — ‘single’ … ＡＢＣ ﬁ"),
    ("全角\u3000スペース", "全角\u3000スペース"),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_normalize_paragraph(raw: str, expected: str) -> None:
    assert normalize.normalize_paragraph(0, raw, []) == expected


def test_normalize_text_canonical_layout() -> None:
    raw = "\n\n  Title \r\n\r\nFirst paragraph.\nSecond paragraph.\n\n\n\nThird.\n  \n"
    assert cleancorp.normalize_text(raw) == "Title\n\nFirst paragraph.\n\nSecond paragraph.\n\nThird."


def test_each_normalisation_is_one_recorded_edit() -> None:
    edits: list[cleancorp.Edit] = []
    normalize.normalize_paragraph(4, "a\u00a0b\u200bc", edits)
    assert [(e.rule, e.category, e.paragraph) for e in edits] == [
        ("invisible-chars", "invisible_char", 4),
        ("whitespace", "whitespace", 4),
    ]


def test_a_paragraph_of_invisible_characters_is_dropped() -> None:
    result = cleancorp.clean("\u200b\u200b\nReal text here.")
    assert result.text == "Real text here."
    assert [(e.action, e.paragraph) for e in result.edits] == [("drop", 0)]


def test_surrogate_pairs_are_joined_even_without_encoding_repair() -> None:
    config = cleancorp.CleanConfig(repair_encoding=False)
    result = cleancorp.clean("smile \ud83d\ude00 and \ud800 alone", config)
    assert result.text == "smile 😀 and alone"
    assert [e.rule for e in result.edits] == ["surrogate-pair", "control-chars", "whitespace"]


def test_output_is_nfc() -> None:
    text = cleancorp.clean("Cafe\u0301 society in Paris is old.").text
    assert unicodedata.is_normalized("NFC", text)
