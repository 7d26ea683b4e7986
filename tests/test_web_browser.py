"""The web view in headless Chromium against `monitor serve`: the front page's script runs under the CSP,
an article's diff page shows struck and added words, and hostile article text stays text in the DOM.

Navigation follows the links the pages carry (front page → article → diff). The diff
page's screenshot is kept in tests/artifacts/web-diff.png for a person to look at.
Skips without Debian's chromium, except under CI.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.articles import STILL_FLAWED
from tests.test_email_screenshot import ARTIFACTS, GREEN_BG, RED, _near, chromium, read_png, run_chromium
from tests.test_web import HOSTILE, IMG, SCRIPT, fill_database, serving


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`monitor serve` over a database three real cycles filled (see tests/test_web.py)."""
    with serving(fill_database(tmp_path_factory.mktemp("web-browser")).config) as url:
        yield url


def dom(browser: Path, profile: Path, url: str) -> str:
    result = run_chromium(browser, profile, "--dump-dom", url)
    assert result.returncode == 0 and "</html>" in result.stdout, result.stderr[-2000:]
    return result.stdout


def link_to(page: str, text: str) -> str:
    """The href of the first <a> whose visible text contains `text`."""
    for href, label in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', page, re.DOTALL):
        if text in html.unescape(re.sub(r"<[^>]+>", "", label)):
            return html.unescape(href)
    raise AssertionError(f"no link reading {text!r} in:\n{page[:3000]}")


def test_browser_follows_to_a_diff_and_sees_struck_and_added_words(served: str, tmp_path: Path) -> None:
    browser = chromium()
    profile = tmp_path / "profile"

    front = dom(browser, profile, served + "/")
    assert re.search(r'<input id="filter"[^>]*>', front) and not re.search(r'<input id="filter"[^>]*hidden', front), \
        "filter.js ran (the CSP lets our own static script in) and showed the box"
    article = dom(browser, profile, served + link_to(front, STILL_FLAWED.title))
    diff_url = served + link_to(article, "changes from")
    assert "/diff/" in diff_url
    diff = dom(browser, profile, diff_url)
    struck = [html.unescape(t) for t in re.findall(r"<del>(.*?)</del>", diff, re.DOTALL)]
    added = [html.unescape(t) for t in re.findall(r"<ins>(.*?)</ins>", diff, re.DOTALL)]
    assert "100" in struck and "120" in added, (struck, added)

    shot = tmp_path / "diff.png"
    result = run_chromium(browser, profile, f"--screenshot={shot}", diff_url)
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / "web-diff.png")
    _, _, pixels = read_png(shot.read_bytes())
    assert len(set(pixels[::97])) > 20, "a styled page was drawn"
    assert sum(1 for p in pixels if _near(p, RED, 40)) > 20, "struck words are drawn red (style.css loaded)"
    assert sum(1 for p in pixels if _near(p, GREEN_BG, 6)) > 100, "added words have their green background"


def test_browser_dom_holds_hostile_text_as_text(served: str, tmp_path: Path) -> None:
    browser = chromium()
    profile = tmp_path / "profile"
    front = dom(browser, profile, served + "/")
    article = dom(browser, profile, served + link_to(front, SCRIPT))
    diff = dom(browser, profile, served + link_to(article, "changes from"))
    for page in (front, article, diff):
        assert "<img" not in page and "<script>alert" not in page
        assert SCRIPT in html.unescape(page) and IMG in html.unescape(page)
    assert HOSTILE.title in html.unescape(article)
