"""Encoding repair: ftfy's own test cases, HTML entities, the gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cleancorp
from cleancorp import encoding
from cleancorp.audit import run_fix_steps

CASES = [
    json.loads(line) for line in (Path(__file__).parent / "cases" / "ftfy_cases.jsonl").open(encoding="utf-8")
]
MUST_FIX = [c for c in CASES if c["ftfy_expect"] == "pass"]
# Correct text that ftfy's own data says its encoding fix leaves alone. (One
# negative case, a stray C1 control, is expected to change: it is in MUST_FIX.)
MUST_KEEP = [c for c in CASES if not c["is_mojibake"] and not c["input_changed_by_encoding_fix"]]
ENTITY_CASES = [c for c in MUST_FIX if encoding.HTML_ENTITY_RE.search(c["input"])]


def test_the_case_tables_are_not_empty() -> None:
    assert len(MUST_FIX) > 100
    assert len(MUST_KEEP) > 20
    assert ENTITY_CASES


def _repair_mojibake(text: str) -> str:
    """The encoding stage without HTML-entity decoding: ftfy's fix_encoding's scope."""
    steps = [s for s in encoding.ENCODING_STEPS if s.rule != "html-entity"]
    return run_fix_steps("encoding", steps, 0, text, [])


def _repair(text: str) -> str:
    return encoding.repair_paragraph_encoding(0, text, [])


@pytest.mark.parametrize("case", MUST_FIX, ids=[c["id"] for c in MUST_FIX])
def test_ftfy_cases_are_repaired_as_ftfy_expects(case: dict[str, str]) -> None:
    assert _repair_mojibake(case["input"]) == case["expected_fix_encoding"]


@pytest.mark.parametrize("case", MUST_KEEP, ids=[c["id"] for c in MUST_KEEP])
def test_correct_text_is_left_alone(case: dict[str, str]) -> None:
    assert _repair(case["input"]) == case["input"]


@pytest.mark.parametrize("case", ENTITY_CASES, ids=[c["id"] for c in ENTITY_CASES])
def test_with_entities_the_whole_stage_gives_ftfys_full_fix(case: dict[str, str]) -> None:
    # The stage also decodes entities, as ftfy.fix_text does: '10Î&frac14;s' -> '10μs'.
    assert _repair(case["input"]) == case["expected_fix_text"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Fish &amp; chips", "Fish & chips"),
        ("Fish &amp;amp; chips", "Fish & chips"),
        ("It&#8217;s &quot;here&quot;", 'It’s "here"'),
        ("caf&eacute; &#x263A;", "café ☺"),
        ("a &lt;b&gt; tag", "a <b> tag"),
        ("?a=1&copy=2", "?a=1&copy=2"),  # no semicolon: not an entity
        ("AT&T and R&D", "AT&T and R&D"),
        ("&unknownentity;", "&unknownentity;"),
    ],
)
def test_html_entities(raw: str, expected: str) -> None:
    assert encoding.unescape_html_entities(raw) == expected


def test_mojibake_edit_is_recorded_with_its_span() -> None:
    result = cleancorp.clean("The councilâ€™s plan was approved on Monday by a large majority.")
    assert result.text == "The council’s plan was approved on Monday by a large majority."
    (edit,) = result.edits
    assert (edit.stage, edit.rule, edit.category, edit.action) == (
        "encoding",
        "ftfy-fix-encoding",
        "mojibake",
        "fix",
    )
    assert (edit.before, edit.after) == ("â€™", "’")


def test_mojibake_is_fixed_before_no_break_spaces_are_normalised() -> None:
    # "à" in UTF-8 is C3 A0; read as Latin-1 it is "Ã" + a no-break space.
    assert cleancorp.clean("voil\u00c3\u00a0 le travail").text == "voilà le travail"


def test_surrogate_pair_is_joined() -> None:
    assert cleancorp.clean("smile \ud83d\ude00").text == "smile 😀"


def test_a_lone_surrogate_is_removed_not_replaced() -> None:
    assert cleancorp.clean("half \ud83d of a pair").text == "half of a pair"


def test_terminal_escapes_are_removed() -> None:
    assert cleancorp.clean("\x1b[36mcoloured\x1b[0m text").text == "coloured text"


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII text, the common case.",
        "Le café est très bon, dit-il à 8 h.",
        "“Curly quotes” and an em dash — fine.",
        "Москва — столица России.",
        "北京是中国的首都。",
    ],
)
def test_clean_text_does_not_reach_ftfy(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> str:
        raise AssertionError("ftfy was called on text that needs no repair")

    monkeypatch.setattr(encoding.ftfy, "fix_encoding", fail)
    assert encoding.fix_mojibake(text) == text


def test_mojibake_does_reach_ftfy(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = encoding.ftfy.fix_encoding

    def spy(text: str, *args: object) -> str:
        calls.append(text)
        return real(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(encoding.ftfy, "fix_encoding", spy)
    assert encoding.fix_mojibake("SÃ£o Paulo") == "São Paulo"
    assert calls == ["SÃ£o Paulo"]


def test_repair_encoding_works_on_its_own() -> None:
    assert cleancorp.repair_encoding("SÃ£o Paulo\n\nR&amp;D") == "São Paulo\n\nR&D"


def test_encoding_repair_can_be_switched_off() -> None:
    config = cleancorp.CleanConfig(repair_encoding=False)
    assert cleancorp.clean("SÃ£o Paulo is a city.", config).text == "SÃ£o Paulo is a city."


@pytest.mark.parametrize(
    "text",
    [
        "“" * 2_000,
        "« " * 1_000 + "The MinistryÃ¢â‚¬â„¢s plan",
        "’" * 500 + "Ã©" + "’" * 500,
        "‘quoted’ “words” " * 200,
    ],
)
def test_badness_search_agrees_with_ftfy_where_anchors_are_dense(text: str) -> None:
    """Past a budget of anchors the search falls back to one scan: same answer as ftfy."""
    from ftfy.badness import is_bad

    from cleancorp.encoding import _is_bad

    assert _is_bad(text) == is_bad(text)
