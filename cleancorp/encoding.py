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
nothing that ftfy would have fixed. Surrogate pairs and terminal escapes are
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

import ftfy
from ftfy import fixes
from ftfy.badness import is_bad

from cleancorp.audit import FixStep, run_fix_steps, run_fix_steps_on_text
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
    if text.isascii() or not (is_bad(text) or C1_CONTROL_RE.search(text)):
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
    return C1_CONTROL_RE.search(text) is not None or is_bad(text)


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
