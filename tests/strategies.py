"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import json
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
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80),
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


# --- HTML pages ------------------------------------------------------------------

HTML_TAGS = ["p", "div", "article", "main", "section", "nav", "footer", "header", "aside", "h1", "li", "td"]
HTML_NOISE = [
    "<br>",
    "<hr/>",
    "<!-- comment -->",
    "<script>var x = '<p>not text</p>';</script>",
    "<style>p { color: red }</style>",
    "&amp;",
    "&nbsp;",
    "&#8217;",
    "&#xD800;",
    "&bogus;",
    "<",
    ">",
    "</p>",
    "<p",
    "<![CDATA[ x ]]>",
    '<a href="https://example.org/?a=1&b=2">link</a>',
    "<img src=x.png alt='photo'>",
    "<table><tr><td>1</td><td>2</td></tr></table>",
    "<?xml version='1.0'?>",
    "<meta charset='iso-8859-1'>",
]


@st.composite
def html_fragment(draw: st.DrawFn, depth: int = 2) -> str:
    """Text, tags (closed or not) and HTML oddities, nested up to ``depth``."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            parts.append(draw(noisy_paragraph))
        elif kind == 1:
            parts.append(draw(st.sampled_from(HTML_NOISE)))
        elif depth > 0:
            tag = draw(st.sampled_from(HTML_TAGS))
            close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", ""]))
            parts.append(f"<{tag}>{draw(html_fragment(depth - 1))}{close}")
        else:
            parts.append(draw(prose_paragraph))
    return "".join(parts)


@st.composite
def html_page(draw: st.DrawFn) -> str:
    """A page: a full document around generated fragments, or a bare fragment."""
    body = draw(html_fragment())
    if draw(st.booleans()):
        return f"<html><head><title>{draw(prose_paragraph)}</title></head><body>{body}</body></html>"
    return body


# --- corpus files ----------------------------------------------------------------

json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(any_char, max_size=20),
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(any_char, max_size=8), inner, max_size=3)
    ),
    max_leaves=5,
)


@st.composite
def corpus_record(draw: st.DrawFn) -> dict[str, object]:
    """A JSONL record: a text (any str, prose, boilerplate) and other fields of any JSON value."""
    fields = st.sampled_from(["id", "url", "metadata", "tags"])
    record: dict[str, object] = draw(st.dictionaries(fields, json_value))
    record["text"] = draw(st.one_of(prose_paragraph, noisy_paragraph, any_text))
    return record


broken_jsonl_line = st.one_of(
    st.binary(max_size=40),
    st.sampled_from(
        [
            b"",
            b"   ",
            b"not json",
            b"[1, 2, 3]",
            b'"a string"',
            b"null",
            b'{"text": 5}',
            b'{"id": 1}',
            b'{"text": "cut short',
            b'{"text": "\xff\xfe"}',
            b'{"text": "a\\ud800b"}',
            b'{"text": "NaN", "n": NaN}',
            b'{"text": "a", "n": ' + b"9" * 5000 + b"}",
            b'{"text": "a", "deep": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            b"\xef\xbb\xbf{}",
        ]
    ),
    corpus_record().map(lambda r: json.dumps(r).encode()),
)
"""A line of a JSONL file that may or may not be a record (no line break in it)."""


@st.composite
def jsonl_file(draw: st.DrawFn) -> bytes:
    """The bytes of a JSONL file: records and broken lines, LF or CRLF, maybe no last break."""
    lines = draw(st.lists(broken_jsonl_line.map(lambda b: b.replace(b"\n", b" ")), max_size=5))
    ends = draw(st.lists(st.sampled_from([b"\n", b"\r\n"]), min_size=len(lines), max_size=len(lines)))
    data = b"".join(line + end for line, end in zip(lines, ends, strict=True))
    return data[:-1] if data and draw(st.booleans()) else data
