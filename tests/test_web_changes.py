"""The web view's page of recent changes (filterable as the Atom feed is) and its diff of any two chosen versions,
with the edited sentences inside their paragraph; one date format with its zone. Headless Chromium follows the
links and the picker as a person would."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from tests.fixtures.articles import STILL_FLAWED
from tests.test_email_screenshot import ARTIFACTS, chromium, read_png, run_chromium
from tests.test_web import HOSTILE, NOTE, SCRIPT, Filled, article_id, assert_inert, fill_database, serving


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Filled:
    return fill_database(tmp_path_factory.mktemp("web-changes"))


@pytest.fixture(scope="module")
def served(filled: Filled) -> Iterator[str]:
    with serving(filled.config) as url:
        yield url


def test_the_changes_page_lists_every_change_and_filters_like_the_feed(served: str, filled: Filled) -> None:
    everything = httpx.get(served + "/changes")
    assert everything.status_code == 200 and everything.headers["content-type"].startswith("text/html")
    page = everything.text
    items = re.findall(r'<span class="kind">([^<]+)</span>', page)
    assert len(items) >= 3 and "Update note" in items, items
    assert NOTE in html.unescape(page) and f'href="/article/{article_id(filled, STILL_FLAWED.url)}"' in page
    assert_inert(page)
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == [] and " style=" not in page
    assert 'href="/changes"' in httpx.get(served + "/").text, "every page links it"

    notes = httpx.get(served + "/changes?" + urlencode({"kind": "note_added", "q": ""})).text
    kinds = set(re.findall(r'<span class="kind">([^<]+)</span>', notes))
    assert kinds == {"Update note"}, kinds
    assert 'href="/changes.atom?kind=note_added"' in notes, "the same selection as a feed, for a reader"
    feed = httpx.get(served + "/changes.atom?kind=note_added").text
    assert feed.count("<entry>") == len(re.findall(r'<span class="kind">', notes))

    words = httpx.get(served + "/changes?" + urlencode({"q": "Hanoi"})).text
    assert "Hanoi" in html.unescape(words) and HOSTILE.title not in html.unescape(words)
    assert httpx.get(served + "/changes?kind=gossip").status_code == 400


def test_any_two_versions_can_be_compared_and_edits_show_their_paragraph(served: str, filled: Filled) -> None:
    aid = article_id(filled, STILL_FLAWED.url)
    page = httpx.get(f"{served}/article/{aid}").text
    assert f'<form class="compare" method="get" action="/article/{aid}/diff">' in page
    seqs = [int(s) for s in re.findall(r'<option value="(\d+)"', page)]
    first, last = min(seqs), max(seqs)
    picked = httpx.get(f"{served}/article/{aid}/diff", params={"a": last, "b": first}, follow_redirects=False)
    assert picked.status_code == 303 and picked.headers["location"] == f"/article/{aid}/diff/{first}/{last}"
    diff = httpx.get(served + picked.headers["location"]).text
    assert "<del>100</del>" in diff and "<ins>120</ins>" in diff
    context = [html.unescape(t) for t in re.findall(r'<p class="context">(.*?)</p>', diff, re.DOTALL)]
    at = next(i for i, p in enumerate(STILL_FLAWED.paragraphs) if "over 100 countries" in p)
    words = [re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", STILL_FLAWED.paragraphs[i]) for i in (at - 1, at + 1)]
    assert len(context) == 2, context
    assert context[0].lstrip("…")[-60:] in words[0] and context[1].rstrip("…")[:60] in words[1], (context, words)
    assert httpx.get(f"{served}/article/{aid}/diff", params={"a": "x", "b": 1}).status_code == 400
    assert "UTC" in diff and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", diff)


def test_in_a_browser_the_picker_and_the_changes_page_work(served: str, filled: Filled, tmp_path: Path) -> None:
    browser = chromium()
    profile = tmp_path / "profile"
    aid = article_id(filled, STILL_FLAWED.url)
    changes = run_chromium(browser, profile, "--dump-dom", served + "/changes?kind=note_added")
    assert changes.returncode == 0 and "Update note" in changes.stdout, changes.stderr[-2000:]
    assert SCRIPT in html.unescape(changes.stdout) or HOSTILE.title not in html.unescape(changes.stdout)
    # The picker's form, submitted as the browser would (GET with a and b), lands on the diff.
    diff = run_chromium(browser, profile, "--dump-dom", f"{served}/article/{aid}/diff?a=1&b=3")
    assert diff.returncode == 0 and "<del>" in diff.stdout and "<ins>" in diff.stdout, diff.stdout[-2000:]
    for name, url in (("web-changes.png", served + "/changes"), ("web-diff-1-3.png", f"{served}/article/{aid}"
                                                                                     "/diff/1/3")):
        shot = tmp_path / name
        result = run_chromium(browser, profile, f"--screenshot={shot}", url)
        assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
        _, _, pixels = read_png(shot.read_bytes())
        assert len(set(pixels[::97])) > 10, "a styled page was drawn"
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(shot, ARTIFACTS / name)


# What a page must measure in a phone's browser: the layout is the phone's width (the viewport meta took effect),
# nothing is wider than it (no sideways scrolling), no text smaller than 12 px, every control a thumb can hit.
MEASURE = """JSON.stringify({
  width: innerWidth, scroll: document.documentElement.scrollWidth,
  wider: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).slice(0, 5),
  tiny: [...document.querySelectorAll('body *')].filter(e => [...e.childNodes].some(n => n.nodeType === 3
    && n.textContent.trim()) && e.getClientRects().length && parseFloat(getComputedStyle(e).fontSize) < 12)
    .map(e => e.tagName.toLowerCase()).slice(0, 5),
  small: [...document.querySelectorAll('select, button, input:not([hidden])')]
    .filter(e => e.getBoundingClientRect().height < 44).map(e => e.tagName.toLowerCase()),
})"""


def test_every_page_reads_on_a_phone_and_on_a_desktop(served: str, filled: Filled, tmp_path: Path) -> None:
    """Index, article, recent changes, a two-version diff and the treaty page at 390 px (a phone, laid out by the
    viewport meta) and 1280 px, measured in Chromium; the screenshots are kept in tests/artifacts/ to look at."""
    from tests.browser import Browser

    aid = article_id(filled, STILL_FLAWED.url)
    pages = {"index": "/", "article": f"/article/{aid}", "changes": "/changes", "diff": f"/article/{aid}/diff/1/4",
             "treaty": "/treaty"}
    with Browser(chromium(), tmp_path / "profile") as browser:
        for name, path in pages.items():
            assert '<meta name="viewport" content="width=device-width' in httpx.get(served + path).text, name
            for size, (width, height, mobile) in {"phone": (390, 844, True), "desktop": (1280, 900, False)}.items():
                page = browser.open(served + path, width=width, height=height, mobile=mobile)
                seen = json.loads(page.evaluate(MEASURE))
                assert seen["width"] == width, f"{name} at {size}: laid out {seen['width']} px wide"
                assert seen["scroll"] <= width and not seen["wider"], f"{name} at {size} scrolls sideways: {seen}"
                assert not seen["tiny"] and not seen["small"], f"{name} at {size}: {seen}"
                shot = page.screenshot(ARTIFACTS / f"web-{name}-{size}.png")
                _, _, pixels = read_png(shot.read_bytes())
                assert len(set(pixels[::97])) > 5, f"{name} at {size}: a styled page was drawn"
