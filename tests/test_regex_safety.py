"""Every regex of the package runs in bounded time on long adversarial text.

The patterns are found, not listed: every compiled ``re.Pattern`` held at
module level by a ``cleancorp`` module, every pattern the rule files compile
(boilerplate rules and their probes, the prefilter's gate, false-friend frames
and windows), and the term searches that the quirk stage builds from them.
Each is run on 100,000-character strings made of one short unit repeated
(runs of letters, spaces, punctuation, quotes, digits, URLs, mixed scripts)
and of the pattern's own literal pieces repeated, ending in a tail that no
pattern expects; a call that takes longer than ``BUDGET`` seconds (the best
of three runs, so that a busy machine does not fail it) is a failure. A
catastrophic pattern is stopped by an alarm instead of hanging the run.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import cleancorp
from cleancorp.prefilter import build_prefilter
from cleancorp.quirks import _term_regex
from cleancorp.rules import load_rules

_parser: Any = getattr(re, "_parser")  # noqa: B009 - the regex parser of the re module (3.11+)
_constants: Any = getattr(re, "_constants")  # noqa: B009

SIZE = 100_000
BUDGET = 0.05
"""Seconds one call may take on SIZE characters (best of three runs)."""
GROWTH = 30
"""A call over budget passes only if it is linear: at most this many times its
time on a tenth of the text (linear time gives 10, quadratic 100)."""
CEILING = 0.5
"""Seconds one call may never take on SIZE characters, linear or not."""
STUCK = 10
"""Seconds after which a call is stopped: catastrophic, whatever the machine."""
TAIL = "\ufdd0!"
UNITS = (
    "a",
    " ",
    "a ",
    "\n",
    ".",
    '"',
    "«",
    "“",
    "http://",
    "@",
    "1",
    "A",
    "Å",
    "Ab ",
    "a1 .@-/",
    "aбاの中 ",
)


def _module_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """(name, pattern) for each compiled pattern a cleancorp module holds at its top level."""
    seen: set[int] = set()
    names = [cleancorp.__name__]
    names += [
        info.name
        for info in pkgutil.walk_packages(cleancorp.__path__, cleancorp.__name__ + ".")
        if not info.name.endswith(".__main__")  # runs the command line when imported
    ]
    for name in sorted(names):
        module = importlib.import_module(name)
        for attribute, value in sorted(vars(module).items()):
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str) and id(value) not in seen:
                seen.add(id(value))
                yield f"{name}.{attribute}", value


METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")
SCANS = frozenset({"finditer", "findall", "sub", "subn", "split"})


def _methods_used(name: str) -> frozenset[str]:
    """The methods the package calls on the pattern held by ``module.NAME``.

    Read from the package's source (``NAME.search(``, ``match = NAME.match``);
    a pattern on which no method is called by name is run with every method.
    """
    attribute = name.rsplit(".", 1)[1]
    used: set[str] = set()
    for path in sorted(Path(cleancorp.__file__).parent.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for found in re.finditer(rf"\b{re.escape(attribute)}\.(\w+)", source):
            if found.group(1) in METHODS:
                used.add(found.group(1))
    return frozenset(used) or frozenset(METHODS)


def _rule_patterns() -> Iterator[tuple[str, re.Pattern[str], frozenset[str]]]:
    """(name, pattern, methods) for each pattern the built-in rule files compile,
    with the methods the stages call on it."""
    rules = load_rules()
    search, match, scan = frozenset({"search"}), frozenset({"match"}), frozenset({"finditer"})
    for rule in rules.boilerplate:
        if not rule.probes:  # the joined pattern is searched only when there are no probes
            yield f"boilerplate {rule.id}", rule.pattern, search
        for number, probe in enumerate(rule.probes):
            yield f"boilerplate {rule.id} probe {number}", probe.regex, match if probe.anchored else search
    gate = build_prefilter(rules.boilerplate).gate
    if gate is not None:
        yield "prefilter gate", gate, frozenset({"search", "match"})
    for friend in rules.false_friends:
        for number, frame in enumerate((*friend.frames, *friend.source_frames)):
            yield f"false friend {friend.id} frame {number}", frame, scan
        for key in ("unless", "near"):
            pattern = getattr(friend, key)
            if pattern is not None:
                yield f"false friend {friend.id} {key}", pattern, search
        yield f"false friend {friend.id} term", _term_regex(tuple(friend.forms)), search


def _literal_pieces(pattern: re.Pattern[str]) -> list[str]:
    """The runs of literal characters in a pattern, longest first (at most four)."""
    pieces: set[str] = set()

    def walk(items: Any) -> None:
        run: list[str] = []
        for op, value in items:
            if op is _constants.LITERAL:
                run.append(chr(value))
                continue
            if run:
                pieces.add("".join(run))
                run = []
            if op is _constants.BRANCH:
                for branch in value[1][:8]:
                    walk(branch)
            elif op is _constants.SUBPATTERN:
                walk(value[3])
            elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
                walk(value[2])
            elif op in (_constants.ASSERT, _constants.ASSERT_NOT):
                walk(value[1])
        if run:
            pieces.add("".join(run))

    walk(_parser.parse(pattern.pattern, pattern.flags))
    return sorted(pieces, key=lambda piece: (-len(piece.strip()), piece))[:3]


def _texts(pattern: re.Pattern[str]) -> Iterator[tuple[str, str]]:
    """(description, text) of the adversarial texts for one pattern."""
    for unit in UNITS:
        yield f"{unit!r} * n", unit * (SIZE // len(unit)) + TAIL
    pieces = _literal_pieces(pattern)
    for piece in pieces:
        if piece.strip():
            spaced = piece.strip() + " "
            yield f"{spaced!r} * n", spaced * (SIZE // len(spaced)) + TAIL
    if len(pieces) > 1:
        joined = " ".join(pieces) + " "
        yield f"{joined!r} * n", joined * (SIZE // len(joined)) + TAIL


def _stuck(signum: int, frame: object) -> None:
    raise TimeoutError


def _best_time(call: Callable[[], object]) -> float:
    """The time one call takes: once, and the best of three when that is over budget."""
    best = float("inf")
    for _ in range(3):
        signal.alarm(STUCK)
        try:
            start = time.perf_counter()
            call()
            best = min(best, time.perf_counter() - start)
        finally:
            signal.alarm(0)
        if best <= BUDGET:
            break
    return best


def _calls(pattern: re.Pattern[str], text: str, methods: frozenset[str]) -> dict[str, Callable[[], object]]:
    """The calls to time: those of ``methods``, a scan standing for the scans."""
    calls: dict[str, Callable[[], object]] = {}
    if "search" in methods:
        calls["search"] = lambda: pattern.search(text)
    if "match" in methods:
        calls["match"] = lambda: pattern.match(text)
    if "fullmatch" in methods:
        calls["fullmatch"] = lambda: pattern.fullmatch(text)
    if methods & SCANS:
        calls["finditer"] = lambda: sum(1 for _ in pattern.finditer(text))
    if methods & {"sub", "subn"}:
        calls["sub"] = lambda: pattern.sub("", text)
    return calls


def _slow_calls(patterns: list[tuple[str, re.Pattern[str], frozenset[str]]]) -> list[str]:
    """The calls that run over budget, with the methods the package uses on each pattern."""
    slow = []
    previous = signal.signal(signal.SIGALRM, _stuck)
    try:
        for name, pattern, used in patterns:
            for description, text in _texts(pattern):
                for method, call in _calls(pattern, text, used).items():
                    try:
                        seconds = _best_time(call)
                        if seconds <= BUDGET:
                            continue
                        # over budget on a busy machine, or super-linear? a tenth of the text tells
                        tenth = text[: len(text) // 10 - len(TAIL)] + TAIL
                        small = _best_time(_calls(pattern, tenth, frozenset({method}))[method])
                    except TimeoutError:
                        slow.append(f"{name}.{method} on {description}: stopped after {STUCK} s")
                        continue
                    if seconds > CEILING or seconds > GROWTH * small:
                        slow.append(
                            f"{name}.{method} on {description}: {seconds * 1000:.0f} ms "
                            f"({small * 1000:.1f} ms on a tenth)"
                        )
    finally:
        signal.signal(signal.SIGALRM, previous)
    return slow


def test_the_collection_finds_the_patterns() -> None:
    """The walk finds module patterns and every rule's patterns (a check on the test itself)."""
    modules = dict(_module_patterns())
    assert "cleancorp.normalize.SPACE_RUN_RE" in modules
    assert "cleancorp.quirks.GUILLEMET_RE" in modules
    assert _methods_used("cleancorp.quirks.GUILLEMET_RE") == {"finditer"}
    assert "match" in _methods_used("cleancorp.quirks.ATTRIBUTION_RE")
    rules = {name: pattern for name, pattern, _methods in _rule_patterns()}
    assert len(rules) > len(load_rules().boilerplate)
    assert any(name.startswith("false friend") for name in rules)


@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="needs SIGALRM")
def test_module_patterns_run_in_linear_time() -> None:
    slow = _slow_calls([(name, pattern, _methods_used(name)) for name, pattern in _module_patterns()])
    assert not slow, "patterns over budget on 100,000 characters:\n" + "\n".join(slow)


@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="needs SIGALRM")
def test_rule_patterns_run_in_linear_time() -> None:
    slow = _slow_calls(list(_rule_patterns()))
    assert not slow, "patterns over budget on 100,000 characters:\n" + "\n".join(slow)

