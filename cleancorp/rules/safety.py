"""A static guard against regexes that can take exponential time, and size limits.

Python's ``re`` is a backtracking engine: a pattern that can match the same
text in more than one way *inside a repeat* (``(a+)+``, ``(\\w+\\s?)+``,
``(a|a)*``, ``(?:x|y+)*``) tries every way before it gives up, and on a long
run of such text that is exponential (the "ReDoS" shape). A rule file is data
that a user may take from anywhere, so every pattern is checked for that shape
when the file is loaded, before it ever runs.

How: the pattern is read with the standard library's own regex parser
(``re._parser``), and turned into its position automaton (Glushkov's
construction: one state per character element, an edge to each element that
may come next). The pattern has exponential backtracking exactly when some
state has two different paths back to itself that read the same text (an
"exponential degree of ambiguity", Weber and Seidl 1991; the criterion that
tools such as ``rxxr`` and ``regexploit`` test). That is decided on the
product of the automaton with itself: two paths read the same text where the
pair of states moves along edges whose characters overlap, and a cycle of
pairs through ``(p, p)`` and some ``(q, r)`` with ``q != r`` is two different
loops. Two edges between the same two states that come from different
repeats (the inner and the outer repeat of ``(a+)+``) count as two paths too.

Characters are compared on a sample: ASCII, a few dozen letters, digits,
spaces and punctuation of other scripts, and every character the pattern
names (with its other case, and the ends of its ranges), so two classes
overlap here when they share a character that matters.

Limits: a repeat whose body can match at most a handful of characters
(``{0,4}`` and fewer) is unrolled, one of more is read as unbounded (which
may reject a pattern whose bound keeps it cheap; write it without the nested
repeat). Look-arounds and anchors are read as matching the empty string,
which can only make the check stricter. Polynomial backtracking (``\\s+\\s+$``
is quadratic) is not detected here; ``tests/test_regex_safety.py`` times
every pattern of the package on long adversarial text instead.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

if sys.version_info >= (3, 11):
    _parser: Any = getattr(re, "_parser")  # noqa: B009
    _constants: Any = getattr(re, "_constants")  # noqa: B009
else:  # pragma: no cover - Python 3.10
    import sre_constants as _constants
    import sre_parse as _parser

MAX_PATTERN_CHARS = 20_000
"""The longest pattern a rule may have, once its ``{{vars}}`` are filled in."""
MAX_REPEAT_BOUND = 1_000
"""The largest ``n`` and ``m`` of a ``{n,m}`` repeat in a rule."""
MAX_POSITIONS = 20_000
"""The most character elements a pattern may have (the size of its automaton)."""
MAX_PAIRS = 2_000_000
"""How many pairs of states the check may visit before it calls the pattern too complex."""
UNROLL = 4
"""A repeat of at most this many iterations is unrolled; a longer one is a loop."""

REVIEWED_BUILTIN_PATTERNS: frozenset[tuple[str, str]] = frozenset(
    {
        # Flagged for the optional "with |and " before a second credit; the
        # joining words are lower case only, so a name cannot be read as one,
        # and its time on 100 KB of adversarial text is linear (tested).
        (
            "wire-credit-line",
            "^[\\W_]{0,3}(?:\\((?:additional )?(?:reporting|writing|editing|compiled|graphics|"
            "production)|(?:additional )?(?:reporting|writing)) by\\s+{{person}}"
            "(?:(?:\\s*[,;&]\\s*|\\s+(?-i:and|in|from)\\s+)(?:(?:with |and )?(?:additional )?"
            "(?:reporting|writing|editing|compiled|graphics|production) by\\s+)?"
            "{{person}})*\\.?\\)?\\W*$",
        ),
    }
)
"""Built-in patterns (rule id, pattern as written) that the guard flags and that
are awaiting a rewrite; only the built-in files may use them, and only as they
stand (a changed pattern is checked again)."""

NESTED = "a repeated group contains another unbounded repeat over overlapping characters"
ALTERNATIVES = "a repeated group has alternatives that can match the same text"
ADJACENT = "a repeated group holds adjacent unbounded repeats over overlapping characters"
EMPTY_TWICE = "a repeated group holds a part that can match nothing in two ways (such as (|) or (x?)?)"
AMBIGUOUS = "a repeated part can match the same text in more than one way"

_MAXREPEAT = _constants.MAXREPEAT
_REPEATS = tuple(
    getattr(_constants, name) for name in ("MAX_REPEAT", "MIN_REPEAT") if hasattr(_constants, name)
)
_POSSESSIVE = getattr(_constants, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(_constants, "ATOMIC_GROUP", None)
_ONE_CHARACTER = (_constants.LITERAL, _constants.NOT_LITERAL, _constants.ANY, _constants.IN)
_ZERO_WIDTH = (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT)

# Characters every check compares on, besides those the pattern names: ASCII,
# and letters, digits, spaces, marks and punctuation of the scripts news is in.
_BASE_SAMPLE = (
    "".join(map(chr, range(128)))
    + "\x85\xa0\xad\xc5\xe5\xe9\xc9\xdf\xf1\xfc\u0101\u0130\u0131\u017f\u212a"
    + "\u0301\u0308\u200b\u200c\u200d\u2028\u2029\u202f\u3000\ufeff\ufffd"
    + "«»‹›“”‘’„‚–—…•·©®™€£¥§¶†"
    + "бБжЖяЯёЁαΑωΩاﻻبىא٣٠۳०१৩กขのノ中文한글\U0001f600\U00020000\ue000\ud800"
)


class UnsafePatternError(ValueError):
    """A pattern can take exponential time, or is larger than the limits allow."""


@dataclass
class _Automaton:
    """Glushkov's position automaton: a character set per state, the edges between them."""

    sample: str
    labels: list[int] = field(default_factory=list)
    follow: list[dict[int, int]] = field(default_factory=list)
    """state -> {next state: how many different edges lead there}"""
    depths: list[int] = field(default_factory=list)
    """How many loops (unbounded repeats) each state is inside."""

    def add_state(self, label: int, depth: int) -> int:
        if len(self.labels) >= MAX_POSITIONS:
            raise UnsafePatternError(
                f"has more than {MAX_POSITIONS:,} character elements: too large to check; split it up"
            )
        self.labels.append(label)
        self.follow.append({})
        self.depths.append(depth)
        return len(self.labels) - 1

    def link(self, sources: Iterable[int], targets: Iterable[int]) -> None:
        targets = tuple(targets)
        for source in sources:
            edges = self.follow[source]
            for target in targets:
                edges[target] = edges.get(target, 0) + 1


@dataclass(frozen=True)
class _Part:
    """What one piece of a pattern adds: its first and last states, whether it can be empty."""

    first: frozenset[int]
    last: frozenset[int]
    nullable: bool
    states: range
    empty_ways: int = 0
    """In how many ways it matches the empty string (counted up to 2)."""


_EMPTY = _Part(frozenset(), frozenset(), True, range(0), 1)
_ONE = _Part(frozenset(), frozenset(), False, range(0), 0)


_CATEGORY_SOURCE = {
    _constants.CATEGORY_DIGIT: r"\d",
    _constants.CATEGORY_NOT_DIGIT: r"\D",
    _constants.CATEGORY_SPACE: r"\s",
    _constants.CATEGORY_NOT_SPACE: r"\S",
    _constants.CATEGORY_WORD: r"\w",
    _constants.CATEGORY_NOT_WORD: r"\W",
}


def _char(code: int) -> str:
    return re.escape(chr(code)) if code > 0x20 else f"\\x{code:02x}"


def _class_source(op: Any, value: Any) -> str:
    """A character class that matches what the one-character element (op, value) matches."""
    if op is _constants.LITERAL:
        return f"[{_char(value)}]"
    if op is _constants.NOT_LITERAL:
        return f"[^{_char(value)}]"
    if op is _constants.ANY:
        return "."
    items = []
    negate = ""
    for item_op, item in value:
        if item_op is _constants.NEGATE:
            negate = "^"
        elif item_op is _constants.LITERAL:
            items.append(_char(item))
        elif item_op is _constants.RANGE:
            items.append(f"{_char(item[0])}-{_char(item[1])}")
        elif item_op is _constants.CATEGORY and item in _CATEGORY_SOURCE:
            items.append(_CATEGORY_SOURCE[item])
        else:  # anything else: read it as any character, the stricter reading
            return "(?s:.)"
    return f"[{negate}{''.join(items)}]" if items else ("(?s:.)" if negate else "[^\\s\\S]")


def _label(op: Any, value: Any, flags: int, sample: str) -> int:
    """The bit mask of the sample characters that a one-character element matches.

    The element is matched by ``re`` itself, as a class on its own, with the
    pattern's flags (``(?i)`` included).
    """
    kept = flags & (re.IGNORECASE | re.ASCII | re.DOTALL)
    regex = re.compile(_class_source(op, value), kept)
    mask = 0
    for found in regex.finditer(sample):
        mask |= 1 << found.start()
    return mask


def _variants(char: str, flags: int) -> set[str]:
    """The character and its other cases, when the flags say case does not matter."""
    if not flags & re.IGNORECASE:
        return {char}
    return {char} | {other for other in (char.lower(), char.upper(), char.swapcase()) if len(other) == 1}


def _named_characters(items: Any, in_loop: bool = False) -> Iterator[str]:
    """The characters a parsed pattern names inside its loops: literals, range ends."""
    for op, value in items:
        if op in (_constants.LITERAL, _constants.NOT_LITERAL):
            if in_loop:
                yield chr(value)
        elif op is _constants.IN:
            if not in_loop:
                continue
            for item_op, item in value:
                if item_op is _constants.LITERAL:
                    yield chr(item)
                elif item_op is _constants.RANGE:
                    low, high = item
                    for code in (low, high, low + 1, high - 1, (low + high) // 2):
                        if low <= code <= high and not 0xD800 <= code <= 0xDFFF:
                            yield chr(code)
        else:
            loop = in_loop or ((op in _REPEATS or op is _POSSESSIVE) and not value[1] <= UNROLL)
            for child in _children(op, value):
                yield from _named_characters(child, loop)


def _children(op: Any, value: Any) -> list[Any]:
    """The sub-patterns of one element of a parsed pattern."""
    if op is _constants.BRANCH:
        return list(value[1])
    if op is _constants.SUBPATTERN:
        return [value[3]]
    if op in _REPEATS or op is _POSSESSIVE:
        return [value[2]]
    if op in (_constants.ASSERT, _constants.ASSERT_NOT):
        return [value[1]]
    if op is _ATOMIC:
        return [value]
    if op is _constants.GROUPREF_EXISTS:
        return [branch for branch in value[1:] if branch is not None]
    return []


class _Builder:
    """Builds the position automaton of a parsed pattern."""

    def __init__(self, sample: str) -> None:
        self.automaton = _Automaton(sample)
        self.sample = sample
        self.labels: dict[tuple[Any, Any, int], int] = {}
        self.found_branch = False
        self.found_nested = False
        self.empty_twice = False
        self.loops = 0

    def label(self, op: Any, value: Any, flags: int) -> int:
        key = (op, repr(value), flags & (re.IGNORECASE | re.ASCII | re.DOTALL))
        mask = self.labels.get(key)
        if mask is None:
            mask = self.labels[key] = _label(op, value, flags, self.sample)
        return mask

    def sequence(self, items: Any, flags: int, depth: int) -> _Part:
        first: set[int] = set()
        last: set[int] = set()
        nullable = True
        ways = 1
        start = len(self.automaton.labels)
        for op, value in items:
            part = self.element(op, value, flags, depth)
            self.automaton.link(last, part.first)
            if nullable:
                first |= part.first
            last = set(part.last) | (last if part.nullable else set())
            nullable = nullable and part.nullable
            ways = min(2, ways * part.empty_ways)
        return self.part(first, last, nullable, start, ways, depth)

    def part(
        self, first: Iterable[int], last: Iterable[int], nullable: bool, start: int, ways: int, depth: int
    ) -> _Part:
        """A part; two ways to match nothing inside a loop make every iteration ambiguous."""
        if ways > 1 and depth > 0:
            self.empty_twice = True
        return _Part(
            frozenset(first), frozenset(last), nullable, range(start, len(self.automaton.labels)), ways
        )

    def element(self, op: Any, value: Any, flags: int, depth: int) -> _Part:
        automaton = self.automaton
        if op in _ONE_CHARACTER:
            if depth == 0:
                return _ONE  # outside every loop: on no cycle, so not needed
            state = automaton.add_state(self.label(op, value, flags), depth)
            return _Part(frozenset({state}), frozenset({state}), False, range(state, state + 1))
        if op in _ZERO_WIDTH:
            return _EMPTY  # look-arounds are checked as patterns of their own
        if op is _constants.SUBPATTERN:
            _group, add_flags, del_flags, items = value
            return self.sequence(items, (flags | int(add_flags)) & ~int(del_flags), depth)
        if op is _constants.BRANCH:
            self.found_branch = self.found_branch or depth > 0
            start = len(automaton.labels)
            parts = [self.sequence(branch, flags, depth) for branch in value[1]]
            return self.branch(parts, start, depth)
        if op is _constants.GROUPREF_EXISTS:
            branches = [value[1], value[2] if value[2] is not None else []]
            start = len(automaton.labels)
            parts = [self.sequence(branch, flags, depth) for branch in branches]
            return self.branch(parts, start, depth)
        if op is _ATOMIC:
            return self.sequence(value, flags, depth)
        if op in _REPEATS or op is _POSSESSIVE:
            return self.repeat(value, flags, depth)
        if op is _constants.GROUPREF:
            # the text of an earlier group: any characters, any number of them
            state = automaton.add_state((1 << len(self.sample)) - 1, depth + 1)
            automaton.link([state], [state])
            return _Part(frozenset({state}), frozenset({state}), True, range(state, state + 1))
        return _EMPTY  # FAILURE and anything new: matches nothing more

    def branch(self, parts: list[_Part], start: int, depth: int) -> _Part:
        return self.part(
            frozenset().union(*(p.first for p in parts)),
            frozenset().union(*(p.last for p in parts)),
            any(p.nullable for p in parts),
            start,
            min(2, sum(p.empty_ways for p in parts)),
            depth,
        )

    def repeat(self, value: Any, flags: int, depth: int) -> _Part:
        low, high, body = value
        for bound in (low, high):
            if bound != _MAXREPEAT and bound > MAX_REPEAT_BOUND:
                raise UnsafePatternError(
                    f"has a repeat bound of {bound:,}; the largest allowed is {MAX_REPEAT_BOUND:,}"
                )
        if high == 0:
            return _EMPTY
        start = len(self.automaton.labels)
        if high != _MAXREPEAT and high <= UNROLL:
            # a short repeat: its copies one after the other, the first `low`
            # of them needed; a copy starts only where the one before ended
            # (x{2,4} is x x (x x?)?, not x x x? x?, which would be ambiguous)
            first: set[int] = set()
            chain: set[int] = set()
            chain_nullable = True
            last: set[int] = set()
            nullable = low == 0
            empty_ways = 0
            for copy in range(high):
                part = self.sequence(body, flags, depth)
                self.automaton.link(chain, part.first)
                if chain_nullable:
                    first |= part.first
                chain = set(part.last) | (chain if part.nullable else set())
                chain_nullable = chain_nullable and part.nullable
                empty_ways = part.empty_ways
                if copy + 1 >= low:
                    last |= chain
                    nullable = nullable or chain_nullable
            ways = min(2, (low == 0) + empty_ways) if low == 0 else min(2, empty_ways**low)
            return self.part(first, last, nullable, start, ways, depth)
        self.loops += 1
        part = self.sequence(body, flags, depth + 1)
        if depth > 0:
            self.found_nested = True
        self.automaton.link(part.last, part.first)
        # an empty iteration ends a loop, so a loop matches nothing in one way
        ways = 1 if low == 0 else part.empty_ways
        return self.part(part.first, part.last, part.nullable or low == 0, start, ways, depth)


def _ambiguity(automaton: _Automaton) -> tuple[int, int] | None:
    """A pair of different states that two loops through one state reach on the
    same text, or a doubled edge on a loop; ``None`` when there is none."""
    labels = automaton.labels
    follow = automaton.follow
    count = len(labels)
    # only states inside a loop can be on a cycle
    looping = [depth > 0 for depth in automaton.depths]
    nexts = [
        [(target, labels[target]) for target in follow[state] if looping[target]] if looping[state] else []
        for state in range(count)
    ]
    # pairs (p, q), p <= q (the product is symmetric), as p * count + q
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    counter = 0
    visited = 0

    def successors(node: int) -> list[int]:
        p, q = divmod(node, count)
        found = []
        q_next = nexts[q]
        for p2, label in nexts[p]:
            for q2, other in q_next:
                if label & other:
                    found.append(p2 * count + q2 if p2 <= q2 else q2 * count + p2)
        return found

    for root_state in range(count):
        root = root_state * count + root_state
        if not looping[root_state] or root in index:
            continue
        # iterative Tarjan
        work: list[tuple[int, Iterator[int]]] = [(root, iter(successors(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    visited += 1
                    if visited > MAX_PAIRS:
                        raise UnsafePatternError("is too complex to check; split it into simpler patterns")
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found = _two_loops(component, count, follow)
                if found is not None:
                    return found
    return None


def _two_loops(component: list[int], count: int, follow: list[dict[int, int]]) -> tuple[int, int] | None:
    diagonal = [node // count for node in component if node // count == node % count]
    if not diagonal:
        return None
    for node in component:
        p, q = divmod(node, count)
        if p != q:
            return p, q
    if len(component) == 1:
        # a single state: a loop only if it follows itself
        state = diagonal[0]
        return (state, state) if follow[state].get(state, 0) > 1 else None
    states = set(diagonal)
    for state in states:
        for target, edges in follow[state].items():
            if edges > 1 and target in states:
                return state, target
    return None


def _roots(items: Any) -> Iterator[Any]:
    """The pattern, and the inside of each of its look-arounds (patterns of their own)."""
    yield items
    for op, value in items:
        if op in (_constants.ASSERT, _constants.ASSERT_NOT):
            yield from _roots(value[1])
        else:
            for child in _children(op, value):
                for root in _roots(child):
                    if root is not child:
                        yield root


def check_pattern(pattern: str, flags: int = 0) -> None:
    """Raise :class:`UnsafePatternError` if the regex can take exponential time.

    The message says which shape was found. Also refused: a pattern longer
    than ``MAX_PATTERN_CHARS``, a ``{n,m}`` bound over ``MAX_REPEAT_BOUND``.

    >>> check_pattern(r"(?:\\w+\\s)+end")
    >>> check_pattern(r"(\\w+\\s?)+$")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cleancorp.rules.safety.UnsafePatternError: can take exponential time: a repeated group contains ...
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        raise UnsafePatternError(
            f"is {len(pattern):,} characters long; the longest allowed is {MAX_PATTERN_CHARS:,}"
        )
    parsed = _parser.parse(pattern, flags)
    flags = int(parsed.state.flags)
    named = set(_named_characters(parsed))
    extra = "".join(sorted({v for c in named for v in _variants(c, flags)} - set(_BASE_SAMPLE)))
    sample = _BASE_SAMPLE + extra
    for root in _roots(parsed):
        builder = _Builder(sample)
        builder.sequence(root, flags, 0)
        if not builder.loops:
            continue
        if builder.empty_twice:
            raise UnsafePatternError(f"can take exponential time: {EMPTY_TWICE}")
        found = _ambiguity(builder.automaton)
        if found is None:
            continue
        raise UnsafePatternError(f"can take exponential time: {_shape(builder, found)}")


def _shape(builder: _Builder, found: tuple[int, int]) -> str:
    """Which of the known shapes explains an ambiguity, for the message."""
    depths = builder.automaton.depths
    p, q = found
    if p != q and depths[p] > 1 and depths[q] > 1:
        return ADJACENT
    if builder.found_nested:
        return NESTED
    if builder.found_branch:
        return ALTERNATIVES
    return AMBIGUOUS
