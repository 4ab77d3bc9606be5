"""HTML input: the main text of a web page, then :func:`cleancorp.clean`.

Main-text extraction is trafilatura's (``trafilatura.extract``), with settings
that make it repeatable and keep it to the article: no comments, no images,
no links, tables kept, and its deduplication off. That deduplication keeps a
cache across calls, so with it the same page can come out differently on the
third or fourth call, or empty (trafilatura issue #778); cleancorp never turns
it on.

Limits: what trafilatura does not find (or finds wrongly) is not recovered;
the audit of :func:`clean_html` acts on the extracted text, so replay it on
``extract_text(html)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleancorp.pipeline import clean
from cleancorp.result import CleanResult

if TYPE_CHECKING:
    from cleancorp.config import CleanConfig


def extract_text(html: str | bytes, *, url: str | None = None) -> str:
    """The main text of a web page, one paragraph a line; ``""`` if none is found.

    ``bytes`` are decoded by trafilatura, which reads the page's declared or
    detected character set.

    >>> extract_text("<html><body><article><p>The council met on Monday to vote on the new "
    ...              "budget for the schools of the city.</p></article></body></html>")
    'The council met on Monday to vote on the new budget for the schools of the city.'
    """
    if not isinstance(html, (str, bytes)):
        raise TypeError(f"extract_text() takes the page as str or bytes, not {type(html).__name__}")
    try:
        import trafilatura
    except ImportError as error:  # pragma: no cover - a declared dependency
        raise ImportError("HTML input needs trafilatura: pip install trafilatura lxml_html_clean") from error
    if not html.strip():
        return ""
    text = trafilatura.extract(
        html,
        url=url,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
        with_metadata=False,
    )
    return text or ""


def clean_html(
    html: str | bytes, config: CleanConfig | None = None, *, url: str | None = None
) -> CleanResult:
    """Clean a web page: extract its main text with trafilatura, then :func:`clean` it.

    The edits refer to the paragraphs of ``extract_text(html)``.

    >>> page = ("<html><body><article><p>Follow us on Twitter</p><p>The council met on "
    ...         "Monday to vote on the new budget for the schools of the city.</p>"
    ...         "</article></body></html>")
    >>> clean_html(page).text
    'The council met on Monday to vote on the new budget for the schools of the city.'
    """
    return clean(extract_text(html, url=url), config)
