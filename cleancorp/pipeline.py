"""clean(): the stages in their fixed order, and the audit they write."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from cleancorp.boilerplate import (
    OPT_IN_RULES,
    REPEATED_CATEGORY,
    REPEATED_RULE_ID,
    STRUCTURAL_RULES,
    Repetition,
    remove_paragraphs,
    rules_in_language,
    select_rules,
)
from cleancorp.config import CleanConfig
from cleancorp.encoding import may_need_repair, repair_paragraph_encoding
from cleancorp.language import detect_language
from cleancorp.normalize import is_normal, normalize_paragraph
from cleancorp.paragraphs import join_paragraphs, split_paragraphs
from cleancorp.quirks import mentioned_false_friends, repair_paragraph_quirks, rules_for
from cleancorp.result import UNDETERMINED, CleanResult, Edit, LanguageGuess
from cleancorp.rules import RuleSet

# Encoding repair and normalisation alternate until a paragraph stops
# changing (removing an invisible character can bring two halves of a mojibake
# pair together); in practice one round does it, and this only bounds the loop.
MAX_ROUNDS = 16
# Boilerplate removal and language detection alternate until they agree.
LANGUAGE_ROUNDS = 3
# Quirk repair and the stages before it alternate until a round repairs nothing.
QUIRK_ROUNDS = 3
# The note a document longer than CleanConfig.max_chars gets.
MAX_CHARS_RULE = "max-chars"
MAX_CHARS_CATEGORY = "too_long"


@lru_cache(maxsize=1)
def _default_config() -> CleanConfig:
    return CleanConfig()


def clean(text: str, config: CleanConfig | None = None) -> CleanResult:
    """Clean the raw text of one scraped article, with an audit of every change.

    Stages, in order: encoding repair, normalisation, boilerplate removal,
    language detection, quirk repair. Each edit in the result names the input
    paragraph it acts on; :func:`cleancorp.apply_edits` replays them.

    >>> result = clean("Follow us on Twitter.\\n\\nThe council met on Monday to vote on the plan.")
    >>> result.text
    'The council met on Monday to vote on the plan.'
    >>> result.language, [e.category for e in result.removals]
    ('en', ['social_prompt'])

    Any ``str`` is accepted; ``bytes`` raise ``TypeError``.
    """
    if not isinstance(text, str):
        if isinstance(text, (bytes, bytearray, memoryview)):
            raise TypeError(
                "clean() takes str, not bytes: decode it first, e.g. "
                "data.decode('utf-8', errors='replace') (or let ftfy guess: "
                "ftfy.guess_bytes(data)[0])"
            )
        raise TypeError(f"clean() takes str, not {type(text).__name__}")
    if config is None:
        config = _default_config()
    elif not isinstance(config, CleanConfig):
        raise TypeError(f"config must be a CleanConfig, not {type(config).__name__}")

    if config.max_chars is not None and len(text) > config.max_chars:
        return _too_long(text, config.max_chars)

    paragraphs = list(split_paragraphs(text))
    edits: list[Edit] = []

    _repair_and_normalize(paragraphs, range(len(paragraphs)), edits, config)

    rules = config.rules
    # A quirk repair can change what an earlier stage decides: 'Home » World » “Europe.»' is
    # a breadcrumb once its last '»' is a closing quote, and ftfy reads 'Â ' differently
    # next to '”' than next to '»'. So the paragraphs that a round of quirk repair changed
    # go through encoding repair and normalisation again, then boilerplate removal and
    # quirk repair run again, until a round repairs nothing (in practice the second): a
    # second clean() of the output then has nothing to do.
    guess: LanguageGuess | None = None
    own_languages: dict[int, LanguageGuess] = {}
    mixed = False
    to_repair: Iterable[int] = range(len(paragraphs))
    for _ in range(QUIRK_ROUNDS):
        # After the first round, only what the last one changed can change:
        # the boilerplate stage looks again (a cheap pass), the language is
        # detected again only if it removed something, and quirk repair goes
        # over the changed paragraphs alone unless the language changed.
        before = guess
        dropped_from = len(edits)
        if config.remove_boilerplate:
            guess = _remove_boilerplate(paragraphs, edits, config, rules, known=before)
        elif before is None:
            guess = _language(join_paragraphs(paragraphs), config)
        dropped = len(edits) > dropped_from
        assert guess is not None
        if config.paragraph_languages and config.detect_language and (before is None or dropped):
            own_languages, guess, mixed = _paragraph_languages(paragraphs, guess, config)
        if before is not None and guess.language != before.language:
            to_repair = range(len(paragraphs))

        repaired_from = len(edits)
        if config.repair_quirks and guess.language != "und":
            _repair_quirks(paragraphs, to_repair, edits, config, rules, guess, own_languages)

        changed = sorted({edit.paragraph for edit in edits[repaired_from:]})
        if not changed:
            break
        _repair_and_normalize(paragraphs, changed, edits, config)
        to_repair = changed

    assert guess is not None
    return CleanResult(
        text=join_paragraphs(paragraphs),
        language=guess.language,
        language_confidence=guess.confidence,
        edits=tuple(edits),
        paragraph_languages=tuple(
            own_languages[i] for i, p in enumerate(paragraphs) if p and i in own_languages
        ),
        mixed_languages=mixed,
    )


def _repair_quirks(
    paragraphs: list[str],
    indices: Iterable[int],
    edits: list[Edit],
    config: CleanConfig,
    rules: RuleSet,
    guess: LanguageGuess,
    own_languages: dict[int, LanguageGuess],
) -> None:
    """Quirk repair of the paragraphs at ``indices``, in place: each with the rules of
    the document's language, or of its own where it is long enough to tell."""
    quote_rules, false_friends = rules_for(
        rules, guess.language, config.disabled_rules, config.keep_categories
    )
    document = "\n".join(paragraphs)
    document_rules = (
        quote_rules,
        mentioned_false_friends(false_friends, document, config.source_language),
    )
    # what no paragraph holds if the whole text does not
    foreign_typography = FOREIGN_TYPOGRAPHY_RE.search(document) is not None
    for index in indices:
        paragraph = paragraphs[index]
        if not paragraph:
            continue
        quote_rules, false_friends = document_rules
        if own_languages:
            found = own_languages[index].language
            own = None if found == "und" or not _has_letters(paragraph, PARAGRAPH_MIN_LETTERS) else found
        elif foreign_typography:
            own = _paragraph_language(paragraph, config)
        else:
            own = None
        if own is not None and own != guess.language:
            quote_rules, false_friends = rules_for(rules, own, config.disabled_rules, config.keep_categories)
        paragraphs[index] = repair_paragraph_quirks(
            index, paragraph, edits, quote_rules, false_friends, config.source_language
        )


def _repair_and_normalize(
    paragraphs: list[str], indices: Iterable[int], edits: list[Edit], config: CleanConfig
) -> None:
    """Encoding repair and normalisation of the paragraphs at ``indices``, in place."""
    # Most text needs neither stage: a cheap, exact test per paragraph skips
    # each of them (the encoding test is made again after a round that
    # changed the paragraph: removing an invisible character can join the
    # two halves of a mojibake pair).
    for index in indices:
        paragraph = paragraphs[index]
        encoding = config.repair_encoding and may_need_repair(paragraph)
        if not encoding and is_normal(paragraph):
            continue
        for round_ in range(MAX_ROUNDS):
            before = paragraph
            if round_:
                encoding = config.repair_encoding and may_need_repair(paragraph)
                if not encoding and is_normal(paragraph):
                    break  # neither stage would change it
            if encoding:
                paragraph = repair_paragraph_encoding(index, paragraph, edits)
            if paragraph:
                paragraph = normalize_paragraph(index, paragraph, edits)
            if paragraph == before or not paragraph:
                break
        paragraphs[index] = paragraph


def _too_long(text: str, limit: int) -> CleanResult:
    """A text over ``max_chars``: its paragraphs as they are, and a note that says why.

    The note is an edit that replaces nothing with nothing at the start of the
    first paragraph, so replaying the audit gives the same text.
    """
    paragraphs = split_paragraphs(text)
    edits: tuple[Edit, ...] = ()
    if paragraphs:
        detail = f"{len(text):,} characters, over max_chars={limit:,}: left as it is"
        edits = (Edit("normalize", MAX_CHARS_RULE, MAX_CHARS_CATEGORY, "fix", 0, 0, "", "", detail),)
    return CleanResult(
        text=join_paragraphs(paragraphs),
        language=UNDETERMINED.language,
        language_confidence=UNDETERMINED.confidence,
        edits=edits,
    )


def _remove_boilerplate(
    paragraphs: list[str],
    edits: list[Edit],
    config: CleanConfig,
    rules: RuleSet,
    known: LanguageGuess | None = None,
) -> LanguageGuess:
    """Remove boilerplate with the rules for the document's language; return that language.

    The language is detected on the cleaned text, so the rules run first with
    every language's phrases; if a rule for other languages removed anything,
    the removal is made again with the rules for the detected language only,
    and so on until the language and the rules agree (at most ``LANGUAGE_ROUNDS``).

    ``known``: the language a first pass found; its rules look again at what
    later stages changed, and the language is detected again only if they
    remove something.
    """
    selected = select_rules(
        rules,
        keep_categories=config.keep_categories,
        disabled_rules=config.disabled_rules,
    )
    structural = {
        rule
        for rule, category in STRUCTURAL_RULES.items()
        if category not in config.keep_categories
        and rule not in config.disabled_rules
        and (rule not in OPT_IN_RULES or rule in config.enabled_rules)
    }
    repetition = (
        Repetition(config.repeated_lines, config.repeated_min_documents)
        if config.repeated_lines is not None
        and REPEATED_CATEGORY not in config.keep_categories
        and REPEATED_RULE_ID not in config.disabled_rules
        else None
    )
    if config.language is not None:
        selected = rules_in_language(selected, config.language)
    if known is not None:
        start = len(edits)
        acting = selected if known.language == "und" else rules_in_language(selected, known.language)
        remove_paragraphs(paragraphs, acting, edits, structural=structural, repetition=repetition)
        return known if len(edits) == start else _language(join_paragraphs(paragraphs), config)
    before, start = list(paragraphs), len(edits)
    acting = selected
    for round_ in range(1, LANGUAGE_ROUNDS + 1):
        remove_paragraphs(paragraphs, acting, edits, structural=structural, repetition=repetition)
        guess = _language(join_paragraphs(paragraphs), config)
        fitting = rules_in_language(selected, guess.language)
        outside = {r.id for r in acting} - {r.id for r in fitting}
        agree = fitting == acting or (
            not {r.id for r in fitting} - {r.id for r in acting}
            and not any(edit.rule in outside for edit in edits[start:])
        )
        if agree or round_ == LANGUAGE_ROUNDS:
            # Agreed: the rules for the detected language would remove the
            # same. Out of rounds: keep this round, whose text the language
            # was detected on.
            return guess
        paragraphs[:] = before
        del edits[start:]
        acting = fitting
    raise AssertionError("unreachable")  # pragma: no cover


# Marks that are right in one language and wrong in another: guillemets, and a
# space before ? ! : ; (French). A paragraph with them, long enough to tell, is
# judged in its own language: a French quotation inside an English article
# keeps its « ».
FOREIGN_TYPOGRAPHY_RE = re.compile(r"[«»‹›]|\s[?!:;]")
PARAGRAPH_MIN_LETTERS = 40


MIXED_SHARE = 0.1


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def _has_letters(text: str, enough: int) -> bool:
    """Whether text has at least ``enough`` letters; reads only as far as it needs to."""
    start = 0
    while start < len(text):
        size = 4 * enough + 64  # a window at a time, counted in C
        enough -= sum(map(str.isalpha, text[start : start + size]))
        if enough <= 0:
            return True
        start += size
    return enough <= 0


def _paragraph_languages(
    paragraphs: list[str], guess: LanguageGuess, config: CleanConfig
) -> tuple[dict[int, LanguageGuess], LanguageGuess, bool]:
    """Each paragraph's language; the document's, by letters; whether it mixes languages.

    The document's language is the one whose paragraphs hold most letters
    (``guess``, from the whole text, when the paragraphs give none or a given
    ``CleanConfig.language`` says otherwise). Only paragraphs of at least
    ``PARAGRAPH_MIN_LETTERS`` letters count towards the mix: a short line is
    too easy to misread.
    """
    found = {i: detect_language(p, config) for i, p in enumerate(paragraphs) if p}
    letters: dict[str, int] = {}
    long_letters: dict[str, int] = {}
    for index, own in found.items():
        if own.language == "und":
            continue
        count = _letters(paragraphs[index])
        letters[own.language] = letters.get(own.language, 0) + count
        if count >= PARAGRAPH_MIN_LETTERS:
            long_letters[own.language] = long_letters.get(own.language, 0) + count
    if letters and config.language is None:
        top = min(letters, key=lambda code: (-letters[code], code))
        guess = LanguageGuess(top, round(letters[top] / sum(letters.values()), 4))
    total = sum(long_letters.values())
    mixed = total > 0 and (total - long_letters.get(guess.language, 0)) >= MIXED_SHARE * total
    return found, guess, mixed


def _paragraph_language(paragraph: str, config: CleanConfig) -> str | None:
    """The language of a paragraph whose typography depends on it, when it can be told."""
    if not config.detect_language or FOREIGN_TYPOGRAPHY_RE.search(paragraph) is None:
        return None
    if not _has_letters(paragraph, PARAGRAPH_MIN_LETTERS):
        return None
    language = detect_language(paragraph, config).language
    return None if language == "und" else language


def _language(text: str, config: CleanConfig) -> LanguageGuess:
    if config.language is not None:
        return LanguageGuess(config.language, 1.0)
    if not config.detect_language:
        return UNDETERMINED
    return detect_language(text, config)
