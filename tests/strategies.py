"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import strategies as st

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_CASES = tomllib.loads((Path(__file__).parent / "cases" / "boilerplate.toml").read_text("utf-8"))
BOILERPLATE = [c["text"] for c in _CASES["remove"]]

WORDS = [
    "the",
    "council",
    "voted",
    "on",
    "monday",
    "to",
    "approve",
    "new",
    "budget",
    "which",
    "raises",
    "spending",
    "schools",
    "roads",
    "for",
    "third",
    "year",
    "in",
    "row",
    "opposition",
    "members",
    "said",
    "plan",
    "relied",
    "optimistic",
    "revenue",
    "forecasts",
    "would",
    "leave",
    "city",
    "exposed",
    "if",
    "economy",
    "slowed",
    "next",
    "minister",
    "told",
    "reporters",
    "talks",
    "ended",
    "without",
    "agreement",
    "officials",
    "expect",
    "decision",
    "week",
    "government",
    "announced",
    "measures",
]

# Every code point, surrogates and controls included.
any_char = st.characters(codec=None, categories=None)
any_text = st.text(any_char, max_size=300)


def _mojibake(text: str, encoding: str) -> str:
    return text.encode("utf-8").decode(encoding, "replace")


mojibake_text = st.builds(
    _mojibake,
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80),
    st.sampled_from(["cp1252", "latin-1", "cp1251", "mac_roman"]),
)


@st.composite
def sentence(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=6, max_size=18))
    return " ".join(words).capitalize() + "."


prose_paragraph = st.lists(sentence(), min_size=1, max_size=4).map(" ".join)

noisy_paragraph = st.one_of(
    prose_paragraph,
    st.sampled_from(BOILERPLATE),
    mojibake_text,
    any_text,
    prose_paragraph.map(lambda p: p.replace(" ", "\u00a0  ", 2)),
    prose_paragraph.map(lambda p: f"\u201c{p}\u201d he said. \u201c{p}"),
    prose_paragraph.map(lambda p: f"{p} \u00bb"),
    prose_paragraph.map(lambda p: p.replace("e", "\u00e9").replace("a", "&amp;")),
)

separator = st.sampled_from(["\n", "\n\n", "\r\n", "\n \n", "\n\n\n", "\u2029"])


@st.composite
def document(draw: st.DrawFn, paragraph: st.SearchStrategy[str] = noisy_paragraph) -> str:
    """Paragraphs of mixed quality joined by assorted line breaks."""
    parts = draw(st.lists(paragraph, max_size=8))
    seps = draw(st.lists(separator, min_size=len(parts), max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps, strict=True))


clean_document = st.lists(prose_paragraph, min_size=1, max_size=6).map("\n\n".join)


QUOTE_MARKS = ["“", "”", "« ", " »", "«", "»", "‹", "›", "’’", "‘‘", '"', "“ ", " ”"]
QUOTE_GLUE = [" he said. ", ", ", ". ", " ", ",” she added. ", ": ", " : ", " ? ", " ! ", " ; "]
# Phrases that the false-friend rules act on, or nearly do.
QUIRK_PHRASES = [
    "the Patriots’ extradition",
    "the extradition of the suspect",
    "actually employs 14 teachers",
    "are actually suspended until March",
    "residents eventually affected",
    "will eventually be converted",
    "assisted at the concert",
    "assisted at the ceremony",
    "a sympathetic restaurant",
    "sensible data",
    "a sensible question",
    "controlled the passports",
    "passport control",
    "realised a survey",
    "realised the survey had",
]


@st.composite
def quoted_sentence(draw: st.DrawFn) -> str:
    """A sentence with quote marks and guillemets put in at random."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=12))
    parts = []
    for word in words:
        if draw(st.integers(0, 4)) == 0:
            parts.append(draw(st.sampled_from(QUOTE_MARKS)))
        if draw(st.integers(0, 9)) == 0:
            parts.append(draw(st.sampled_from(QUIRK_PHRASES)))
        parts.append(word)
        if draw(st.integers(0, 5)) == 0:
            parts.append(draw(st.sampled_from(QUOTE_GLUE)))
    return " ".join(parts).capitalize() + draw(st.sampled_from([".", ".”", ". »", "”", ""]))


@st.composite
def quoted_document(draw: st.DrawFn) -> str:
    """Paragraphs of English-like text full of quote marks."""
    paragraphs = draw(
        st.lists(st.lists(quoted_sentence(), min_size=1, max_size=3).map(" ".join), min_size=1, max_size=5)
    )
    return "\n\n".join(paragraphs)
