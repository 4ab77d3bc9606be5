"""Encoding repair: mojibake, HTML entities, C1 controls, terminal escapes.

The mojibake repair is ftfy's (``ftfy.fix_encoding``), applied one paragraph
at a time like ``ftfy.fix_text`` applies it one line at a time. Of ftfy's
other fixes only those that undo an encoding accident are used; the ones that
change correct text are off, as datatrove turns them off after they damaged
Chinese and Japanese text: no quote uncurling, no width folding, no ligature
folding, no Unicode normalisation (the normalise stage does NFC, never NFKC).

ftfy is by far the slowest stage, so a paragraph only reaches
``ftfy.fix_encoding`` when a cheap test says it might need it: it is not ASCII,
and ftfy's own badness heuristic (``ftfy.badness.is_bad``) finds a
mojibake-like sequence in it or it has a C1 control character. ftfy makes the
same test itself before it tries to re-decode anything, so the gate skips
nothing that ftfy would have fixed. The heuristic is ftfy's own pattern, tried
only where one of its matches can start (next to a character that every match
of it holds): the same answer as ``is_bad``, ten times as fast on articles. One
such test on the whole text first decides whether any paragraph needs the
stage at all. Surrogate pairs and terminal escapes are
separate steps, each behind its own one-character test.

HTML entities left in plain text (``&amp;``, ``&#8217;``, ``&eacute;``) are
decoded; only complete entities with their ``;`` are, so that ``&copy=2`` in
a URL is left alone. Decoding repeats until none is left, so doubly escaped
text (``&amp;amp;``) is fully decoded and a second run is a no-op.

Limits: text that was decoded with the wrong single-byte code page and holds
no UTF-8 trace (Cyrillic read as Latin-1 from a KOI8-R page) is not
recoverable from the text alone, and ftfy leaves it as it is; so does this
stage. ftfy's known failures (see its ``known-failures`` test cases) are ours.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

import ftfy
from ftfy import fixes
from ftfy.badness import BADNESS_RE, is_bad

from cleancorp.audit import FixStep, run_fix_steps, run_fix_steps_on_text
from cleancorp.prefilter import _sre_constants, _sre_parse
from cleancorp.result import Edit

STAGE = "encoding"

# Complete HTML entities only: numeric, hex, or a name (with its semicolon).
HTML_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
C1_CONTROL_RE = re.compile(r"[\x80-\x9f]")

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    max_decode_length=10**7,
    explain=False,
)


def unescape_html_entities(text: str) -> str:
    """Decode complete HTML entities, repeating until none is left.

    >>> unescape_html_entities("Fish &amp;amp; chips &#8211; &eacute;t&eacute; &copy=2")
    'Fish & chips – été &copy=2'
    """
    if "&" not in text:
        return text
    while True:
        decoded = HTML_ENTITY_RE.sub(lambda m: html.unescape(m.group()), text)
        if decoded == text:
            return text
        text = decoded


def fix_mojibake(text: str) -> str:
    """Undo text that was encoded in one encoding and decoded in another.

    This is ``ftfy.fix_encoding`` with the settings above, behind the gate.

    >>> fix_mojibake("The MinistryÃ¢â‚¬â„¢s plan")
    'The Ministry’s plan'
    >>> fix_mojibake("Le café est très bon.")
    'Le café est très bon.'
    """
    if text.isascii() or not (_is_bad(text) or C1_CONTROL_RE.search(text)):
        return text
    return ftfy.fix_encoding(text, FTFY_CONFIG)


def fix_c1_controls(text: str) -> str:
    """Read stray C1 control characters as the cp1252 characters they stand for."""
    if not C1_CONTROL_RE.search(text):
        return text
    return fixes.fix_c1_controls(text)


def remove_terminal_escapes(text: str) -> str:
    """Remove ANSI terminal colour and cursor codes (``\\x1b[36m``)."""
    if "\x1b" not in text:
        return text
    return fixes.remove_terminal_escapes(text)


ENCODING_STEPS = (
    FixStep("html-entity", "html_entity", unescape_html_entities),
    FixStep("ftfy-fix-encoding", "mojibake", fix_mojibake),
    FixStep("c1-control-as-cp1252", "mojibake", fix_c1_controls),
    FixStep("terminal-escape", "terminal_escape", remove_terminal_escapes),
)


def _element_chars(op: Any, value: Any) -> frozenset[str] | None:
    """The characters one element of a parsed pattern matches, when it is a plain set."""
    if op is _sre_constants.LITERAL:
        return frozenset(chr(value))
    if op is not _sre_constants.IN:
        return None
    chars: set[str] = set()
    for item_op, item in value:
        if item_op is _sre_constants.LITERAL:
            chars.add(chr(item))
        elif item_op is _sre_constants.RANGE and item[1] - item[0] < 4096:
            chars.update(map(chr, range(item[0], item[1] + 1)))
        else:  # a negated set, a category (\s, \w): not a plain set
            return None
    return frozenset(chars)


_ONE_CHARACTER = (_sre_constants.IN, _sre_constants.LITERAL, _sre_constants.ANY)


def _commonness(char: str) -> int:
    """How often a character stands in correct text, roughly: ASCII and lower-case letters most."""
    if char.isascii():
        return 100
    if char in "’‘“”–—…«»" or char.islower():
        return 50
    return 1


def _anchor(alternative: Any) -> tuple[range, frozenset[str]] | None:
    """The rarest plain set of characters that a match of one alternative holds,
    and the offsets from the start of the match it can stand at.

    Elements before it may take a bounded number of characters each (a
    category such as ``\\s``, an optional one such as ``\\s?``). ``None``
    when there is no such element.
    """
    low = high = 0
    best: tuple[int, range, frozenset[str]] | None = None
    for op, value in alternative:
        if op is _sre_constants.AT:
            continue  # an anchor takes no character
        chars = _element_chars(op, value)
        if chars is not None:
            cost = sum(map(_commonness, chars)) * (high - low + 1)
            if best is None or cost < best[0]:
                best = (cost, range(low, high + 1), chars)
            width = (1, 1)
        elif op in (_sre_constants.IN, _sre_constants.ANY):
            width = (1, 1)
        elif op in (_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT) and value[1] <= 4:
            body = list(value[2])
            if len(body) != 1 or body[0][0] not in _ONE_CHARACTER:
                break
            width = (value[0], value[1])
        else:
            break  # what follows stands at offsets not known here
        low, high = low + width[0], high + width[1]
    return None if best is None else (best[1], best[2])


@lru_cache(maxsize=1)
def _badness_anchors() -> tuple[tuple[range, re.Pattern[str]], ...] | None:
    """Where ftfy's badness pattern can match: character classes, and the offsets
    from the start of a match at which they stand.

    ftfy's ``BADNESS_RE`` is an alternation of short sequences of character
    sets, tried at every position of the text; :func:`_is_bad` tries it only
    where a match can start, near a character of one of these classes, which
    gives the same answer many times faster. ``None`` when the pattern is not
    of that shape (then ``is_bad`` itself is used).
    """
    pattern = BADNESS_RE
    tree = _sre_parse.parse(pattern.pattern, pattern.flags)
    if pattern.flags & re.IGNORECASE or len(tree) != 1 or tree[0][0] is not _sre_constants.BRANCH:
        return None
    by_offsets: dict[range, set[str]] = {}
    for alternative in tree[0][1][1]:
        anchor = _anchor(alternative)
        if anchor is None:
            return None
        by_offsets.setdefault(anchor[0], set()).update(anchor[1])
    return tuple(
        (offsets, re.compile("[" + "".join(re.escape(char) for char in sorted(chars)) + "]"))
        for offsets, chars in sorted(by_offsets.items(), key=lambda item: (item[0].start, item[0].stop))
    )


def _is_bad(text: str) -> bool:
    """``ftfy.badness.is_bad``, trying the pattern only where a match can start."""
    anchors = _badness_anchors()
    if anchors is None:
        return is_bad(text)
    match = BADNESS_RE.match
    # Where the characters a match can start with are dense (a run of curly
    # quotes or guillemets), one search of the whole text costs less than a
    # match at each of them: past this many, fall back to it.
    budget = len(text) // 16 + 16
    for offsets, chars in anchors:
        for found in chars.finditer(text):
            budget -= 1
            if budget < 0:
                return BADNESS_RE.search(text) is not None
            at = found.start()
            if any(match(text, at - offset) for offset in offsets if offset <= at):
                return True
    return False


def may_need_repair(text: str) -> bool:
    """Whether any step of this stage could change any paragraph of ``text``.

    Each step's own test, made once on the whole text: an ``&`` for entities,
    an escape character, or text that is not ASCII with a C1 control or a
    sequence that ftfy's badness heuristic flags (its pattern has no anchors,
    so what it finds in a paragraph it finds in the whole text). ``False``
    means the stage would leave every paragraph as it is.

    >>> may_need_repair("Le café est très bon."), may_need_repair("The MinistryÃ¢â‚¬â„¢s plan")
    (False, True)
    """
    if "&" in text or "\x1b" in text:
        return True
    if text.isascii():
        return False
    return C1_CONTROL_RE.search(text) is not None or _is_bad(text)


def repair_paragraph_encoding(paragraph: int, text: str, edits: list[Edit]) -> str:
    """Repair one paragraph, appending an edit for each step that changed it."""
    return run_fix_steps(STAGE, ENCODING_STEPS, paragraph, text, edits)


def repair_encoding(text: str) -> str:
    """Repair mojibake, HTML entities and other encoding accidents in text.

    Works one paragraph (line) at a time and returns the paragraphs joined
    by one blank line, as :func:`cleancorp.clean` writes them.

    >>> repair_encoding("SÃ£o Paulo &amp; Rio")
    'São Paulo & Rio'
    """
    return run_fix_steps_on_text(STAGE, ENCODING_STEPS, text)
