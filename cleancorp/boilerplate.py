"""Boilerplate removal: whole paragraphs that are not part of the article.

Each paragraph is matched against the ``[[boilerplate]]`` rules (built-in
``rules/boilerplate.toml`` plus the user's files), in file order. Where a rule
may act depends on the document's structure:

- ``anywhere`` rules describe text that is never article prose (a separator,
  a date strip, a caption that ends in a photo credit, ``Follow us on …`` at
  the start of a paragraph);
- ``edge`` rules (``top``, ``bottom``) describe text that could be prose (an
  author's biography, ``By Jane Doe``, a short ``Label:``) and act only in the
  *edge runs*: the paragraphs before the first, or after the last, paragraph
  of prose that no rule matched. Prose here is a paragraph of at least
  ``PROSE_MIN_WORDS`` words with sentence punctuation in it.

A rule marked ``keep_before_kept`` (a short ``Label:``) removes its paragraph
only when the paragraph after it goes too: a label that introduces kept text
is part of it.

One rule is structural and written here, not in a file: ``image-alt-text``
removes a short line with no sentence in it that stands right before or after
a removed image caption or credit and whose words all occur in that caption
(``Jens Stoltenberg NATO 1`` above the caption that names him), or that is an
image file name.

Limits: a paragraph is removed whole or kept whole, so boilerplate glued
inside an article sentence stays; a rule phrase in a language the rules do not
cover is not seen; an article made only of short lines (a list, a poem) has no
prose to bound its edge runs, so edge rules act on all of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from types import MappingProxyType

from cleancorp.paragraphs import join_paragraphs, split_paragraphs
from cleancorp.prefilter import Candidate, build_prefilter
from cleancorp.repeated import RepeatedLines
from cleancorp.result import Edit
from cleancorp.rules import BoilerplateRule, RuleSet, load_rules

STAGE = "boilerplate"
PROSE_MIN_WORDS = 10
SENTENCE_PUNCTUATION_RE = re.compile(r"[.!?…。！？]")
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
# A white-space-separated token with no letter, digit or underscore in it.
PUNCTUATION_TOKEN_RE = re.compile(r"(?<!\S)[^\w\s]+(?!\S)")
IMAGE_FILE_RE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|svg|tiff?)\W*$", re.IGNORECASE)

ALT_TEXT_RULE_ID = "image-alt-text"
ALT_TEXT_CATEGORY = "image_alt_text"
ALT_TEXT_MAX_WORDS = 10
IMAGE_CATEGORIES = frozenset({"image_caption", "image_credit"})

HEADLINES_RULE_ID = "related-headlines"
HEADLINES_CATEGORY = "related_links"
HEADLINE_MAX_WORDS = 25
BULLET_RUN_MIN = 3
ABOUT_RULE_ID = "about-section"
ABOUT_CATEGORY = "press_release_trailer"
LABEL_CATEGORIES = frozenset({"read_more", HEADLINES_CATEGORY})
QUOTE_MARKS = frozenset("\"“”«»„‘’'‹›「『")
BULLET_RE = re.compile(r"^[-–•*·▪►»]\s+")
# A sentence ends here: a headline does not (it may end in a question mark).
SENTENCE_END_RE = re.compile(r"[.!…:;。！]['’\"”»)\]]*\s*$")
ABOUT_RE = re.compile(
    r"^(?:about|à propos d[e'’]|über|acerca de|sobre|a proposito di|informazioni su|over"
    r"|o firmie|o|о компании|о)\s+(?:the\s+)?(?P<name>[^\W\d_][\w&.,'’ -]{0,60})$",
    re.IGNORECASE,
)
ABOUT_MAX_WORDS = 8


def count_words(text: str) -> int:
    """White-space-separated tokens with a letter or digit in them; a CJK character
    counts as half a word.

    A token of punctuation alone (``»``, ``—``, ``|``) is not a word, so a repair
    that changes or removes one does not change what counts as prose.

    >>> count_words("NATO admits munitions race — »")
    4
    >>> count_words("北约承认弹药竞赛")
    4
    """
    if not text.isascii():
        cjk = len(CJK_RE.findall(text))
        if cjk:
            text = CJK_RE.sub(" ", text)
    else:
        cjk = 0
    return len(text.split()) - len(PUNCTUATION_TOKEN_RE.findall(text)) + cjk // 2


@dataclass(frozen=True, slots=True)
class Decision:
    """Why a paragraph is removed: the rule's id and category."""

    rule: str
    category: str
    keep_before_kept: bool = False
    detail: str = ""


REPEATED_RULE_ID = "repeated-line"
REPEATED_CATEGORY = "repeated_line"

STRUCTURAL_RULES = MappingProxyType(
    {
        ALT_TEXT_RULE_ID: ALT_TEXT_CATEGORY,
        HEADLINES_RULE_ID: HEADLINES_CATEGORY,
        ABOUT_RULE_ID: ABOUT_CATEGORY,
    }
)
"""The rules written in code, not in a rule file: id -> category."""
OPT_IN_RULES = frozenset({ABOUT_RULE_ID})
"""Rules written in code that act only when ``CleanConfig.enabled_rules`` names them."""
DEFAULT_STRUCTURAL = frozenset(STRUCTURAL_RULES) - OPT_IN_RULES


@dataclass(frozen=True, slots=True)
class Repetition:
    """Corpus repetition to act on: the learnt table and the threshold."""

    table: RepeatedLines
    min_documents: int

    def decision(self, text: str) -> Decision | None:
        """A removal for text if it is a line repeated often enough."""
        count = self.table.count(text)
        if count < self.min_documents:
            return None
        return Decision(
            REPEATED_RULE_ID,
            REPEATED_CATEGORY,
            detail=f"in {count} of {self.table.documents} documents",
        )


def _fits(rule: BoilerplateRule, words: int) -> bool:
    return (rule.max_words is None or words <= rule.max_words) and (
        rule.min_words is None or words >= rule.min_words
    )


def _matches(
    text: str, rules: Sequence[BoilerplateRule], candidates: Sequence[Candidate]
) -> tuple[BoilerplateRule, ...]:
    """The rules that match text, in file order, up to the first ``anywhere`` one.

    ``candidates`` are the probes the prefilter left, in rule order.
    """
    words = -1
    found: list[BoilerplateRule] = []
    for rule_index, finder in candidates:
        rule = rules[rule_index]
        if found and found[-1] is rule:
            continue
        if finder(text) is None:
            continue
        if words < 0:
            words = count_words(text)
        if _fits(rule, words):
            found.append(rule)
            if rule.where == "anywhere":
                break
    return tuple(found)


def _all_matches(
    paragraphs: Sequence[str], rules: Sequence[BoilerplateRule]
) -> list[tuple[BoilerplateRule, ...]]:
    """The matching rules of each paragraph (see :func:`_matches`), prefiltered."""
    prefilter = build_prefilter(tuple(rules))
    return [
        _matches(p, rules, found) if found and p else ()
        for p, found in zip(paragraphs, prefilter.candidates(paragraphs), strict=True)
    ]


def _may_act(rule: BoilerplateRule, top: bool, bottom: bool) -> bool:
    return (
        rule.where == "anywhere"
        or (rule.where == "edge" and (top or bottom))
        or (rule.where == "top" and top)
        or (rule.where == "bottom" and bottom)
    )


def _is_prose(text: str) -> bool:
    if SENTENCE_PUNCTUATION_RE.search(text) is None:
        return False
    if text.isascii() and len(text.split()) < PROSE_MIN_WORDS:
        return False  # count_words is at most the number of tokens
    return count_words(text) >= PROSE_MIN_WORDS


def _is_alt_text(text: str, caption: str) -> bool:
    words_in_text = count_words(text)
    if words_in_text > ALT_TEXT_MAX_WORDS or SENTENCE_PUNCTUATION_RE.search(text[-1:]):
        return False
    if IMAGE_FILE_RE.search(text):
        return True
    words = {w.casefold() for w in WORD_RE.findall(text)}
    caption_words = {w.casefold() for w in WORD_RE.findall(caption)}
    # one word ("Budget") is more likely a subheading than an alt text
    return words_in_text >= 2 and bool(words) and words <= caption_words


def _headline_like(text: str) -> bool:
    """A line that could be a headline: a few words, no sentence end, not a quotation."""
    text = BULLET_RE.sub("", text, count=1)
    return (
        2 <= count_words(text) <= HEADLINE_MAX_WORDS
        and SENTENCE_END_RE.search(text) is None
        and text[:1] not in QUOTE_MARKS
    )


def _title_case(text: str) -> bool:
    """Most words of four letters or more are capitalised: 'NASA Europa Mission Could Spot …'."""
    words = [w for w in WORD_RE.findall(BULLET_RE.sub("", text, count=1)) if len(w) >= 4]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) * 10 >= 7 * len(words)


def _headlines_after_labels(paragraphs: Sequence[str], decisions: list[Decision | None]) -> None:
    """Headlines under a removed 'Read more' / 'You may also like' label, at the end, go with it.

    Only a run that reaches the end of the document (or removed text only):
    under a label in the middle of a page can stand the article's own list.
    """
    count = len(paragraphs)
    # The closing run of paragraphs that are empty, decided, or headlines (not
    # list items): a label's run can reach the end only from inside it, and
    # the first label there takes the whole run (one pass, not one per label).
    tail = count
    while tail > 0 and (
        not paragraphs[tail - 1]
        or decisions[tail - 1] is not None
        or (not BULLET_RE.match(paragraphs[tail - 1]) and _headline_like(paragraphs[tail - 1]))
    ):
        tail -= 1
    for index in range(tail, count):
        decision = decisions[index]
        if decision is None or decision.category not in LABEL_CATEGORIES:
            continue
        for item in range(index + 1, count):
            if paragraphs[item] and decisions[item] is None:
                decisions[item] = Decision(HEADLINES_RULE_ID, HEADLINES_CATEGORY, detail="after a link label")
        return


def _headline_lists(paragraphs: Sequence[str], decisions: list[Decision | None]) -> None:
    """Lists of other articles' headlines: list items under a removed link label.

    A run of ``BULLET_RUN_MIN`` or more list items right under a paragraph
    removed as a link label (category ``read_more``: ``Related``, ``More
    stories``), two thirds of them title-case headlines, goes. Without the
    label, or in sentence case, a list is more likely the article's own (a
    cabinet, a shortlist, a squad, key points).
    """
    index = 0
    count = len(paragraphs)
    while index < count:
        if not paragraphs[index] or decisions[index] is not None or not BULLET_RE.match(paragraphs[index]):
            index += 1
            continue
        run = []
        while index < count and (
            not paragraphs[index] or (decisions[index] is None and BULLET_RE.match(paragraphs[index]))
        ):
            if paragraphs[index]:
                run.append(index)
            index += 1
        if len(run) < BULLET_RUN_MIN:
            continue
        label = next((i for i in range(run[0] - 1, -1, -1) if paragraphs[i]), None)
        label_decision = decisions[label] if label is not None else None
        if label_decision is None or label_decision.category != "read_more":
            continue
        headlines = sum(_headline_like(paragraphs[i]) and _title_case(paragraphs[i]) for i in run)
        if headlines * 3 < 2 * len(run):
            continue
        for item in run:
            decisions[item] = Decision(HEADLINES_RULE_ID, HEADLINES_CATEGORY, detail="a list of headlines")


def _about_section(paragraphs: Sequence[str], decisions: list[Decision | None]) -> None:
    """A press release's closing 'About <Company>' section, to the end of the document.

    The heading must stand in the second half of the document and the paragraph
    after it must open with the name it announces ('About Ascom' / 'Ascom is a
    global …'); a subheading 'About the study' followed by other text stays.
    """
    kept = [i for i, p in enumerate(paragraphs) if p]
    for position, index in enumerate(kept[len(kept) // 2 : -1], start=len(kept) // 2):
        text = paragraphs[index]
        match = ABOUT_RE.match(text)
        if match is None or count_words(text) > ABOUT_MAX_WORDS:
            continue
        name = match.group("name").split()[0].casefold()
        following = paragraphs[kept[position + 1]].lstrip("\"'“‘«„ ").casefold()
        if not (following.startswith(name) and not following[len(name) : len(name) + 1].isalnum()):
            continue
        for item in kept[position:]:
            if decisions[item] is None:
                decisions[item] = Decision(ABOUT_RULE_ID, ABOUT_CATEGORY, detail=f"after {text!r}")
        return


def _decide(
    paragraphs: Sequence[str],
    matches: Sequence[tuple[BoilerplateRule, ...]],
    repeated: Sequence[Decision | None],
    prose_text: list[bool | None],
    structural: AbstractSet[str],
) -> list[Decision | None]:
    def prose(index: int) -> bool:
        if not paragraphs[index] or matches[index] or repeated[index] is not None:
            return False
        known = prose_text[index]
        if known is None:
            known = prose_text[index] = _is_prose(paragraphs[index])
        return known

    first_prose = next((i for i in range(len(paragraphs)) if prose(i)), len(paragraphs))
    last_prose = next((i for i in range(len(paragraphs) - 1, first_prose - 1, -1) if prose(i)), -1)

    decisions: list[Decision | None] = list(repeated)
    acting = [index for index, found in enumerate(matches) if found]
    for index in acting:
        top, bottom = index < first_prose, index > last_prose
        rule = next((r for r in matches[index] if _may_act(r, top, bottom)), None)
        if rule is not None:
            decisions[index] = Decision(rule.id, rule.category, rule.keep_before_kept)

    if ALT_TEXT_RULE_ID in structural:
        for index in acting:
            decision = decisions[index]
            if decision is None or decision.category not in IMAGE_CATEGORIES:
                continue
            for neighbour in (index - 1, index + 1):
                if (
                    0 <= neighbour < len(paragraphs)
                    and decisions[neighbour] is None
                    and paragraphs[neighbour]
                    and _is_alt_text(paragraphs[neighbour], paragraphs[index])
                ):
                    decisions[neighbour] = Decision(ALT_TEXT_RULE_ID, ALT_TEXT_CATEGORY)

    if HEADLINES_RULE_ID in structural and any(
        decisions[index] is not None and decisions[index].category in LABEL_CATEGORIES  # type: ignore[union-attr]
        for index in acting
    ):
        _headlines_after_labels(paragraphs, decisions)
        _headline_lists(paragraphs, decisions)
    if ABOUT_RULE_ID in structural:
        _about_section(paragraphs, decisions)

    # A label ("Ingredients:") that introduces a kept paragraph belongs to it.
    following_kept = False
    for index in range(len(paragraphs) - 1, -1, -1):
        if not paragraphs[index]:
            continue
        decision = decisions[index]
        if decision is not None and decision.keep_before_kept and following_kept:
            decisions[index] = decision = None
        following_kept = decision is None
    return decisions


def select_rules(
    rules: RuleSet,
    *,
    keep_categories: AbstractSet[str] = frozenset(),
    disabled_rules: AbstractSet[str] = frozenset(),
) -> tuple[BoilerplateRule, ...]:
    """The boilerplate rules left once categories and rule ids are switched off."""
    return tuple(
        r for r in rules.boilerplate if r.category not in keep_categories and r.id not in disabled_rules
    )


def rules_in_language(rules: Sequence[BoilerplateRule], language: str) -> tuple[BoilerplateRule, ...]:
    """The rules whose phrases are in ``language`` or in every language (``*``).

    An undetermined language (``"und"``) keeps every rule.
    """
    if language == "und":
        return tuple(rules)
    return tuple(r for r in rules if "*" in r.languages or language in r.languages)


def remove_paragraphs(
    paragraphs: list[str],
    rules: Sequence[BoilerplateRule],
    edits: list[Edit],
    *,
    structural: AbstractSet[str] = DEFAULT_STRUCTURAL,
    repetition: Repetition | None = None,
) -> None:
    """Blank the boilerplate paragraphs of ``paragraphs`` in place, recording drops.

    ``structural`` names the rules written in code (see ``STRUCTURAL_RULES``)
    that may act. A paragraph no rule removes goes as ``repeated_line`` when
    ``repetition`` says it recurs across the corpus. Removing a paragraph can move the edge
    of the article (an alt text that looked like prose, say), so decisions are
    made again on what is left until none changes; a second run of the stage
    then finds nothing to remove.
    """
    matches = _all_matches(paragraphs, rules)
    repeated = [repetition.decision(p) if p and repetition is not None else None for p in paragraphs]
    prose_text: list[bool | None] = [None] * len(paragraphs)  # filled in as needed
    while True:
        removed = False
        for index, decision in enumerate(_decide(paragraphs, matches, repeated, prose_text, structural)):
            if decision is None:
                continue
            edits.append(
                Edit(
                    STAGE,
                    decision.rule,
                    decision.category,
                    "drop",
                    index,
                    0,
                    paragraphs[index],
                    "",
                    decision.detail,
                )
            )
            paragraphs[index] = ""
            matches[index] = ()
            repeated[index] = None
            removed = True
        if not removed:
            return


def remove_boilerplate(text: str, *, rules: RuleSet | None = None) -> str:
    """Remove boilerplate paragraphs from text and return what is left.

    Every rule runs, whatever its ``languages``; :func:`cleancorp.clean` picks
    the rules by the language it detects.

    >>> remove_boilerplate("Follow us on Twitter and Facebook.\\nThe council met on Monday.")
    'The council met on Monday.'
    """
    paragraphs = list(split_paragraphs(text))
    remove_paragraphs(paragraphs, (rules or load_rules()).boilerplate, [])
    return join_paragraphs(paragraphs)
