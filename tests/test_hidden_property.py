"""Properties: what a reader cannot see never changes what the monitor reads.

Random subtrees hidden by `hidden`, `aria-hidden="true"`, inline `display:none`, `<noscript>` or
`<template>`, inserted anywhere among an EFF article's body blocks, and random Unicode format
characters (category Cf) and variation selectors sprinkled into its title, notes and body,
leave `read_article`'s snapshot with the same content hash as the clean page.
"""

from __future__ import annotations

import dataclasses
import html
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.sources.extract import read_article
from tests.fixtures.articles import STILL_FLAWED
from tests.site import article_page

ARTICLE = STILL_FLAWED
CLEAN = read_article(article_page(ARTICLE), ARTICLE.url).snapshot.content_hash()
ANCHOR = '<div class="field__item even">'

WRAPPERS = (
    ("<div hidden>", "</div>"),
    ('<span aria-hidden="true">', "</span>"),
    ('<div style="display:none">', "</div>"),
    ('<div style="color: red; DISPLAY : none !important">', "</div>"),  # (a <p> cannot hold a <p>)
    ("<noscript>", "</noscript>"),
    ("<template>", "</template>"),
    ('<div class="mytube" hidden><span class="mytubetrigger">', "</span></div>"),
)

words = st.text(alphabet=st.characters(categories=("L", "N", "Zs", "P")), min_size=1, max_size=40).map(html.escape)


@st.composite
def hidden_subtree(draw: st.DrawFn) -> str:
    """A hidden element holding text and visible-looking markup (paragraphs, links, video parameters)."""
    inner = draw(st.lists(st.one_of(
        words.map(lambda w: f"<p>{w}</p>"),
        words.map(lambda w: f'<a href="https://www.youtube.com/embed/x?autoplay=1%26rel%3D0">{w}</a>'),
        words.map(lambda w: f"<em>{w}</em> {w}"),
        words,
    ), min_size=1, max_size=4))
    start, end = draw(st.sampled_from(WRAPPERS))
    return start + "".join(inner) + end


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 30), hidden_subtree()), min_size=1, max_size=4))
def test_hidden_subtrees_never_change_the_canonical_text(insertions: list[tuple[int, str]]) -> None:
    page = article_page(ARTICLE)
    start = page.index(ANCHOR) + len(ANCHOR)
    end = page.index("</div></div></div>", start)
    body = page[start:end]
    blocks = body.split("</p>")  # insert only between whole blocks, never inside a tag
    for where, subtree in insertions:
        at = where % len(blocks)
        blocks[at] = subtree + blocks[at]
    hostile = page[:start] + "</p>".join(blocks) + page[end:]
    assert read_article(hostile, ARTICLE.url).snapshot.content_hash() == CLEAN


FORMAT_CHARS = [c for c in map(chr, range(0x2000, 0x2070)) if unicodedata.category(c) == "Cf"]
INVISIBLE = st.sampled_from([*FORMAT_CHARS, "\u200b", "\u200d", "\ufeff", "\ufe0f", "\ufe0e", "\u00ad"])


@st.composite
def sprinkled(draw: st.DrawFn, text: str) -> str:
    positions = draw(st.lists(st.integers(0, len(text)), max_size=6))
    chars = list(text)
    for p in sorted(positions, reverse=True):
        chars.insert(p, draw(INVISIBLE))
    return "".join(chars)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_invisible_characters_never_change_the_canonical_text(data: st.DataObject) -> None:
    title = data.draw(sprinkled(ARTICLE.title))
    notes = [data.draw(sprinkled(n)) for n in ARTICLE.notes]
    paragraphs = [p if "](" in p else data.draw(sprinkled(p)) for p in ARTICLE.paragraphs]
    changed = dataclasses.replace(ARTICLE, title=title, notes=notes, paragraphs=paragraphs)
    assert read_article(article_page(changed), ARTICLE.url).snapshot.content_hash() == CLEAN
