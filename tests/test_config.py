"""CleanConfig: frozen, keyword-only, validated with messages that list the choices."""

from __future__ import annotations

import dataclasses

import pytest

from cleancorp import CleanConfig


def test_frozen_and_keyword_only() -> None:
    config = CleanConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.repair_quirks = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        CleanConfig(True)  # type: ignore[misc]


def test_replace_validates_again() -> None:
    config = CleanConfig()
    assert config.replace(language="de").language == "de"
    with pytest.raises(ValueError, match="unknown language"):
        config.replace(language="klingon")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"keep_categories": {"newsletter"}},
            r"unknown categories \['newsletter'\]; valid: .*newsletter_prompt",
        ),
        ({"disabled_rules": {"no-such-rule"}}, r"unknown rule ids .*; valid: .*separator-line"),
        ({"language_backend": "cld3"}, r"unknown language_backend 'cld3'; valid: langdetect"),
        ({"language": "english"}, r"unknown language \['english'\]; valid: .*\ben\b"),
        ({"languages": {"en", "xx"}}, r"unknown languages \['xx'\]"),
        ({"languages": set()}, r"languages is empty"),
        ({"min_language_confidence": 1.5}, r"between 0 and 1"),
        ({"max_chars": 0}, r"max_chars must be a whole number > 0, or None for no limit; got 0"),
        ({"max_chars": -5}, r"max_chars must be a whole number > 0"),
        ({"max_chars": 1.5}, r"max_chars must be a whole number > 0"),
        ({"max_chars": True}, r"max_chars must be a whole number > 0"),
        ({"max_chars": "10"}, r"max_chars must be a whole number > 0"),
    ],
)
def test_bad_values_raise_value_error_naming_the_valid_ones(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CleanConfig(**kwargs)  # type: ignore[arg-type]


def test_a_string_where_a_collection_is_expected() -> None:
    with pytest.raises(TypeError, match=r"write keep_categories=\['separator'\]"):
        CleanConfig(keep_categories="separator")  # type: ignore[arg-type]


def test_flags_must_be_booleans() -> None:
    with pytest.raises(TypeError, match="repair_quirks must be True or False"):
        CleanConfig(repair_quirks="no")  # type: ignore[arg-type]


def test_sets_are_frozen_on_creation() -> None:
    config = CleanConfig(keep_categories={"separator"}, languages=["en", "fr"])
    assert config.keep_categories == frozenset({"separator"})
    assert config.languages == frozenset({"en", "fr"})
    assert hash(config.keep_categories)


def test_max_chars_has_a_documented_default_and_none_means_no_limit() -> None:
    assert CleanConfig().max_chars == 10_000_000
    assert CleanConfig(max_chars=None).max_chars is None
    assert CleanConfig().replace(max_chars=5).max_chars == 5
