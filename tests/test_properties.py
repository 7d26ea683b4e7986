"""Property-based tests (hypothesis): what no input may do.

(a) Pure and fast: markup that leaves an article's text alone — attributes, extra chrome,
    comments, whitespace, quote styles, link targets — never makes `compare` report a
    change; and no bytes, HTML or XML make the readers raise anything but a MonitorError.
(b) Whole cycle, few examples: random garbage served as the feed and as an article
    page never crashes `monitor check`, never alerts and never touches stored versions.
"""

from __future__ import annotations

import contextlib
import html
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from monitor.core.errors import MonitorError
from monitor.core.model import Snapshot
from monitor.decide.compare import compare
from monitor.sources.extract import extract_article, extract_teasers
from monitor.sources.feeds import parse_feed
from monitor.sources.fetch import decode_body
from tests.conftest import ROBOTS, run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver
from tests.replay import ReplaySite
from tests.site import EFF, FEED_PATH, Article, article_page, feed, publish, retarget_links, swap_typography

# derandomize: the same examples on every run, so a product bug fails every run (no flaky CI), and no
# .hypothesis/ directory is written into the checkout.
FAST = settings(max_examples=120, deadline=None, database=None, derandomize=True)
ROBUST = settings(max_examples=150, deadline=None, database=None, derandomize=True)
# A cycle is a subprocess (~0.5 s): no shrinking, the first failing example is reported as found.
CYCLE = settings(max_examples=8, deadline=None, database=None, derandomize=True,
                 phases=[Phase.explicit, Phase.generate],
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# -- (a) markup that does not touch the article's text ------------------------------------------------

_BASELINE: dict[str, Snapshot] = {}


def baseline(a: Article) -> Snapshot:
    if a.path not in _BASELINE:
        _BASELINE[a.path] = extract_article(article_page(a), a.url)
    return _BASELINE[a.path]


words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)
names = st.from_regex(r"x-[a-z0-9]{1,8}", fullmatch=True)  # never one of the extractor's own class names
_OPEN_TAG = re.compile(r"<(p|a|div|em|i|strong|article|h1|h2|span|li|ul|header|body|meta|link)\b([^<>]*?)(/?)>")
_BETWEEN_TAGS = re.compile(r"(?<=>)(?=<)")
_COMMENT_SAFE = re.compile(r"[-<>!]")


@st.composite
def attributes(draw: st.DrawFn) -> str:
    """Extra class/id/data-* attributes; appended after the existing ones, so the originals still win."""
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["class", "id", "data"]))
        if kind == "data":
            parts.append(f'data-{draw(names)}="{html.escape(draw(words), quote=True)}"')
        else:
            parts.append(f'{kind}="{draw(names)}"')
    return " " + " ".join(parts)


@st.composite
def chrome(draw: st.DrawFn) -> str:
    tag = draw(st.sampled_from(["div", "section", "nav", "span", "p"]))
    text = html.escape(draw(words), quote=False)
    return f'<{tag} class="{draw(names)}">{text}</{tag}>'


@dataclass(frozen=True)
class Mutation:
    """How one rendering of an article differs from another without touching its text."""

    attrs: tuple[tuple[int, str], ...]  # (which opening tag, extra attributes)
    comments: tuple[tuple[int, str], ...]  # (which gap between two tags, comment text)
    padded: tuple[int, ...]  # which <p> gets whitespace inside its edges

    def apply(self, page: str) -> str:
        tags = list(_OPEN_TAG.finditer(page))
        inserts: list[tuple[int, str]] = []
        for index, extra in self.attrs:
            m = tags[index % len(tags)]
            inserts.append((m.end() - 1 - len(m.group(3)), extra))
        gaps = [m.start() for m in _BETWEEN_TAGS.finditer(page)]
        for index, text in self.comments:
            inserts.append((gaps[index % len(gaps)], f"<!-- {_COMMENT_SAFE.sub(' ', text)} -->"))
        paragraphs = [m.end() for m in re.finditer(r"<p>", page)]
        for index in self.padded:
            inserts.append((paragraphs[index % len(paragraphs)], "\n   \t "))
        for at, text in sorted(inserts, key=lambda pair: pair[0], reverse=True):
            page = page[:at] + text + page[at:]
        return page


@st.composite
def chrome_only_pages(
    draw: st.DrawFn, articles: tuple[Article, ...] = tuple(SEEDED), *, text_styles: bool = True
) -> tuple[Article, str]:
    """A seeded article rendered with other chrome, attributes, comments and whitespace.

    With `text_styles`, also other quote styles and other link targets (the text a reader
    reads is the same; the canonical text folds typography, links compare by their text).
    """
    article = draw(st.sampled_from(articles))
    rendered = article
    if text_styles and draw(st.booleans()):
        rendered = swap_typography(rendered)
    if text_styles and draw(st.booleans()):
        target = draw(st.sampled_from(["https://example.org/x?utm=", "#", "/node/", "javascript:void%200;", ""]))
        suffix = draw(st.from_regex(r"[a-z0-9]{0,12}", fullmatch=True))
        rendered = retarget_links(rendered, lambda href: f"{target}{suffix}")
    page = article_page(
        rendered,
        banner=draw(words.filter(str.strip)),
        dom_id=draw(st.from_regex(r"[0-9a-f]{32}", fullmatch=True)),
        form_build_id="form-" + draw(st.from_regex(r"[A-Za-z0-9_-]{10,43}", fullmatch=True)),
        related=draw(st.lists(words.filter(str.strip), max_size=4)),
        share=draw(st.booleans()),
        extra_chrome="".join(draw(st.lists(chrome(), max_size=3))),
        reflow=draw(st.booleans()),
    )
    mutation = Mutation(
        attrs=tuple(draw(st.lists(st.tuples(st.integers(0, 10_000), attributes()), max_size=8))),
        comments=tuple(draw(st.lists(st.tuples(st.integers(0, 10_000), words), max_size=8))),
        padded=tuple(draw(st.lists(st.integers(0, 1000), max_size=5))),
    )
    return article, mutation.apply(page)


@FAST
@given(chrome_only_pages())
def test_markup_that_keeps_the_text_is_never_a_change(case: tuple[Article, str]) -> None:
    article, page = case
    snapshot = extract_article(page, article.url)
    assert compare(baseline(article), snapshot) is None


# -- (a) no input makes a reader raise anything but a MonitorError ----------------------------------

_TAGS = ["html", "head", "body", "div", "p", "span", "h1", "em", "a", "script", "style", "table", "td", "form",
         "main", "section", "header", "br", "img", "template", "svg", "iframe", "noscript", "article"]
_XML_TAGS = ["rss", "channel", "item", "title", "link", "description", "guid", "pubDate", "category", "feed",
             "entry", "content", "summary", "author", "dc:creator", "atom:link", "rdf:RDF", "xml"]
_CLASSES = ["node--full", "field--name-body", "node-teaser", "node--teaser", "node__title", "pane-page-title",
            "byline", "x-1", "field-name-body", "node"]


SPECIAL_TOKENS = [
    "&amp;", "&nbsp;", "&#0;", "&#xD800;", "&#x110000;", "&#99999999999999999999;", "&bogus;", "&a;",
    "<![CDATA[x]]>", "]]>", "<!--", "-->", "<?xml version='1.0' encoding='utf-16'?>", "<!DOCTYPE x [<!ENTITY a 'b'>]>",
    "Update (1/2/2025): the treaty", "\ufeff", "\x00", "<", "</", "\r\n",
]


def _markup(tags: list[str], *, xml: bool) -> st.SearchStrategy[str]:
    text = st.one_of(
        words.map(lambda s: html.escape(s, quote=False)),
        st.sampled_from(SPECIAL_TOKENS),
    )

    def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        @st.composite
        def build(draw: st.DrawFn) -> str:
            tag = draw(st.sampled_from(tags))
            attrs = ""
            if draw(st.booleans()):
                attrs = f' class="{" ".join(draw(st.lists(st.sampled_from(_CLASSES), max_size=3)))}"'
            if xml and draw(st.booleans()):
                attrs += f' domain="{html.escape(draw(words), quote=True)}"'
            inner = "".join(draw(st.lists(children, max_size=4)))
            closing = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", f"</{draw(st.sampled_from(tags))}>"]))
            return f"<{tag}{attrs}>{inner}{closing}"

        return build()

    return st.recursive(text, element, max_leaves=25)


@st.composite
def raw_inputs(draw: st.DrawFn) -> tuple[bytes, str]:
    """(body, Content-Type) the way a server might hand them over."""
    kind = draw(st.sampled_from(["bytes", "html", "xml", "cut-feed", "cut-page"]))
    if kind == "bytes":
        body = draw(st.binary(max_size=3000))
    elif kind == "html":
        body = draw(_markup(_TAGS, xml=False)).encode("utf-8", errors="surrogatepass")
    elif kind == "xml":
        body = ('<?xml version="1.0"?>' + draw(_markup(_XML_TAGS, xml=True))).encode("utf-8", errors="surrogatepass")
    elif kind == "cut-feed":
        whole = feed(SEEDED).encode()
        body = whole[: draw(st.integers(0, len(whole)))] + draw(st.binary(max_size=50))
    else:
        whole = article_page(STILL_FLAWED).encode()
        body = whole[: draw(st.integers(0, len(whole)))] + draw(st.binary(max_size=50))
    content_type = draw(st.sampled_from(["text/html; charset=utf-8", "application/rss+xml", "text/xml; charset=koi8-r",
                                         "text/html; charset=nonsense", "", "application/atom+xml; charset=utf-16"]))
    return body, content_type


def _only_monitor_errors(call: Callable[[], Any]) -> None:
    with contextlib.suppress(MonitorError):
        call()


@ROBUST
@given(raw_inputs())
def test_readers_raise_nothing_but_monitor_errors(raw: tuple[bytes, str]) -> None:
    body, content_type = raw
    text = decode_body(body, content_type)  # what the fetcher hands over; must never raise itself
    _only_monitor_errors(lambda: extract_article(text, STILL_FLAWED.url))
    _only_monitor_errors(lambda: extract_teasers(text, EFF + "/issues/un-cybercrime-treaty"))
    _only_monitor_errors(lambda: parse_feed(body, EFF + FEED_PATH, content_type))


# -- (b) a whole cycle on garbage -------------------------------------------------------------------------


@dataclass
class World:
    site: ReplaySite
    receiver: JsonReceiver
    baseline_db: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One site, one receiver and one baseline database for every example (hypothesis runs many per test)."""
    root = tmp_path_factory.mktemp("property-baseline")
    receiver = JsonReceiver()
    with ReplaySite() as site:
        site.set("/robots.txt", ROBOTS, content_type="text/plain")
        publish(site, SEEDED)
        cfg = write_config(root, site, [receiver.url()], quiet_days=100_000)
        result = run_monitor("check", config=cfg)
        assert result.returncode == 0 and receiver.messages == [], result.stderr
        yield World(site, receiver, root / "monitor.sqlite3")
    receiver.close()


def _versions(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT article_id, seq, content_hash FROM versions ORDER BY id").fetchall()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    return rows


def _garbage_page(draw: st.DrawFn) -> tuple[bytes, str]:
    """Something served where the article was: garbage, or the article itself in other chrome."""
    kind = draw(st.sampled_from(["bytes", "html", "chrome"]))
    if kind == "bytes":
        return draw(st.binary(min_size=1, max_size=4000)), "text/html"
    if kind == "html":
        no_article = [t for t in _TAGS if t != "article"]  # an <article> full of random words would be a real edit
        body = draw(_markup(no_article, xml=False).filter(lambda s: "node--full" not in s))
        return body.encode("utf-8", errors="replace"), "text/html; charset=utf-8"
    _, page = draw(chrome_only_pages((STILL_FLAWED,), text_styles=False))
    return page.encode(), "text/html; charset=utf-8"


@st.composite
def garbage_site(draw: st.DrawFn) -> tuple[tuple[bytes, str], tuple[bytes, str]]:
    feed_kind = draw(st.sampled_from(["bytes", "xml", "cut"]))
    if feed_kind == "bytes":
        feed_body = draw(st.binary(max_size=4000))
    elif feed_kind == "xml":  # no <link>: a random feed must not announce a real new post
        tags = [t for t in _XML_TAGS if t != "link"]
        feed_body = ('<?xml version="1.0"?>' + draw(_markup(tags, xml=True))).encode("utf-8", errors="replace")
    else:
        whole = feed(SEEDED).encode()
        feed_body = whole[: draw(st.integers(0, len(whole)))]
    return (feed_body, "application/rss+xml"), _garbage_page(draw)


@CYCLE
@given(garbage_site())
def test_a_cycle_on_garbage_never_crashes_alerts_or_rewrites_history(
    world: World, served: tuple[tuple[bytes, str], tuple[bytes, str]]
) -> None:
    (feed_body, feed_type), (page_body, page_type) = served
    tmp = Path(tempfile.mkdtemp(prefix="prop-cycle-"))
    try:
        db = tmp / "monitor.sqlite3"
        shutil.copy(world.baseline_db, db)
        before = _versions(db)
        publish(world.site, SEEDED)
        world.site.set(FEED_PATH, feed_body, content_type=feed_type)
        world.site.set(STILL_FLAWED.path, page_body, content_type=page_type)
        cfg = write_config(tmp, world.site, [world.receiver.url()], quiet_days=100_000, database=db)

        result = run_monitor("check", config=cfg)

        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert world.receiver.messages == [], [m.get("title") for m in world.receiver.messages]
        assert _versions(db) == before
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

