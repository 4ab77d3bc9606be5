"""Splitting text into paragraphs and joining them.

A paragraph is one non-blank line of the input. Extractors such as
trafilatura write one paragraph a line, and separate paragraphs by a single
or a blank line; both are read the same way. Text that is hard-wrapped inside
a paragraph (a line break every 70 characters) is read as one paragraph a
line: that is a known limit.

Line breaks are ``\\n``, ``\\r\\n``, ``\\r``, the Unicode line and paragraph
separators, vertical tab, form feed and the information separators
``\\x1c``-``\\x1e``. NEL (``\\x85``) is *not* a line break here, because it is
also the second byte of some mojibake pairs (``Å\\x85``) and the cp1252 code of
``…``; the encoding stage decides what it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LINE_BREAK_RE = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\u2028\u2029]")
PARAGRAPH_SEPARATOR = "\n\n"


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Split text into its non-blank lines, unchanged.

    A line is blank when it holds only white space (``str.isspace``).

    >>> split_paragraphs("Title\\n\\nFirst line.\\r\\nSecond line.\\n \\n")
    ('Title', 'First line.', 'Second line.')
    """
    return tuple(line for line in LINE_BREAK_RE.split(text) if line and not line.isspace())


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Join paragraphs with one blank line, leaving out empty ones.

    >>> join_paragraphs(["One.", "", "Two."])
    'One.\\n\\nTwo.'
    """
    return PARAGRAPH_SEPARATOR.join(p for p in paragraphs if p)
