"""The Python examples in README.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
