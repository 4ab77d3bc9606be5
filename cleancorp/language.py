"""Language detection, deterministic.

The default backend is langdetect (a port of Nakatani Shuyo's
language-detection library: naive Bayes over character 1- to 3-grams, 55
languages). langdetect samples n-grams at random; unseeded, it changes 1-2 %
of its answers from one process to the next. cleancorp never touches
langdetect's global factory: it builds a private one, loads the language
profiles in sorted file order (``os.listdir`` order differs between file
systems and would change the internal language index) and seeds every
detector, so the same text gets the same answer on every run and machine.

``"und"`` is returned for text with fewer than ``MIN_LETTERS`` letters, for
text the backend cannot read, and when the best probability is below
``CleanConfig.min_language_confidence``. Chinese comes back as ``zh`` (the
backend's ``zh-cn``/``zh-tw`` are folded into the ISO 639-1 code).

Limits: langdetect is unreliable on a few words (a title, ``OK``), cannot tell
Bosnian from Croatian or Serbian in Latin script, and knows only its 55
languages; anything else gets the nearest of those.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Protocol

from cleancorp.result import UNDETERMINED, LanguageGuess

if TYPE_CHECKING:
    from cleancorp.config import CleanConfig

MIN_LETTERS = 3
SEED = 0
# langdetect reads the first MAX_TEXT_LENGTH characters (its own default is
# 10,000). Its n-gram extraction is the slowest part of clean(); 3,000
# characters is six times the ~490-character paragraphs on which it is 100 %
# accurate in the evaluation set, and takes a third of the time on articles.
MAX_TEXT_LENGTH = 3_000

# langdetect's codes that are not ISO 639-1 as they stand.
_ISO = {"zh-cn": "zh", "zh-tw": "zh"}


class LanguageBackend(Protocol):
    """What a detector backend provides: probabilities for a text."""

    name: str
    languages: frozenset[str]

    def probabilities(self, text: str, allowed: AbstractSet[str] | None = None) -> list[tuple[str, float]]:
        """(ISO 639-1 code, probability) pairs, most likely first.

        ``allowed`` restricts the answer to those ISO 639-1 codes.
        """
        ...


class LangdetectBackend:
    """langdetect with a private, seeded factory and sorted profiles."""

    name = "langdetect"

    def __init__(self) -> None:
        from langdetect.detector_factory import DetectorFactory

        profiles = resources.files("langdetect").joinpath("profiles")
        texts = [
            entry.read_text(encoding="utf-8")
            for entry in sorted(profiles.iterdir(), key=lambda e: e.name)
            if entry.is_file() and not entry.name.startswith(".")
        ]
        factory = DetectorFactory()
        factory.load_json_profile(texts)
        factory.seed = SEED
        self._factory = factory
        self._codes: tuple[str, ...] = tuple(factory.langlist)
        self.languages = frozenset(_ISO.get(code, code) for code in self._codes)

    def probabilities(self, text: str, allowed: AbstractSet[str] | None = None) -> list[tuple[str, float]]:
        """(code, probability) pairs for text, most likely first."""
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.set_max_text_length(MAX_TEXT_LENGTH)
        if allowed is not None:
            # a prior of 0 rules a language out before scoring, not after
            detector.set_prior_map({code: 1.0 for code in self._codes if _ISO.get(code, code) in allowed})
        detector.append(text)
        try:
            found = detector.get_probabilities()
        except LangDetectException:
            return []
        merged: dict[str, float] = {}
        for item in found:
            code = _ISO.get(item.lang, item.lang)
            merged[code] = merged.get(code, 0.0) + item.prob
        return sorted(merged.items(), key=lambda pair: (-pair[1], pair[0]))


BACKENDS = ("langdetect",)


@cache
def get_backend(name: str = "langdetect") -> LanguageBackend:
    """The backend called ``name``, built once (loading profiles takes a moment)."""
    if name == "langdetect":
        try:
            return LangdetectBackend()
        except ImportError as error:  # pragma: no cover - a declared dependency
            raise ImportError("the langdetect backend needs: pip install langdetect") from error
    raise ValueError(f"unknown language backend {name!r}; valid: {', '.join(BACKENDS)}")


def supported_languages(backend: str = "langdetect") -> frozenset[str]:
    """ISO 639-1 codes the backend can answer with.

    >>> "en" in supported_languages()
    True
    """
    return get_backend(backend).languages


def _letters(text: str, enough: int) -> int:
    count = 0
    for char in text:
        if char.isalpha():
            count += 1
            if count >= enough:
                break
    return count


def detect_language(text: str, config: CleanConfig | None = None) -> LanguageGuess:
    """Detect the language of text; the same answer on every run.

    >>> detect_language("The council approved the budget on Monday evening.")
    LanguageGuess(language='en', confidence=1.0)
    >>> detect_language("12:30 — 4/5")
    LanguageGuess(language='und', confidence=0.0)
    """
    if not isinstance(text, str):
        if isinstance(text, (bytes, bytearray, memoryview)):
            raise TypeError(
                "detect_language() takes str, not bytes: decode it first, "
                "e.g. data.decode('utf-8', errors='replace')"
            )
        raise TypeError(f"detect_language() takes str, not {type(text).__name__}")
    if _letters(text, MIN_LETTERS) < MIN_LETTERS:
        return UNDETERMINED
    backend = get_backend(config.language_backend if config else "langdetect")
    candidates = backend.probabilities(text, config.languages if config else None)
    if not candidates:
        return UNDETERMINED
    language, probability = candidates[0]
    threshold = config.min_language_confidence if config else None
    if threshold is not None and probability < threshold:
        return UNDETERMINED
    return LanguageGuess(language, round(probability, 4))
