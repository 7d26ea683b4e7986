"""Configured site profiles (`[sites."HOST"]`): the site's selectors read its articles and its listing pages.

A profile with body selectors reads the first element they match (as the EFF profile reads its Drupal
field); one without is read by the generic reader. Either way the profile's noise is removed first and
its note elements are taken out as update notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.config.site import Site
from monitor.core.errors import ExtractError
from monitor.core.model import FeedEntry, UpdateNote
from monitor.core.text import clean_text
from monitor.sources.extract.dom import drop_hidden
from monitor.sources.extract.eff import body_paragraphs
from monitor.sources.notes import parse_note, parse_note_date

# Never text inside a body a selector found.
_NOISE = ("script, style, noscript, template, iframe, form, button, svg, img, picture, video, audio, input, select,"
          " textarea")
# Post links of a listing page no selector names: headings' links in articles, else in <main>, else anywhere.
_LINKS = ("article h2 a[href], article h3 a[href]", "main h2 a[href], main h3 a[href]", "h2 a[href], h3 a[href]")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def site_for(url: str, sites: Iterable[Site]) -> Site | None:
    """The configured site of a URL: its host, with or without "www.", names a `[sites]` table."""
    host = (urlsplit(url).hostname or "").lower()
    bare = host.removeprefix("www.")
    return next((s for s in sites if s.host.removeprefix("www.") == bare), None)


def prepare(tree: LexborHTMLParser, site: Site, published: str) -> list[UpdateNote]:
    """Remove the site's noise from the page and take its note elements out: the notes they held."""
    if site.noise:
        for node in reversed(tree.css(", ".join(site.noise))):
            node.decompose()
    notes: list[UpdateNote] = []
    for selector in site.notes:
        for node in tree.css(selector):
            text = clean_text(node.text(deep=True, separator=" "))
            node.decompose()
            if text:
                notes.append(parse_note(text, published, site.note_markers) or UpdateNote(text=text, label="Note"))
    return notes


def read_site_body(tree: LexborHTMLParser, site: Site) -> tuple[list[str], LexborNode]:
    """The body paragraphs where the site's body selectors point, and that container; ExtractError when none matches."""
    body = next((node for node in (tree.css_first(s) for s in site.body) if node is not None), None)
    if body is None:
        raise ExtractError(f'no element matches the body selectors of [sites."{site.host}"] (a redesign?)')
    for node in body.css(_NOISE):
        node.decompose()
    drop_hidden(body)
    return body_paragraphs(body), body


def site_date(tree: LexborHTMLParser, site: Site) -> str:
    """The publication date where the site's date selectors point, as ISO when readable; "" when none matches."""
    for selector in site.date:
        node = tree.css_first(selector)
        if node is None:
            continue
        value = clean_text(node.attributes.get("content") or node.attributes.get("datetime")
                           or node.text(deep=True, separator=" "))
        if _ISO.match(value):
            return value[:10]
        day = parse_note_date(value)
        if day is not None:
            return day.isoformat()
    return ""


def extract_links(html: str, base_url: str, selectors: tuple[str, ...]) -> list[FeedEntry]:
    """Posts linked from a listing page: the links the selectors match (or the first link inside each match),
    else links in article headings; only links to the listing's own host, each once, in page order."""
    tree = LexborHTMLParser(html)
    host = (urlsplit(base_url).hostname or "").lower().removeprefix("www.")
    entries: dict[str, FeedEntry] = {}
    groups = (", ".join(selectors),) if selectors else _LINKS
    nodes = next((found for found in (tree.css(g) for g in groups) if found), [])
    for node in nodes:
        link = node if node.tag == "a" else node.css_first("a[href]")
        href = (link.attributes.get("href") or "").strip() if link is not None else ""
        if link is None or not href or href.startswith("#"):
            continue
        url = urljoin(base_url, href).split("#")[0]
        same_host = (urlsplit(url).hostname or "").lower().removeprefix("www.") == host
        if not same_host or url.rstrip("/") == base_url.rstrip("/"):
            continue
        title = clean_text(link.text(deep=True, separator=" ")) or clean_text(node.text(deep=True, separator=" "))
        entries.setdefault(url, FeedEntry(url=url, title=title))
    return list(entries.values())
