"""Project settings: a ``[tool.cleancorp]`` table, read into a :class:`CleanConfig`.

A project keeps its options in ``pyproject.toml``::

    [tool.cleancorp]
    keep-categories = ["image_caption"]
    disabled-rules = ["section-label"]
    rule-files = ["rules/our-site.toml"]     # relative to this file
    text-field = "content"

or in a TOML file of its own given with ``--config`` (the same keys at the
top level, or under ``[tool.cleancorp]``). Keys are the fields of
:class:`CleanConfig` (``-`` or ``_``), plus ``text-field``; an unknown key is
an error that lists the valid ones. Options on the command line win over the
file.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cleancorp.config import CleanConfig
from cleancorp.repeated import RepeatedLines

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

EXTRA_KEYS = ("text_field",)
"""Settings of the command line that are not fields of CleanConfig."""
CONFIG_KEYS = tuple(f.name for f in dataclasses.fields(CleanConfig))


class SettingsError(ValueError):
    """A settings file that cannot be used (the message names the file and key)."""


def find_project_settings(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` that has ``[tool.cleancorp]``."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return None
            return candidate if "cleancorp" in data.get("tool", {}) else None
        if (folder / ".git").exists():
            return None  # do not look above the repository
    return None


def read_settings(path: Path) -> dict[str, Any]:
    """The settings of a file, keys in ``snake_case``, paths made absolute.

    Raises :class:`SettingsError` for a file that cannot be read, is not TOML,
    or has an unknown key or a value of the wrong type.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: cannot read it ({error})") from error
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not valid TOML ({error})") from error
    table = data.get("tool", {}).get("cleancorp") if "tool" in data else None
    if table is None:
        if path.name == "pyproject.toml":
            return {}
        table = data
    if not isinstance(table, Mapping):
        raise SettingsError(f"{path}: [tool.cleancorp] must be a table")
    settings: dict[str, Any] = {}
    valid = (*CONFIG_KEYS, *EXTRA_KEYS)
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in valid:
            raise SettingsError(
                f"{path}: unknown key {key!r}; valid: {', '.join(k.replace('_', '-') for k in valid)}"
            )
        settings[name] = value
    base = path.parent
    if "rule_files" in settings:
        files = settings["rule_files"]
        if isinstance(files, str) or not isinstance(files, list):
            raise SettingsError(f'{path}: rule-files must be a list of paths, e.g. ["rules.toml"]')
        settings["rule_files"] = [str(base / file) for file in files]
    if "repeated_lines" in settings:
        settings["repeated_lines"] = load_repeated_lines(base / str(settings["repeated_lines"]))
    return settings


def load_repeated_lines(path: Path) -> RepeatedLines:
    """A table written by ``cleancorp learn``."""
    try:
        return RepeatedLines.from_json(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SettingsError(
            f"{path}: cannot read the repeated-lines table ({error.strerror or error})"
        ) from error
    except ValueError as error:
        raise SettingsError(f"{path}: {error}") from error


def make_config(settings: Mapping[str, Any]) -> CleanConfig:
    """A :class:`CleanConfig` from settings (the extra keys are left out)."""
    return CleanConfig(**{k: v for k, v in settings.items() if k in CONFIG_KEYS})
