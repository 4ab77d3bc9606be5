"""cleancorp: clean, normalised text from scraped and machine-translated articles.

>>> import cleancorp
>>> result = cleancorp.clean("Share this article\\n\\nThe mayor opened the new bridge on Friday.")
>>> result.text
'The mayor opened the new bridge on Friday.'
"""

from __future__ import annotations

from cleancorp.audit import ReplayError, apply_edits
from cleancorp.batch import clean_batch
from cleancorp.boilerplate import remove_boilerplate
from cleancorp.config import CleanConfig
from cleancorp.encoding import repair_encoding
from cleancorp.extract import clean_html, extract_text
from cleancorp.language import detect_language
from cleancorp.normalize import normalize_text
from cleancorp.paragraphs import join_paragraphs, split_paragraphs
from cleancorp.pipeline import clean
from cleancorp.quirks import repair_quirks
from cleancorp.repeated import RepeatedLines, learn_repeated_lines
from cleancorp.result import CleanResult, Edit, LanguageGuess
from cleancorp.rules import RuleFileError

__version__ = "0.1.0"

__all__ = [
    "CleanConfig",
    "CleanResult",
    "Edit",
    "LanguageGuess",
    "RepeatedLines",
    "ReplayError",
    "RuleFileError",
    "__version__",
    "apply_edits",
    "clean",
    "clean_batch",
    "clean_html",
    "detect_language",
    "extract_text",
    "join_paragraphs",
    "learn_repeated_lines",
    "normalize_text",
    "remove_boilerplate",
    "repair_encoding",
    "repair_quirks",
    "split_paragraphs",
]
