"""Chrome mutations applied by code to real pages: what a re-render changes without touching the article.

Each mutation takes a page's HTML and a seed and returns the same article in other chrome:
a reader that is stable gives the same canonical text for both. The insertion points are
found in the markup itself (the <body> tag, the last </article>, the longest paragraphs),
never from what a reader chose, so the figures do not flatter any reader.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_BODY_CLOSE = re.compile(r"</body\s*>", re.IGNORECASE)
_ARTICLE_CLOSE = re.compile(r"</article\s*>", re.IGNORECASE)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(?:(?!</?p\b).){120,}?</p\s*>", re.IGNORECASE | re.DOTALL)
_ID = re.compile(r"""(\sid=)(["'])([^"']*)\2""", re.IGNORECASE)
_HEADLINES = (
    "Court Rules Against Warrantless Searches of Phones at the Border",
    "What the New Privacy Bill Means for Your Data",
    "Five Things to Know About Encryption Backdoors",
    "Lawmakers Push Age Verification Again",
    "Podcast: Building and Preserving the Library of Everything",
    "Victory! Appeals Court Upholds the Right to Record Police",
)


def _hex(rng: random.Random, n: int = 12) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _after_body_open(page: str, snippet: str) -> str:
    m = _BODY_OPEN.search(page)
    return page[: m.end()] + snippet + page[m.end() :] if m else snippet + page


def _before_body_close(page: str, snippet: str) -> str:
    ends = list(_BODY_CLOSE.finditer(page))
    return page[: ends[-1].start()] + snippet + page[ends[-1].start() :] if ends else page + snippet


def _long_paragraphs(page: str) -> list[re.Match[str]]:
    return list(_PARAGRAPH.finditer(page))


def banner(page: str, rng: random.Random) -> str:
    """A rotating promo banner at the top of the page."""
    headline = rng.choice(_HEADLINES)
    snippet = (
        f'<div id="site_banner" class="banner-{_hex(rng, 4)}"><a href="/donate?src={_hex(rng)}" class="site-banner">'
        f'<img src="/files/banner-{_hex(rng)}.jpg" alt="">{headline}: donate today and your gift is matched!</a></div>'
    )
    return _after_body_open(page, snippet)


def related(page: str, rng: random.Random) -> str:
    """A "Related posts" list at the end of the article element (else of the page)."""
    items = "".join(
        f'<li class="teaser"><a href="/news/{_hex(rng, 6)}">{h}</a>'
        f' <span class="date">{rng.randint(1, 28)} May</span></li>'
        for h in rng.sample(_HEADLINES, 4)
    )
    snippet = f'<section class="related-posts"><h2>Related posts</h2><ul>{items}</ul></section>'
    ends = list(_ARTICLE_CLOSE.finditer(page))
    if ends:
        at = ends[-1].start()
        return page[:at] + snippet + page[at:]
    return _before_body_close(page, snippet)


def dom_ids(page: str, rng: random.Random) -> str:
    """Every id attribute gets a new per-render suffix (Drupal's view-dom-id, React's ids)."""
    salt = _hex(rng, 8)
    return _ID.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}-{salt}{m.group(2)}", page)


def timestamps(page: str, rng: random.Random) -> str:
    """A header clock, a render-time comment and a generated-at footer line."""
    when = f"{rng.randint(1, 12):02d}:{rng.randint(0, 59):02d}"
    clock = (
        f'<div class="header-clock"><time datetime="2031-03-{rng.randint(10, 28)}T{when}">'
        f"Tuesday, March {rng.randint(10, 28)}, 2031 {when}</time></div><!-- rendered {_hex(rng)} at {when} -->"
    )
    footer = f'<div class="page-generated">Page generated at {when} in 0.{rng.randint(100, 999)} s</div>'
    return _before_body_close(_after_body_open(page, clock), footer)


def share_counts(page: str, rng: random.Random) -> str:
    """A share bar with live counts right before the first long paragraph (inside the article)."""
    paragraphs = _long_paragraphs(page)
    snippet = (
        '<div class="share-bar"><a href="https://twitter.com/share" class="share twitter">Tweet</a>'
        f'<span class="count">{rng.randint(10, 9999):,}</span>'
        '<a href="https://facebook.com/share" class="share facebook">Share</a>'
        f'<span class="count">{rng.randint(10, 9999):,} shares</span>'
        '<a href="mailto:?" class="share email">Email</a></div>'
    )
    if not paragraphs:
        return _after_body_open(page, snippet)
    at = paragraphs[0].start()
    return page[:at] + snippet + page[at:]


def ads(page: str, rng: random.Random) -> str:
    """An ad slot between two paragraphs of the article (after the second long one)."""
    paragraphs = _long_paragraphs(page)
    snippet = (
        f'<div class="ad-container ad-slot-{_hex(rng, 4)}" data-ad-unit="/{rng.randint(1000, 99999)}/article/mid">'
        '<span class="ad-label">Advertisement</span>'
        f'<iframe src="https://ads.example.com/{_hex(rng)}" width="300" height="250"></iframe></div>'
    )
    if len(paragraphs) < 2:
        return _before_body_close(page, snippet)
    at = paragraphs[1].end()
    return page[:at] + snippet + page[at:]


def cookie_banner(page: str, rng: random.Random) -> str:
    """A consent dialog with a paragraph of text and buttons, at the end of the page."""
    snippet = (
        f'<div id="cookie-consent-{_hex(rng, 4)}" class="cookie-banner" role="dialog"><p>We use cookies and similar '
        "technologies to improve your experience, measure the audience of our articles and show you content that "
        "fits your interests. By clicking Accept all you agree to this; you can change your choice at any time in "
        'the privacy settings.</p><button>Accept all</button><button>Settings</button><a href="/privacy">Privacy '
        "policy</a></div>"
    )
    return _before_body_close(page, snippet)


def hidden(page: str, rng: random.Random) -> str:
    """Hidden elements inside the article: none of it is visible, so none of it is text."""
    paragraphs = _long_paragraphs(page)
    token = _hex(rng, 6)
    snippet = (
        f'<div hidden>Hidden promo {token}: subscribe now to read our newsletter every morning.</div>'
        f'<span style="display: none">Tracking pixel text {token}</span>'
        f'<div aria-hidden="true">Screen-reader-hidden duplicate {token} of a caption.</div>'
        f'<div style="visibility:hidden">Invisible placeholder {token}</div>'
        f"<noscript>Please enable JavaScript {token} to see the interactive map.</noscript>"
        f'<template><p>Template paragraph {token} rendered later.</p></template>'
    )
    if not paragraphs:
        return _before_body_close(page, snippet)
    at = paragraphs[0].end()
    return page[:at] + snippet + page[at:]


MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "banner": banner,
    "related": related,
    "dom_ids": dom_ids,
    "timestamps": timestamps,
    "share_counts": share_counts,
    "ads": ads,
    "cookie_banner": cookie_banner,
    "hidden": hidden,
}


def mutate(page: str, kind: str, seed: str) -> str:
    """The page with one kind of chrome change ("all": every kind at once), the same for the same seed."""
    rng = random.Random(f"{kind}:{seed}")
    if kind == "all":
        for mutation in MUTATIONS.values():
            page = mutation(page, rng)
        return page
    return MUTATIONS[kind](page, rng)
