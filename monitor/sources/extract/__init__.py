"""HTML → Snapshot with selectolax (Lexbor): a site profile where one fits, the generic reader elsewhere.

Profiles: "eff" (eff.org's Drupal 7 selectors, chosen by the article's host) and "generic"
(any other page: the body is found by where its text is). Both read only the article (title,
byline, date, update notes, body paragraphs); a page that does not look like one raises
ExtractError: an error, never a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from monitor.core.errors import ExtractError
from monitor.core.model import Snapshot, UpdateNote
from monitor.core.text import clean_text
from monitor.sources.extract.dom import first_text, layout_fingerprint, linked_data, meta, page_url
from monitor.sources.extract.eff import MIN_BODY_WORDS, extract_teasers, read_eff
from monitor.sources.extract.generic import read_body
from monitor.sources.notes import parse_note

__all__ = ["MIN_BODY_WORDS", "Reading", "extract_article", "extract_teasers", "page_url", "profile_for", "read_article"]

_TITLE_SELECTORS = ("h1",)
_BYLINE_SELECTORS = ("[itemprop=author] [itemprop=name]", "[itemprop=author]", "[rel=author]", ".byline", ".author")
_DATE_SELECTORS = (
    "meta[property='article:published_time']", "meta[itemprop=datePublished]", "meta[name='dcterms.date']",
    "meta[name=date]", "time[datetime]",
)


# Scripts written without spaces between words: each character counts as a word toward MIN_BODY_WORDS.
_IDEOGRAPHS = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class Reading:
    """What the monitor reads on a page, with which profile, and a fingerprint of the layout it was found in."""

    snapshot: Snapshot
    profile: str
    layout: str
    closed: bool = True  # the page ends with its closing </body> or </html>: it was not cut off


_CLOSING = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
_TAIL = 65536


def page_is_closed(html: str) -> bool:
    """Whether the page ends with its closing tags. Every page of the 181-page benchmark does; a page cut off
    by a proxy or a CDN (whatever its Content-Length said) does not."""
    return _CLOSING.search(html, max(0, len(html) - _TAIL)) is not None


def profile_for(url: str) -> str:
    """The profile that reads pages of this URL: "eff" for eff.org, else "generic"."""
    host = (urlsplit(url).hostname or "").lower()
    return "eff" if host == "eff.org" or host.endswith(".eff.org") else "generic"


def read_article(html: str, url: str) -> Reading:
    """Read the article on a page with its site's profile; raise ExtractError when there is none."""
    tree = LexborHTMLParser(html)
    closed = page_is_closed(html)
    if profile_for(url) == "eff":
        # No fall-back to the generic reader: a page the profile cannot read (a listing a removed post
        # redirects to, a consent page) is an error, never a quietly accepted version.
        snapshot, body = read_eff(tree, url)
        return Reading(snapshot, "eff", layout_fingerprint("eff", body), closed)
    reading = _read_generic(tree, url)
    return Reading(reading.snapshot, reading.profile, reading.layout, closed)


def extract_article(html: str, url: str) -> Snapshot:
    """The Snapshot of read_article (what the cycle compares)."""
    return read_article(html, url).snapshot


def _read_generic(tree: LexborHTMLParser, url: str) -> Reading:
    blocks, container = read_body(tree)
    if container is None:
        raise ExtractError("no article body found on the page (not an article page?)")
    paragraphs = [p for p in (clean_text(b) for b in blocks) if p]
    words = sum(len(p.split()) + len(_IDEOGRAPHS.findall(p)) for p in paragraphs)
    if words < MIN_BODY_WORDS:
        raise ExtractError(f"article body too short ({words} words): an error or consent page, not the article")
    title = (
        first_text(tree, _TITLE_SELECTORS)
        or meta(tree, "meta[property='og:title']", "meta[name='twitter:title']")
        or first_text(tree, ("title",))
    )
    if not title:
        raise ExtractError("article has no title")
    ld_published, ld_author = linked_data(tree)
    published = (meta(tree, *_DATE_SELECTORS) or ld_published)[:10]
    notes: list[UpdateNote] = []
    text: list[str] = []
    for paragraph in paragraphs:
        note = parse_note(paragraph, published)
        if note is not None:
            notes.append(note)
        else:
            text.append(paragraph)
    if text and title and text[0] == title:
        text = text[1:]
    byline = first_text(tree, _BYLINE_SELECTORS) or ld_author or meta(tree, "meta[name=author]")
    byline = byline[3:].strip() if byline.lower().startswith("by ") else byline
    snapshot = Snapshot(url=url, title=title, notes=tuple(notes), paragraphs=tuple(text), byline=byline,
                        published=published)
    return Reading(snapshot, "generic", layout_fingerprint("generic", container))
