"""Rule files: validation with clear errors, user files, built-in rules."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

import cleancorp
from cleancorp.rules import RuleFileError, load_rules, parse_rules

GOOD = """
[vars]
brand = '(?:Acme News|ACME)'

[[boilerplate]]
id = "acme-promo"
category = "site_prompt"
languages = ["en"]
where = "anywhere"
max_words = 12
patterns = ['^Get {{brand}} on your phone']
source = "Acme's app promotion"
"""


def test_builtin_rules_load_and_have_sources() -> None:
    rules = load_rules()
    assert len(rules.boilerplate) > 20
    assert all(r.source for r in rules.all_rules)
    assert len(rules.ids) == len(rules.all_rules)


def test_a_user_rule_file_adds_rules(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(GOOD, encoding="utf-8")
    config = cleancorp.CleanConfig(rule_files=[path])
    text = "Get Acme News on your phone today\n\nThe mayor opened the new bridge on Friday morning."
    result = cleancorp.clean(text, config)
    assert [(e.rule, e.category) for e in result.removals] == [("acme-promo", "site_prompt")]
    assert cleancorp.clean(text).removals == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('where = "anywhere"', 'where = "middle"'), r"rule 'acme-promo': where must be one of"),
        (("max_words = 12", "max_words = 12\nmax_wrods = 3"), r"unknown key\(s\) \['max_wrods'\]"),
        (("patterns = ['^Get {{brand}} on your phone']", "patterns = ['(unclosed']"), r"bad regex"),
        (("{{brand}}", "{{brnd}}"), r"unknown variable \{\{brnd\}\}"),
        (('id = "acme-promo"', 'id = "Acme Promo"'), r"id must be kebab-case"),
        (('category = "site_prompt"', 'category = "Site Prompt"'), r"category must be snake_case"),
        (('source = "Acme\'s app promotion"', 'source = " "'), r"source must say"),
        (('languages = ["en"]', 'languages = "en"'), r"languages must be a non-empty list"),
        (("max_words = 12", "max_words = -1"), r"max_words must be a whole number"),
        (("[[boilerplate]]", "[[boilerplat]]"), r"unknown table\(s\) \['boilerplat'\]"),
        (('id = "acme-promo"\n', ""), r"missing \['id'\]"),
        (('where = "anywhere"', 'where = "anywhere'), r"not valid TOML"),
    ],
)
def test_invalid_rule_files_name_the_file_and_the_problem(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(RuleFileError, match=message) as error:
        parse_rules(GOOD.replace(old, new), "user.toml")
    assert str(error.value).startswith("user.toml")


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.toml"
    path.write_text(GOOD.replace("acme-promo", "separator-line"), encoding="utf-8")
    with pytest.raises(RuleFileError, match="duplicate id"):
        cleancorp.CleanConfig(rule_files=[str(path)])


def test_missing_rule_file(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="cannot read rule file"):
        cleancorp.CleanConfig(rule_files=[tmp_path / "absent.toml"])


def test_false_friend_frame_needs_a_term_group() -> None:
    text = """
[[false_friend]]
id = "x"
category = "mistranslation"
languages = ["en"]
frames = ['actually']
forms = { actually = "currently" }
source = "test"
"""
    with pytest.raises(RuleFileError, match=r"has no \(\?P<term>"):
        parse_rules(text)


def test_a_quote_rule_must_name_a_known_repair() -> None:
    text = """
[[quote_rule]]
id = "smart-quotes"
category = "quote_repair"
languages = ["en"]
source = "test"
"""
    with pytest.raises(RuleFileError, match=r"rule 'smart-quotes': no quote repair has this id"):
        parse_rules(text)


def test_patterns_of_one_rule_must_join() -> None:
    text = GOOD.replace("patterns = ['^Get {{brand}} on your phone']", "patterns = ['(?P<x>a)', '(?P<x>b)']")
    with pytest.raises(RuleFileError, match=r"rule 'acme-promo': its patterns do not join"):
        parse_rules(text)


ADVERSARIAL = [
    "!",
    "(",
    "@",
    "&",
    " ",
    "a",
    "A",
    ".",
    "-",
    "/",
    "«",
    "“",
    "Aa ",
    "A. ",
    "By A ",
    "A and ",
    "A, ",
    "Reporting by A; ",
    ". A/",
    "Photo ",
    "1:",
    "extradition of ",
]


@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="needs SIGALRM")
def test_no_rule_backtracks_without_end() -> None:
    """Every built-in pattern finishes on 20,000-character runs (a guard, not a speed test)."""
    rules = load_rules()
    patterns = [(r.id, r.pattern) for r in rules.boilerplate]
    patterns += [(r.id, frame) for r in rules.false_friends for frame in r.frames]

    def stuck(signum: int, frame: object) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, stuck)
    try:
        for rule_id, pattern in patterns:
            for unit in ADVERSARIAL:
                text = unit * (20_000 // len(unit)) + " x"
                signal.alarm(5)
                try:
                    pattern.search(text)
                except TimeoutError:
                    pytest.fail(f"{rule_id} did not finish on {unit!r} * n")
                finally:
                    signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_a_changed_rule_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(GOOD, encoding="utf-8")
    text = "Get Acme News on your phone today\n\nThe mayor opened the new bridge on Friday morning."
    config = cleancorp.CleanConfig(rule_files=[path])
    assert len(cleancorp.clean(text, config).removals) == 1
    path.write_text(GOOD.replace("^Get {{brand}}", "^Fetch {{brand}}"), encoding="utf-8")
    assert cleancorp.clean(text, config).removals == ()


def test_rule_files_are_kept_as_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "acme.toml").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = cleancorp.CleanConfig(rule_files=["acme.toml"])
    assert config.rule_files == (str(tmp_path / "acme.toml"),)
    monkeypatch.chdir(tmp_path.parent)
    assert "acme-promo" in config.rules.ids
