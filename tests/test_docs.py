"""The Python examples in README.md run as written."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

import cleancorp

ROOT = Path(__file__).resolve().parent.parent
BLOCK_RE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_readme_examples_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = BLOCK_RE.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 2
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert out.startswith("en 1.0\nStoltenberg Admits Kiev Regime Is Losing\nsection_label section-label")
    assert "{'whitespace': 6, 'separator': 2, 'section_label': 1," in out


DOCS = ROOT / "docs"
PYCON_RE = re.compile(r"^```pycon\n(.*?)^```", re.DOTALL | re.MULTILINE)
TOML_RE = re.compile(r"^```toml\n(# ([\w./-]+\.toml)\b.*?)^```", re.DOTALL | re.MULTILINE)
PAGES = sorted(p.name for p in DOCS.glob("*.md") if PYCON_RE.search(p.read_text(encoding="utf-8")))


def test_the_docs_have_examples() -> None:
    assert {"index.md", "boilerplate.md", "rules.md", "quirks.md"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_docs_examples_run(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ```pycon block of a page, run in order as one doctest.

    A ```toml block whose first line names a file (``# my_rules.toml``) is
    written to the working folder first, so examples can load it.
    """
    for path in DOCS.glob("*.md"):
        for body, name in TOML_RE.findall(path.read_text(encoding="utf-8")):
            (tmp_path / name).write_text(body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    text = (DOCS / page).read_text(encoding="utf-8")
    source = "\n".join(block if block.endswith("\n\n") else block + "\n" for block in PYCON_RE.findall(text))
    test = doctest.DocTestParser().get_doctest(source, {}, page, str(DOCS / page), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    result = runner.run(test, out=report.append)
    assert result.attempted > 0
    assert result.failed == 0, "".join(report)


def _rule_table() -> list[list[str]]:
    text = (DOCS / "boilerplate.md").read_text(encoding="utf-8")
    section = text.split("## Built-in rules")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows]


def test_the_boilerplate_rule_table_lists_every_rule_as_it_is() -> None:
    """docs/boilerplate.md has one row per rule, in file order, with its settings."""
    rules = cleancorp.CleanConfig().rules.boilerplate
    rows = _rule_table()
    assert [row[0] for row in rows] == [f"`{rule.id}`" for rule in rules]
    for (_, category, where, max_words, _, _, _), rule in zip(rows, rules, strict=True):
        assert (category, where) == (f"`{rule.category}`", rule.where), rule.id
        assert max_words == (str(rule.max_words) if rule.max_words is not None else "–"), rule.id


def test_every_example_in_the_rule_table_is_removed_by_its_rule() -> None:
    prose = (
        "The council met on Monday to vote on the new budget plan for the city.",
        "The plan passed by nine votes to four after a long debate in the chamber.",
    )
    rules = {rule.id: rule for rule in cleancorp.CleanConfig().rules.boilerplate}
    for rule_id, _, _, _, _, examples, _ in _rule_table():
        rule = rules[rule_id.strip("`")]
        found = [e.replace("\\|", "|") for e in re.findall(r"`([^`]+)`", examples)]
        assert found, rule.id
        for example in found:
            # at the bottom, where every rule may act but those for the top alone
            text = "\n".join([example, *prose] if rule.where == "top" else [*prose, example])
            config = _config_for(rule)
            assert [e.rule for e in cleancorp.clean(text, config).removals] == [rule.id], (rule.id, example)


def _config_for(rule: object) -> cleancorp.CleanConfig | None:
    """Examples of a rule for other languages stand in English prose: say their language."""
    languages = getattr(rule, "languages", ("*",))
    if "*" in languages or "en" in languages:
        return None
    return cleancorp.CleanConfig(language=languages[0])


def test_every_counterexample_in_the_rule_table_stays() -> None:
    """What each rule keeps: article text between two paragraphs of prose is not removed."""
    first, last = (
        "The council met on Monday to vote on the new budget plan for the city.",
        "The plan passed by nine votes to four after a long debate in the chamber.",
    )
    rules = {rule.id: rule for rule in cleancorp.CleanConfig().rules.boilerplate}
    for rule_id, _, _, _, _, _, keeps in _rule_table():
        found = [e.replace("\\|", "|") for e in re.findall(r"`([^`]+)`", keeps)]
        assert found, rule_id
        for example in found:
            text = "\n".join([first, example, last])
            config = _config_for(rules[rule_id.strip("`")])
            assert cleancorp.clean(text, config).removals == (), (rule_id, example)


def test_the_quirk_rule_table_lists_every_rule_and_its_examples_hold() -> None:
    """docs/quirks.md: each rule repairs its example into the given text and leaves the other alone."""
    text = (DOCS / "quirks.md").read_text(encoding="utf-8")
    header = "| Rule id | Kind | Category | Sources | Repairs | Into | Leaves alone |"
    section = text.split(header)[1].split("\n\n")[0]
    rows = [
        [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]
        for row in section.splitlines()
        if row.startswith("| `")
    ]
    rules = cleancorp.CleanConfig().rules
    assert sorted(row[0].strip("`") for row in rows) == sorted(
        r.id for r in (*rules.false_friends, *rules.quote_rules)
    )
    sources = {r.id: r.sources for r in rules.false_friends}
    for rule_id, _, category, _, repairs, into, alone in rows:
        before, after, correct = (cell.strip("`").replace("\\|", "|") for cell in (repairs, into, alone))
        hint = sources.get(rule_id.strip("`"), (None,))[0]
        english = cleancorp.CleanConfig(language="en", source_language=hint)
        result = cleancorp.clean(before, english)
        assert result.text == after, rule_id
        assert (rule_id.strip("`"), category.strip("`")) in {(e.rule, e.category) for e in result.edits}
        assert cleancorp.clean(correct, english).edits == (), rule_id
