# ruff: noqa: E501  (HTML template lines read best unbroken)
"""Builders for EFF-like article pages and the Deeplinks RSS feed.

Fixtures are made by code from these two templates (in the style of eff.org's
Drupal 7 markup, volatile chrome included), so a test states only what differs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import textwrap
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Protocol
from xml.sax.saxutils import escape as xml_escape

EFF = "https://www.eff.org"
FEED_PATH = "/rss/updates.xml"
INTERNATIONAL = ("https://www.eff.org/issues/international", "International")
UN_TREATY = ("https://www.eff.org/issues/un-cybercrime-treaty", "UN Cybercrime Treaty")
DEFAULT_BANNER = "Podcast Episode: Building and Preserving the Library of Everything"
DEFAULT_DOM_ID = "0271ecdde1918769aee062ca524579c7"
DEFAULT_FORM_BUILD_ID = "form-N0vXiviOCkchKW7fI9M3RWtyVuu0uC3Z_8pf54TwT7w"
DEFAULT_RELATED = [
    "Podcast Episode: Why Data Brokers Know So Much About You",
    "Victory! Court Rejects Warrantless Phone Searches at the Border",
    "EFF’s Annual Report Is Here",
]
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]*)\)")


@dataclass
class Article:
    """One post as a reader sees it; paragraphs may hold [text](url) links."""

    path: str
    title: str
    byline: str
    published: str
    notes: list[str]
    paragraphs: list[str]
    kind: str = "blog"
    node_id: int = 0
    categories: list[tuple[str, str]] = field(default_factory=lambda: [INTERNATIONAL])
    subtitle: str = ""  # press releases' subhead, shown outside the body
    translations: list[tuple[str, str]] = field(default_factory=list)  # (label, language code)

    @property
    def url(self) -> str:
        return EFF + self.path


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def inline(text: str, *, reflow: bool = False) -> str:
    """Plain text with [text](url) links → HTML; `reflow` re-wraps whitespace only."""
    out, pos = [], 0
    for m in _LINK.finditer(text):
        out.append(html.escape(text[pos : m.start()], quote=False))
        out.append(f'<a href="{html.escape(m[2])}">{html.escape(m[1], quote=False)}</a>')
        pos = m.end()
    out.append(html.escape(text[pos:], quote=False))
    result = "".join(out)
    if reflow:
        count = iter(range(10**6))
        result = re.sub(r" (?![^<]*>)", lambda _: "\n        " if next(count) % 6 == 5 else " ", result)
    return result


def note_html(note: str, *, reflow: bool = False) -> str:
    """Update notes come in <em>, <i> or <em><strong>Label:</strong>, as EFF editors vary."""
    body = inline(note, reflow=reflow)
    style = zlib.crc32(note.encode()) % 3
    label, colon, rest = body.partition(":")
    if style == 1:
        return f"<p><i>{body}</i></p>"
    if style == 2 and colon:
        return f"<p><em><strong>{label}:</strong>{rest}</em></p>"
    return f"<p><em>{body}</em></p>"


def body_html(a: Article, *, reflow: bool = False) -> str:
    """The `field--name-body` block, shared by the page and the feed's <description>."""
    sep = "\n\n" if reflow else "\n"
    inner = sep.join(
        [note_html(n, reflow=reflow) for n in a.notes] + [f"<p>{inline(p, reflow=reflow)}</p>" for p in a.paragraphs]
    )
    return (
        '<div class="field field--name-body field--type-text-with-summary field--label-hidden">'
        '<div class="field__items"><div class="field__item even">'
        f"{inner}</div></div></div>"
    )


_MENU = {
    "About": ["Contact", "Press", "People", "Opportunities"],
    "Issues": ["Free Speech", "Privacy", "Creativity and Innovation", "Transparency", "International", "Security"],
    "Our Work": ["Deeplinks Blog", "Press Releases", "Events", "Legal Cases", "Whitepapers", "Podcast"],
    "Take Action": ["Action Center", "Electronic Frontier Alliance", "Volunteer"],
    "Tools": ["Privacy Badger", "Surveillance Self-Defense", "Certbot", "Cover Your Tracks"],
    "Donate": ["Donate to EFF", "Giving Societies", "Shop", "Other Ways to Give"],
}


def _menu(form_build_id: str) -> str:
    items = "\n".join(
        f'<li class=""><a href="/{slugify(top)}">{top}</a><ul class="menu">'
        + "\n".join(f'<li class="leaf"><a href="/{slugify(top)}/{slugify(s)}">{s}</a></li>' for s in subs)
        + "</ul></li>"
        for top, subs in _MENU.items()
    )
    return f"""<ul class="menu">{items}
<li class="last leaf"><form class="search-block-form search-site" action="/search/site" method="post" id="search-block-form" accept-charset="UTF-8"><div><div class="container-inline">
      <h2 class="element-invisible">Search form</h2>
    <div class="form-item form-type-textfield form-item-search-block-form">
  <label class="element-invisible" for="edit-search-block-form--2">Search </label>
 <input autocomplete="off" type="text" id="edit-search-block-form--2" name="search_block_form" value="" maxlength="128" class="form-text" />
</div>
<div class="form-actions form-wrapper" id="edit-actions"><button aria-label="search" type="submit" name="op"></button></div><input type="hidden" name="form_build_id" value="{form_build_id}" />
<input type="hidden" name="form_id" value="search_block_form" />
</div></div></form></li>
</ul>"""


def _share(a: Article) -> str:
    q = a.url.replace("https://", "https%3A//")
    t = html.escape(a.title.replace(" ", "%20"))
    return f"""<div class="panel-pane pane-share-links">
  <div class="share-links"><h2 class="pane-title">Share It</h2>
    <a class="twitter" href="https://twitter.com/intent/tweet?text={t}&amp;url={q}&amp;via=eff" title="Share on Twitter">Share on Twitter</a>
    <a class="facebook" href="https://www.facebook.com/share.php?u={q}&amp;title={t}" title="Share on Facebook">Share on Facebook</a>
    <a class="copy-link" href="{a.url}" title="Copy to clipboard">Copy link</a>
  </div>
</div>"""


def _teaser(title: str, i: int) -> str:
    href = f"/deeplinks/2025/0{i + 1}/{slugify(title)}"
    return f"""<div class="views-row views-row-{i + 1}">
  <article role="article" class="node node--blog node-teaser node--teaser node--blog--teaser">
    <header><h3 class="node__title"><a href="{href}" rel="bookmark">{html.escape(title)}</a></h3></header>
    <div class="node__content"><div class="field field--name-body field--type-text-with-summary field--label-hidden"><div class="field__items"><div class="field__item even"><p>{html.escape(title)}: read more on Deeplinks.</p></div></div></div></div>
  </article>
</div>"""


def article_page(
    a: Article,
    *,
    banner: str = DEFAULT_BANNER,
    dom_id: str = DEFAULT_DOM_ID,
    form_build_id: str = DEFAULT_FORM_BUILD_ID,
    related: list[str] | None = None,
    share: bool = True,
    extra_chrome: str = "",
    reflow: bool = False,
) -> str:
    """A full eff.org article page; every keyword is chrome that must never alert."""
    day = dt.date.fromisoformat(a.published)
    e = html.escape
    press = a.kind == "press"
    node = (
        "node--press-release node--full node--press-release--full"
        if press
        else "node--blog node--full node--blog--full"
    )
    kind_label = "Press Release" if press else "Deeplinks Blog"
    byline = (
        f'<div class="panel-pane pane-eff-author"><div class="byline">By <a href="/about/staff/{slugify(a.byline)}">{e(a.byline)}</a></div></div>'
        if a.byline
        else ""
    )
    subhead = (
        f'<div class="panel-pane pane-node-field-pr-subhead"><div class="field field--name-field-pr-subhead">{e(a.subtitle)}</div></div>'
        if a.subtitle
        else ""
    )
    translations = "".join(
        f'<li><a href="{a.path}?language={code}">{e(label)}</a></li>' for label, code in a.translations
    )
    issues = "".join(f'<li><a href="{e(d)}">{e(label)}</a></li>' for d, label in a.categories)
    teasers = "\n".join(_teaser(t, i) for i, t in enumerate(DEFAULT_RELATED if related is None else related))
    banner_href = f"{EFF}/deeplinks/2025/09/{slugify(banner)}"
    page = f"""<!DOCTYPE html>
<html class="no-js" lang="en" dir="ltr" prefix="fb: http://ogp.me/ns/fb# og: http://ogp.me/ns#">
<head>
  <meta charset="utf-8" />
<meta name="generator" content="Drupal 7 (http://drupal.org)" />
<link rel="canonical" href="{a.url}" />
<link rel="shortlink" href="{EFF}/node/{a.node_id}" />
<meta property="og:site_name" content="Electronic Frontier Foundation" />
<meta property="og:type" content="article" />
<meta property="og:url" content="{a.url}" />
<meta property="og:title" content="{e(a.title)}" />
<meta property="article:published_time" content="{a.published}T12:14:05-08:00" />
<meta property="article:modified_time" content="{a.published}T16:02:41-08:00" />
  <title>{e(a.title)} | Electronic Frontier Foundation</title>
<script>jQuery.extend(Drupal.settings, {{"basePath":"\\/","views":{{"ajaxViews":{{"views_dom_id:{dom_id}":{{"view_name":"related_content"}}}}}}}});</script>
</head>
<body class="html not-front not-logged-in page-node page-node-{a.node_id} node-type-{"press-release" if press else "blog"} i18n-en">
  <a href="#main-content" class="element-invisible element-focusable">Skip to main content</a>
<div id="site_banner">
  <div data-pane_id="site_banner_{zlib.crc32(banner.encode()) % 100000}" data-banner_type="image" class="panel-pane pane-site-banner">
    <a href="{banner_href}" title="{e(banner)}" class="site-banner desktop"><img src="{EFF}/files/{slugify(banner)}-desktop.jpg" alt="" />{e(banner)}</a><a href="{banner_href}" title="{e(banner)}" class="site-banner mobile"><img src="{EFF}/files/{slugify(banner)}-mobile.jpg" alt="" /></a>
  </div>
</div>
<header id="header">
  <div id="page"><div id="masthead-wrapper"><div id="masthead">
    <div class="branding"><div class="panel-pane pane-page-site-name"><a href="/">Electronic Frontier Foundation</a></div></div>
    <div id="main-menu-nav" class="navigation"><div><div class="panel-pane pane-main-nav-menu">
{_menu(form_build_id)}
    </div></div></div>
  </div></div></div>
</header>
  <div class="above-banner">
    <div class="panel-pane pane-page-title"><h1>{e(a.title)}</h1></div>
  </div>
  <div id="main-content">
    <div id="breadcrumb"></div>
    <div class="main-column">
      <div class="panel-pane pane-page-title"><h1 class="page-title">{e(a.title)}</h1></div>
      {subhead}
      <div class="panel-pane pane-node-type"><div class="pane-content">{kind_label}</div></div>
      {byline}
      <div class="panel-pane pane-node-created"><div class="pane-content">{day:%B} {day.day}, {day.year}</div></div>
      {_share(a) if share else ""}
      <div class="panel-pane pane-node-content">
        <article role="article" class="node {node}">
          <div class="node__content">
            <div class="eff-translation-links"><ul>{translations}</ul></div>
            {body_html(a, reflow=reflow)}
          </div>
        </article>
      </div>
      <div class="panel-pane pane-node-field-issue"><h2 class="pane-title">Related Issues</h2><ul>{issues}</ul></div>
      <div class="panel-pane pane-related">
        <h2 class="pane-title">Related Updates</h2>
        <div class="view view-related-content view-id-related_content teaser-feed view-dom-id-{dom_id}">
          <div class="view-content">
{teasers}
          </div>
        </div>
      </div>
    </div>
    {extra_chrome}
  </div>
  <div class="panel-pane pane-eff-newsletter-signup">
    <form class="eff-newsletter-signup-form" action="/signup" method="post" id="eff-newsletter-signup-form">
      <p>Email updates on news, actions, and events in your area.</p>
      <input type="email" name="email" placeholder="Email" />
      <input type="hidden" name="form_build_id" value="{form_build_id}-nl" />
      <button type="submit">Join EFF Lists</button>
    </form>
  </div>
  <div id="footer">
    <div class="panel-pane pane-block pane-menu-menu-footer-bottom">
      <ul class="menu"><li class="first leaf"><a href="/copyright">Copyright (CC BY)</a></li>
<li class="leaf"><a href="/policy">Privacy Policy</a></li>
<li class="last leaf"><a href="/thanks">Thanks</a></li></ul>
    </div>
  </div>
</body>
</html>
"""
    return textwrap.indent(page, "  ") if reflow else page


def feed(items: Iterable[Article], *, base: str = EFF) -> str:
    """RSS 2.0 shaped like Drupal 7's /rss/updates.xml (full escaped body in <description>)."""
    entries = []
    for a in items:
        day = dt.date.fromisoformat(a.published)
        when = dt.datetime(day.year, day.month, day.day, 20, 14, 5, tzinfo=dt.UTC)
        share = f'<div class="share-links"><a href="https://twitter.com/intent/tweet?url={base}{a.path}">Share on Twitter</a></div>'
        cats = "\n".join(
            f' <category domain="{xml_escape(d)}">{xml_escape(label)}</category>' for d, label in a.categories
        )
        entries.append(f"""  <item>
    <title>{xml_escape(a.title)}</title>
    <link>{base}{a.path}</link>
    <description>{xml_escape(body_html(a) + share, {'"': "&quot;"})}</description>
     <pubDate>{format_datetime(when)}</pubDate>
 <dc:creator>{xml_escape(a.byline or "Press Release")}</dc:creator>
 <guid isPermaLink="false">{a.node_id} at https://www.eff.org</guid>
{cats}
  </item>""")
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="utf-8" ?>
<rss version="2.0" xml:base="{base}{FEED_PATH}" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Deeplinks</title>
    <link>{base}{FEED_PATH}</link>
    <description>EFF&#039;s Deeplinks Blog: Noteworthy news from around the internet</description>
    <language>en</language>
     <atom:link href="{base}{FEED_PATH}" rel="self" type="application/rss+xml" />
{body}
  </channel>
</rss>
"""


class _Site(Protocol):
    def set(self, path: str, body: str | bytes, *, status: int = ..., content_type: str = ...) -> None: ...


def publish(site: _Site, articles: list[Article], *, feed_items: list[Article] | None = None, **page: object) -> None:
    """Serve each article's page and the feed (newest first unless `feed_items` is given)."""
    for a in articles:
        site.set(a.path, article_page(a, **page))  # type: ignore[arg-type]
    items = feed_items if feed_items is not None else sorted(articles, key=lambda a: a.published, reverse=True)
    site.set(FEED_PATH, feed(items), content_type="application/rss+xml; charset=utf-8")


# Editing helpers: each returns a new Article, so fixtures stay untouched.


def add_note(a: Article, note: str) -> Article:
    return dataclasses.replace(a, notes=[note, *a.notes])


def edit(a: Article, old: str, new: str) -> Article:
    """Replace text in exactly one paragraph (fails loudly if the fixture drifted)."""
    hits = [i for i, p in enumerate(a.paragraphs) if old in p]
    assert len(hits) == 1, f"{old!r} found in {len(hits)} paragraphs of {a.path}"
    paragraphs = list(a.paragraphs)
    paragraphs[hits[0]] = paragraphs[hits[0]].replace(old, new)
    return dataclasses.replace(a, paragraphs=paragraphs)


_SWAP = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "—", "—": "–"}


def _swap_typography(text: str) -> str:
    out, opening = [], True
    for part in re.split(r"(\]\([^)]*\))", text):  # leave link targets alone
        if part.startswith("]("):
            out.append(part)
            continue
        for ch in part:
            if ch in _SWAP:
                out.append(_SWAP[ch])
            elif ch == "'":
                out.append("’")
            elif ch == '"':
                out.append("“" if opening else "”")
                opening = not opening
            else:
                out.append(ch)
    return "".join(out)


def swap_typography(a: Article) -> Article:
    """Curly ↔ straight quotes and en ↔ em dashes: typography, not content."""
    return dataclasses.replace(
        a,
        notes=[_swap_typography(n) for n in a.notes],
        paragraphs=[_swap_typography(p) for p in a.paragraphs],
    )


def retarget_links(a: Article, href: Callable[[str], str]) -> Article:
    """Change every link target, keeping link texts (links compare by text)."""

    def sub(text: str) -> str:
        return _LINK.sub(lambda m: f"[{m[1]}]({href(m[2])})", text)

    return dataclasses.replace(a, notes=[sub(n) for n in a.notes], paragraphs=[sub(p) for p in a.paragraphs])
