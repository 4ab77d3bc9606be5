"""A literal prefilter for the boilerplate rules: which rule can match which paragraph.

Most paragraphs of an article match no rule, and running some thirty regexes
on each of them is what made the stage slow. Every rule's regex is read once
(with the standard library's regex parser) for the *literals it cannot match
without*: ``Follow us on {{social}}`` cannot match a paragraph that lacks
``follow us on``; a pattern with alternatives needs one literal per
alternative. All rules' literals go into one Aho-Corasick automaton
(``ahocorasick_rs``, a compiled DFA), run once over the whole document; a
rule is then tried only on the paragraphs where one of its literals was found.
A rule whose patterns yield no literal of at least ``MIN_LITERAL`` characters
(a separator line, ``^[\\W_]+$``) is tried on every paragraph.

This is exact, not a heuristic: a literal is taken only from a part of the
pattern that every match must contain, and the search is case-insensitive
like the rules, so a paragraph a rule matches always contains one of its
literals. The test suite checks that decisions with and without the
prefilter are the same on the benchmark text and on generated text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

import ahocorasick_rs

_sre_parse: Any
_sre_constants: Any
_sre_casefix: Any
_sre_compile: Any
if hasattr(re, "_parser"):  # Python >= 3.11: the regex parser, as the re module uses it
    _sre_parse = getattr(re, "_parser")  # noqa: B009
    _sre_constants = getattr(re, "_constants")  # noqa: B009
    _sre_casefix = getattr(re, "_casefix")  # noqa: B009
    _sre_compile = getattr(re, "_compiler")  # noqa: B009
else:  # pragma: no cover - Python 3.10
    import sre_compile as _sre_compile
    import sre_constants as _sre_constants
    import sre_parse as _sre_parse

    _sre_casefix = None

MIN_WEIGHT = 3
"""Literals lighter than this (``by``, ``ad``) are too common to narrow anything down."""
# Characters rarer in prose than a letter: a literal "©", "/" or ":" is selective.
_RARE_ASCII = frozenset("/|@#[]{}<>=+*&%$^~_`\\:")

_LITERAL = _sre_constants.LITERAL
_SUBPATTERN = _sre_constants.SUBPATTERN
_BRANCH = _sre_constants.BRANCH
_IN = _sre_constants.IN
_REPEATS = tuple(
    getattr(_sre_constants, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(_sre_constants, name)
)
_ATOMIC = getattr(_sre_constants, "ATOMIC_GROUP", None)

Literals = frozenset[str] | None
"""Strings of which every match contains one; ``None``: no such set is known."""


EDGE_KEY_LENGTH = 5
MEMO_SIZE = 16_384
"""Paragraph heads (and tails) whose probes a prefilter keeps: a few MB at most."""
DIGIT_KEY = "\\d"
"""The key of a paragraph whose first (or last) letter or digit is a decimal digit."""
END_KEY = ""
"""The key of a paragraph with no letter or digit at all."""
_AT = _sre_constants.AT
_NEGATE = _sre_constants.NEGATE
_CATEGORY = _sre_constants.CATEGORY
_NON_WORD_CATEGORIES = frozenset(
    {_sre_constants.CATEGORY_NOT_WORD, _sre_constants.CATEGORY_SPACE, _sre_constants.CATEGORY_LINEBREAK}
)
_LOOKS = (_sre_constants.ASSERT, _sre_constants.ASSERT_NOT)
FIRST_WORD_RE = re.compile(r"[\W_]*")
SURROGATE_RE = re.compile("[\ud800-\udfff]")
"""Lone surrogates, which the automaton (working on UTF-8) cannot take."""


def _non_word_only(op: Any, value: Any) -> bool:
    """Whether the item can match only characters that are not letters or digits."""
    if op is _LITERAL:
        char = chr(value)
        return not char.isalnum()
    if op is _IN:
        if value and value[0][0] is _NEGATE:
            return any(kind is _CATEGORY and v is _sre_constants.CATEGORY_WORD for kind, v in value[1:])
        return all(
            (kind is _CATEGORY and v in _NON_WORD_CATEGORIES) or (kind is _LITERAL and not chr(v).isalnum())
            for kind, v in value
        )
    if op in _REPEATS:
        return all(_non_word_only(o, v) for o, v in value[2])
    if op is _SUBPATTERN:
        return all(_non_word_only(o, v) for o, v in value[-1])
    return False


_STARTS = (_sre_constants.AT_BEGINNING, _sre_constants.AT_BEGINNING_STRING)
_ENDS = (_sre_constants.AT_END, _sre_constants.AT_END_STRING)


def _edge(items: list[Any], forward: bool, pinned: bool) -> frozenset[str] | None:
    """What the text at one edge of a match must hold once the characters that are not
    letters or digits there are skipped: folded prefixes (``forward``) or suffixes of
    its first or last word, ``DIGIT_KEY`` or ``END_KEY``; ``None`` when that cannot
    be told.

    ``items`` are in the order they are read: reversed when not ``forward``.
    ``pinned`` says that the match is held at that edge of the text (``^`` for
    the start, which the caller checks; ``$`` for the end, met on the way).
    """
    for position, (op, value) in enumerate(items):
        rest = items[position + 1 :]
        if op is _AT:
            if value in _ENDS:
                if forward:  # only non-word characters from the start to the end
                    return frozenset({END_KEY}) if pinned else None
                pinned = True
            elif value in _STARTS and not forward:
                return frozenset({END_KEY}) if pinned else None
            continue
        if op in _LOOKS or _non_word_only(op, value):
            continue
        if not pinned:
            return None
        if op is _LITERAL:
            if forward:
                return frozenset(map(fold, _prefixes(items[position:])))
            run: list[str] = []
            for next_op, next_value in items[position:]:
                if next_op is not _LITERAL or not chr(next_value).isalnum() or len(run) == EDGE_KEY_LENGTH:
                    break
                run.append(chr(next_value))
            return frozenset({fold("".join(reversed(run)))})
        if op is _IN and value == [(_CATEGORY, _sre_constants.CATEGORY_DIGIT)]:
            return frozenset({DIGIT_KEY})
        if op is _SUBPATTERN:
            return _edge([*_ordered(value[-1], forward), *rest], forward, pinned)
        if _ATOMIC is not None and op is _ATOMIC:
            return _edge([*_ordered(value, forward), *rest], forward, pinned)
        if op is _BRANCH:
            found: set[str] = set()
            for alternative in value[1]:
                keys = _edge([*_ordered(alternative, forward), *rest], forward, pinned)
                if keys is None:
                    return None
                found |= keys
            return frozenset(found)
        if op in _REPEATS:
            low, _high, inner = value
            keys = _edge([*_ordered(inner, forward), *rest], forward, pinned)
            if keys is not None and low == 0:
                after = _edge(rest, forward, pinned)
                keys = None if after is None else keys | after
            return keys
        return None
    return None  # the match ends (or starts) before anything that pins the text


def _prefixes(items: list[Any]) -> set[str]:
    """The first ``EDGE_KEY_LENGTH`` characters a match of items can start with.

    Items that match a known small set of strings are multiplied out, so
    ``e-?mail`` gives ``e-mai`` and ``email``; alternatives and groups are
    followed into, so ``a (?:version|copy)`` gives ``a ver`` and ``a cop``; a
    string stops short where an item matches too much to list (a class, a
    repeat): the paragraph's shorter prefix is looked up too.
    """
    strings = _starts(items, EDGE_KEY_LENGTH)
    # a string that extends another adds nothing: its paragraphs have the other too
    return {s for s in strings if not any(o != s and s.startswith(o) for o in strings)}


def _starts(items: list[Any], length: int) -> set[str]:
    """The strings of up to ``length`` characters that a match of items starts with.

    A string shorter than ``length`` stands for any text that starts with it.
    At most ``MAX_PRODUCT`` strings: beyond that they are cut shorter, which
    keeps them true (a prefix of a start is a start).
    """
    if not items or length == 0:
        return {""}
    op, value = items[0]
    rest = items[1:]
    exact = _exact(op, value)
    if exact is not None:
        heads = set(exact)
    elif op is _SUBPATTERN:
        return _starts([*value[-1], *rest], length)
    elif _ATOMIC is not None and op is _ATOMIC:
        return _starts([*value, *rest], length)
    elif op is _BRANCH:
        found: set[str] = set()
        for alternative in value[1]:
            found |= _starts([*alternative, *rest], length)
        return _bounded(found)
    elif op in _REPEATS and value[0] >= 1:
        # a match starts with one match of the repeated part, then anything
        return _starts(list(value[2]), length)
    else:
        return {""}
    found = set()
    for head in heads:
        if len(head) >= length:
            found.add(head[:length])
        else:
            found |= {head + tail for tail in _starts(rest, length - len(head))}
        if len(found) > MAX_PRODUCT:
            break
    return _bounded(found)


def _bounded(strings: set[str]) -> set[str]:
    """Strings cut shorter until there are at most ``MAX_PRODUCT`` of them."""
    while len(strings) > MAX_PRODUCT:
        longest = max(map(len, strings))
        strings = {s[: longest - 1] for s in strings}
    return strings


def _ordered(items: Any, forward: bool) -> list[Any]:
    return list(items) if forward else list(reversed(items))


class PatternSource(Protocol):
    """What the prefilter reads of a pattern: a compiled ``re.Pattern`` has both."""

    @property
    def pattern(self) -> str: ...
    @property
    def flags(self) -> int: ...


@lru_cache(maxsize=1024)
def _parsed(source: str, flags: int) -> Any:
    """A pattern as the standard library's regex parser reads it (read once for the
    three questions asked of each rule pattern; the result is only read, never changed)."""
    return _sre_parse.parse(source, flags)


def first_keys(pattern: PatternSource) -> frozenset[str] | None:
    r"""For a pattern anchored at the start: the first keys a paragraph it matches has.

    A paragraph's first keys (see :func:`edge_keys`) are the first one to five
    characters from its first word, folded, and ``DIGIT_KEY`` if that word starts
    with a digit, or ``END_KEY`` if it has no letter or digit.

    >>> sorted(first_keys(re.compile(r"^\W*(?:by|written by)\s+\w+", re.I)))
    ['by', 'writt']
    >>> sorted(first_keys(re.compile(r"^[\W_]+$")))
    ['']
    >>> first_keys(re.compile(r"^[A-Z]\w+:$")) is None
    True
    >>> first_keys(re.compile(r"^\W+")) is None
    True
    """
    return _edge(_ordered(_parsed(pattern.pattern, pattern.flags), True), True, True)


def last_keys(pattern: PatternSource) -> frozenset[str] | None:
    r"""The last keys a paragraph the pattern matches has: the last one to five
    characters up to its last word, folded (see :func:`first_keys`).

    >>> sorted(last_keys(re.compile(r"all rights reserved\W*$", re.I)))
    ['erved']
    >>> last_keys(re.compile(r"all rights reserved", re.I)) is None
    True
    """
    return _edge(_ordered(_parsed(pattern.pattern, pattern.flags), False), False, False)


def edge_keys(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    r"""The first and the last keys of a paragraph.

    >>> edge_keys("— By Jane Doe.")
    (('b', 'by', 'by ', 'by j', 'by ja'), ('e', 'oe', 'doe', ' doe', 'e doe'))
    >>> edge_keys("Go!")
    (('g', 'go'), ('o', 'go'))
    >>> edge_keys("*** ***")
    (('',), ('',))
    >>> edge_keys("12 Uhr")
    (('1', '12', '12 ', '12 u', '12 uh', '\\d'), ('r', 'hr', 'uhr', ' uhr', '2 uhr'))
    """
    return _keys_at(fold(text), 0, len(text))


def _keys_at(folded: str, start: int, stop: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """:func:`edge_keys` of ``folded[start:stop]``, already folded."""
    if start < stop and not folded[start].isalnum():
        start = FIRST_WORD_RE.match(folded, start, stop).end()  # type: ignore[union-attr]
    if start == stop:
        return _NO_WORD
    end = stop
    while not folded[end - 1].isalnum():
        end -= 1
    head = folded[start : min(start + EDGE_KEY_LENGTH, end)]
    tail = folded[max(start, end - EDGE_KEY_LENGTH) : end]
    first = tuple(head[:n] for n in range(1, len(head) + 1))
    last = tuple(tail[-n:] for n in range(1, len(tail) + 1))
    if head[0].isdecimal():
        first = (*first, DIGIT_KEY)
    if tail[-1].isdecimal():
        last = (*last, DIGIT_KEY)
    return first, last


_NO_WORD = ((END_KEY,), (END_KEY,))


def _weight(literal: str) -> int:
    """How selective a literal is: a letter counts 1, a space 0, a rare character 3.

    >>> _weight("by "), _weight("©"), _weight("/"), _weight("무단")
    (2, 3, 3, 4)
    """
    return sum(
        0
        if char.isspace()
        else 1
        if char.isascii() and char not in _RARE_ASCII
        else 2
        if char.isalnum()
        else 3
        for char in literal
    )


def _better(a: Literals, b: Literals) -> Literals:
    """The more selective of two necessary sets: heavier lightest literal, then fewer."""
    if a is None:
        return b
    if b is None:
        return a
    key_a = (min(map(_weight, a)), -len(a))
    key_b = (min(map(_weight, b)), -len(b))
    return a if key_a >= key_b else b


MAX_PRODUCT = 64
"""The most strings a run of exact items may spell before it is cut."""


def _sequence(items: Any) -> Literals:
    """Necessary literals of a parsed sequence: its best run or sub-part.

    Consecutive items that match a small known set of strings (a literal, a
    short alternation, an optional literal) are multiplied out into one set:
    ``(?:click|tap)(?:ing)? here`` needs one of ``click here``, ``clicking
    here``, ``tap here``, ``tapping here``.
    """
    best: Literals = None
    run: set[str] = {""}
    for op, value in items:
        exact = _exact(op, value)
        if exact is not None:
            product = {a + b for a in run for b in exact}
            if len(product) <= MAX_PRODUCT:
                run = product
                continue
            best = _better(best, _whole(run))
            run = set(exact)
            continue
        best = _better(best, _whole(run))
        run = {""}
        best = _better(best, _item(op, value))
    return _better(best, _whole(run))


def _whole(run: set[str]) -> Literals:
    """A run's strings as a necessary set, unless it can be empty.

    A string that holds another of the set adds nothing: a text with it has the other.
    """
    if not run or "" in run:
        return None
    return frozenset(s for s in run if not any(o != s and o in s for o in run))


def _exact(op: Any, value: Any) -> frozenset[str] | None:
    """Every string the item can match, when they are few; else ``None``."""
    if op is _LITERAL:
        return frozenset({chr(value)})
    if op is _IN and len(value) <= 8 and all(kind is _LITERAL for kind, _ in value):
        return frozenset(chr(char) for _, char in value)
    if op is _SUBPATTERN:
        return _exact_sequence(value[-1])
    if op is _BRANCH:
        found: set[str] = set()
        for alternative in value[1]:
            strings = _exact_sequence(alternative)
            if strings is None:
                return None
            found |= strings
        return frozenset(found) if len(found) <= MAX_PRODUCT else None
    if op in _REPEATS:
        low, high, inner = value
        strings = _exact_sequence(inner)
        if strings is None or high > 1:
            return None
        return strings | {""} if low == 0 else strings
    return None


def _exact_sequence(items: Any) -> frozenset[str] | None:
    run: set[str] = {""}
    for op, value in items:
        strings = _exact(op, value)
        if strings is None:
            return None
        run = {a + b for a in run for b in strings}
        if len(run) > MAX_PRODUCT:
            return None
    return frozenset(run)


def _item(op: Any, value: Any) -> Literals:
    if op is _SUBPATTERN:
        return _sequence(value[-1])
    if _ATOMIC is not None and op is _ATOMIC:
        return _sequence(value)
    if op in _REPEATS:
        low, _high, inner = value
        return _sequence(inner) if low >= 1 else None
    if op is _BRANCH:
        found: set[str] = set()
        for alternative in value[1]:
            literals = _sequence(alternative)
            if literals is None:
                return None
            found |= literals
        return frozenset(found)
    if op is _IN and len(value) <= 8 and all(kind is _LITERAL for kind, _ in value):
        return frozenset(chr(char) for _, char in value)  # (?:©|ⓒ) is parsed as [©ⓒ]
    return None  # a wider class, an anchor, a look-around, a back-reference


def necessary_literals(pattern: str | PatternSource) -> Literals:
    """Strings one of which, compared without case, every match of pattern contains.

    >>> sorted(necessary_literals(r"^\\W*(?:follow us|join us) on \\w+"))
    ['follow us on ', 'join us on ']
    >>> necessary_literals(r"^[\\W_]+$") is None
    True
    """
    source = pattern if isinstance(pattern, str) else pattern.pattern
    flags = 0 if isinstance(pattern, str) else pattern.flags
    literals = _sequence(_parsed(source, flags))
    if literals is None or min(map(_weight, literals)) < MIN_WEIGHT:
        return None
    return frozenset(map(fold, literals))


def _extra_case_table() -> dict[int, int]:
    """Characters that case-insensitive regexes treat as equal although ``lower()`` differs.

    (``ı`` matches ``i``, ``ς`` matches ``σ``, ``ſ`` matches ``s``.) Each maps to
    the smallest member of its class, so that folded text and folded literals agree.
    """
    extra = getattr(_sre_casefix, "_EXTRA_CASES", None) if _sre_casefix is not None else None
    if extra is None:  # pragma: no cover - Python 3.10 keeps them elsewhere
        extra = {k: tuple(v) for k, v in getattr(_sre_compile, "_ignorecase_fixes", {}).items()}
    classes: dict[int, set[int]] = {}
    for key, others in extra.items():
        members = {key, *others}
        for member in list(members):
            members |= classes.get(member, set())
        for member in members:
            classes[member] = members
    return {member: min(members) for member, members in classes.items() if member != min(members)}


_EXTRA_CASE = _extra_case_table()
_EXTRA_CASE_RE = re.compile("[" + "".join(map(chr, sorted(_EXTRA_CASE))) + "]")


def fold(text: str) -> str:
    """Lower case, one character for one, as case-insensitive regexes compare.

    >>> fold("Follow US ſo ΣΊΓΜΑ")
    'follow us so ςίγµα'
    """
    folded = text.lower()
    if len(folded) != len(text):  # "İ" lowers to two characters; a regex takes it for "i"
        folded = text.replace("İ", "i").lower()
    if _EXTRA_CASE_RE.search(folded):
        folded = folded.translate(_EXTRA_CASE)
    return folded


Candidate = tuple[int, Callable[[str], object]]
"""A probe to try: the index of its rule, and its regex's ``match`` (anchored)
or ``search`` method, which returns ``None`` where the probe is not found."""


class _Probe(Protocol):
    @property
    def regex(self) -> re.Pattern[str]: ...
    @property
    def anchored(self) -> bool: ...
    @property
    def literals(self) -> frozenset[str] | None: ...
    @property
    def first(self) -> frozenset[str] | None: ...
    @property
    def last(self) -> frozenset[str] | None: ...
    @property
    def finder(self) -> Callable[[str], object]: ...


# Letters from common to rare in the languages of the rules; a character that
# is not listed is taken as rare.
_COMMON = "eaitonsrlhdcumpgfbvwyzkjxq0123456789"
AUTOMATON_KEY_LENGTH = 8


def _rarity(char: str) -> int:
    return _COMMON.find(char) + 1 or len(_COMMON) + 1


def _automaton_keys(literals: Iterable[str]) -> dict[str, str]:
    """For each literal, the part of it the automaton looks for.

    Any part of a necessary literal is necessary too. The automaton scans text
    faster when few characters can start a key, so the parts are chosen to
    start with few distinct characters (a greedy set cover that prefers rare
    ones), each part heavy enough (``MIN_WEIGHT``) to stay selective.
    """

    def starts(literal: str) -> dict[str, int]:
        found: dict[str, int] = {}
        # as heavy as the literal allows, up to twice MIN_WEIGHT (no character
        # weighs less than nothing, so the whole literal is its heaviest suffix)
        need = min(2 * MIN_WEIGHT, _weight(literal))
        for index, char in enumerate(literal):
            if (
                not char.isspace()
                and char not in found
                and _weight(literal[index : index + AUTOMATON_KEY_LENGTH]) >= need
            ):
                found[char] = index
        return found

    options = {literal: starts(literal) for literal in literals}
    chosen: dict[str, str] = {}
    left = {literal for literal, found in options.items() if found}
    while left:
        counts: dict[str, int] = {}
        for literal in left:
            for char in options[literal]:
                counts[char] = counts.get(char, 0) + 1
        best = max(counts, key=lambda char: (counts[char] * _rarity(char), char))
        for literal in sorted(left):
            index = options[literal].get(best)
            if index is not None:
                chosen[literal] = literal[index : index + AUTOMATON_KEY_LENGTH]
                left.discard(literal)
    for literal in literals:
        chosen.setdefault(literal, literal)
    return chosen


class _Rule(Protocol):
    @property
    def probes(self) -> Sequence[_Probe]: ...


@dataclass(frozen=True, eq=False)
class Prefilter:
    """Which probes to try on which paragraph.

    Probes are numbered in rule order and a set of them is an ``int`` with
    one bit per probe.
    """

    always: int
    """Probes tried on every paragraph: nothing narrows them."""
    gated: int
    """Anchored probes that nothing else narrows: tried where ``gate`` matches."""
    gate: re.Pattern[str] | None
    by_first: dict[str, int]
    """Probes by the first keys of the paragraphs they can match."""
    by_last: dict[str, int]
    """Probes by the last keys of the paragraphs they can match."""
    automaton: Any
    """An Aho-Corasick automaton of the folded literals of the other probes."""
    automaton_masks: tuple[int, ...]
    """The probes of each of the automaton's strings, by its index."""
    finders: tuple[Candidate, ...]
    """The probe of each bit, as its rule's index and its regex method."""
    _expanded: dict[int, tuple[Candidate, ...]]
    _heads: dict[str, int] = field(default_factory=dict)
    """The probes by first keys of each paragraph head seen (a bounded memo)."""
    _tails: dict[str, int] = field(default_factory=dict)
    """The probes by last keys of each paragraph tail seen (a bounded memo)."""

    def probes(self, mask: int) -> tuple[Candidate, ...]:
        """The probes of a set, in rule order."""
        found = self._expanded.get(mask)
        if found is None:
            found = tuple(key for bit, key in enumerate(self.finders) if mask >> bit & 1)
            if len(self._expanded) < 4096:
                self._expanded[mask] = found
        return found

    def candidates(self, paragraphs: Sequence[str]) -> list[tuple[Candidate, ...]]:
        """For each paragraph, the probes that may match it, in rule order.

        (:func:`edge_keys` inlined: this loop runs once per paragraph.)
        """
        document = fold("\n".join(paragraphs))
        gate, by_first, by_last, always = self.gate, self.by_first, self.by_last, self.always
        no_word = always | by_first.get(END_KEY, 0) | by_last.get(END_KEY, 0)
        first_digit, last_digit = by_first.get(DIGIT_KEY, 0), by_last.get(DIGIT_KEY, 0)
        first_word = FIRST_WORD_RE.match
        get, last_get = by_first.get, by_last.get
        heads, tails = self._heads, self._tails
        masks = []
        starts = []
        offset = 0
        for paragraph in paragraphs:
            starts.append(offset)
            stop = offset + len(paragraph)
            if offset == stop:
                masks.append(always)
                offset += 1
                continue
            start = offset
            if not document[start].isalnum():
                start = first_word(document, offset, stop).end()  # type: ignore[union-attr]
                if start == stop:
                    if gate is not None and gate.match(paragraph):
                        no_word |= self.gated
                    masks.append(no_word)
                    offset = stop + 1
                    continue
            # A key is compared with the text as it stands; a head that runs on
            # into the next paragraph (a newline) cannot equal a key that a
            # paragraph could match.
            head = document[start : start + EDGE_KEY_LENGTH]
            found = heads.get(head)
            if found is None:
                found = (
                    get(head[:1], 0) | get(head[:2], 0) | get(head[:3], 0) | get(head[:4], 0) | get(head, 0)
                )
                if head[0].isdecimal():
                    found |= first_digit
                if len(heads) < MEMO_SIZE:
                    heads[head] = found
            mask = always | found
            if by_last:
                end = stop
                while not document[end - 1].isalnum():
                    end -= 1
                tail = document[max(start, end - EDGE_KEY_LENGTH) : end]
                found = tails.get(tail)
                if found is None:
                    found = (
                        last_get(tail[-1:], 0)
                        | last_get(tail[-2:], 0)
                        | last_get(tail[-3:], 0)
                        | last_get(tail[-4:], 0)
                        | last_get(tail, 0)
                    )
                    if tail[-1].isdecimal():
                        found |= last_digit
                    if len(tails) < MEMO_SIZE:
                        tails[tail] = found
                mask |= found
            if gate is not None and gate.match(paragraph):
                mask |= self.gated
            masks.append(mask)
            offset = stop + 1
        if self.automaton is not None:
            literal_masks = self.automaton_masks
            try:
                found_literals = self.automaton.find_matches_as_indexes(document, overlapping=True)
            except UnicodeEncodeError:  # a lone surrogate: one character for one, as offsets need
                found_literals = self.automaton.find_matches_as_indexes(
                    SURROGATE_RE.sub("\ufffd", document), overlapping=True
                )
            for index, start, _end in found_literals:
                masks[bisect_right(starts, start) - 1] |= literal_masks[index]
        return [self.probes(mask) for mask in masks]


def _gate(probes: Sequence[_Probe]) -> tuple[re.Pattern[str] | None, list[_Probe]]:
    """One regex that matches where any of the anchored probes may: their alternation.

    A probe that cannot join (a global inline flag, a back-reference that would
    count other probes' groups, a group name used twice) is left out and returned.
    """
    parts: list[str] = []
    left_out: list[_Probe] = []
    names: set[str] = set()
    for probe in probes:
        scoped = f"(?{'i' if probe.regex.flags & re.IGNORECASE else '-i'}:{probe.regex.pattern})"
        own_names = set(probe.regex.groupindex)
        try:
            re.compile(scoped)
            parsed = _sre_parse.parse(probe.regex.pattern, probe.regex.flags)
        except re.error:
            left_out.append(probe)
            continue
        if _has_group_reference(parsed) or names & own_names:
            left_out.append(probe)
            continue
        names |= own_names
        parts.append(scoped)
    return (re.compile("|".join(parts)) if parts else None), left_out


def _has_group_reference(items: Any) -> bool:
    for op, value in items:
        if op in (_sre_constants.GROUPREF, _sre_constants.GROUPREF_EXISTS):
            return True
        if op is _SUBPATTERN and _has_group_reference(value[-1]):
            return True
        if op in _REPEATS and _has_group_reference(value[2]):
            return True
        if op is _BRANCH and any(_has_group_reference(alternative) for alternative in value[1]):
            return True
        if _ATOMIC is not None and op is _ATOMIC and _has_group_reference(value):
            return True
        if op in _LOOKS and _has_group_reference(value[1]):
            return True
    return False


@lru_cache(maxsize=32)
def build_prefilter(rules: tuple[_Rule, ...]) -> Prefilter:
    """The prefilter for rules (objects with ``probes``), in rule order."""
    finders: list[Candidate] = []
    always = 0
    gated: list[tuple[int, _Probe]] = []
    by_first: dict[str, int] = {}
    by_literal: dict[str, int] = {}
    by_last: dict[str, int] = {}
    for rule_index, rule in enumerate(rules):
        for probe in rule.probes:
            bit = 1 << len(finders)
            finders.append((rule_index, probe.finder))
            if probe.anchored and probe.first is not None:
                for key in probe.first:
                    by_first[key] = by_first.get(key, 0) | bit
            elif probe.last is not None:
                for key in probe.last:
                    by_last[key] = by_last.get(key, 0) | bit
            elif probe.literals is not None:
                for literal in probe.literals:
                    by_literal[literal] = by_literal.get(literal, 0) | bit
            elif probe.anchored:
                gated.append((bit, probe))
            else:
                always |= bit
    gate, left_out = _gate([probe for _, probe in gated])
    gated_mask = 0
    for bit, probe in gated:
        if probe in left_out:
            always |= bit
        else:
            gated_mask |= bit
    automaton = None
    by_key: dict[str, int] = {}
    for literal, key in _automaton_keys(by_literal).items():
        by_key[key] = by_key.get(key, 0) | by_literal[literal]
    if by_key:
        automaton = ahocorasick_rs.AhoCorasick(list(by_key), implementation=ahocorasick_rs.Implementation.DFA)
    return Prefilter(
        always,
        gated_mask,
        gate,
        by_first,
        by_last,
        automaton,
        tuple(by_key.values()),
        tuple(finders),
        {},
    )
