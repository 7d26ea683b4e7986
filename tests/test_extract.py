"""extract_article / extract_teasers on EFF-like markup and on a real eff.org page with all its chrome."""

from __future__ import annotations

import dataclasses

import pytest

from monitor.core.errors import ExtractError
from monitor.sources.extract import extract_article, extract_teasers, page_is_closed
from tests.conftest import SHARED, needs_shared
from tests.fixtures.articles import SEEDED
from tests.site import EFF, Article, article_page

REAL_LISTING = SHARED / "real" / "eff-deeplinks-listing-2025.html"
CHROME = ("Skip to main content", "Join EFF Lists", "Share on", "Copy link", "Related Updates", "Library of Everything",
          "Donate", "form-N0v", "view-dom-id", "Filter by type", "Email updates", "Search")


def _still_flawed() -> Article:
    return next(a for a in SEEDED if "still-flawed" in a.path)


def test_article_parts_are_read_and_chrome_is_not() -> None:
    article = _still_flawed()
    snap = extract_article(article_page(article), EFF + article.path)
    assert snap.title.startswith("Still Flawed and Lacking Safeguards")
    assert snap.byline == "Karen Gullo" and snap.published == "2024-12-16"
    assert [n.label for n in snap.notes] == ["Update (1/6/2025)"]
    assert snap.paragraphs[0].startswith("Most UN Member States, including the U.S")
    text = " ".join(snap.paragraphs)
    for word in CHROME:
        assert word not in text


def test_chrome_changes_do_not_change_the_snapshot() -> None:
    article = _still_flawed()
    a = extract_article(article_page(article), "u")
    b = extract_article(
        article_page(article, banner="Donate today!", dom_id="ffff", form_build_id="form-zzz",
                     related=["Something else entirely"], share=False, reflow=True),
        "u",
    )
    assert a.content_hash() == b.content_hash()


def test_error_page_served_with_200_is_an_extract_error_not_a_change() -> None:
    """A page with no body is an error everywhere; a short body is one only for the EFF profile, which knows its
    pages. Elsewhere a short body is read (a short post is an article) and judged against the article's last
    version by decide (tests/test_short_posts.py)."""
    with pytest.raises(ExtractError, match="no article body"):
        extract_article("<html><body><h1>Please log in</h1><form>…</form></body></html>", "u")
    stub = "Access denied. You are not authorized to access this page."
    short = dataclasses.replace(_still_flawed(), notes=[], paragraphs=[stub])
    with pytest.raises(ExtractError, match=r"article body too short \(10 words\)"):
        extract_article(article_page(short), EFF + short.path)
    blog = (f"<html><body><header><a href='/'>Home</a> <a href='/about'>About</a></header><article><h1>Notice</h1>"
            f"<p>{stub}</p></article><footer>Blog of Example</footer></body></html>")
    assert extract_article(blog, "https://blog.example.org/p/1").paragraphs == (stub,)


def test_html_garbage_is_an_extract_error() -> None:
    with pytest.raises(ExtractError):
        extract_article("\x00\x01<<<>>>&&&;;", "u")


@needs_shared()
def test_real_listing_page_is_not_mistaken_for_an_article() -> None:
    html = REAL_LISTING.read_text(encoding="utf-8")
    with pytest.raises(ExtractError, match="no article body"):
        extract_article(html, EFF + "/deeplinks")


@needs_shared()
def test_real_listing_page_teasers_carry_no_chrome() -> None:
    teasers = extract_teasers(REAL_LISTING.read_text(encoding="utf-8"), EFF + "/deeplinks")
    assert len(teasers) == 15
    assert len({t.url for t in teasers}) == 15
    first = teasers[0]
    assert first.title == "TechEd Collab: Building Community in Arizona Around Tech Awareness"
    assert first.url == EFF + "/deeplinks/2025/07/teched-collab-building-community-arizona-around-tech-awareness"
    assert first.author == "Christopher Vines" and first.published == "2025-07-31"
    for teaser in teasers:
        assert teaser.url.startswith(EFF + "/deeplinks/")
        for word in CHROME:
            assert word not in teaser.title + teaser.summary, (teaser.title, word)


@pytest.mark.parametrize(("tail", "closed"), [
    ("<p>end</p></body></html>", True), ("<p>end</p></BODY >\n", True), ("<p>end</p></html\t>", True),
    ("<p>end</p></body", False), ("<p>end of a cut page", False), ("</body>" + "x" * 70_000, False),
])
def test_a_page_is_closed_by_its_closing_tags_in_its_last_64k(tail: str, closed: bool) -> None:
    assert page_is_closed("<html><body>" + tail) is closed
