"""Quirk repair: the case table, language awareness, the stage on its own."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import cleancorp
from cleancorp import quirks
from cleancorp.rules import load_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CASES: dict[str, list[dict[str, Any]]] = tomllib.loads(
    (Path(__file__).parent / "cases" / "quirks.toml").read_text(encoding="utf-8")
)
ENGLISH = cleancorp.CleanConfig(language="en")


def test_every_quirk_rule_has_a_repair_case() -> None:
    rules = load_rules()
    ids = {r.id for r in (*rules.quote_rules, *rules.false_friends)}
    assert ids <= {c["rule"] for c in CASES["repair"]}


@pytest.mark.parametrize("case", CASES["repair"], ids=[c["text"][:40] for c in CASES["repair"]])
def test_repairs(case: dict[str, str]) -> None:
    result = cleancorp.clean(case["text"], ENGLISH.replace(source_language=case.get("source")))
    assert result.text == case["expected"]
    assert {e.rule for e in result.edits} >= {case["rule"]}
    assert all(e.stage == "quirks" for e in result.edits)


@pytest.mark.parametrize("case", CASES["keep"], ids=[c["text"][:40] for c in CASES["keep"]])
def test_correct_text_stays(case: dict[str, str]) -> None:
    result = cleancorp.clean(case["text"], ENGLISH.replace(source_language=case.get("source")))
    assert [e for e in result.edits if e.stage == "quirks"] == [], case["why"]
    assert result.text in ("", case["text"])  # untouched (or dropped whole as boilerplate)


def test_extradition_keeps_its_case() -> None:
    text = "Extradition of weapons resumed. EXTRADITION OF WEAPONS RESUMED."
    assert quirks.repair_quirks(text) == "Delivery of weapons resumed. DELIVERY OF WEAPONS RESUMED."


def test_french_guillemets_stay_in_french() -> None:
    text = "« Nous devons agir maintenant », a déclaré le ministre lundi devant les députés."
    result = cleancorp.clean(text)
    assert result.language == "fr"
    assert result.text == text


def test_german_style_guillemets_in_english() -> None:
    assert quirks.repair_quirks("He called it »a historic step« on Monday.") == (
        "He called it “a historic step” on Monday."
    )


def test_quirks_need_a_language() -> None:
    text = "“We must act,” he said. We will win. »"
    assert cleancorp.clean(text, cleancorp.CleanConfig(detect_language=False)).text == text


def test_quirk_categories_can_be_kept() -> None:
    text = "Talks are underway about the Patriots’ extradition to Kyiv, officials said."
    config = cleancorp.CleanConfig(language="en", keep_categories={"mistranslation"})
    assert cleancorp.clean(text, config).text == text
    config = cleancorp.CleanConfig(language="en", repair_quirks=False)
    assert cleancorp.clean(text, config).text == text


def test_each_repair_is_one_edit_at_its_offset() -> None:
    text = "The minister called the plan « a historic step » today."
    result = cleancorp.clean(text, ENGLISH)
    assert [(e.start, e.before, e.after) for e in result.edits] == [(29, "« ", "“"), (45, " »", "”")]
    assert cleancorp.apply_edits(text, result.edits) == result.text


def test_source_frames_act_only_with_a_source_hint() -> None:
    text = "Thousands of guests assisted at the ceremony in the cathedral square."
    assert cleancorp.clean(text, ENGLISH).text == text
    hinted = cleancorp.CleanConfig(language="en", source_language="fr")
    result = cleancorp.clean(text, hinted)
    assert result.text == "Thousands of guests attended the ceremony in the cathedral square."
    assert [(e.rule, e.category) for e in result.edits] == [("assist-at-attend", "mistranslation")]
    # a hint for a language the rule does not come from changes nothing
    assert cleancorp.clean(text, cleancorp.CleanConfig(language="en", source_language="ja")).text == text


def test_a_user_rule_with_near(tmp_path: Path) -> None:
    path = tmp_path / "friends.toml"
    path.write_text(
        """
[[false_friend]]
id = "formation-training"
category = "mistranslation"
languages = ["en"]
sources = ["fr"]
frames = ['\\b(?P<term>formation)\\b']
near = ['\\b(?:course|courses|teachers?|trainees?|apprentices?)\\b']
forms = { formation = "training" }
window = 60
source = "French 'formation' means training."
""",
        encoding="utf-8",
    )
    config = cleancorp.CleanConfig(language="en", rule_files=[path])
    assert cleancorp.clean("The formation for new teachers lasts a year.", config).text == (
        "The training for new teachers lasts a year."
    )
    rock = "The rock formation is a year old."
    assert cleancorp.clean(rock, config).text == rock


def test_a_quotation_over_several_paragraphs_stays() -> None:
    text = (
        "“We will rebuild the bridge, and we will do it this year. The money is there.\n\n"
        "“The work starts in March,” the mayor said."
    )
    assert cleancorp.clean(text, ENGLISH).edits == ()


def test_french_spacing_stays_in_french() -> None:
    text = "Pourquoi ? Parce que « nous avons gagné » : voilà tout."
    assert cleancorp.clean(text, cleancorp.CleanConfig(language="fr")).text == text


def test_source_language_is_checked() -> None:
    with pytest.raises(ValueError, match="source_language"):
        cleancorp.CleanConfig(source_language="French")


def test_a_french_quotation_inside_an_english_article_keeps_its_guillemets() -> None:
    english = (
        "The French president spoke to reporters in Paris on Monday after the summit had ended.\n\n"
        "« Nous devons agir ensemble, et nous le ferons dès la semaine prochaine », a-t-il déclaré.\n\n"
        "The minister called the plan « a historic step » for the country and its neighbours."
    )
    result = cleancorp.clean(english)
    assert result.language == "en"
    _, french, english_quote = result.text.split("\n\n")
    assert french == english.split("\n\n")[1]
    assert english_quote.startswith("The minister called the plan “a historic step” for")


def test_the_new_false_friends_need_a_source_hint() -> None:
    """Without a hint only extradition of things is repaired: the others are common English."""
    text = "The school actually employs 14 teachers, and hackers stole sensible data."
    assert cleancorp.clean(text, ENGLISH).text == text
    hinted = cleancorp.clean(text, ENGLISH.replace(source_language="fr")).text
    assert hinted == "The school currently employs 14 teachers, and hackers stole sensitive data."
