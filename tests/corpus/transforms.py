"""Small edits of a rendered page's HTML, for what Article-level helpers cannot express."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from tests.site import Article, inline

_TEXT_SPACE = re.compile(r" (?![^<]*>)")  # a space outside any tag


def paragraph_html(a: Article, i: int) -> str:
    """Body paragraph i exactly as article_page renders it (reflow off)."""
    return f"<p>{inline(a.paragraphs[i])}</p>"


def in_paragraph(page: str, a: Article, i: int, change: Callable[[str], str]) -> str:
    """Rewrite the HTML of body paragraph i (fails loudly if it is not there exactly once)."""
    target = paragraph_html(a, i)
    assert page.count(target) == 1, f"paragraph {i} of {a.path} found {page.count(target)} times"
    changed = change(target)
    assert changed != target, f"change to paragraph {i} of {a.path} did nothing"
    return page.replace(target, changed)


def after_paragraph(page: str, a: Article, i: int, snippet: str) -> str:
    """Insert HTML right after body paragraph i."""
    return in_paragraph(page, a, i, lambda p: p + snippet)


def replace_once(page: str, old: str, new: str) -> str:
    assert page.count(old) == 1, f"{old!r} found {page.count(old)} times"
    return page.replace(old, new)


def nbsp(paragraph: str) -> str:
    """Every space of the paragraph's text as &nbsp; (tags untouched)."""
    return _TEXT_SPACE.sub("&nbsp;", paragraph)


def figure(src: str, alt: str, caption: str) -> str:
    img = f'<img src="{src}" alt="{alt}" width="800" />'
    return f'<figure class="image">{img}<figcaption>{caption}</figcaption></figure>'


def with_paragraphs(a: Article, paragraphs: list[str]) -> Article:
    return dataclasses.replace(a, paragraphs=paragraphs)


def with_notes(a: Article, notes: list[str]) -> Article:
    return dataclasses.replace(a, notes=notes)


def with_title(a: Article, title: str) -> Article:
    return dataclasses.replace(a, title=title)


def insert_sentence(a: Article, i: int, after: str, sentence: str) -> Article:
    """Add `sentence` in paragraph i right after the sentence ending with `after`."""
    p = a.paragraphs[i]
    assert p.count(after) == 1, f"{after!r} found {p.count(after)} times in paragraph {i}"
    paragraphs = list(a.paragraphs)
    paragraphs[i] = p.replace(after, f"{after} {sentence}")
    return with_paragraphs(a, paragraphs)


def move_paragraph(a: Article, src: int, dst: int) -> Article:
    paragraphs = list(a.paragraphs)
    paragraphs.insert(dst, paragraphs.pop(src))
    return with_paragraphs(a, paragraphs)


def drop_paragraph(a: Article, i: int) -> Article:
    return with_paragraphs(a, [p for j, p in enumerate(a.paragraphs) if j != i])


def split_paragraph(a: Article, i: int, at: str) -> Article:
    """Split paragraph i into two just before `at` (same words, one more <p>)."""
    p = a.paragraphs[i]
    head, sep, tail = p.partition(at)
    assert sep, f"{at!r} not in paragraph {i}"
    return with_paragraphs(a, [*a.paragraphs[:i], head.rstrip(), at + tail, *a.paragraphs[i + 1 :]])
