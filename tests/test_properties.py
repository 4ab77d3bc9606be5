"""Properties of clean() that hold for every input.

Run longer with ``pytest tests/test_properties.py --hypothesis-profile=long``.
"""

from __future__ import annotations

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st
from strategies import any_text, clean_document, document, mojibake_text, quoted_document

import cleancorp
import cleancorp.encoding
import cleancorp.normalize
from cleancorp import apply_edits, clean, split_paragraphs

FORBIDDEN = {"\u200b", "\u2060", "\ufeff", "\u00ad"}


def check_canonical(text: str) -> None:
    assert unicodedata.is_normalized("NFC", text)
    assert text == text.strip()
    for paragraph in text.split("\n\n") if text else []:
        assert paragraph, "empty paragraph or more than one blank line"
        assert paragraph == paragraph.strip()
        assert "  " not in paragraph
        for index, char in enumerate(paragraph):
            assert char not in FORBIDDEN, f"invisible {char!r}"
            assert unicodedata.category(char) not in ("Cc", "Cs"), f"control {char!r}"
            assert char not in "\u2028\u2029\u00a0\u202f"
            if char in "\u200c\u200d":
                assert 0 < index < len(paragraph) - 1, "a joiner at the edge of a paragraph"
                before, after = paragraph[index - 1], paragraph[index + 1]
                assert not before.isascii() and not before.isspace()
                assert not after.isascii() and not after.isspace()


def check_paragraph_provenance(raw: str, result: cleancorp.CleanResult) -> None:
    """Each output paragraph is an input paragraph changed only by its own edits."""
    paragraphs = list(split_paragraphs(raw))
    touched = {e.paragraph for e in result.edits}
    dropped = {e.paragraph for e in result.edits if e.action == "drop"}
    output = result.text.split("\n\n") if result.text else []
    kept = [i for i in range(len(paragraphs)) if i not in dropped]
    assert len(output) == len(kept)
    for index, text in zip(kept, output, strict=True):
        if index not in touched:
            assert text == paragraphs[index]


@given(document())
@example("")
@example("\ud800 lone surrogate \udfff")
@example("a&#10;b&#x2028;c")
@example("\u200b\u200c\u200d")
def test_any_document(raw: str) -> None:
    result = clean(raw)
    check_canonical(result.text)
    assert apply_edits(raw, result.edits) == result.text
    check_paragraph_provenance(raw, result)
    assert result.language == "und" or len(result.language) == 2


@given(any_text)
def test_any_str_is_accepted(raw: str) -> None:
    result = clean(raw)
    check_canonical(result.text)
    assert apply_edits(raw, result.edits) == result.text


@given(mojibake_text)
def test_generated_mojibake_is_accepted(raw: str) -> None:
    result = clean(raw)
    check_canonical(result.text)
    assert apply_edits(raw, result.edits) == result.text


@given(document())
@example(
    "The the the the the the the the the. »\n| 21 February 2024, Wednesday |\n"
    "The the the the the the the the the the.\n"
)
def test_cleaning_twice_changes_nothing(raw: str) -> None:
    once = clean(raw)
    twice = clean(once.text)
    assert twice.text == once.text
    assert twice.edits == ()


@given(clean_document)
def test_clean_text_passes_through_unchanged(raw: str) -> None:
    result = clean(raw)
    assert result.text == raw
    assert result.edits == ()


ENGLISH = cleancorp.CleanConfig(language="en")


@given(quoted_document())
@example("The minister said « we heard « no » from them » on Monday.")
@example("“We must prepare for bad news. “ The war is long,” he said.")
def test_quote_repairs_are_stable_and_replay(raw: str) -> None:
    once = clean(raw, ENGLISH)
    check_canonical(once.text)
    assert apply_edits(raw, once.edits) == once.text
    twice = clean(once.text, ENGLISH)
    assert twice.text == once.text
    assert twice.edits == ()


@given(quoted_document())
def test_quirk_repairs_change_only_their_spans(text: str) -> None:
    """Undoing each repair, last first, gives back the paragraph; a second pass repairs nothing."""
    from cleancorp.quirks import repair_paragraph_quirks, rules_for

    rules = cleancorp.CleanConfig().rules
    quote_rules, false_friends = rules_for(rules, "en")
    for paragraph in split_paragraphs(text):
        edits: list[cleancorp.Edit] = []
        repaired = repair_paragraph_quirks(0, paragraph, edits, quote_rules, false_friends, "fr")
        undone = repaired
        for edit in reversed(edits):
            assert undone[edit.start : edit.start + len(edit.after)] == edit.after
            undone = undone[: edit.start] + edit.before + undone[edit.start + len(edit.after) :]
        assert undone == paragraph
        again: list[cleancorp.Edit] = []
        assert repair_paragraph_quirks(0, repaired, again, quote_rules, false_friends, "fr") == repaired
        assert again == []


# The fast paths of clean() must give what the full work gives.


@given(st.one_of(any_text, mojibake_text, document()))
@example("a Ã© b")
@example("x Ã\u00a0y")
@example("“café” Ã‰")
def test_badness_search_agrees_with_ftfy(raw: str) -> None:
    from ftfy.badness import is_bad

    from cleancorp.encoding import _is_bad

    for text in (raw, f"a {raw}", f"{raw} z", raw[1:]):
        assert _is_bad(text) == is_bad(text)


@given(st.one_of(any_text, mojibake_text, document()))
def test_skipped_encoding_and_normalisation_change_nothing(raw: str) -> None:
    from cleancorp.encoding import may_need_repair
    from cleancorp.normalize import is_normal

    edits: list[cleancorp.Edit] = []
    for index, paragraph in enumerate(split_paragraphs(raw)):
        if not may_need_repair(raw):
            assert cleancorp.encoding.repair_paragraph_encoding(index, paragraph, edits) == paragraph
        if is_normal(paragraph):
            assert cleancorp.normalize.normalize_paragraph(index, paragraph, edits) == paragraph
    assert edits == [] or may_need_repair(raw) or not all(map(is_normal, split_paragraphs(raw)))


@given(st.one_of(quoted_document(), document(), any_text))
def test_quirk_triggers_skip_only_rules_that_find_nothing(raw: str) -> None:
    from cleancorp.quirks import QUOTE_FINDERS, QUOTE_TRIGGERS

    for paragraph in split_paragraphs(raw):
        for rule_id, trigger in QUOTE_TRIGGERS.items():
            if not trigger(paragraph):
                assert QUOTE_FINDERS[rule_id](paragraph) == []
