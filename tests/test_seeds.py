"""The five seed articles: exact expected output and the audit's categories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cleancorp

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LABELS = json.loads((SEEDS / "expected" / "labels.json").read_text(encoding="utf-8"))
NAMES = sorted(LABELS)


def read(kind: str, name: str) -> str:
    return (SEEDS / kind / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_seed_output_is_exactly_the_expected_text(name: str) -> None:
    expected = read("expected", name).rstrip("\n")
    assert cleancorp.clean(read("raw", name)).text == expected


@pytest.mark.parametrize("name", NAMES)
def test_seed_language(name: str) -> None:
    assert cleancorp.clean(read("raw", name)).language == LABELS[name]["language"]


@pytest.mark.parametrize("name", NAMES)
def test_every_dropped_paragraph_has_the_labelled_category(name: str) -> None:
    result = cleancorp.clean(read("raw", name))
    dropped = {" ".join(e.before.split()): e.category for e in result.removals}
    expected = {
        " ".join(label["text"].split()): label["category"]
        for label in LABELS[name]["edits"]
        if label["action"] == "drop"
    }
    assert dropped == expected


@pytest.mark.parametrize("name", NAMES)
def test_every_labelled_repair_is_made_by_the_right_rule(name: str) -> None:
    result = cleancorp.clean(read("raw", name))
    repairs = [e for e in result.edits if e.stage == "quirks"]
    labelled = [label for label in LABELS[name]["edits"] if label["action"] == "fix"]
    assert len(repairs) == len(labelled)
    assert sorted(e.category for e in repairs) == sorted(label["category"] for label in labelled)
    for label in labelled:
        # the repaired text is in the output and the text it replaced is gone
        assert label["new"] in result.text
        assert label["old"] not in result.text
        matching = [e for e in repairs if e.category == label["category"] and _turns(e, label)]
        assert matching, f"no {label['category']} edit turns {label['old']!r} into {label['new']!r}"


def _turns(edit: cleancorp.Edit, label: dict[str, str]) -> bool:
    """Whether the edit turns the label's old text into its new text."""
    if edit.before:
        return label["old"].replace(edit.before, edit.after, 1) == label["new"]
    return label["new"].replace(edit.after, "", 1) == label["old"]  # an insertion


@pytest.mark.parametrize("name", NAMES)
def test_seed_audit_replays_to_the_output(name: str) -> None:
    raw = read("raw", name)
    result = cleancorp.clean(raw)
    assert cleancorp.apply_edits(raw, result.edits) == result.text


@pytest.mark.parametrize("name", NAMES)
def test_expected_outputs_pass_through_unchanged(name: str) -> None:
    expected = read("expected", name).rstrip("\n")
    result = cleancorp.clean(expected)
    assert result.text == expected
    assert result.edits == ()
