"""`[sites."HOST"]` tables, declared: how one site's articles are read and where its posts are announced."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.config.spec import css_selectors as _css
from monitor.config.spec import http_urls, setting


@dataclass(frozen=True)
class Site:
    """A `[sites."HOST"]` table: how one site's articles are read, and where its posts are announced.

    Every selector list is tried in order, the first that matches wins. A site with no `body` is read by the
    generic reader (its `noise`, notes and markers still apply).
    """

    host: str = ""  # the table's key, lower case: not a setting
    body: tuple[str, ...] = setting(
        (), "CSS selectors of the article body", split="commas", check=_css,
        shown_default="none (the generic reader finds it)")
    title: tuple[str, ...] = setting(
        (), "… of the title", split="commas", check=_css, shown_default="`h1`, `og:title`, `<title>`")
    byline: tuple[str, ...] = setting(
        (), "… of the byline", split="commas", check=_css, shown_default="`[rel=author]`, `.byline`, JSON-LD …")
    date: tuple[str, ...] = setting(
        (), "… of the publication date (a `content` or `datetime` attribute, else the text)", split="commas",
        check=_css, shown_default="`article:published_time`, `time[datetime]`, JSON-LD …")
    notes: tuple[str, ...] = setting(
        (), "… of update notes, each match one note (taken out of the body)", split="commas", check=_css)
    noise: tuple[str, ...] = setting(
        (), "… of elements removed before reading (appeals, related posts, share bars)", split="commas", check=_css)
    note_markers: tuple[str, ...] = setting(
        (), "words that open an update note in a body paragraph (`Actualización: …`), besides Update, Correction, "
        "Clarification, Editor's note", split="commas", must="a list of strings")
    feeds: tuple[str, ...] = setting((), "the site's RSS/Atom feeds", must="a list of http(s) URLs",
                                     check=http_urls)
    listings: tuple[str, ...] = setting((), "the site's listing pages (every post linked is tracked)",
                                        must="a list of http(s) URLs", check=http_urls)
    teasers: tuple[str, ...] = setting(
        (), "CSS selectors of the post links (or of elements holding one) on its listing pages", split="commas",
        check=_css, shown_default="Drupal teasers, else links in headings")
    keywords: tuple[str, ...] | None = setting(
        None, "the topic of this site's feeds: keywords …", split="commas", must="a list of strings",
        shown_default="`topic.keywords`")
    categories: tuple[str, ...] | None = setting(
        None, "… and categories (`[]`: keywords only)", split="commas", must="a list of strings",
        shown_default="`topic.categories`")
