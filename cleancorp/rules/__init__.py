"""Rule files: TOML data that the boilerplate and quirk stages run.

The package ships ``boilerplate.toml`` and ``quirks.toml`` beside this module;
a user adds files of their own in the same format through
``CleanConfig(rule_files=...)``. Every file is validated when it is loaded:
an unknown key, a missing field, a duplicate id, a bad regex or an unknown
variable is a :class:`RuleFileError` that names the file and the rule, and so
is a pattern that can take exponential time or that breaks the size limits
(:mod:`cleancorp.rules.safety`). A rule file is data: it is read with
``tomllib`` and its patterns compiled with ``re``; nothing in it runs as code.
Files are read once and cached; what the cache holds is immutable.

Format (see ``docs/rules.md`` for the whole reference)::

    [vars]                      # named regex pieces, used as {{name}}
    agency = '(?:AFP|Reuters|AP)'

    [[boilerplate]]
    id = "agency-tag"           # stable kebab-case id, unique across files
    category = "agency_tag"     # snake_case reason code
    languages = ["*"]           # ISO 639-1 codes the phrases are in, or "*"
    where = "anywhere"          # anywhere | edge | top | bottom
    max_words = 4               # optional bounds on the paragraph's length
    patterns = ['^\\W*{{agency}}\\W*$']   # searched, case-insensitive
    source = "why this is boilerplate, where the rule comes from"

    [[false_friend]]            # a mistranslation that context decides
    [[quote_rule]]              # switches and languages for the quote repairs
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, NoReturn

from cleancorp.prefilter import first_keys, last_keys, necessary_literals
from cleancorp.rules.safety import (
    MAX_PATTERN_CHARS,
    REVIEWED_BUILTIN_PATTERNS,
    UnsafePatternError,
    check_pattern,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

WHERE = ("anywhere", "edge", "top", "bottom")
# The quote repairs are code (cleancorp/quirks.py); a [[quote_rule]] entry can
# only configure one of these.
QUOTE_RULE_IDS = (
    "guillemet-in-english",
    "reopen-quote-after-attribution",
    "duplicate-open-quote",
    "french-spacing",
)
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CATEGORY_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
LANGUAGE_RE = re.compile(r"^(?:\*|[a-z]{2,3})$")
VAR_RE = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")
BUILTIN_FILES = ("boilerplate.toml", "quirks.toml")
MAX_FILE_CHARS = 2_000_000
"""The largest rule file read, in characters (the built-in ones are about 100,000)."""
MAX_RULES = 2_000
"""The most rules of one kind (``[[boilerplate]]``, ``[[false_friend]]``, ...) in one file."""
MAX_PATTERNS = 500
"""The most patterns (or frames) one rule may list."""
MAX_VARS = 500
"""The most ``[vars]`` one file may define."""


class _Source(NamedTuple):
    """A pattern and its flags, as the prefilter reads them (no need to compile it)."""

    pattern: str
    flags: int


class RuleFileError(ValueError):
    """A rule file is not valid; the message names the file and the rule."""


@dataclass(frozen=True, slots=True, eq=False)
class Probe:
    """Some of a rule's patterns, joined into one regex, and how to look for them.

    ``anchored`` patterns (``^…``) are tried with one ``match`` at the start of
    the paragraph, the others with ``search``. ``literals`` are strings one of
    which (compared without case) every match contains; ``None`` when no such
    set was found. The prefilter uses them to skip paragraphs that lack them.
    """

    regex: re.Pattern[str]
    anchored: bool
    literals: frozenset[str] | None
    first: frozenset[str] | None = None
    """For an anchored probe: the first keys of the paragraphs it can match."""
    last: frozenset[str] | None = None
    """The last keys of the paragraphs it can match (see :mod:`cleancorp.prefilter`)."""

    @property
    def finder(self) -> Callable[[str], re.Match[str] | None]:
        """The regex method that looks for the probe: ``match`` if anchored, else ``search``."""
        return self.regex.match if self.anchored else self.regex.search

    def found(self, text: str) -> bool:
        """Whether one of the probe's patterns is found in text."""
        return self.finder(text) is not None


@dataclass(frozen=True, slots=True, eq=False)
class BoilerplateRule:
    """A paragraph-level boilerplate rule: when it matches, the paragraph goes.

    ``pattern`` is all the rule's patterns joined. For speed, the patterns are
    grouped into :class:`Probe` s: those anchored at the start of the paragraph
    (``^…``) apart from the others (a regex that mixes both is scanned at every
    position, an anchored one only at the start), and those with a literal the
    prefilter can look for apart from those without.
    """

    id: str
    category: str
    languages: tuple[str, ...]
    where: str
    pattern: re.Pattern[str]
    max_words: int | None
    min_words: int | None
    keep_before_kept: bool
    """A label that introduces what follows: kept when the next paragraph is."""
    source: str
    file: str
    probes: tuple[Probe, ...] = ()
    # Compared and hashed by identity: rules are built once per file and cached,
    # and hashing every field of every rule for each document would be slow.

    def search(self, text: str) -> bool:
        """Whether one of the rule's patterns is found in text."""
        if not self.probes:
            return self.pattern.search(text) is not None
        return any(probe.found(text) for probe in self.probes)


@dataclass(frozen=True, slots=True)
class FalseFriendRule:
    """A word that a translation carried over with the wrong sense.

    ``frames`` are regexes that each hold the group ``term``; where one
    matches, the term is replaced by ``forms[term.lower()]`` (its case kept),
    unless one of ``unless`` matches within ``window`` characters of it, and
    only if one of ``near`` (when given) does. ``source_frames`` act too when
    the text is known to be translated from one of ``sources``
    (``CleanConfig(source_language=...)``).
    """

    id: str
    category: str
    languages: tuple[str, ...]
    sources: tuple[str, ...]
    frames: tuple[re.Pattern[str], ...]
    forms: Mapping[str, str]
    unless: re.Pattern[str] | None
    window: int
    source: str
    file: str
    near: re.Pattern[str] | None = None
    source_frames: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteRule:
    """Switch and languages for one of the quote repairs written in code."""

    id: str
    category: str
    languages: tuple[str, ...]
    source: str
    file: str


Rule = BoilerplateRule | FalseFriendRule | QuoteRule


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every rule from a list of files, in file order."""

    boilerplate: tuple[BoilerplateRule, ...]
    false_friends: tuple[FalseFriendRule, ...]
    quote_rules: tuple[QuoteRule, ...]
    files: tuple[str, ...]

    @property
    def all_rules(self) -> tuple[Rule, ...]:
        """Every rule of the set: boilerplate, false friends, quote rules."""
        return (*self.boilerplate, *self.false_friends, *self.quote_rules)

    @property
    def ids(self) -> frozenset[str]:
        """Every rule id in the set."""
        return frozenset(r.id for r in self.all_rules)

    @property
    def categories(self) -> frozenset[str]:
        """Every category a rule of the set can give."""
        return frozenset(r.category for r in self.all_rules)


_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # table: (required keys, optional keys)
    "boilerplate": (
        frozenset({"id", "category", "languages", "where", "patterns", "source"}),
        frozenset({"max_words", "min_words", "case_sensitive", "keep_before_kept"}),
    ),
    "false_friend": (
        frozenset({"id", "category", "languages", "forms", "source"}),
        frozenset({"frames", "sources", "unless", "near", "window", "source_frames"}),
    ),
    "quote_rule": (
        frozenset({"id", "category", "languages", "source"}),
        frozenset(),
    ),
}


class _Reader:
    """Validates one parsed file, with messages that name the file and rule."""

    def __init__(self, name: str, data: dict[str, Any], builtin: bool = False, guard: bool = True) -> None:
        self.name = name
        self.data = data
        self.builtin = builtin
        self.guard = guard
        self.checked: set[tuple[str, int]] = set()
        unknown = set(data) - {"vars", *_FIELDS}
        if unknown:
            self.fail(None, f"unknown table(s) {sorted(unknown)}; expected {sorted(['vars', *_FIELDS])}")
        raw_vars = data.get("vars", {})
        if not isinstance(raw_vars, dict) or not all(isinstance(v, str) for v in raw_vars.values()):
            self.fail(None, "[vars] must map names to regex strings")
        if len(raw_vars) > MAX_VARS:
            self.fail(None, f"[vars] defines {len(raw_vars):,} names; at most {MAX_VARS:,} are allowed")
        self.vars: dict[str, str] = {}
        for key, value in raw_vars.items():
            self.vars[key] = self.expand(value, f"[vars] {key}")

    def fail(self, rule: str | None, message: str) -> NoReturn:
        where = f"{self.name}, rule {rule!r}" if rule else self.name
        raise RuleFileError(f"{where}: {message}")

    def expand(self, pattern: str, rule: str) -> str:
        """The pattern with its ``{{vars}}`` filled in, refused if that makes it too long.

        The length is worked out before the text is built, so that variables
        that repeat each other cannot blow up in memory.
        """
        length = len(pattern)
        for match in VAR_RE.finditer(pattern):
            name = match.group(1)
            if name not in self.vars:
                self.fail(rule, f"unknown variable {{{{{name}}}}}; defined: {sorted(self.vars)}")
            length += len(self.vars[name]) - len(match.group())
        if length > MAX_PATTERN_CHARS:
            self.fail(
                rule,
                f"pattern {_shorten(pattern)!r} is {length:,} characters long once its variables are "
                f"filled in; the longest allowed is {MAX_PATTERN_CHARS:,}",
            )
        return VAR_RE.sub(lambda match: self.vars[match.group(1)], pattern)

    def check_safe(self, rule: str, pattern: str, expanded: str, flags: int) -> None:
        """Refuse a pattern that can take exponential time (see :mod:`cleancorp.rules.safety`)."""
        key = (expanded, flags)
        if key in self.checked:
            return
        if self.builtin and (rule, pattern) in REVIEWED_BUILTIN_PATTERNS:
            self.checked.add(key)
            return
        try:
            check_pattern(expanded, flags)
        except UnsafePatternError as error:
            self.fail(rule, f"pattern {_shorten(pattern)!r} {error}")
        self.checked.add(key)

    def compile(self, rule: str, patterns: Iterable[str], flags: int) -> re.Pattern[str]:
        parts = []
        for pattern in patterns:
            expanded = self.expand(pattern, rule)
            if self.guard:  # the built-in files are checked by the test suite instead
                try:
                    re.compile(expanded, flags)
                except (re.error, RecursionError, OverflowError) as error:
                    self.fail(rule, f"bad regex {_shorten(pattern)!r}: {error}")
                self.check_safe(rule, pattern, expanded, flags)
            parts.append(f"(?:{expanded})")
        try:
            return re.compile("|".join(parts), flags)
        except re.error as error:
            self.fail(
                rule,
                f"its patterns do not join into one regex ({error}): a rule's patterns are "
                "joined with |, so group names must differ and \\N back-references count "
                "the groups of the patterns before",
            )

    def probes(self, rule: str, patterns: Iterable[str], flags: int) -> tuple[Probe, ...]:
        """The rule's patterns as probes.

        Anchored patterns are joined by how the prefilter finds them (first
        word, literals, neither); a pattern that is searched gets a probe of
        its own, tried only where its own literals are.
        """
        groups: dict[tuple[bool, str], tuple[list[str], set[str]]] = {}
        for pattern in patterns:
            expanded = self.expand(pattern, rule)
            compiled = _Source(expanded, flags | re.UNICODE)  # read, not compiled: that is done per probe
            anchored = _anchored(expanded)
            first = first_keys(compiled) if anchored else None
            last = last_keys(compiled)
            literals = necessary_literals(compiled)
            # A pattern the prefilter can narrow gets a probe of its own, tried
            # only where its own keys or literals are.
            if first is not None:
                how, keys = f"first-{len(groups)}", first
            elif literals is not None:
                how, keys = f"literals-{len(groups)}", literals
            elif last is not None and min(map(len, last)) >= 2:
                how, keys = f"last-{len(groups)}", last
            else:
                how, keys = "none", frozenset()
            chosen, found = groups.setdefault((anchored, how), ([], set()))
            chosen.append(pattern)
            found |= keys
        return tuple(
            Probe(
                self.compile(rule, chosen, flags),
                anchored,
                literals=frozenset(found) if how.startswith("literals") else None,
                first=frozenset(found) if how.startswith("first") else None,
                last=frozenset(found) if how.startswith("last") else None,
            )
            for (anchored, how), (chosen, found) in groups.items()
        )

    def entries(self, table: str) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.data.get(table, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.fail(None, f"[[{table}]] must be an array of tables")
        if len(entries) > MAX_RULES:
            self.fail(
                None, f"[[{table}]] has {len(entries):,} rules; at most {MAX_RULES:,} are allowed in one file"
            )
        required, optional = _FIELDS[table]
        for entry in entries:
            rule = entry.get("id") if isinstance(entry.get("id"), str) else None
            missing = required - set(entry)
            if missing:
                self.fail(rule, f"missing {sorted(missing)}")
            unknown = set(entry) - required - optional
            if unknown:
                self.fail(rule, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(required | optional)}")
            self.check_common(entry)
        return entries

    def check_common(self, entry: dict[str, Any]) -> None:
        rule = str(entry["id"])
        if not isinstance(entry["id"], str) or not ID_RE.match(entry["id"]):
            self.fail(rule, "id must be kebab-case: lower-case words joined by '-'")
        if not isinstance(entry["category"], str) or not CATEGORY_RE.match(entry["category"]):
            self.fail(rule, "category must be snake_case: lower-case words joined by '_'")
        self.strings(rule, entry, "languages", LANGUAGE_RE, "'*' or ISO 639 codes")
        if not isinstance(entry["source"], str) or not entry["source"].strip():
            self.fail(rule, "source must say where the rule comes from")

    def strings(
        self, rule: str, entry: dict[str, Any], key: str, shape: re.Pattern[str] | None, what: str
    ) -> tuple[str, ...]:
        value = entry.get(key, [])
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and (shape is None or shape.match(v)) for v in value)
        ):
            self.fail(rule, f"{key} must be a non-empty list of {what}")
        if len(value) > MAX_PATTERNS:
            self.fail(rule, f"{key} has {len(value):,} entries; at most {MAX_PATTERNS:,} are allowed")
        return tuple(value)

    def count(self, rule: str, entry: dict[str, Any], key: str) -> int | None:
        value = entry.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            self.fail(rule, f"{key} must be a whole number >= 0")
        return value

    def flag(self, rule: str, entry: dict[str, Any], key: str) -> bool:
        value = entry.get(key, False)
        if not isinstance(value, bool):
            self.fail(rule, f"{key} must be true or false")
        return bool(value)

    def boilerplate(self) -> tuple[BoilerplateRule, ...]:
        rules = []
        for entry in self.entries("boilerplate"):
            rule = entry["id"]
            if entry["where"] not in WHERE:
                self.fail(rule, f"where must be one of {list(WHERE)}")
            case_sensitive = self.flag(rule, entry, "case_sensitive")
            flags = 0 if case_sensitive else re.IGNORECASE
            patterns = self.strings(rule, entry, "patterns", None, "regex strings")
            rules.append(
                BoilerplateRule(
                    id=rule,
                    category=entry["category"],
                    languages=tuple(entry["languages"]),
                    where=entry["where"],
                    pattern=self.compile(rule, patterns, flags),
                    probes=self.probes(rule, patterns, flags),
                    max_words=self.count(rule, entry, "max_words"),
                    min_words=self.count(rule, entry, "min_words"),
                    keep_before_kept=self.flag(rule, entry, "keep_before_kept"),
                    source=entry["source"].strip(),
                    file=self.name,
                )
            )
        return tuple(rules)

    def false_friends(self) -> tuple[FalseFriendRule, ...]:
        rules = []
        for entry in self.entries("false_friend"):
            rule = entry["id"]
            forms = entry["forms"]
            if (
                not isinstance(forms, dict)
                or not forms
                or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in forms.items())
            ):
                self.fail(rule, "forms must map each form of the term to its replacement")
            sources = entry.get("sources")
            window = self.count(rule, entry, "window")
            source_frames = self.frames(rule, entry, "source_frames") if "source_frames" in entry else ()
            if source_frames and sources is None:
                self.fail(rule, "source_frames need sources: the languages whose translations they repair")
            if "frames" not in entry and not source_frames:
                self.fail(rule, "missing ['frames'] (or source_frames)")
            rules.append(
                FalseFriendRule(
                    id=rule,
                    category=entry["category"],
                    languages=tuple(entry["languages"]),
                    sources=self.strings(rule, entry, "sources", LANGUAGE_RE, "ISO 639 codes")
                    if sources is not None
                    else (),
                    frames=self.frames(rule, entry, "frames") if "frames" in entry else (),
                    forms=MappingProxyType({k.lower(): v for k, v in forms.items()}),
                    unless=self.optional_patterns(rule, entry, "unless"),
                    window=80 if window is None else window,
                    source=entry["source"].strip(),
                    file=self.name,
                    near=self.optional_patterns(rule, entry, "near"),
                    source_frames=source_frames,
                )
            )
        return tuple(rules)

    def frames(self, rule: str, entry: dict[str, Any], key: str) -> tuple[re.Pattern[str], ...]:
        frames = []
        for frame in self.strings(rule, entry, key, None, "regex strings"):
            compiled = self.compile(rule, [frame], re.IGNORECASE)
            if "term" not in compiled.groupindex:
                self.fail(rule, f"frame {frame!r} has no (?P<term>...) group")
            frames.append(compiled)
        return tuple(frames)

    def optional_patterns(self, rule: str, entry: dict[str, Any], key: str) -> re.Pattern[str] | None:
        if key not in entry:
            return None
        return self.compile(rule, self.strings(rule, entry, key, None, "regex strings"), re.IGNORECASE)

    def quote_rules(self) -> tuple[QuoteRule, ...]:
        rules = []
        for entry in self.entries("quote_rule"):
            if entry["id"] not in QUOTE_RULE_IDS:
                self.fail(entry["id"], f"no quote repair has this id; known: {list(QUOTE_RULE_IDS)}")
            rules.append(
                QuoteRule(
                    entry["id"],
                    entry["category"],
                    tuple(entry["languages"]),
                    entry["source"].strip(),
                    self.name,
                )
            )
        return tuple(rules)


def _anchored(pattern: str) -> bool:
    """Whether every match of the regex starts at the start of the text.

    True for a pattern that opens with ``^`` and has no ``|`` outside groups
    (``^a|b`` is not anchored: ``b`` matches anywhere).
    """
    if not pattern.startswith("^"):
        return False
    depth, in_class, escaped = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return False
    return True


def _shorten(pattern: str, limit: int = 80) -> str:
    """A pattern as a message quotes it: cut to ``limit`` characters."""
    return pattern if len(pattern) <= limit else pattern[: limit - 1] + "…"


def _parse(name: str, text: str, builtin: bool = False, guard: bool = True) -> RuleSet:
    """Parse and validate one rule file.

    A rule file is data: it is read with ``tomllib`` and its patterns are
    compiled with ``re``; nothing in it is run as code. Files larger than
    ``MAX_FILE_CHARS``, and patterns that break the limits of
    :mod:`cleancorp.rules.safety`, are refused. ``guard=False`` skips the
    backtracking check (for the built-in files, which the test suite checks
    with :func:`check_builtin_rules`: it would add a second to every start).
    """
    if len(text) > MAX_FILE_CHARS:
        raise RuleFileError(
            f"{name}: is {len(text):,} characters long; the largest rule file allowed is {MAX_FILE_CHARS:,}"
        )
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        raise RuleFileError(f"{name}: not valid TOML: {error}") from None
    reader = _Reader(name, data, builtin, guard)
    return RuleSet(reader.boilerplate(), reader.false_friends(), reader.quote_rules(), (name,))


@cache
def _builtin(name: str) -> RuleSet:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return _parse(f"cleancorp/rules/{name}", text, builtin=True, guard=False)


def check_builtin_rules() -> None:
    """Load the built-in rule files with the backtracking guard on; raise
    :class:`RuleFileError` if a pattern fails it (the test suite calls this)."""
    for name in BUILTIN_FILES:
        text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        _parse(f"cleancorp/rules/{name}", text, builtin=True, guard=True)


@lru_cache(maxsize=64)
def _user_file(path: str, version: tuple[int, int]) -> RuleSet:
    """The rules of one file; ``version`` (mtime, size) makes a changed file read again."""
    if version[1] > 4 * MAX_FILE_CHARS:
        raise RuleFileError(
            f"{path}: is {version[1]:,} bytes long; the largest rule file allowed is "
            f"{MAX_FILE_CHARS:,} characters"
        )
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleFileError(f"{path}: cannot read rule file: {error}") from None
    return _parse(path, text)


def _version(path: str) -> tuple[int, int]:
    try:
        stat = os.stat(path)
    except OSError:
        return (-1, -1)  # _user_file reports the error
    return (stat.st_mtime_ns, stat.st_size)


def merge(sets: Iterable[RuleSet]) -> RuleSet:
    """Join rule sets in order; an id that appears twice is an error."""
    sets = tuple(sets)
    merged = RuleSet(
        tuple(r for s in sets for r in s.boilerplate),
        tuple(r for s in sets for r in s.false_friends),
        tuple(r for s in sets for r in s.quote_rules),
        tuple(f for s in sets for f in s.files),
    )
    seen: dict[str, str] = {}
    for rule in merged.all_rules:
        if rule.id in seen:
            raise RuleFileError(f"{rule.file}, rule {rule.id!r}: duplicate id (also in {seen[rule.id]})")
        seen[rule.id] = rule.file
    return merged


def load_rules(extra_files: tuple[str, ...] = ()) -> RuleSet:
    """The built-in rules followed by the rules of ``extra_files``, validated.

    Each file is parsed once and cached; a user file is parsed again when its
    modification time or size changes.

    >>> rules = load_rules()
    >>> "separator-line" in rules.ids
    True
    """
    return _merged(tuple((path, _version(path)) for path in extra_files))


@lru_cache(maxsize=64)
def _merged(files: tuple[tuple[str, tuple[int, int]], ...]) -> RuleSet:
    builtin = [_builtin(name) for name in BUILTIN_FILES]
    return merge([*builtin, *(_user_file(path, version) for path, version in files)])


def parse_rules(text: str, name: str = "<string>") -> RuleSet:
    """Parse and validate the text of one rule file (no built-in rules added)."""
    return _parse(name, text)
