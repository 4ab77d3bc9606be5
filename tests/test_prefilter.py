"""The literal prefilter is exact: with it, every paragraph matches the same rules as without it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import BOILERPLATE, document

import cleancorp
from cleancorp.boilerplate import _all_matches, _fits, count_words
from cleancorp.prefilter import edge_keys, first_keys, fold, necessary_literals
from cleancorp.rules import BoilerplateRule, load_rules, parse_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules().boilerplate


def naive_matches(text: str, rules: tuple[BoilerplateRule, ...]) -> tuple[str, ...]:
    """Every rule tried on the paragraph with its joined pattern: the definition."""
    found = []
    for rule in rules:
        if rule.pattern.search(text) and _fits(rule, count_words(text)):
            found.append(rule.id)
            if rule.where == "anywhere":
                break
    return tuple(found)


def check(paragraphs: list[str], rules: tuple[BoilerplateRule, ...] = RULES) -> None:
    fast = _all_matches(paragraphs, rules)
    for paragraph, found in zip(paragraphs, fast, strict=True):
        expected = naive_matches(paragraph, rules) if paragraph else ()
        assert tuple(r.id for r in found) == expected, paragraph


def corpus() -> list[str]:
    texts = list(BOILERPLATE)
    cases = (ROOT / "tests" / "cases" / "boilerplate.toml").read_text(encoding="utf-8")
    texts += [
        line.split("=", 1)[1].strip().strip('"') for line in cases.splitlines() if line.startswith("text = ")
    ]
    for seed in sorted((ROOT / "seeds" / "raw").glob("*.txt")):
        texts += cleancorp.split_paragraphs(seed.read_text(encoding="utf-8"))
    return texts


def variants(text: str) -> list[str]:
    """The same text in other cases and with the characters that fold unusually."""
    return [
        text,
        text.upper(),
        text.lower(),
        text.title(),
        text.replace("s", "ſ"),  # matches "s" without case
        text.replace("i", "ı").replace("I", "İ"),
        text.replace("σ", "ς").replace("μ", "µ"),
        "  " + text + "  ",
        "• " + text,
    ]


def test_rule_probes_agree_with_the_joined_pattern() -> None:
    texts = [v for t in corpus() for v in variants(t)]
    assert len(texts) > 1000
    for rule in RULES:
        assert rule.probes
        for text in texts:
            assert rule.search(text) == bool(rule.pattern.search(text)), (rule.id, text)


def test_prefiltered_matches_are_the_matches_on_the_corpus() -> None:
    texts = corpus()
    for build in (lambda t: t, str.upper, str.lower, str.title):
        check([build(t) for t in texts])
    check([v for t in texts for v in variants(t)])


@given(document(), st.sampled_from(["", "upper", "lower", "title", "swapcase"]))
def test_prefiltered_matches_are_the_matches_on_generated_documents(text: str, case: str) -> None:
    if case:
        text = getattr(text, case)()
    check(list(cleancorp.split_paragraphs(text)))


@given(st.lists(st.text(alphabet="©/:|•*_-—– .,;!?aBcDeFgİıſσςµ0123456789ⓒ무단\t", max_size=30), max_size=8))
def test_prefiltered_matches_are_the_matches_on_odd_characters(paragraphs: list[str]) -> None:
    check([" ".join(p.split()) for p in paragraphs])


def test_every_builtin_rule_is_narrowed_by_the_prefilter() -> None:
    """Each built-in rule can skip most paragraphs: only three short-label rules are tried on
    all (anchored, they fail at the first space of a paragraph)."""
    untargeted = [
        rule.id
        for rule in RULES
        for probe in rule.probes
        if probe.literals is None and probe.first is None and probe.last is None
    ]
    assert set(untargeted) <= {"agency-tag", "section-label", "lone-label-word"}, untargeted


def test_user_rules_that_cannot_be_narrowed_still_match() -> None:
    rules = parse_rules(
        r"""
[[boilerplate]]
id = "doubled-word"
category = "site_prompt"
languages = ["*"]
where = "anywhere"
patterns = ['^(\w+) \1$']
source = "a back-reference cannot join the shared gate"

[[boilerplate]]
id = "shouting"
category = "site_prompt"
languages = ["*"]
where = "anywhere"
case_sensitive = true
patterns = ['[A-Z]{6,}']
source = "no literal at all"
"""
    ).boilerplate
    paragraphs = ["bye bye", "bye now", "The council met.", "BREAKING NEWS tonight"]
    check(paragraphs, rules)
    assert [tuple(r.id for r in m) for m in _all_matches(paragraphs, rules)] == [
        ("doubled-word",),
        (),
        (),
        ("shouting",),
    ]


def test_necessary_literals() -> None:
    assert necessary_literals(r"\bfollow us on \w+") == frozenset({"follow us on "})
    assert necessary_literals(r"(?:Getty Images|Shutterstock)\W*$") == frozenset(
        {"getty images", "shutterstock"}
    )
    assert necessary_literals(r"(?:©|ⓒ)\s*\d{4}") == frozenset({"©", "ⓒ"})
    assert necessary_literals(r"by \w+") is None  # too short to narrow anything
    assert necessary_literals(r"(?:subscribe|\d+) now") == frozenset({" now"})
    assert necessary_literals(r"(?:subscribe)? now") == frozenset({" now"})
    assert necessary_literals(r" us ") is None  # spaces weigh nothing
    assert necessary_literals(r"x?(?:news)letter") == frozenset({"newsletter"})


def test_first_keys() -> None:
    assert first_keys(re.compile(r"^[\W_]{0,8}(?:Advertisement|Ad)\W*$", re.I)) == frozenset(
        {"ad"}
    )  # the common prefix is factored out
    assert first_keys(re.compile(r"^\W*(?:posted )?\d{1,2} hours ago", re.I)) == frozenset({"poste", r"\d"})
    assert first_keys(re.compile(r"^[\W_]+$")) == frozenset({""})
    # alternatives after a shared first letter are followed, not cut at it
    assert first_keys(re.compile(r"^\W*(?:a version of|appeared in) print", re.I)) == frozenset(
        {"a ver", "appea"}
    )
    assert first_keys(re.compile(r"^(?:the )?(?:lat(?:est|er)|news)\b", re.I)) == frozenset(
        {"the l", "the n", "lates", "later", "news"}
    )
    assert first_keys(re.compile(r"^.*ago")) is None


def test_fold_keeps_length_and_matches_case_insensitive_regexes() -> None:
    for text in ["İstanbul", "ſubſcribe", "ΣΊΓΜΑ σίγμας", "µ-law"]:
        assert len(fold(text)) == len(text)
    for char in map(chr, range(0x250)):
        for other in {char.lower(), char.upper()}:
            if len(other) == 1 and re.fullmatch(re.escape(char), other, re.IGNORECASE):
                assert fold(char) == fold(other), (char, other)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("By Jane Doe", ("b", "by", "by ", "by j", "by ja"), ("e", "oe", "doe", " doe", "e doe")),
        ("— 12 hours ago", ("1", "12", "12 ", "12 h", "12 ho", r"\d"), ("o", "go", "ago", " ago", "s ago")),
        ("Tel. 0123 45", ("t", "te", "tel", "tel.", "tel. "), ("5", "45", " 45", "3 45", "23 45", r"\d")),
        ("***", ("",), ("",)),
        ("x", ("x",), ("x",)),
    ],
)
def test_edge_keys(text: str, first: tuple[str, ...], last: tuple[str, ...]) -> None:
    assert edge_keys(text) == (first, last)


def test_lone_surrogates_do_not_stop_the_literal_search() -> None:
    """The automaton works on UTF-8; a lone surrogate must neither raise nor hide a rule."""
    paragraphs = ["\ud800 Follow us on Twitter and Facebook", "All rights reserved.\udfff", "\udc80"]
    check(paragraphs)
    assert [r.id for r in _all_matches(paragraphs, RULES)[0]] == ["social-follow"]
