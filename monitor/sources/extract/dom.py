"""What every profile needs from the parsed page: visibility, the first text of a selector, meta values,
and a fingerprint of the layout the body was found in."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.core.text import clean_text, digest

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Class tokens that change from render to render (Drupal's view-dom-id-<hex>, css-1x2y3z, js-123):
# a layout fingerprint ignores any token with a digit in it.
_VOLATILE = re.compile(r"\d")


def is_hidden(attrs: dict[str, str | None]) -> bool:
    """Whether an element with these attributes is invisible to a reader, whatever the stylesheet says."""
    if "hidden" in attrs:
        return True
    aria = attrs.get("aria-hidden")
    if aria is not None and aria.strip().lower() == "true":
        return True
    style = attrs.get("style")
    return style is not None and _HIDDEN_STYLE.search(style) is not None


def drop_hidden(root: LexborNode) -> None:
    """Remove every hidden element under root. Deepest last in document order first, so no node is
    removed after an ancestor already took it away."""
    for node in reversed(root.css("[hidden], [aria-hidden], [style]")):
        if is_hidden(node.attributes):
            node.decompose()


def first_text(root: LexborHTMLParser | LexborNode, selectors: tuple[str, ...]) -> str:
    for selector in selectors:
        node = root.css_first(selector)
        if node is not None:
            text = clean_text(node.text(deep=True, separator=" "))
            if text:
                return text
    return ""


def meta(tree: LexborHTMLParser, *selectors: str) -> str:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None:
            value = node.attributes.get("content") or node.attributes.get("datetime") or ""
            if value.strip():
                return clean_text(value)
    return ""


def layout_fingerprint(profile: str, container: LexborNode | None) -> str:
    """A short hash of the profile and the path of tag and class names from <html> down to the body container.

    Ids, attribute values and class tokens with digits are left out: they change per render,
    the layout does not. A redesign changes this value; a new banner or a share count does not.
    """
    steps: list[str] = []
    node = container
    while node is not None and node.tag not in ("-undef", "-document", None):
        classes = sorted(c for c in (node.attributes.get("class") or "").split() if not _VOLATILE.search(c))
        steps.append(".".join([node.tag or "", *classes]))
        node = node.parent
    return digest(profile, " > ".join(reversed(steps)))[:16]


def page_url(tree: LexborHTMLParser) -> str:
    """The URL the page says it has (rel=canonical, else og:url), or ""."""
    for selector, attr in (("link[rel=canonical]", "href"), ("meta[property='og:url']", "content")):
        node = tree.css_first(selector)
        value = (node.attributes.get(attr) or "").strip() if node is not None else ""
        if value.startswith(("http://", "https://")):
            return value
    return ""


@dataclass(frozen=True)
class LinkedData:
    """What the page's JSON-LD says of its article: first found of each, "" when none."""

    published: str = ""  # datePublished
    author: str = ""
    body: str = ""  # articleBody: the article's text as the page declares it (often cut short, sometimes whole)


def linked_data(tree: LexborHTMLParser) -> LinkedData:
    """The page's JSON-LD statements about its article. Walked with a list, not recursion: the JSON is the
    page's, of any depth."""
    published = author = body = ""
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            pending: list[Any] = [json.loads(script.text(deep=True) or "null")]
        except ValueError:
            continue
        while pending and not (published and author and body):
            item = pending.pop()
            if isinstance(item, list):
                pending.extend(reversed(item))
            elif isinstance(item, dict):
                date = item.get("datePublished")
                if not published and isinstance(date, str):
                    published = date.strip()
                who = item.get("author")
                if not author and who is not None:
                    author = _name(who)
                text = item.get("articleBody")
                if not body and isinstance(text, str):
                    body = text.strip()
                pending.extend(reversed([v for k, v in item.items() if k != "author" and isinstance(v, dict | list)]))
        if published and author and body:
            break
    return LinkedData(clean_text(published), clean_text(author), body)


def _name(who: Any) -> str:
    """An author value's name(s): a string, {"name": …}, or a list of either."""
    people = who if isinstance(who, list) else [who]
    names = [p if isinstance(p, str) else p.get("name") if isinstance(p, dict) else None for p in people]
    return ", ".join(n.strip() for n in names if isinstance(n, str) and n.strip())
