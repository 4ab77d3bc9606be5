"""A literal prefilter for the boilerplate rules: which rule can match which paragraph.

Most paragraphs of an article match no rule, and running some thirty regexes
on each of them is what made the stage slow. Every rule's regex is read once
(with the standard library's regex parser) for the *literals it cannot match
without*: ``Follow us on {{social}}`` cannot match a paragraph that lacks
``follow us on``; a pattern with alternatives needs one literal per
alternative. All rules' literals go into one Aho-Corasick automaton
(``pyahocorasick``), run once over the whole document; a rule is then tried only on the paragraphs where
one of its literals was found. A rule whose patterns yield no literal of at
least ``MIN_LITERAL`` characters (a separator line, ``^[\\W_]+$``) is tried
on every paragraph.

This is exact, not a heuristic: a literal is taken only from a part of the
pattern that every match must contain, and the search is case-insensitive
like the rules, so a paragraph a rule matches always contains one of its
literals. The test suite checks that decisions with and without the
prefilter are the same on the benchmark text and on generated text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import ahocorasick  # type: ignore[import-not-found,unused-ignore]

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
# Characters rarer in prose than a letter: a literal "©" or "/" is selective.
_RARE_ASCII = frozenset("/|@#[]{}<>=+*&%$^~_`\\")

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


FIRST_KEY_LENGTH = 3
DIGIT_KEY = "\\d"
"""The key of a paragraph whose first letter or digit is a decimal digit."""
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


def _first(items: list[Any]) -> frozenset[str] | None:
    """What a match must start with once the characters that are not letters or digits
    at its start are skipped: folded prefixes of its first word, ``DIGIT_KEY`` or
    ``END_KEY``; ``None`` when that cannot be told."""
    for position, (op, value) in enumerate(items):
        rest = items[position + 1 :]
        if op is _AT or op in _LOOKS or _non_word_only(op, value):
            continue
        if op is _LITERAL:
            run = ""
            for next_op, next_value in items[position:]:
                if next_op is not _LITERAL or not chr(next_value).isalnum() or len(run) == FIRST_KEY_LENGTH:
                    break
                run += chr(next_value)
            return frozenset({fold(run)})
        if op is _IN and value == [(_CATEGORY, _sre_constants.CATEGORY_DIGIT)]:
            return frozenset({DIGIT_KEY})
        if op is _SUBPATTERN:
            return _first([*value[-1], *rest])
        if _ATOMIC is not None and op is _ATOMIC:
            return _first([*value, *rest])
        if op is _BRANCH:
            found: set[str] = set()
            for alternative in value[1]:
                keys = _first([*alternative, *rest])
                if keys is None:
                    return None
                found |= keys
            return frozenset(found)
        if op in _REPEATS:
            low, _high, inner = value
            keys = _first([*inner, *rest])
            if keys is not None and low == 0:
                after = _first(rest)
                keys = None if after is None else keys | after
            return keys
        return None
    return frozenset({END_KEY})


def first_keys(pattern: re.Pattern[str]) -> frozenset[str] | None:
    r"""For a pattern anchored at the start: the keys a paragraph it matches has.

    A paragraph's keys (see :func:`paragraph_keys`) are the first one to three
    characters of its first word, folded, and ``DIGIT_KEY`` if that word starts
    with a digit, or ``END_KEY`` if it has no letter or digit.

    >>> sorted(first_keys(re.compile(r"^\W*(?:by|written by)\s+\w+", re.I)))
    ['by', 'wri']
    >>> sorted(first_keys(re.compile(r"^[\W_]+$")))
    ['']
    >>> first_keys(re.compile(r"^[A-Z]\w+:$")) is None
    True
    """
    return _first(list(_sre_parse.parse(pattern.pattern, pattern.flags)))


def paragraph_keys(text: str) -> tuple[str, ...]:
    """The keys under which the anchored probes that may match text are filed.

    >>> paragraph_keys("— By Jane Doe")
    ('b', 'by', 'by ')
    >>> paragraph_keys("*** ***")
    ('',)
    """
    start = FIRST_WORD_RE.match(text).end()  # type: ignore[union-attr]
    if start == len(text):
        return (END_KEY,)
    head = fold(text[start : start + FIRST_KEY_LENGTH])
    keys = tuple(head[:n] for n in range(1, len(head) + 1))
    return (*keys, DIGIT_KEY) if text[start].isdecimal() else keys


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


def _sequence(items: Any) -> Literals:
    """Necessary literals of a parsed sequence: its best run or sub-part."""
    best: Literals = None
    run: list[str] = []
    for op, value in items:
        if op is _LITERAL:
            run.append(chr(value))
            continue
        if run:
            best = _better(best, frozenset({"".join(run)}))
            run = []
        best = _better(best, _item(op, value))
    if run:
        best = _better(best, frozenset({"".join(run)}))
    return best


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


def necessary_literals(pattern: str | re.Pattern[str]) -> Literals:
    """Strings one of which, compared without case, every match of pattern contains.

    >>> sorted(necessary_literals(r"^\\W*(?:follow us|join us) on \\w+"))
    ['follow us', 'join us']
    >>> necessary_literals(r"^[\\W_]+$") is None
    True
    """
    source = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    flags = pattern.flags if isinstance(pattern, re.Pattern) else 0
    literals = _sequence(_sre_parse.parse(source, flags))
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


ProbeKey = tuple[int, int]
"""A probe: the index of its rule and its index among the rule's probes."""


class _Probe(Protocol):
    @property
    def regex(self) -> re.Pattern[str]: ...
    @property
    def anchored(self) -> bool: ...
    @property
    def literals(self) -> frozenset[str] | None: ...
    @property
    def first(self) -> frozenset[str] | None: ...


class _Rule(Protocol):
    @property
    def probes(self) -> Sequence[_Probe]: ...


@dataclass(frozen=True, eq=False)
class Prefilter:
    """Which probes to try on which paragraph.

    Probes are numbered in rule order and a set of them is an ``int`` with
    one bit per probe.
    """

    keys: tuple[ProbeKey, ...]
    """The probe of each bit."""
    always: int
    """Probes tried on every paragraph: no literal, no first word, no gate."""
    gated: int
    """Anchored probes with neither literals nor first words: tried where ``gate`` matches."""
    gate: re.Pattern[str] | None
    by_first: dict[str, int]
    """Anchored probes by the keys of the paragraphs they can match."""
    automaton: Any
    """An Aho-Corasick automaton of the folded literals of the other probes."""
    _expanded: dict[int, tuple[ProbeKey, ...]]

    def probes(self, mask: int) -> tuple[ProbeKey, ...]:
        """The probes of a set, in rule order."""
        found = self._expanded.get(mask)
        if found is None:
            found = tuple(key for bit, key in enumerate(self.keys) if mask >> bit & 1)
            if len(self._expanded) < 4096:
                self._expanded[mask] = found
        return found

    def candidates(self, paragraphs: Sequence[str]) -> list[tuple[ProbeKey, ...]]:
        """For each paragraph, the probes that may match it, in rule order."""
        document = fold("\n".join(paragraphs))
        gate, by_first, always, first_word = self.gate, self.by_first, self.always, FIRST_WORD_RE.match
        masks = []
        starts = []
        offset = 0
        for paragraph in paragraphs:
            starts.append(offset)
            mask = always
            if paragraph:
                start = offset
                if not document[start].isalnum():
                    start = first_word(document, offset, offset + len(paragraph)).end()  # type: ignore[union-attr]
                if start == offset + len(paragraph):
                    mask |= by_first.get(END_KEY, 0)
                else:
                    head = document[start : min(start + FIRST_KEY_LENGTH, offset + len(paragraph))]
                    mask |= by_first.get(head[:1], 0) | by_first.get(head[:2], 0) | by_first.get(head[:3], 0)
                    if head[0].isdecimal():
                        mask |= by_first.get(DIGIT_KEY, 0)
                if gate is not None and gate.match(paragraph):
                    mask |= self.gated
            masks.append(mask)
            offset += len(paragraph) + 1
        if self.automaton is not None:
            for end, mask in self.automaton.iter(document):
                masks[bisect_right(starts, end) - 1] |= mask
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
    keys: list[ProbeKey] = []
    always = 0
    gated: list[tuple[int, _Probe]] = []
    by_first: dict[str, int] = {}
    by_literal: dict[str, int] = {}
    for rule_index, rule in enumerate(rules):
        for probe_index, probe in enumerate(rule.probes):
            bit = 1 << len(keys)
            keys.append((rule_index, probe_index))
            if probe.anchored and probe.first is not None:
                for key in probe.first:
                    by_first[key] = by_first.get(key, 0) | bit
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
    if by_literal:
        automaton = ahocorasick.Automaton()
        for literal, mask in by_literal.items():
            automaton.add_word(literal, mask)
        automaton.make_automaton()
    return Prefilter(tuple(keys), always, gated_mask, gate, by_first, automaton, {})
