"""A datatrove pipeline step that cleans each document: :class:`CleancorpCleaner`.

Needs datatrove (``pip install 'cleancorp[datatrove]'``). The step runs
:func:`cleancorp.clean` on the text of every :class:`datatrove.data.Document`
that passes through it, the same way the command line cleans a JSONL record:

- ``doc.text`` becomes the clean text;
- ``doc.metadata["cleancorp"]`` gets :func:`cleancorp.records.result_summary`
  of the result (language, confidence, paragraphs removed and repairs by
  category; every edit with ``audit=True``);
- ``doc.metadata["language"]`` and ``doc.metadata["language_score"]``, the keys
  datatrove's ``LanguageFilter`` writes (and ``C4BadWordsFilter`` reads), get
  the detected language (an ISO 639-1 code, as datatrove's default ``ft176``
  backend gives) and its probability, but only when the document has no
  ``language`` yet and the language was determined: a language set earlier,
  by the reader or by a ``LanguageFilter``, is never overwritten, and
  ``"und"`` is not written;
- a document left with no text is dropped (``drop_empty=True``, the default)
  or passed on with an empty text (``drop_empty=False``).

Counters go to the step's datatrove stats (``stats.json`` of the logging
folder, and the table the executor prints at the end): ``total`` (documents
in), ``forwarded``, ``dropped``, ``empty`` (documents cleaned to nothing),
``removed`` and ``repaired`` (paragraphs removed and repairs made, per
document), ``removed_<category>`` and ``repaired_<category>`` (their totals by
category, e.g. ``removed_ad_marker``) and ``language_<code>`` (documents by
detected language).

Example, a pipeline that reads JSONL files, cleans them and writes gzipped
JSONL::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from cleancorp import CleanConfig
    from cleancorp.integrations.datatrove import CleancorpCleaner

    LocalPipelineExecutor(
        pipeline=[
            JsonlReader("corpus/raw"),
            CleancorpCleaner(CleanConfig(keep_categories={"image_caption"})),
            JsonlWriter("corpus/clean"),
        ],
        tasks=8,
        workers=4,
        logging_dir="logs/clean",
    ).run()
"""

from __future__ import annotations

from collections import Counter
from typing import Any

try:
    from datatrove.data import Document, DocumentsPipeline  # type: ignore[import-untyped]
    from datatrove.pipeline.formatters.base import BaseFormatter  # type: ignore[import-untyped]
    from datatrove.utils.typeshelper import StatHints  # type: ignore[import-untyped]
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "cleancorp.integrations.datatrove needs datatrove: pip install 'cleancorp[datatrove]'"
    ) from error

from cleancorp.config import CleanConfig
from cleancorp.pipeline import clean
from cleancorp.records import RESULT_KEY, result_summary
from cleancorp.result import UNDETERMINED

__all__ = ["CleancorpCleaner"]

LANGUAGE_KEY = "language"
"""The metadata key of datatrove's ``LanguageFilter`` for the language code."""
LANGUAGE_SCORE_KEY = "language_score"
"""The metadata key of datatrove's ``LanguageFilter`` for the language's probability."""


class CleancorpCleaner(BaseFormatter):  # type: ignore[misc]
    """Clean the text of each document with :func:`cleancorp.clean`; see the module's docstring.

    Args:
        config: the options of :func:`cleancorp.clean`; ``None`` for the defaults.
        audit: also record every edit under ``metadata["cleancorp"]["edits"]``.
        drop_empty: drop the documents that cleaning leaves without text
            (counted as ``empty`` and ``dropped``); when ``False`` they are
            passed on with an empty text (counted as ``empty`` and ``forwarded``).
    """

    name = "🧹 cleancorp"

    def __init__(
        self, config: CleanConfig | None = None, *, audit: bool = False, drop_empty: bool = True
    ) -> None:
        super().__init__()
        self.config = config
        self.audit = audit
        self.drop_empty = drop_empty

    def format(self, text: str) -> str:
        """The clean text alone, as datatrove's formatters give it."""
        return clean(text, self.config).text

    def clean_document(self, doc: Document) -> bool:
        """Clean one document in place and count it; whether it still has text."""
        result = clean(doc.text, self.config)
        doc.text = result.text
        summary = result_summary(result, audit=self.audit)
        doc.metadata[RESULT_KEY] = summary
        if result.language != UNDETERMINED.language and LANGUAGE_KEY not in doc.metadata:
            doc.metadata[LANGUAGE_KEY] = summary["language"]
            doc.metadata[LANGUAGE_SCORE_KEY] = summary["language_confidence"]
        self._count(summary)
        return bool(result.text.strip())

    def _count(self, summary: dict[str, Any]) -> None:
        for kind in ("removed", "repaired"):
            counts: Counter[str] = Counter(summary[kind])
            self.stat_update(kind, value=counts.total())
            for category, count in counts.items():
                self.stat_update(f"{kind}_{category}", value=count)
        self.stat_update(f"language_{summary['language']}")

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Clean the documents of ``data``, in order, leaving out those cleaned to nothing."""
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                has_text = self.clean_document(doc)
            if not has_text:
                self.stat_update("empty")
                if self.drop_empty:
                    self.stat_update(StatHints.dropped)
                    continue
            self.stat_update(StatHints.forwarded)
            yield doc
