"""The frozen records that :func:`cleancorp.clean` returns.

Every change that cleaning makes is one :class:`Edit`. An edit always acts on
one paragraph of the *input* (its index in :func:`cleancorp.split_paragraphs`
of the input) and says exactly what it replaced, so replaying the edits of a
result on its input with :func:`cleancorp.apply_edits` gives the output text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

STAGES = ("encoding", "normalize", "boilerplate", "quirks")
ACTIONS = ("drop", "fix")


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to one paragraph.

    ``action`` is ``"drop"`` when the edit deleted the whole paragraph (then
    ``start == 0``, ``before`` is all that was left of it and ``after == ""``)
    and ``"fix"`` when it rewrote part of it: ``before`` stood at ``start`` (a
    character offset in the paragraph as it was when the edit was made, after
    the edits listed before this one) and was replaced by ``after``.

    >>> Edit("boilerplate", "separator-line", "separator", "drop", 3, 0, "***", "").is_removal
    True
    """

    stage: str
    """Which stage made the change: one of ``encoding``, ``normalize``,
    ``boilerplate``, ``quirks``."""
    rule: str
    """Stable kebab-case id of the rule that fired (``newsletter-signup``)."""
    category: str
    """Stable snake_case reason code (``newsletter_prompt``, ``mojibake``)."""
    action: str
    """``"drop"`` (the paragraph was removed) or ``"fix"`` (part rewritten)."""
    paragraph: int
    """Index of the paragraph in the input, counted from 0."""
    start: int
    """Offset of ``before`` in the paragraph as it stood before this edit."""
    before: str
    """The text that was replaced."""
    after: str
    """Its replacement; ``""`` for a deletion."""
    detail: str = ""
    """More about why, where the rule has more to say (``"in 37 of 1000
    documents"`` for a repeated line); ``""`` otherwise."""

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}; valid: {', '.join(ACTIONS)}")
        if self.stage not in STAGES:
            raise ValueError(f"unknown stage {self.stage!r}; valid: {', '.join(STAGES)}")

    @property
    def is_removal(self) -> bool:
        """True when the edit deleted what was left of its paragraph."""
        return self.action == "drop"

    def to_dict(self) -> dict[str, Any]:
        """The edit as a plain JSON-serialisable dict."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """A language and how sure the detector is of it.

    ``language`` is an ISO 639-1 code, or ``"und"`` when the text has too
    few letters to tell or the detector is not sure enough.
    """

    language: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        """The guess as a plain JSON-serialisable dict."""
        return asdict(self)


UNDETERMINED = LanguageGuess("und", 0.0)


@dataclass(frozen=True, slots=True)
class CleanResult:
    """What :func:`cleancorp.clean` returns: the clean text and its audit.

    >>> from cleancorp import clean
    >>> r = clean("Breaking news from the capital today.\\n\\n***")
    >>> r.text
    'Breaking news from the capital today.'
    >>> [(e.rule, e.category) for e in r.removals]
    [('separator-line', 'separator')]
    """

    text: str
    """The cleaned text: paragraphs joined by one blank line, NFC."""
    language: str
    """ISO 639-1 code of the cleaned text, or ``"und"``."""
    language_confidence: float
    """The detector's probability for ``language`` (0.0 for ``"und"``)."""
    edits: tuple[Edit, ...]
    """Every change, in the order it was made."""
    paragraph_languages: tuple[LanguageGuess, ...] = ()
    """With ``CleanConfig(paragraph_languages=True)``: the language of each
    paragraph of ``text``, in order; else empty."""
    mixed_languages: bool = False
    """With ``paragraph_languages``: whether paragraphs in other languages than
    ``language`` hold at least a tenth of the letters (an untranslated remnant,
    a quotation left in the original)."""

    @property
    def removals(self) -> tuple[Edit, ...]:
        """The edits that dropped a whole paragraph."""
        return tuple(e for e in self.edits if e.is_removal)

    @property
    def repairs(self) -> tuple[Edit, ...]:
        """The edits that repaired text in place (encoding and quirk repairs)."""
        return tuple(e for e in self.edits if e.action == "fix" and e.stage in ("encoding", "quirks"))

    def category_counts(self) -> dict[str, int]:
        """How many edits each category has, most frequent first."""
        return dict(Counter(e.category for e in self.edits).most_common())

    def to_dict(self) -> dict[str, Any]:
        """The result as a plain JSON-serialisable dict."""
        return {
            "text": self.text,
            "language": self.language,
            "language_confidence": self.language_confidence,
            "edits": [e.to_dict() for e in self.edits],
            "paragraph_languages": [
                {"language": g.language, "confidence": g.confidence} for g in self.paragraph_languages
            ],
            "mixed_languages": self.mixed_languages,
        }
