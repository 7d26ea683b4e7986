"""The article body a page declares in its JSON-LD (`articleBody`): read when the page shows no article body
at all (a page its script renders from data, a body behind a wall), so a page with an article is never left
without one. It never replaces a body read on the page: often it is an excerpt, and on some sites it is another
rendering of the text (words run together, the live blog around it), so it is no better evidence than the page.

Pure: strings in, strings out.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from monitor.core.text import clean_text


def declared_paragraphs(declared: str) -> list[str]:
    """Its paragraphs: lines of text, or the text of its markup when a site put HTML in it."""
    if "<" in declared and ">" in declared:
        root = LexborHTMLParser(declared).body
        declared = root.text(separator="\n") if root is not None else ""
    return [p for p in (clean_text(line) for line in declared.splitlines()) if p]
