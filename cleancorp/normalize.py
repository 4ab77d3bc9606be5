"""Normalisation: white space, invisible and control characters, NFC.

Runs after encoding repair, because a no-break space or a soft hyphen can be
half of a mojibake pair (``Ã\\xa0`` is ``à``) that ftfy still has to see.

What it does to each paragraph, in this order:

1. ``surrogate-pair``: joins UTF-16 surrogate pairs (``\\ud83d\\ude00``, as
   JSON escapes or ``surrogateescape`` decoding leave them) into their
   character.
2. ``control-chars``: removes C0 and C1 control characters, DEL, lone
   surrogates and the noncharacters U+FFFE/U+FFFF; a tab, NEL or a line
   break that a repair brought into the paragraph becomes a space.
3. ``invisible-chars``: removes zero-width space, word joiner, byte-order
   mark, soft hyphen and the Mongolian vowel separator; removes the zero-width joiner and non-joiner only
   where they join nothing (next to ASCII or white space), since Persian,
   Hindi and emoji sequences need them between their characters.
4. ``whitespace``: every run of spaces, tabs, no-break spaces (U+00A0,
   U+202F, U+2007) and the other Unicode spaces becomes one space; the
   paragraph is stripped. The ideographic space U+3000 is kept as it is
   inside a paragraph (CJK text uses it) and stripped at either end.
5. ``unicode-nfc``: Unicode NFC (never NFKC: compatibility folding changes
   full-width forms, ligatures and superscripts that are part of the text).

Typographic quotes, dashes and ellipses are left as they are.
"""

from __future__ import annotations

import re
import unicodedata

from cleancorp.audit import FixStep, run_fix_steps, run_fix_steps_on_text
from cleancorp.result import Edit

STAGE = "normalize"

# Line breaks that a repair brought into a paragraph (an entity such as
# "&#10;", a decoded U+2028) are spaces inside it: a paragraph is one line.
CONTROL_AS_SPACE_RE = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
SURROGATE_PAIR_RE = re.compile(r"[\ud800-\udbff][\udc00-\udfff]")
CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
INVISIBLE_RE = re.compile(
    r"[\u200b\u2060\ufeff\u00ad\u180e]"
    r"|(?<![^\s\x00-\x7f])[\u200c\u200d]"
    r"|[\u200c\u200d](?![^\s\x00-\x7f])"
)
SPACE_RUN_RE = re.compile(
    r"[ \t\xa0\u1680\u2000-\u200a\u202f\u205f]{2,}|[\t\xa0\u1680\u2000-\u200a\u202f\u205f]"
)


def fix_surrogate_pairs(text: str) -> str:
    """Join UTF-16 surrogate pairs into the character they encode.

    A lone surrogate is left for ``remove_control_chars``, which removes it
    (``ftfy.fixes.fix_surrogates`` would turn it into U+FFFD instead).

    >>> fix_surrogate_pairs("smile \\ud83d\\ude00")
    'smile 😀'
    >>> fix_surrogate_pairs("lone \\ud800") == "lone \\ud800"
    True
    """
    if not SURROGATE_RE.search(text):
        return text
    return SURROGATE_PAIR_RE.sub(
        lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text
    )


def remove_control_chars(text: str) -> str:
    """Remove control characters; a tab or NEL becomes a space.

    >>> remove_control_chars("one\\ttwo\\x00three\\x07")
    'one twothree'
    """
    if text.isprintable():
        return text
    return CONTROL_RE.sub("", CONTROL_AS_SPACE_RE.sub(" ", text))


def remove_invisible_chars(text: str) -> str:
    """Remove zero-width characters and soft hyphens that join nothing.

    >>> remove_invisible_chars("in\\u00adcredible\\u200b news")
    'incredible news'
    """
    if text.isascii():
        return text
    return INVISIBLE_RE.sub("", text)


def normalize_whitespace(text: str) -> str:
    """Turn each run of spaces into one space and strip the ends.

    >>> normalize_whitespace("  A\\u00a0 B\\u202fC  ")
    'A B C'
    """
    return SPACE_RUN_RE.sub(" ", text).strip()


def normalize_unicode(text: str) -> str:
    """Unicode NFC.

    >>> normalize_unicode("cafe\\u0301") == "caf\\u00e9"
    True
    """
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


NORMALIZE_STEPS = (
    FixStep("surrogate-pair", "surrogate", fix_surrogate_pairs),
    FixStep("control-chars", "control_char", remove_control_chars),
    FixStep("invisible-chars", "invisible_char", remove_invisible_chars),
    FixStep("whitespace", "whitespace", normalize_whitespace),
    FixStep("unicode-nfc", "unicode_normalization", normalize_unicode),
)


def is_normal(text: str) -> bool:
    """Whether normalisation would leave a paragraph as it is (a cheap, exact test).

    A printable string has no control, invisible or surrogate character and no
    space other than U+0020 (``str.isprintable`` is false for all of them);
    what is left to check is runs of spaces, spaces at the ends, and NFC.

    >>> is_normal("Le café est très bon."), is_normal("Le cafe\u0301"), is_normal("a\u00a0b")
    (True, False, False)
    """
    return (
        text.isprintable()
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
        and (text.isascii() or unicodedata.is_normalized("NFC", text))
    )


def normalize_paragraph(paragraph: int, text: str, edits: list[Edit]) -> str:
    """Normalise one paragraph, appending an edit for each step that changed it."""
    return run_fix_steps(STAGE, NORMALIZE_STEPS, paragraph, text, edits)


def normalize_text(text: str) -> str:
    """Normalise text to cleancorp's canonical form, paragraph by paragraph.

    One paragraph a line, one blank line between paragraphs, spaces folded,
    invisible and control characters removed, NFC.

    >>> normalize_text(" First\\u00a0line. \\n\\n\\n\\nSecond\\u200b line.\\n")
    'First line.\\n\\nSecond line.'
    """
    return run_fix_steps_on_text(STAGE, NORMALIZE_STEPS, text)
