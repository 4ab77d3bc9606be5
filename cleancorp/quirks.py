"""Quirk repair: what translation leaves behind, decided by context.

Two families, both applied one paragraph at a time and only in the languages
their rules name (the document's language, detected or given):

- **False friends** (``[[false_friend]]`` rules in ``rules/quirks.toml``): a
  word that the source language lent a wrong sense, replaced only inside a
  frame that makes the sense certain (``the Patriots’ extradition`` is their
  delivery; the extradition of a suspect stays).
- **Quote marks** (``[[quote_rule]]`` entries; the logic is here), on curly
  quotes and the typewriter pairs ``‘‘ ’’`` and ````` ''``; never on straight
  ``"``, which does not say whether it opens or closes:

  * ``guillemet-in-english``: ``« … »`` become ``“ … ”`` and the spaces inside
    them go; ``»`` alone after the end of a sentence is a closing mark.
  * ``reopen-quote-after-attribution``: ``,” he said. We must … offensives.”``
    gets its opening mark back: ``he said. “We must``.
  * ``duplicate-open-quote``: ``“We must prepare. “The war is …,” he said``
    loses the second opening mark.

  * ``french-spacing`` (category ``typography``): the space that French puts
    before ``? ! : ;`` and inside quotation marks goes (``Why ?`` becomes
    ``Why?``).

  A quotation that runs over several paragraphs (no closing mark at the end
  of one, an opening mark at the start of the next) is correct English and
  is left alone, as are nested single quotes.

Limits: precision comes first, so a repair is made only where the frame is
unambiguous; quotes with straight marks are not repaired, and only English
text is repaired so far.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from functools import lru_cache

from cleancorp.paragraphs import join_paragraphs, split_paragraphs
from cleancorp.prefilter import fold
from cleancorp.result import Edit
from cleancorp.rules import FalseFriendRule, QuoteRule, RuleSet, load_rules

STAGE = "quirks"
MAX_ROUNDS = 4

OPEN_QUOTE = "“"
CLOSE_QUOTE = "”"
SENTENCE_END = ".!?…"
SPACES = " \u00a0\u202f"

# Guillemets and the spaces that French typography puts inside them.
# (The lookbehind makes a run of spaces match only from its start: without it
# a long run of spaces costs quadratic time.)
GUILLEMET_RE = re.compile(r"[«‹][ \u00a0\u202f]*|(?<![ \u00a0\u202f])[ \u00a0\u202f]*[»›]")
SPEECH_VERB = (
    r"(?:said|says|added|adds|stressed|noted|explained|warned|insisted|argued|continued|"
    r"wrote|writes|recalled|emphasi[sz]ed|declared|stated|remarked|asked|replied|concluded|"
    r"underlined|underscored|pointed out|claimed|affirmed|told (?:\w+ ){0,3}?\w+|"
    r"announced|observed|commented|admitted|acknowledged|believes|thinks|assured|urged)"
)
SPEAKER = r"(?:he|she|they|we|I|it|(?:the |a |an )?(?:[\w'’.-]+ ){0,5}?[\w'’.-]+)"
# What stands between a quote that closed with ",”" and the sentence that
# goes on quoting: " he said. ", " said the NATO chief. ", " she added. "
ATTRIBUTION_RE = re.compile(
    rf"\s+(?:{SPEAKER}\s+{SPEECH_VERB}|{SPEECH_VERB}\s+{SPEAKER})"
    rf"(?:\s+(?:on|in|at|to|during|after|before|from|with)\s+[\w'’ -]{{1,40}}?)?\s*\.\s+"
)


def _replace_case(word: str, replacement: str) -> str:
    if word.isupper() and len(word) > 1:
        return replacement.upper()
    if word[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


@lru_cache(maxsize=256)
def _term_regex(forms: tuple[str, ...]) -> re.Pattern[str]:
    """The first words of a rule's forms, as one case-insensitive search."""
    words = sorted({form.split()[0] for form in forms}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")", re.IGNORECASE)


def _mentions(rule: FalseFriendRule, text: str) -> bool:
    """Whether text holds a form of the rule's term: no frame can repair it otherwise."""
    return _term_regex(tuple(rule.forms)).search(text) is not None


def _false_friend_edits(
    rule: FalseFriendRule, text: str, hinted: bool = False
) -> Iterator[tuple[int, str, str]]:
    """(start, before, after) for each repair the rule makes.

    ``hinted``: the text is known to be translated from one of the rule's
    ``sources``, so its ``source_frames`` act too.
    """
    if not _mentions(rule, text):
        return
    done: set[int] = set()
    frames = (*rule.frames, *rule.source_frames) if hinted else rule.frames
    for frame in frames:
        for match in frame.finditer(text):
            start, end = match.span("term")
            if start in done:
                continue
            low, high = max(0, start - rule.window), min(len(text), end + rule.window)
            if rule.unless is not None and rule.unless.search(text, low, high):
                continue
            if rule.near is not None and not rule.near.search(text, low, high):
                continue
            term = match.group("term")
            replacement = rule.forms.get(" ".join(term.lower().split()))
            if replacement is None:
                continue
            done.add(start)
            yield start, term, _replace_case(term, replacement)


def apply_repairs(
    rule_id: str,
    category: str,
    paragraph: int,
    text: str,
    found: list[tuple[int, str, str]],
    edits: list[Edit],
) -> str:
    """Apply (start, before, after) repairs, given left to right, recording each.

    Each edit's offset is where it stands once the ones before it are made.
    The text is rebuilt once, from pieces, so many repairs cost linear time.
    """
    if not found:
        return text
    pieces: list[str] = []
    cursor = shift = 0
    for start, before, after in found:
        edits.append(Edit(STAGE, rule_id, category, "fix", paragraph, start + shift, before, after))
        pieces += (text[cursor:start], after)
        cursor = start + len(before)
        shift += len(after) - len(before)
    pieces.append(text[cursor:])
    return "".join(pieces)


def _pair(kinds: list[str], opens: str, closes: str, tight: list[bool] | None = None) -> dict[int, bool]:
    """Pair opening and closing marks, nested ones too: {mark index: is opening}."""
    pending: dict[str, list[int]] = {kind: [] for kind in opens}
    paired: dict[int, bool] = {}
    for index, kind in enumerate(kinds):
        if tight is not None and not tight[index]:
            continue
        if kind in opens:
            pending[kind].append(index)
        elif kind in closes:
            stack = pending[opens[closes.index(kind)]]
            if stack:
                paired[stack.pop()] = True
                paired[index] = False
    return paired


def convert_guillemets(text: str) -> list[tuple[int, str, str]]:
    """(start, before, after) turning guillemets into English curly quotes.

    Guillemets are paired in order: ``« … »`` (French, with the spaces inside
    removed) or, when the first mark is a ``»`` that hugs the next word,
    ``»…«`` (German). A ``»`` or ``›`` left unpaired is converted only as a closing
    mark right after the end of a sentence (``… offensives. »``); elsewhere it
    is a link arrow or a separator (``Read more »``, ``Home » News``) and
    stays, as does an unpaired ``«``.

    >>> convert_guillemets("a « b » c")
    [(2, '« ', '“'), (5, ' »', '”')]
    >>> convert_guillemets("Home » News: « we win » today")
    [(13, '« ', '“'), (21, ' »', '”')]
    """
    marks = list(GUILLEMET_RE.finditer(text))
    if not marks:
        return []
    kinds = [m.group().strip(SPACES) for m in marks]
    # German »text« hugs the words: its opening mark is followed, and its
    # closing mark preceded, by a non-space. A paragraph whose first guillemet
    # is a » that opens that way is in German style.
    tight = []
    for match, kind in zip(marks, kinds, strict=True):
        at = match.start() + match.group().index(kind)
        neighbour = text[at + 1 : at + 2] if kind in "»›" else text[at - 1 : at]
        tight.append(bool(neighbour) and not neighbour.isspace())
    german = kinds[0] in "»›" and tight[0] and any(k in "«‹" for k in kinds[1:])
    paired = _pair(kinds, "»›", "«‹", tight) if german else _pair(kinds, "«‹", "»›")
    # a pair around a '|' is page navigation: '‹ Previous | Next ›'
    for index in [i for i, opening in paired.items() if opening]:
        close = next((j for j in range(index + 1, len(kinds)) if j in paired and not paired[j]), None)
        if close is not None and "|" in text[marks[index].end() : marks[close].start()]:
            del paired[index], paired[close]
    german = german and bool(paired)
    out = []
    for index, (match, kind) in enumerate(zip(marks, kinds, strict=True)):
        if index in paired:
            opening = paired[index]
        elif kind in "»›" and not german:
            at = match.start()
            while at > 0 and text[at - 1] in SPACES:
                at -= 1
            if at == 0 or text[at - 1] not in SENTENCE_END:
                continue
            # a quotation must be open: '… good faith. »' after a “, not
            # 'Apple Inc. » Earnings' or 'Filed under Business. » Read more'
            if not any(mark in text[:at] for mark in ("“", "‘‘", "``", "«")):
                continue
            opening = False
        else:
            continue
        double = kind in "«»"
        replacement = ("“" if double else "‘") if opening else ("”" if double else "’")
        if german:
            out.append((match.start() + match.group().index(kind), kind, replacement))
        else:
            out.append((match.start(), match.group(), replacement))
    return out


# Typewriter habits for double quotes: ‘‘ or `` opens, ’’ or '' closes.
QUOTE_MARK_RE = re.compile(r"[“”]|‘‘|``|’’|''")


def _quote_marks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, mark) of each double quote mark, read as “ or ”."""
    return [
        (m.start(), m.end(), OPEN_QUOTE if m.group() in ("“", "‘‘", "``") else CLOSE_QUOTE)
        for m in QUOTE_MARK_RE.finditer(text)
    ]


def find_reopen_points(text: str) -> list[int]:
    """Offsets where an opening “ is missing after an attribution.

    >>> text = "“We see it,” he said. We must act now.”"
    >>> find_reopen_points(text)
    [22]
    """
    points = []
    open_quote = False
    last_close: tuple[int, int] | None = None
    for start, end, mark in _quote_marks(text):
        before = text[start - 1 : start]
        # 6’2” tall, a 55” TV, the 6'' pipe, "written as ''": not quotation marks
        if mark == CLOSE_QUOTE and (
            before.isdigit() or (not before.strip() and ("'" in text[start:end] or "’" in text[start:end]))
        ):
            continue
        if mark == OPEN_QUOTE:
            open_quote = True
            continue
        if open_quote:
            open_quote = False
            last_close = (start, end)
            continue
        # a closing mark with no quotation open
        if last_close is not None and text[last_close[0] - 1 : last_close[0]] == ",":
            match = ATTRIBUTION_RE.match(text, last_close[1])
            if (
                match
                and match.end() < start
                and text[match.end()].isupper()
                and '"' not in text[match.end() : start]
            ):
                points.append(match.end())
        last_close = (start, end)
    return points


def find_duplicate_openers(text: str) -> list[tuple[int, str, str]]:
    """(start, before, after) removing an opening “ inside a quotation still open.

    A run of opening marks with no closing mark between them, followed by
    exactly one closing mark before the next opening mark or the end, is one
    quotation: each mark of the run after the first that opens a sentence is
    removed (with a space after it). A nested quotation (``“… “Dead” is the
    word,” he said``) has its own closing mark and is left alone.

    >>> find_duplicate_openers("“We must prepare for bad news. “The war is long,” he said.")
    [(31, '“', '')]
    >>> find_duplicate_openers("“The plan is dead. “Dead” is the word I used,” he said.")
    []
    """
    marks = _quote_marks(text)
    found = []
    position = 0
    while position < len(marks):
        if marks[position][2] != OPEN_QUOTE:
            position += 1
            continue
        run_end = position
        while run_end + 1 < len(marks) and marks[run_end + 1][2] == OPEN_QUOTE:
            run_end += 1
        closers = run_end + 1
        while closers < len(marks) and marks[closers][2] == CLOSE_QUOTE:
            closers += 1
        # a word or two in quotes right before the one closing mark is a quotation
        # inside the quotation ('“We need a plan. “Hope” is not a strategy.'), not a
        # second opening mark
        quoted = text[marks[run_end][1] : marks[run_end + 1][0]] if run_end + 1 < len(marks) else ""
        nested = closers - run_end - 1 == 1 and len(quoted.split()) <= 3
        if closers - run_end - 1 == 1 and not nested:
            previous = marks[position][0]
            for index, _end, _mark in marks[position + 1 : run_end + 1]:
                head = text[previous:index].rstrip()
                if text[index] == OPEN_QUOTE and head[-1:] in tuple(SENTENCE_END) and '"' not in head:
                    mark_text = OPEN_QUOTE + " " if text[index + 1 : index + 2] == " " else OPEN_QUOTE
                    found.append((index, mark_text, ""))
                previous = index
        position = closers
    return found


# A space before ? ! : ; (French typography) in English text: after a word, a
# number, a closing quote or bracket, and before the end or a space or a
# closing quote. Not ' ;)' (an emoticon) and not '3 : 1' (a ratio or a time).
FRENCH_SPACE_RE = re.compile(
    # after a word of three letters or more (not code, a symbol or a variable)
    # or a closing quote; the mark alone, then the end of the paragraph, a
    # closing quote, or a space and a capital (the sentence goes on)
    r"(?:(?<=[^\W\d_]{3})|(?<=[”’»]))[ \u00a0\u202f]+"
    r"(?=[?!:;](?:$|[”’»\"]|\s+[^\W\d_a-zà-ÿ“\"«‘(]|\s+[“\"«‘]))"
)
RATIO_RE = re.compile(r"\d[ \u00a0\u202f]*:[ \u00a0\u202f]*\d")
INNER_SPACE = " \u00a0\u202f"


def find_french_spacing(text: str) -> list[tuple[int, str, str]]:
    """(start, before, after) removing French spaces before ? ! : ; and inside quotes.

    Inside quotation marks only when both marks of a pair have the space
    (``“ Wild Rose ”``): a lone ``”`` after a space may be an opening mark set
    the wrong way round (``said: ”Bird flu``), and ``’ ”`` closes a quotation
    inside a quotation.

    >>> find_french_spacing("Why ? Because : “ we won ”.")
    [(3, ' ', ''), (13, ' ', ''), (17, ' ', ''), (24, ' ', '')]
    >>> find_french_spacing("It won 3 : 1 ;) and he said: ”Bird flu is here.”")
    []
    >>> find_french_spacing("Use the ? wildcard; let f : X → Y; the “ | ” sign.")
    []
    """
    if not any(mark in text for mark in "?!:;“"):
        return []
    found = []
    for match in FRENCH_SPACE_RE.finditer(text):
        if text[match.end()] == ":" and RATIO_RE.match(text, match.start() - 1):
            continue
        found.append((match.start(), match.group(), ""))
    opening: int | None = None
    for start, end, mark in _quote_marks(text):
        if text[start:end] not in "“”":
            opening = None
            continue
        if mark == OPEN_QUOTE:
            opening = end
            continue
        if opening is None:
            continue
        inner = text[opening:start]
        after_open = len(inner) - len(inner.lstrip(INNER_SPACE))
        before_close = len(inner) - len(inner.rstrip(INNER_SPACE))
        body = inner.strip(INNER_SPACE)
        words_inside = body[:1].isalnum() and (body[-1:].isalnum() or body[-1:] in ".!?…")
        if after_open and before_close and words_inside:
            found.append((opening, inner[:after_open], ""))
            found.append((start - before_close, inner[len(inner) - before_close :], ""))
        opening = None
    return sorted(found)


QUOTE_FINDERS: dict[str, Callable[[str], list[tuple[int, str, str]]]] = {
    "guillemet-in-english": convert_guillemets,
    "reopen-quote-after-attribution": lambda t: [(i, "", OPEN_QUOTE) for i in find_reopen_points(t)],
    "duplicate-open-quote": find_duplicate_openers,
    "french-spacing": find_french_spacing,
}


# What a paragraph must hold for each quote rule to find anything: each
# finder returns nothing without it, so a rule is skipped where it is absent
# (checked again after every round of repairs, which may bring one in).
_FRENCH_SPACE_TRIGGER_RE = re.compile(r"[ \u00a0\u202f][?!:;]|“[ \u00a0\u202f]")


def _has_guillemet(text: str) -> bool:  # what GUILLEMET_RE needs
    return "«" in text or "»" in text or "‹" in text or "›" in text


def _has_double_quote(text: str) -> bool:  # what QUOTE_MARK_RE needs
    return "“" in text or "”" in text or "''" in text or "``" in text or "‘‘" in text or "’’" in text


def _has_french_space(text: str) -> bool:  # what FRENCH_SPACE_RE or “ and a space need
    return (
        "?" in text or "!" in text or ":" in text or ";" in text or "“" in text
    ) and _FRENCH_SPACE_TRIGGER_RE.search(text) is not None


QUOTE_TRIGGERS: dict[str, Callable[[str], bool]] = {
    "guillemet-in-english": _has_guillemet,
    "reopen-quote-after-attribution": _has_double_quote,
    "duplicate-open-quote": _has_double_quote,
    "french-spacing": _has_french_space,
}


def may_act(rule: FalseFriendRule, hinted: bool) -> bool:
    """Whether a false friend has frames that act: its ``source_frames`` need the hint."""
    return bool(rule.frames) or (hinted and bool(rule.source_frames))


def mentioned_false_friends(
    false_friends: tuple[FalseFriendRule, ...], text: str, source_language: str | None = None
) -> tuple[FalseFriendRule, ...]:
    """The false friends that can repair something in ``text`` (a whole document).

    A rule is left out when none of its frames may act, or when the text holds
    no form of its term and no other rule's replacement could bring one in.

    >>> from cleancorp.rules import load_rules
    >>> rules = load_rules().false_friends
    >>> [r.id for r in mentioned_false_friends(rules, "The extradition of the shells.")]
    ['extradition-of-things']
    >>> mentioned_false_friends(rules, "The council met on Monday.")
    ()
    """
    replacements = " ".join(value for rule in false_friends for value in rule.forms.values())
    folded = fold(text)
    kept = []
    for rule in false_friends:
        hinted = source_language is not None and source_language in rule.sources
        if not may_act(rule, hinted):
            continue
        # a case-insensitive match holds the folded word: a cheap test before the regex
        said = any(fold(form.split()[0]) in folded for form in rule.forms) and _mentions(rule, text)
        if said or _mentions(rule, replacements):
            kept.append(rule)
    return tuple(kept)


def rules_for(
    rules: RuleSet,
    language: str,
    disabled: AbstractSet[str] = frozenset(),
    keep_categories: AbstractSet[str] = frozenset(),
) -> tuple[tuple[QuoteRule, ...], tuple[FalseFriendRule, ...]]:
    """The quote and false-friend rules that act on text in ``language``.

    Rules whose id is in ``disabled`` or whose category is in
    ``keep_categories`` are left out.
    """

    def applies(rule: QuoteRule | FalseFriendRule) -> bool:
        return (
            rule.id not in disabled
            and rule.category not in keep_categories
            and ("*" in rule.languages or language in rule.languages)
        )

    return tuple(filter(applies, rules.quote_rules)), tuple(filter(applies, rules.false_friends))


def repair_paragraph_quirks(
    paragraph: int,
    text: str,
    edits: list[Edit],
    quote_rules: tuple[QuoteRule, ...],
    false_friends: tuple[FalseFriendRule, ...],
    source_language: str | None = None,
) -> str:
    """Apply the given rules to one paragraph, recording each repair.

    ``source_language``: the language the text is known to be translated
    from, if any; false friends from that language repair more frames.
    """
    # A repair changes the text that the windows of later rules measure, so
    # the rules run again on the result until a round repairs nothing: then a
    # second run of the stage has nothing left to do.
    for _round in range(MAX_ROUNDS):
        before = len(edits)
        for quote_rule in quote_rules:
            trigger = QUOTE_TRIGGERS.get(quote_rule.id)
            if trigger is not None and not trigger(text):
                continue
            found = QUOTE_FINDERS[quote_rule.id](text)
            text = apply_repairs(quote_rule.id, quote_rule.category, paragraph, text, found, edits)
        for friend in false_friends:
            hinted = source_language is not None and source_language in friend.sources
            if not may_act(friend, hinted):
                continue
            found = sorted(_false_friend_edits(friend, text, hinted))
            text = apply_repairs(friend.id, friend.category, paragraph, text, found, edits)
        if len(edits) == before:
            break
    return text


def repair_quirks(
    text: str, language: str = "en", *, rules: RuleSet | None = None, source_language: str | None = None
) -> str:
    """Repair translation quirks in text written in ``language``.

    ``source_language`` says the text was translated from that language.

    >>> repair_quirks("“We must act,” he said. We will win. »")
    '“We must act,” he said. “We will win.”'
    >>> repair_quirks("« Nous devons agir », a-t-il dit.", "fr")
    '« Nous devons agir », a-t-il dit.'
    """
    quote_rules, false_friends = rules_for(rules or load_rules(), language)
    edits: list[Edit] = []
    return join_paragraphs(
        repair_paragraph_quirks(i, p, edits, quote_rules, false_friends, source_language)
        for i, p in enumerate(split_paragraphs(text))
    )
