"""Rule files: validation with clear errors, user files, built-in rules."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

import cleancorp
from cleancorp.rules import MAX_FILE_CHARS, RuleFileError, check_builtin_rules, load_rules, parse_rules
from cleancorp.rules.safety import REVIEWED_BUILTIN_PATTERNS, check_pattern

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

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


UNSAFE_PATTERNS = [
    # (pattern, the shape the message names, the unit of a text it takes exponential time on)
    (r"^(a+)+$", "contains another unbounded repeat", "a"),
    (r"^(a*)*$", "contains another unbounded repeat", "a"),
    (r"^(\w+\s?)+$", "contains another unbounded repeat", "a"),
    (r"^(?:x|y+)*$", "contains another unbounded repeat", "y"),
    (r"^(?:\w+,?\s*)+:", "contains another unbounded repeat", "a"),
    (r"^(a|a)*$", "can match nothing in two ways", "a"),
    (r"^(?:ab|a|b)*c", "alternatives that can match the same text", "ab"),
    (r"^(?:a|aa)+$", "alternatives that can match the same text", "a"),
    (r'^"(?:[^"]|\\.)*"$', "alternatives that can match the same text", "\\"),
    (r"^(?:a+a+)+$", "adjacent unbounded repeats", "a"),
    (r"^(?:\d+\.?\d*)+$", "adjacent unbounded repeats", "1"),
]
SAFE_PATTERNS = [
    r"(?:\w+\s)+end",  # a space must end each repeat
    r"(?:\s*,\s*\w+)+",
    r"^\W*(?:follow|join) us on \w+",
    r"(?:\w+ ){0,5}?\w+ said",
    r"\d{1,3}(?:,\d{3})*",
    r"(?:https?://)?\S+",
    r"(a{2})*b",
    r"(?:foo|bar)+",
    r"(\w|\d)+!",  # the parser joins the two into one class: [\w\d]+
    r"^(?:[a-z]{2,4}\s*/\s*)+AFP$",
]


def _literal(pattern: str) -> str:
    """A pattern as a TOML literal string (backslashes as they are)."""
    return "'''" + pattern + "'''"


def _best_search(pattern: re.Pattern[str], text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        pattern.search(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize(("pattern", "shape", "unit"), UNSAFE_PATTERNS)
def test_patterns_that_take_exponential_time_are_refused(pattern: str, shape: str, unit: str) -> None:
    text = GOOD.replace("'^Get {{brand}} on your phone'", _literal(pattern))
    with pytest.raises(RuleFileError, match="can take exponential time") as error:
        parse_rules(text, "user.toml")
    message = str(error.value)
    assert message.startswith("user.toml, rule 'acme-promo': pattern ")
    assert shape in message
    # the guard is right: twice the text takes far more than twice the time
    # (linear time would give 2; short texts keep the test quick)
    compiled = re.compile(pattern, re.IGNORECASE)
    opening = '"' if pattern.startswith('^"') else ""
    small = _best_search(compiled, opening + unit * 6 + "!")
    big = _best_search(compiled, opening + unit * 12 + "!")
    assert big > 8 * small


@pytest.mark.parametrize("pattern", SAFE_PATTERNS)
def test_safe_patterns_are_accepted(pattern: str) -> None:
    check_pattern(pattern, re.IGNORECASE)
    text = GOOD.replace("'^Get {{brand}} on your phone'", _literal(pattern))
    assert parse_rules(text, "user.toml").boilerplate[0].id == "acme-promo"


def test_every_builtin_pattern_passes_the_guard_or_awaits_its_rewrite() -> None:
    """Built-in patterns pass the guard (which their loading skips); those it flags
    are the reviewed ones, as they stand."""
    check_builtin_rules()
    builtin = {
        (entry["id"], pattern)
        for name in ("boilerplate.toml", "quirks.toml")
        for entry in tomllib.loads(
            (Path(cleancorp.__file__).parent / "rules" / name).read_text(encoding="utf-8")
        ).get("boilerplate", [])
        for pattern in entry["patterns"]
    }
    stale = REVIEWED_BUILTIN_PATTERNS - builtin
    assert not stale, f"rewritten: take these off REVIEWED_BUILTIN_PATTERNS: {sorted(stale)}"
    # a reviewed pattern is accepted from the built-in files only
    rule_id, pattern = sorted(REVIEWED_BUILTIN_PATTERNS)[0]
    text = BIG_VARS + GOOD.split("[vars]\nbrand = '(?:Acme News|ACME)'\n")[1].replace(
        '"acme-promo"', f'"{rule_id}"'
    ).replace("'^Get {{brand}} on your phone'", _literal(pattern))
    with pytest.raises(RuleFileError, match="can take exponential time"):
        parse_rules(text, "user.toml")


BIG_VARS = """
[vars]
lead = '''^[^\\w“”"«»„‘’'‹›「『]{0,8}'''
name = '''(?-i:[A-Z][\\w'’-]*\\.?)'''
not_name = '''(?!(?-i:The|A)\\b)'''
person = '''(?:{{name}}\\s+){0,3}{{name}}'''
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("'^Get {{brand}} on your phone'", "'" + "a" * 30_000 + "'"), r"30,000 characters long"),
        (GOOD.replace("'^Get {{brand}} on your phone'", "'a{1,5000}'"), r"repeat bound of 5,000"),
        (GOOD.replace("'^Get {{brand}} on your phone'", "'a{9999}'"), r"repeat bound of 9,999"),
        (
            # variables that double each other: refused before the text is built
            "[vars]\nv0 = 'abcdefgh'\n"
            + "".join(f"v{i + 1} = '{{{{v{i}}}}}{{{{v{i}}}}}'\n" for i in range(40))
            + GOOD.replace("[vars]", "[other]").replace("[other]\nbrand = '(?:Acme News|ACME)'\n", ""),
            r"\[vars\] v12'.* characters long once its variables are filled in",
        ),
        (
            GOOD
            + "".join(
                "[[boilerplate]]" + GOOD.split("[[boilerplate]]")[1].replace("acme-promo", f"r{i}")
                for i in range(2_001)
            ),
            r"\[\[boilerplate\]\] has 2,002 rules; at most 2,000",
        ),
        (
            GOOD.replace("'^Get {{brand}} on your phone'", ", ".join(["'a'"] * 501)),
            r"patterns has 501 entries",
        ),
        ("x = " + "[" * 5_000 + "]" * 5_000, r"not valid TOML|unknown table"),
    ],
)
def test_rule_files_beyond_the_limits_are_refused(text: str, message: str) -> None:
    with pytest.raises(RuleFileError, match=message) as error:
        parse_rules(text, "user.toml")
    assert str(error.value).startswith("user.toml")


def test_a_huge_rule_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text("# " + "x" * (4 * MAX_FILE_CHARS + 10), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"huge.toml: is .* bytes long"):
        load_rules((str(path),))


def test_loading_runs_no_code_from_the_file(tmp_path: Path) -> None:
    """A rule file is data: what looks like code in it is a string, or an error."""
    marker = tmp_path / "ran"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    sneaky = GOOD.replace("Acme's app promotion", code).replace(
        "'^Get {{brand}} on your phone'", _literal("^" + re.escape(code))
    )
    rules = parse_rules(sneaky, "user.toml")
    assert rules.boilerplate[0].source == code
    with pytest.raises(RuleFileError):
        parse_rules(GOOD + f"\n{code}\n", "user.toml")
    assert not marker.exists()


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
