"""The EFF profile: eff.org's Drupal 7 selectors, then a cautious one-<article> fallback.

Only the article is read: title, byline, date, update notes, body paragraphs. Everything
around it (banners, menus, share links, related posts, forms) never reaches the text.
A page that does not look like an article raises ExtractError: an error, never a change.
Its output on EFF pages is what the stored versions were hashed from: change it only on purpose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.core.errors import ExtractError
from monitor.core.model import FeedEntry, Snapshot, UpdateNote
from monitor.core.text import MIN_BODY_WORDS, clean_text
from monitor.sources.extract.dom import drop_hidden, first_text, meta
from monitor.sources.notes import parse_note

_BODY_SELECTORS = (
    "article.node--full .field--name-body",
    ".node--full .field--name-body",
    ".node-full .field-name-body",
    "article.node .field-name-body",
    "[itemprop=articleBody]",
)
_TITLE_SELECTORS = (".pane-page-title h1", "h1.page-title", "article h1", "h1")
_BYLINE_SELECTORS = (".pane-eff-author .byline", ".node-author", ".byline", "[rel=author]")
_DATE_SELECTORS = ("meta[property='article:published_time']", "meta[name='dcterms.date']", "time[datetime]")
_NOISE = (
    "script, style, noscript, template, iframe, form, button, svg, img, picture, video, audio, input, select,"
    " .eff-translation-links, .share-links, .social-share, .element-invisible, .visually-hidden,"
    " .related, .pane-related, .newsletter"
)
_BLOCK_TAGS = frozenset(
    ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "dt", "dd", "td", "th",
     "div", "section", "article", "aside", "ul", "ol", "dl", "table", "thead", "tbody", "tr", "figure", "header",
     "footer")
)
_BLOCK_SELECTOR = ", ".join(sorted(_BLOCK_TAGS))


def read_eff(tree: LexborHTMLParser, url: str) -> tuple[Snapshot, LexborNode]:
    """Read the article on an EFF page, and the body container it came from; raise ExtractError when there is none."""
    body = _find_body(tree)
    if body is None:
        raise ExtractError("no article body found on the page (not an article page?)")
    for node in body.css(_NOISE):
        node.decompose()
    drop_hidden(body)
    paragraphs = body_paragraphs(body)
    words = sum(len(p.split()) for p in paragraphs)
    if words < MIN_BODY_WORDS:
        raise ExtractError(f"article body too short ({words} words): an error or consent page, not the article")
    title = first_text(tree, _TITLE_SELECTORS) or meta(tree, "meta[property='og:title']")
    if not title:
        raise ExtractError("article has no title")
    published = meta(tree, *_DATE_SELECTORS)[:10]
    notes: list[UpdateNote] = []
    text: list[str] = []
    for paragraph in paragraphs:
        note = parse_note(paragraph, published)
        if note is not None:
            notes.append(note)
        else:
            text.append(paragraph)
    byline = first_text(tree, _BYLINE_SELECTORS)
    byline = byline[3:].strip() if byline.lower().startswith("by ") else byline
    snapshot = Snapshot(
        url=url,
        title=title,
        notes=tuple(notes),
        paragraphs=tuple(text),
        byline=byline,
        published=published,
    )
    return snapshot, body


def body_paragraphs(body: LexborNode) -> list[str]:
    """The clean block-level texts of a body container, in reading order (what every selector profile reads)."""
    for br in body.css("br"):
        br.replace_with(" ")
    return [p for p in (clean_text(t) for t in _paragraphs(body, _block_holders(body))) if p]


def extract_teasers(html: str, base_url: str) -> list[FeedEntry]:
    """Posts listed on a Drupal listing or topic page (the topic page has no feed), as FeedEntries."""
    tree = LexborHTMLParser(html)
    entries: dict[str, FeedEntry] = {}
    for teaser in tree.css("article.node--teaser, article.node-teaser"):
        link = teaser.css_first(".node__title a, .node-title a, h2 a, h3 a")
        href = link.attributes.get("href") if link is not None else None
        if link is None or not href:
            continue
        date = _iso_date(first_text(teaser, (".node-date",)).lstrip("| ").strip())
        url = urljoin(base_url, href)
        entries.setdefault(
            url,
            FeedEntry(
                url=url,
                title=clean_text(link.text(deep=True, separator="")),
                summary=first_text(teaser, (".field--name-body", ".field-name-body")),
                published=date,
                author=first_text(teaser, (".node-author a", ".node-author")),
            ),
        )
    return list(entries.values())


def _iso_date(text: str) -> str:
    """Teaser dates ("July 31, 2025") as ISO, like feed dates; left as written when unreadable."""
    try:
        return dt.datetime.strptime(text, "%B %d, %Y").date().isoformat()
    except ValueError:
        return text


def _find_body(tree: LexborHTMLParser) -> LexborNode | None:
    for selector in _BODY_SELECTORS:
        node = tree.css_first(selector)
        if node is not None:
            return node
    # Generic fallback: exactly one article that is not a teaser; a listing page has none.
    candidates = [a for a in tree.css("article") if "teaser" not in (a.attributes.get("class") or "")]
    return candidates[0] if len(candidates) == 1 else None


def _block_holders(body: LexborNode) -> set[int]:
    """Nodes (by mem_id) that contain a block element: one selector query for the whole body
    instead of one per child."""
    holders: set[int] = set()
    for block in body.css(_BLOCK_SELECTOR):
        node = block.parent
        while node is not None and node.mem_id not in holders:
            holders.add(node.mem_id)
            if node.mem_id == body.mem_id:
                break
            node = node.parent
    return holders


def _paragraphs(node: LexborNode, holders: set[int]) -> list[str]:
    """Block-level texts in reading order; inline markup (links, emphasis) folds into its block's text.

    A node holding blocks is read child by child, its own run of inline text kept apart; the
    walk keeps those frames on a list, not the call stack (50,000 nested <div>s are a page too).
    """
    out: list[str] = []
    frames: list[tuple[Iterator[LexborNode], list[str]]] = [(node.iter(include_text=True), [])]
    while frames:
        children, run = frames[-1]
        child = next(children, None)
        if child is None:
            if run:
                out.append("".join(run))
            frames.pop()
            continue
        if child.is_text_node:
            run.append(child.text_content or "")
            continue
        has_blocks = child.mem_id in holders
        if child.tag in _BLOCK_TAGS or has_blocks:
            if run:
                out.append("".join(run))
                run.clear()
            if has_blocks:
                frames.append((child.iter(include_text=True), []))
            else:
                out.append(child.text(deep=True, separator=""))
        else:
            run.append(child.text(deep=True, separator=""))
    return out
