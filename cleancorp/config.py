"""CleanConfig: every option of :func:`cleancorp.clean`, frozen and validated."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from typing import Any

from cleancorp.boilerplate import OPT_IN_RULES, REPEATED_CATEGORY, REPEATED_RULE_ID, STRUCTURAL_RULES
from cleancorp.language import BACKENDS, supported_languages
from cleancorp.repeated import RepeatedLines
from cleancorp.rules import RuleSet, load_rules

DEFAULT_MAX_CHARS = 10_000_000
"""The default of :attr:`CleanConfig.max_chars`: ten million characters, some
two thousand times a long news article."""

# Categories given by code rather than by a rule file.
SOURCE_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
CODE_CATEGORIES = frozenset({*STRUCTURAL_RULES.values(), REPEATED_CATEGORY})
CODE_RULE_IDS = frozenset({*STRUCTURAL_RULES, REPEATED_RULE_ID})


def _frozen(name: str, value: Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise TypeError(
            f"{name} takes a collection of strings, not the string {value!r}: write {name}=[{value!r}]"
        )
    return frozenset(value)


def _paths(value: Iterable[str | os.PathLike[str]]) -> tuple[str, ...]:
    """Absolute paths, so that a config means the same files from any folder."""
    if isinstance(value, (str, os.PathLike)):
        value = [value]
    return tuple(os.path.abspath(os.fspath(p)) for p in value)


def _check_known(name: str, given: AbstractSet[str] | None, valid: Iterable[str]) -> None:
    valid_set = frozenset(valid)
    if given is None:
        return
    unknown = given - valid_set
    if unknown:
        raise ValueError(f"unknown {name} {sorted(unknown)}; valid: {', '.join(sorted(valid_set))}")


@dataclass(frozen=True, kw_only=True)
class CleanConfig:
    """Options of :func:`cleancorp.clean`. Frozen; change one with :meth:`replace`.

    Every field is checked when the config is made: an unknown category, rule
    id, backend or language raises ``ValueError`` that lists the valid ones.

    >>> config = CleanConfig(keep_categories={"image_caption"})
    >>> config.replace(repair_quirks=False).repair_quirks
    False
    >>> CleanConfig(language="xx")
    Traceback (most recent call last):
    ...
    ValueError: unknown language ['xx']; valid: af, ar, bg, ...
    """

    repair_encoding: bool = True
    """Repair mojibake, HTML entities and other encoding accidents (ftfy)."""
    remove_boilerplate: bool = True
    """Remove boilerplate paragraphs (prompts, captions, notices, ...)."""
    repair_quirks: bool = True
    """Repair translation quirks: false friends and quote marks."""
    detect_language: bool = True
    """Detect the language of the cleaned text; when off, the result says
    ``language`` (if given) or ``"und"``."""
    keep_categories: AbstractSet[str] = field(default_factory=frozenset)
    """Categories never acted on (``None`` is the same as none), e.g. ``{"image_caption", "author_bio"}`` to
    keep captions and biographies, or ``{"mistranslation"}``."""
    disabled_rules: AbstractSet[str] = field(default_factory=frozenset)
    """Rule ids switched off, e.g. ``{"section-label"}``."""
    enabled_rules: AbstractSet[str] = field(default_factory=frozenset)
    """Rules that are off unless named here: ``{"about-section"}`` removes a press
    release's closing 'About <Company>' section (annotators of news benchmarks
    count it as article text, so it is not removed by default)."""
    rule_files: Iterable[str | os.PathLike[str]] = ()
    """Extra TOML rule files, applied after the built-in rules (same format).
    Stored as absolute paths; a file is read again when it changes."""
    language: str | None = None
    """The language of the text, when known: detection is skipped, and the
    language-aware stages use it (boilerplate rules for other languages are
    left out; quirk repairs are those for this language)."""
    paragraph_languages: bool = False
    """Detect the language of each paragraph as well (``CleanResult.paragraph_languages``);
    the document's language is then the one with most letters, and
    ``CleanResult.mixed_languages`` flags documents that mix languages."""
    source_language: str | None = None
    """The language the text was translated from, when known (``"fr"``): quirk
    rules for the errors that translations from it leave act in more frames
    (their ``source_frames``)."""
    languages: AbstractSet[str] | None = None
    """Restrict detection to these ISO 639-1 codes; ``None`` for all the
    backend knows."""
    language_backend: str = "langdetect"
    """The language detector: one of :data:`cleancorp.language.BACKENDS`."""
    min_language_confidence: float | None = None
    """Below this probability the language is ``"und"``; ``None`` for no
    threshold."""
    repeated_lines: RepeatedLines | None = None
    """A table from :func:`cleancorp.learn_repeated_lines`: paragraphs whose
    normalised line appears in at least ``repeated_min_documents`` of its
    documents are removed as ``repeated_line``. ``None``: off."""
    repeated_min_documents: int = 3
    """The threshold for :attr:`repeated_lines` (at least 2)."""
    max_chars: int | None = DEFAULT_MAX_CHARS
    """The longest document cleaned, in characters (default ten million);
    ``None``: no limit. A longer text is not an article (a dump, a log, a
    concatenation gone wrong): it is left as it is, split into paragraphs and
    joined again, with language ``"und"`` and one edit that says why (rule
    ``max-chars``, category ``too_long``; it changes nothing, so the audit
    still replays). Every stage takes time linear in the text's length, so the
    limit bounds the time and memory one document can take."""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        # None for a switch-off set means "none": the same as an empty set
        set_(self, "keep_categories", _frozen("keep_categories", self.keep_categories) or frozenset())
        set_(self, "disabled_rules", _frozen("disabled_rules", self.disabled_rules) or frozenset())
        set_(self, "enabled_rules", _frozen("enabled_rules", self.enabled_rules) or frozenset())
        set_(self, "languages", _frozen("languages", self.languages))
        set_(self, "rule_files", _paths(self.rule_files))
        for flag in (
            "repair_encoding",
            "remove_boilerplate",
            "repair_quirks",
            "detect_language",
            "paragraph_languages",
        ):
            if not isinstance(getattr(self, flag), bool):
                raise TypeError(f"{flag} must be True or False, not {getattr(self, flag)!r}")
        if self.language_backend not in BACKENDS:
            raise ValueError(
                f"unknown language_backend {self.language_backend!r}; valid: {', '.join(BACKENDS)}"
            )
        if self.language is not None or self.languages is not None:
            # loading the backend's profiles takes a moment: only when needed
            known_languages = supported_languages(self.language_backend)
            _check_known(
                "language", None if self.language is None else frozenset({self.language}), known_languages
            )
            _check_known("languages", self.languages, known_languages)
        if self.source_language is not None and (
            not isinstance(self.source_language, str) or not SOURCE_LANGUAGE_RE.match(self.source_language)
        ):
            raise ValueError(
                "source_language must be an ISO 639-1 code such as 'fr', or None; "
                f"got {self.source_language!r}"
            )
        if self.languages is not None and not self.languages:
            raise ValueError("languages is empty: give at least one code, or None for all")
        threshold = self.min_language_confidence
        if threshold is not None and (
            isinstance(threshold, bool)
            or not isinstance(threshold, (int, float))
            or not 0.0 <= threshold <= 1.0
        ):
            raise ValueError(f"min_language_confidence must be between 0 and 1, or None; got {threshold!r}")
        if self.repeated_lines is not None and not isinstance(self.repeated_lines, RepeatedLines):
            raise TypeError(
                "repeated_lines takes the RepeatedLines of cleancorp.learn_repeated_lines(), "
                f"not {type(self.repeated_lines).__name__} (read a saved one with "
                "RepeatedLines.from_json)"
            )
        minimum = self.repeated_min_documents
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 2:
            raise ValueError(f"repeated_min_documents must be a whole number >= 2, not {minimum!r}")
        limit = self.max_chars
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0):
            raise ValueError(f"max_chars must be a whole number > 0, or None for no limit; got {limit!r}")
        rules = self.rules  # loads and validates the rule files now
        _check_known("categories", self.keep_categories, rules.categories | CODE_CATEGORIES)
        _check_known("rule ids", self.disabled_rules, rules.ids | CODE_RULE_IDS)
        _check_known("opt-in rule ids", self.enabled_rules, OPT_IN_RULES)

    @property
    def rules(self) -> RuleSet:
        """The built-in rules and those of :attr:`rule_files` (cached)."""
        return load_rules(tuple(str(path) for path in self.rule_files))

    def replace(self, **changes: Any) -> CleanConfig:
        """A copy with some fields changed (and validated again)."""
        return replace(self, **changes)
