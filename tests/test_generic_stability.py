"""Stability of the generic reader, proven on pages nobody picked: a small chrome block (a share bar, an ad slot, a
newsletter promo, a consent dialog) put anywhere between a page's elements changes nothing it reads.

Two rules were found wanting by bench/extraction.py's chrome mutations on real pages, and are drawn wider here:
- a named block is small (chrome whatever its share) by its own text, not by the small named blocks put into it: a
  share bar inside a "gallery-body" of 590 characters made it large, and the page's real text under a <figcaption>
  (a slideshow) chrome;
- a teaser is shaped by its own links and text, not by a share bar put into it: two parts of a short article (its
  head with a "gift this article" link, its body) became two "teasers" and the article was lost.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.core.errors import ExtractError
from monitor.sources.extract import read_article
from tests.test_generic_names import SETTINGS, URL, WORDS, chrome_name, sentence

HEAD = "Council Votes on the Budget"
# The small chrome a re-render adds: each under 600 characters, named as chrome (or declared a dialog).
SMALL_CHROME = (
    '<div class="share-bar"><a href="https://twitter.com/share">Tweet</a><span>{n:,}</span>'
    '<a href="https://facebook.com/share">Share</a><span>{n:,} shares</span><a href="mailto:?">Email</a></div>',
    '<div class="ad-slot-{n}"><span>Advertisement</span><iframe src="https://ads.example/{n}"></iframe></div>',
    '<aside class="newsletter-promo"><p>Sign up for our newsletter: the {n} best stories of the week, every '
    "Friday morning, in your inbox.</p></aside>",
    '<div class="consent" role="dialog"><p>We use cookies to measure the audience of our {n} articles and to '
    "show you content that fits your interests.</p><button>Accept</button></div>",
    '<section class="related-posts"><h2>Related</h2><ul>' + "".join(
        f'<li class="teaser"><a href="/news/{{n}}{i}">Lawmakers push the transit plan again, part {i}</a> '
        f'<span class="date">{i + 1} May</span></li>' for i in range(4)) + "</ul></section>",
    '<div class="header-clock"><time datetime="2031-03-10T10:{n}">Tuesday, March 10, 2031 10:{n}</time></div>',
    '<div hidden>Hidden promo {n}: subscribe now to read our newsletter every morning.</div>'
    '<div aria-hidden="true">Screen-reader-hidden duplicate {n} of a caption.</div>'
    '<noscript>Please enable JavaScript {n} to see the interactive map.</noscript>',
)
# Where an element may start or end: a block put there never splits a paragraph.
_BOUNDARY = re.compile(r"<(?:p|div|section|article|aside|figcaption|h[1-6])\b|</(?:p|div|section|aside|figcaption)>")


@st.composite
def named_box(draw: st.DrawFn) -> str:
    """A box under a chrome name (a caption, a gallery's text, a sidebar) holding 300-900 characters of prose:
    around the size under which a named block is chrome whatever its share."""
    texts = draw(st.lists(sentence, min_size=2, max_size=9))
    while sum(map(len, texts)) < 300:
        texts.append(draw(sentence))
    tag = draw(st.sampled_from(["div", "figcaption", "section", "aside"]))
    return f'<{tag} class="{draw(chrome_name())}">' + "".join(f"<p>{t}</p>" for t in texts) + f"</{tag}>"


@st.composite
def page(draw: st.DrawFn) -> str:
    """A page of a headline, an article (a head with a linked line, a body of 1-6 paragraphs, from a short post
    to a long one) and 0-3 named boxes before, inside or after it."""
    body = draw(st.lists(st.lists(sentence, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=6))
    while len(" ".join(body).split()) < 35:  # an article by the reader's measure (30 words), short or long
        body.append(draw(sentence))
    head = (f'<div class="{draw(st.sampled_from(["a-head", "top", "intro"]))}"><h1>{HEAD}</h1>'
            f'<p><a href="/gift">Gift this article</a></p><p>By {draw(st.sampled_from(WORDS)).title()} Reporter</p>'
            "</div>")
    parts = [f"<p>{p}</p>" for p in body]
    boxes = draw(st.lists(named_box(), max_size=3))
    outside: list[str] = []
    for box in boxes:
        if draw(st.booleans()):
            parts.insert(draw(st.integers(0, len(parts))), box)
        else:
            outside.append(box)
    tag = draw(st.sampled_from(["article", "div", "main", "aside", "section"]))
    name = draw(st.one_of(st.sampled_from(["story", "x-w", "col"]), chrome_name()))  # names wrap articles too
    article = f'<{tag} class="{name}">{head}<div class="b">' + "".join(parts) + f"</div></{tag}>"
    if draw(st.booleans()):  # a sidebar of teasers and text under a weak name
        items = draw(st.lists(sentence, min_size=1, max_size=12))
        outside.append(f'<div class="{draw(st.sampled_from(["sidebar", "widget-area", "rail"]))}">' + "".join(
            f'<div class="item"><h3><a href="/s{i}">{t[:40]}</a></h3><p>{t}</p></div>' for i, t in enumerate(items))
            + "</div>")
    at = draw(st.integers(0, len(outside)))
    content = "".join([*outside[:at], article, *outside[at:]])
    return f"<html><head><title>{HEAD} | Example News</title></head><body>{content}</body></html>"


def _identity(html: str) -> str | None:
    try:
        return read_article(html, URL).snapshot.content_hash()
    except ExtractError:
        return None


@settings(SETTINGS, max_examples=120)
@given(page(), st.data())
def test_a_small_chrome_block_put_between_any_elements_changes_no_reading(html: str, data: st.DataObject) -> None:
    before = _identity(html)
    spots = [m.start() if m.group().startswith("<") and not m.group().startswith("</") else m.end()
             for m in _BOUNDARY.finditer(html, html.index("<body>"))]
    at = data.draw(st.sampled_from(spots))
    block = data.draw(st.sampled_from(SMALL_CHROME)).format(n=data.draw(st.integers(10, 9999)))
    mutated = html[:at] + block + html[at:]
    assert _identity(mutated) == before, mutated


# A break found by the test above at 1,500 examples (it runs 120 in CI, derandomized): a short article under a
# chrome name is read only leniently, where a named block holding half the page's text is no longer small, and a
# promo added to the page tips the article under half. Counting the largest such block against the page without
# the other small named blocks mends it, but reads other pages worse (Dragnet's and Postlight's halves) and makes
# false changes of its own on two Dragnet pages; left open.
def _words(n: int) -> str:
    return " ".join(["Committee"] + ["committee"] * (n - 1)) + "."


@pytest.mark.xfail(strict=True, reason="a promo added beside a short article read leniently tips it under half")
def test_a_promo_beside_a_short_article_under_a_chrome_name_changes_no_reading() -> None:
    items = "".join(f'<div class="item"><h3><a href="/s{i}">Committee committee committee committee</a></h3>'
                    f"<p>{_words(n)}</p></div>" for i, n in enumerate((12, 17)))
    body = (f'<aside class="story"><div class="a-head"><h1>{HEAD}</h1><p><a href="/gift">Gift this article</a></p>'
            f'<p>By Committee Reporter</p></div><div class="b"><p>{_words(17)} {_words(18)}</p></div></aside>'
            f'<div class="sidebar">{items}</div>')
    page = f"<html><head><title>{HEAD} | Example News</title></head><body>{{}}{body}</body></html>"
    assert _identity(page.format("")) is not None
    assert _identity(page.format(SMALL_CHROME[2].format(n=10))) == _identity(page.format(""))
