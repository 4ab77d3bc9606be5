"""Making and replaying the audit: edits that act on one paragraph each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from cleancorp.paragraphs import join_paragraphs, split_paragraphs
from cleancorp.result import Edit


class FixStep(NamedTuple):
    """A ``str -> str`` repair and the rule id and category its edits carry."""

    rule: str
    category: str
    fix: Callable[[str], str]


def run_fix_steps(stage: str, steps: Sequence[FixStep], paragraph: int, text: str, edits: list[Edit]) -> str:
    """Apply each step to one paragraph in turn, appending an edit per change.

    An empty result is recorded as a ``drop`` and ends the run.
    """
    for step in steps:
        fixed = step.fix(text)
        edit = span_edit(stage, step.rule, step.category, paragraph, text, fixed)
        if edit is not None:
            edits.append(edit)
            text = fixed
            if not text:
                break
    return text


def run_fix_steps_on_text(stage: str, steps: Sequence[FixStep], text: str) -> str:
    """Run the steps on each paragraph of text and join the results (no audit kept)."""
    return join_paragraphs(
        run_fix_steps(stage, steps, index, paragraph, [])
        for index, paragraph in enumerate(split_paragraphs(text))
    )


class ReplayError(ValueError):
    """An edit does not fit the text it is replayed on."""


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Replay an audit on the text it was made from, and return the result.

    Each edit is checked against the text before it is applied, so replaying
    an audit on the wrong input raises :class:`ReplayError` instead of giving
    a wrong text.

    >>> from cleancorp import clean
    >>> raw = "Read more: all our stories\\nThe minister spoke on Monday about the plan."
    >>> result = clean(raw)
    >>> apply_edits(raw, result.edits) == result.text
    True
    """
    paragraphs = list(split_paragraphs(text))
    position = 0
    while position < len(edits):
        edit = edits[position]
        if not 0 <= edit.paragraph < len(paragraphs):
            raise ReplayError(
                f"edit {edit.rule!r} names paragraph {edit.paragraph}, but the text has {len(paragraphs)}"
            )
        if edit.action == "drop":
            current = paragraphs[edit.paragraph]
            if current[edit.start : edit.start + len(edit.before)] != edit.before:
                raise ReplayError(
                    f"edit {edit.rule!r} expects {edit.before!r} at offset {edit.start} "
                    f"of paragraph {edit.paragraph}"
                )
            if edit.start != 0 or edit.before != current:
                raise ReplayError(f"drop {edit.rule!r} does not cover paragraph {edit.paragraph}")
            paragraphs[edit.paragraph] = ""
            position += 1
        else:
            position = _replay_fixes(paragraphs, edits, position)
    return join_paragraphs(paragraphs)


def _replay_fixes(paragraphs: list[str], edits: Sequence[Edit], position: int) -> int:
    """Apply the run of fixes from ``position`` that go left to right in one paragraph.

    Within such a run each edit's offset is its offset in the original
    paragraph plus what the edits before it added, so the run can be checked
    against the original and the paragraph rebuilt once (linear time, however
    many edits a paragraph has). Returns the position after the run.
    """
    index = edits[position].paragraph
    current = paragraphs[index]
    pieces: list[str] = []
    cursor = shift = 0
    while position < len(edits):
        edit = edits[position]
        if edit.paragraph != index or edit.action != "fix":
            break
        start = edit.start - shift
        if start < cursor:
            break  # goes back over the run: replay it after this run is done
        end = start + len(edit.before)
        if current[start:end] != edit.before:
            raise ReplayError(
                f"edit {edit.rule!r} expects {edit.before!r} at offset {edit.start} "
                f"of paragraph {edit.paragraph}"
            )
        pieces += (current[cursor:start], edit.after)
        cursor = end
        shift += len(edit.after) - len(edit.before)
        position += 1
    pieces.append(current[cursor:])
    paragraphs[index] = "".join(pieces)
    return position


def span_edit(stage: str, rule: str, category: str, paragraph: int, old: str, new: str) -> Edit | None:
    """The one edit that turns ``old`` into ``new``, trimmed to what differs.

    The common head and tail are left out, so the audit shows ``'Ã©'`` →
    ``'é'`` rather than two copies of the paragraph. Returns ``None`` when
    nothing changed, and a ``drop`` when ``new`` is empty.

    >>> edit = span_edit("encoding", "ftfy-fix-encoding", "mojibake", 0, "cafÃ© au lait", "café au lait")
    >>> edit.action, edit.start, edit.before, edit.after
    ('fix', 3, 'Ã©', 'é')
    """
    if old == new:
        return None
    if not new:
        return Edit(stage, rule, category, "drop", paragraph, 0, old, "")
    head = _common_prefix_length(old, new)
    tail = _common_prefix_length(old[head:][::-1], new[head:][::-1])
    return Edit(
        stage,
        rule,
        category,
        "fix",
        paragraph,
        head,
        old[head : len(old) - tail],
        new[head : len(new) - tail],
    )


def _common_prefix_length(a: str, b: str) -> int:
    """Length of the longest common prefix, by bisection on slices (fast in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low
