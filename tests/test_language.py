"""Language detection: deterministic, 'und' when it cannot tell, restrictable."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleancorp
from cleancorp.language import supported_languages

SAMPLES = {
    "en": "The council approved the new budget on Monday after a long debate.",
    "fr": "Le conseil a approuvé le nouveau budget lundi après un long débat.",
    "de": "Der Rat hat den neuen Haushalt am Montag nach langer Debatte gebilligt.",
    "es": "El consejo aprobó el nuevo presupuesto el lunes tras un largo debate.",
    "ru": "Совет утвердил новый бюджет в понедельник после долгих дебатов.",
    "zh": "理事会在经过长时间辩论后于周一批准了新预算。",
}


@pytest.mark.parametrize(("language", "text"), SAMPLES.items())
def test_detects_the_language(language: str, text: str) -> None:
    guess = cleancorp.detect_language(text)
    assert guess.language == language
    assert 0.5 < guess.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "12:30 — 4/5", "!!!", "ab"])
def test_too_few_letters_is_undetermined(text: str) -> None:
    assert cleancorp.detect_language(text) == cleancorp.LanguageGuess("und", 0.0)


AMBIGUOUS = ["ok", "Taxi Hotel", "Pizza Roma", "hello bonjour hallo ciao", "Alan Turing 1950"]


def test_same_answer_every_time_in_one_process() -> None:
    first = [cleancorp.detect_language(t) for t in AMBIGUOUS]
    for _ in range(5):
        assert [cleancorp.detect_language(t) for t in AMBIGUOUS] == first


def test_same_answer_in_another_process() -> None:
    here = [cleancorp.detect_language(t).to_dict() for t in AMBIGUOUS]
    code = (
        "import json, sys, cleancorp; "
        "print(json.dumps([cleancorp.detect_language(t).to_dict() for t in json.loads(sys.argv[1])]))"
    )
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code, json.dumps(AMBIGUOUS)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        assert json.loads(out) == here


def test_restricting_candidate_languages() -> None:
    config = cleancorp.CleanConfig(languages={"de", "nl"})
    assert cleancorp.detect_language(SAMPLES["en"], config).language in {"de", "nl"}


def test_confidence_threshold() -> None:
    text = "hello bonjour hallo ciao"
    guess = cleancorp.detect_language(text)
    assert 0.1 < guess.confidence < 0.9  # a mixed text: the detector is unsure
    loose = cleancorp.CleanConfig(min_language_confidence=0.1)
    strict = cleancorp.CleanConfig(min_language_confidence=0.9)
    assert cleancorp.detect_language(text, loose) == guess
    assert cleancorp.detect_language(text, strict) == cleancorp.LanguageGuess("und", 0.0)


def test_bytes_and_other_types_are_refused() -> None:
    with pytest.raises(TypeError, match="decode"):
        cleancorp.detect_language(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes str, not int"):
        cleancorp.detect_language(123)  # type: ignore[arg-type]


def test_iso_codes() -> None:
    languages = supported_languages()
    assert {"en", "fr", "zh", "ru", "ar"} <= languages
    assert not {code for code in languages if "-" in code}


def test_clean_reports_the_language_of_the_cleaned_text() -> None:
    raw = "Suivez-nous sur Facebook\n\n" + SAMPLES["en"]
    result = cleancorp.clean(raw)
    assert (result.language, result.text) == ("en", SAMPLES["en"])


def test_clean_with_a_known_language_skips_detection() -> None:
    result = cleancorp.clean(SAMPLES["en"], cleancorp.CleanConfig(language="fr"))
    assert (result.language, result.language_confidence) == ("fr", 1.0)


def test_same_answer_under_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = AMBIGUOUS * 8
    alone = [cleancorp.detect_language(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(cleancorp.detect_language, texts)) == alone


# what prepare() looks for: addresses, Vietnamese combining marks, [A-z] less
# the letters ([ \\ ] ^ _ `), and scripts other than Latin
_PIECES = st.sampled_from(
    [
        "http://x.org/a",
        "https://",
        "a@b.co",
        "@",
        "e\u0301",
        "o\u0323",
        "\u0309",
        "[",
        "\\",
        "^",
        "_",
        "`",
        "\u2019",
    ]
)


@given(
    st.lists(_PIECES | st.text(alphabet="abcdeéABCDÉ  ,.-'xyzНАТОнато中文", max_size=12), max_size=12).map(
        "".join
    )
)
def test_ngrams_are_langdetects(text: str) -> None:
    """The default backend reads exactly the n-grams langdetect's own loop reads."""
    from cleancorp.language import _langdetect_factory, ngrams, prepare

    factory = _langdetect_factory()
    detector = factory.create()
    detector.set_max_text_length(1000)
    detector.append(text)
    detector.cleaning_text()
    assert detector.text == prepare(text, 1000)
    known = factory.word_lang_prob_map
    assert Counter(g for g in ngrams(detector.text) if g in known) == Counter(detector._extract_ngrams())


def test_every_backend_name_is_checked() -> None:
    with pytest.raises(ValueError, match="unknown language backend 'cld3'"):
        cleancorp.language.get_backend("cld3")
    with pytest.raises(ValueError, match="unknown language_backend"):
        cleancorp.CleanConfig(language_backend="cld3")


def test_a_missing_optional_backend_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleancorp.language import get_backend

    monkeypatch.setitem(sys.modules, "py3langid", None)
    monkeypatch.setitem(sys.modules, "py3langid.langid", None)
    get_backend.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"pip install 'cleancorp\[langid\]'"):
            get_backend("py3langid")
    finally:
        get_backend.cache_clear()


def test_the_sampling_backend_is_langdetect_itself() -> None:
    config = cleancorp.CleanConfig(language_backend="langdetect-sampling")
    for language, text in SAMPLES.items():
        assert cleancorp.detect_language(text, config).language == language


def test_paragraph_languages_and_a_mixed_document() -> None:
    text = (
        "The council met on Monday to vote on the new budget plan for the city.\n\n"
        "Le conseil municipal a adopté le budget lundi soir après un long débat.\n\n"
        "The plan passed by nine votes to four after a long debate in the chamber."
    )
    result = cleancorp.clean(text, cleancorp.CleanConfig(paragraph_languages=True))
    assert [g.language for g in result.paragraph_languages] == ["en", "fr", "en"]
    assert result.language == "en" and result.mixed_languages
    assert 0.5 < result.language_confidence < 1.0  # the English share of the letters
    plain = cleancorp.clean(text)
    assert plain.paragraph_languages == () and not plain.mixed_languages
    one = cleancorp.clean(
        text.replace(
            "Le conseil municipal a adopté le budget lundi soir après un long débat.",
            "The mayor said the vote was the most important of the year.",
        ),
        cleancorp.CleanConfig(paragraph_languages=True),
    )
    assert not one.mixed_languages and one.language_confidence == 1.0


@settings(max_examples=200)
@given(st.text(st.characters(codec="utf-8"), max_size=300))
def test_scores_by_word_are_the_scores_of_the_ngrams(text: str) -> None:
    """Word by word (with the cache) the scores are those of exactly the n-grams of ngrams()."""
    import numpy as np

    from cleancorp.language import NaiveBayesBackend, get_backend, ngrams, prepare

    backend = get_backend("langdetect")
    assert isinstance(backend, NaiveBayesBackend)
    prepared = prepare(text)
    rows = [i for i in map(backend._index.get, ngrams(prepared)) if i is not None]
    assert Counter(backend.gram_ids(prepared)) == Counter(rows)
    for _ in range(2):  # computed, then from the cache
        scores = backend.scores(text)
        if not rows:
            assert scores is None
        else:
            assert np.allclose(scores, backend.scores_of_rows(rows), rtol=1e-12, atol=1e-9)
