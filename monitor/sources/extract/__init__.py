"""HTML → Snapshot with selectolax (Lexbor): a site profile where one fits, the generic reader elsewhere.

Profiles: "site" (a configured `[sites."HOST"]` table's selectors), "eff" (eff.org's Drupal 7 selectors,
built in, chosen by the article's host) and "generic" (any other page: the body is found by where its
text is). All read only the article (title, byline, date, update notes, body paragraphs); a page that
does not look like one raises ExtractError: an error, never a change.

The generic and site profiles read any body with a word in it as the article, however short: a seven-word post
is a post. Whether a short body is the article or an error, login or consent stub served with a 200 is judged
where the context is, against the article's last version (`monitor.decide.article`). The EFF profile, which
knows its pages, still refuses a body under MIN_BODY_WORDS itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.config.site import Site
from monitor.core.errors import ExtractError
from monitor.core.model import Snapshot, UpdateNote
from monitor.core.text import MIN_BODY_WORDS, clean_text, has_words
from monitor.decide.article import body_words, stub_reason
from monitor.decide.layout import plausibly_same
from monitor.sources.extract.declared import declared_paragraphs
from monitor.sources.extract.dom import first_text, layout_fingerprint, linked_data, meta, page_url
from monitor.sources.extract.eff import extract_teasers, read_eff
from monitor.sources.extract.generic import read_body
from monitor.sources.extract.site import extract_links, prepare, read_site_body, site_date, site_for
from monitor.sources.notes import parse_note

__all__ = ["MIN_BODY_WORDS", "Reading", "extract_article", "extract_links", "extract_teasers", "page_url",
           "profile_for", "read_article", "shrunk_site_body", "site_for"]

_TITLE_SELECTORS = ("h1",)
_TITLE_META = ("meta[property='og:title']", "meta[name='twitter:title']")
_BYLINE_SELECTORS = ("[itemprop=author] [itemprop=name]", "[itemprop=author]", "[rel=author]", ".byline", ".author")
_DATE_SELECTORS = (
    "meta[property='article:published_time']", "meta[itemprop=datePublished]", "meta[name='dcterms.date']",
    "meta[name=date]", "time[datetime]",
)


@dataclass(frozen=True)
class Reading:
    """What the monitor reads on a page, with which profile, and a fingerprint of the layout it was found in."""

    snapshot: Snapshot
    profile: str
    layout: str
    closed: bool = True  # the page ends with its closing </body> or </html>: it was not cut off
    fallback: str = ""  # why the generic reader read it instead of the site's profile (a redesign), or ""


NO_BODY = "no article body found on the page (not an article page?)"
_CLOSING = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
_TAIL = 65536


def page_is_closed(html: str) -> bool:
    """Whether the page ends with its closing tags. Every page of the 181-page benchmark does; a page cut off
    by a proxy or a CDN (whatever its Content-Length said) does not."""
    start = max(0, len(html) - _TAIL)
    # Searched from the end for the usual spelling first: the regex scans the whole tail (30 µs a page).
    return (html.rfind("</html>", start) >= 0 or html.rfind("</body>", start) >= 0
            or _CLOSING.search(html, start) is not None)


def profile_for(url: str, sites: Iterable[Site] = ()) -> str:
    """The profile that reads pages of this URL: "site" for a configured site, "eff" for eff.org, else "generic"."""
    if site_for(url, sites) is not None:
        return "site"
    host = (urlsplit(url).hostname or "").lower()
    return "eff" if host == "eff.org" or host.endswith(".eff.org") else "generic"


def read_article(html: str, url: str, sites: Iterable[Site] = (), previous: Snapshot | None = None) -> Reading:
    """Read the article on a page with its site's profile; raise ExtractError when there is none.

    A page the site's profile cannot read is an error (a listing a removed post redirects to, a consent page),
    never a quietly accepted version, unless `previous` (the article's latest version) is given and the generic
    reader finds that same article on the page: a redesign the profile does not know yet. So is a site profile's
    body that shrank under MIN_BODY_WORDS from a `previous` at or above it (its selectors now match a caption):
    when the generic reader does not find the article there, the profile's short reading stands (decide
    judges it: a stub in the article's place). So does a short page the generic reader finds where a profile
    read nothing (the EFF profile refuses a short body): a soft 404 or a removal notice served with a 200 is a
    stub toward "removed", not an error forever; a long page that is another article stays an error.
    """
    site = site_for(url, sites)
    profile = "site" if site is not None else profile_for(url)
    closed = page_is_closed(html)
    short: Reading | None = None
    try:
        reading = _read(LexborHTMLParser(html), url, profile, site, closed)
    except ExtractError as exc:
        if previous is None or (profile == "generic" or (site is not None and not site.body)):
            if previous is not None and str(exc) == NO_BODY:
                return _bodiless(html, url, closed, exc)
            raise
        failure = exc
    else:
        why = stub_reason(previous, reading.snapshot) if previous is not None and reading.profile == "site" else None
        if why is None:
            return reading
        failure, short = ExtractError(why), reading
    assert previous is not None
    try:  # a fresh tree: the profile removed nodes from the first
        reading = _read(LexborHTMLParser(html), url, "generic", site and replace(site, body=()), closed)
    except ExtractError as again:
        if short is not None:
            return short
        if str(again) == NO_BODY:
            return _bodiless(html, url, closed, failure)
        raise failure from None
    if not plausibly_same(previous, reading.snapshot):
        if short is not None:
            return short
        if stub_reason(previous, reading.snapshot) is not None:
            return reading
        raise ExtractError(f"{failure} (the generic reader finds another page there, not this article)")
    return replace(reading, fallback=f"the {profile} profile could not read the page ({failure})")


def _bodiless(html: str, url: str, closed: bool, failure: ExtractError) -> Reading:
    """A page with a title and no body text at all, where an article was read before ("Page not found" in an
    <h1>, "Oops."): a stub for decide to judge (a page in the article's place, toward "removed"), not an error
    forever. A page without even a title (a blank render) stays the error."""
    title = _page_title(LexborHTMLParser(html))
    if not title:
        raise failure
    snapshot = Snapshot(url=url, title=title, notes=(), paragraphs=())
    return Reading(snapshot, "generic", layout_fingerprint("generic", None), closed)


def _page_title(tree: LexborHTMLParser, site: Site | None = None) -> str:
    """The article's title: the site's selectors, the page's <h1>, its og:title, its <title>."""
    return ((first_text(tree, site.title) if site else "") or first_text(tree, _TITLE_SELECTORS)
            or meta(tree, *_TITLE_META) or first_text(tree, ("title",)))


def shrunk_site_body(reading: Reading) -> bool:
    """Whether a site profile read a body under MIN_BODY_WORDS: worth reading again with the article's latest
    version as `previous` (read_article), in case the site's selectors now match something else."""
    return reading.profile == "site" and body_words(reading.snapshot) < MIN_BODY_WORDS


def _read(tree: LexborHTMLParser, url: str, profile: str, site: Site | None, closed: bool) -> Reading:
    if profile == "eff":
        snapshot, body = read_eff(tree, url)
        return Reading(snapshot, "eff", layout_fingerprint("eff", body), closed)
    reading = _read_generic(tree, url, site)
    return replace(reading, closed=closed)


def extract_article(html: str, url: str) -> Snapshot:
    """The Snapshot of read_article (what the cycle compares)."""
    return read_article(html, url).snapshot


def _read_generic(tree: LexborHTMLParser, url: str, site: Site | None = None) -> Reading:
    """The generic reader, or a configured site's body selectors (with its noise, note elements and markers)."""
    ld = linked_data(tree)
    published = ((site_date(tree, site) if site else "") or meta(tree, *_DATE_SELECTORS) or ld.published)[:10]
    notes: list[UpdateNote] = prepare(tree, site, published) if site else []
    container: LexborNode | None
    if site is not None and site.body:
        paragraphs, container = read_site_body(tree, site)
        profile = "site"
    else:
        read = read_body(tree, " ".join((first_text(tree, ("title",)), meta(tree, *_TITLE_META))))
        paragraphs = [p for p in (clean_text(b) for b in read.paragraphs) if p]
        container, profile = read.container, "generic"
        # No body on the page, or only what a lenient reading guessed from chrome-named elements (a footer line):
        # the body its JSON-LD declares, if any, is the page's own word.
        if container is None or read.lenient:
            paragraphs = declared_paragraphs(ld.body) or paragraphs
    if not has_words(paragraphs):  # any word is a body: a short post is an article (decide judges a stub)
        raise ExtractError(NO_BODY)
    title = _page_title(tree, site)
    if not title:
        raise ExtractError("article has no title")
    markers = site.note_markers if site else ()
    text: list[str] = []
    for paragraph in paragraphs:
        note = parse_note(paragraph, published, markers)
        if note is not None:
            notes.append(note)
        else:
            text.append(paragraph)
    if text and title and text[0] == title:
        text = text[1:]
    byline = ((first_text(tree, site.byline) if site else "") or first_text(tree, _BYLINE_SELECTORS) or ld.author
              or meta(tree, "meta[name=author]"))
    byline = byline[3:].strip() if byline.lower().startswith("by ") else byline
    snapshot = Snapshot(url=url, title=title, notes=tuple(notes), paragraphs=tuple(text), byline=byline,
                        published=published)
    return Reading(snapshot, profile, layout_fingerprint(profile, container))
