"""The generic reader: a class, id or tag name is evidence, never a verdict.

An article's text wrapped in containers whose class and id names come from the chrome vocabulary
(social, nav, modal, sharing, sidebar, footer, comments, related, promo, menu, drawer …, with any
prefix or suffix: `js-social-anchor-start`, `navDrawerWrapper`, `gallery-wrap`) and whose tags are
header, aside, nav, footer, menu, figcaption or form (a page-wide ASP.NET form) is still read whole;
the genuine chrome around it (a nav list, a link-dense share bar, a "most read" list, a footer,
comments by many hands) is still dropped. Pages are drawn by hypothesis from a space wider than the
issue's examples, and read end to end by `read_article`.
"""

from __future__ import annotations

import sys
from types import ModuleType

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from monitor.core.errors import ExtractError
from monitor.sources.extract import read_article
from monitor.sources.extract.names import STRONG_CHROME, WEAK_CHROME
from tests.conftest import REPO

URL = "https://news.example.org/2025/05/story"
TITLE = "Council Votes on the Budget"
# The chrome vocabulary: every word the reader knows, and the layout words seen wrapping articles in the wild.
CHROME = sorted(STRONG_CHROME | WEAK_CHROME | {"drawer", "slideout", "offcanvas", "anchor", "overlay", "header",
                                                  "aside", "rail", "wrapper", "layout", "panel", "start"})
WORDS = ("committee", "members", "proposal", "budget", "council", "schools", "transit", "funding", "vote",
         "residents", "hearing", "amendment", "weeks", "cost", "city", "plan", "delay", "report", "court", "review")
SETTINGS = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

affix = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@st.composite
def chrome_name(draw: st.DrawFn) -> str:
    """One class token or id naming chrome: a chrome word with prefixes and suffixes, joined by -, _ or camelCase."""
    parts = [*draw(st.lists(affix, max_size=2)), draw(st.sampled_from(CHROME)), *draw(st.lists(affix, max_size=2))]
    joiner = draw(st.sampled_from(["-", "_", "--", "camel"]))
    if joiner == "camel":
        return parts[0] + "".join(p.capitalize() for p in parts[1:])
    return joiner.join(parts)


@st.composite
def wrapper(draw: st.DrawFn) -> tuple[str, str]:
    """An opening and closing tag named as chrome (by its tag, its class, its id, or several)."""
    tag = draw(st.sampled_from(["div", "section", "main", "article", "header", "aside", "nav", "footer", "menu",
                                "figcaption", "form"]))
    attrs = ""
    if draw(st.booleans()) or tag in ("div", "section", "main", "article"):
        attrs += ' class="' + " ".join(draw(st.lists(chrome_name(), min_size=1, max_size=3))) + '"'
    if draw(st.booleans()):
        attrs += f' id="{draw(chrome_name())}"'
    return f"<{tag}{attrs}>", f"</{tag}>"


sentence = st.lists(st.sampled_from(WORDS), min_size=8, max_size=18).map(lambda w: " ".join(w).capitalize() + ".")
paragraph = st.lists(sentence, min_size=3, max_size=4).map(" ".join)
# An article: 600 characters and more (a named block under that is chrome whatever its share: a cookie notice
# alone on a page is no article).
article = st.lists(paragraph, min_size=4, max_size=7).filter(lambda ps: sum(map(len, ps)) >= 600)

NAV = '<ul class="menu">' + "".join(f'<li><a href="/{s}">{s.title()} section</a></li>' for s in WORDS[:8]) + "</ul>"
SHARE = ('<div class="share-tools"><a href="https://twitter.com/share">Share on Twitter</a> '
         '<a href="https://facebook.com/share">Share on Facebook</a> <a href="mailto:?">Email this story</a></div>')
MOST_READ = '<div class="rail"><h2>Most read</h2><ul>' + "".join(
    f'<li><a href="/story/{i}">Another story entirely, number {i} of the day</a></li>' for i in range(6)
) + "</ul></div>"
FOOTER = '<footer class="site-footer"><p><a href="/about">About us</a> · <a href="/contact">Contact</a></p></footer>'
CHROME_TEXT = ("section", "Share on", "Email this story", "Most read", "Another story", "About us")


def _page(paragraphs: list[str], wrappers: list[tuple[str, str]], share_inside: bool) -> str:
    body = f"<h1>{TITLE}</h1>" + (SHARE if share_inside else "") + "".join(f"<p>{p}</p>" for p in paragraphs)
    for start, end in reversed(wrappers):
        body = start + body + end
    return (f"<html><head><title>{TITLE} | Example News</title></head><body>"
            f'<header class="site-header"><nav>{NAV}</nav></header>{body}{MOST_READ}{FOOTER}</body></html>')


@SETTINGS
@given(article, st.lists(wrapper(), min_size=1, max_size=4), st.booleans())
def test_an_article_wrapped_in_chrome_names_is_read_whole(paragraphs: list[str], wrappers: list[tuple[str, str]],
                                                          share_inside: bool) -> None:
    page = _page(paragraphs, wrappers, share_inside)
    read = read_article(page, URL).snapshot
    assert list(read.paragraphs) == paragraphs, page
    text = " ".join(read.paragraphs)
    for chrome in CHROME_TEXT:
        assert chrome not in text, (chrome, page)


def test_the_issue_s_wrappers_hold_the_article() -> None:
    """The shapes named in issue 24: a <main> marked for a share anchor, a page wrapper named for a slide-out
    nav drawer, a pop-up (modal) article layout, documentation sections whose ids say "sharing"."""
    paragraphs = [f"The committee met on Tuesday and weighed the proposal, paragraph {i}, at some length; its "
                  "members disagreed about the cost of the plan." for i in range(5)]
    for start, end in (('<main class="l-main js-social-anchor-start">', "</main>"),
                       ('<div class="nav-drawer-page-wrapper" id="navDrawerPush">', "</div>"),
                       ('<div class="modal-article-layout"><div class="modal__body">', "</div></div>"),
                       ('<section id="sharing-files-with-others">', "</section>"),
                       ('<aside class="article">', "</aside>"), ("<header>", "</header>"), ("<nav>", "</nav>")):
        read = read_article(_page(paragraphs, [(start, end)], True), URL).snapshot
        assert list(read.paragraphs) == paragraphs, start


def test_an_article_in_a_declared_dialog_is_read_when_it_holds_the_page() -> None:
    """role="dialog" / aria-modal="true" (the ARIA spelling of <dialog>) is evidence, not a verdict either: a
    pop-up article layout declared a modal dialog is still read when it holds the page's text."""
    paragraphs = [f"The committee met on Tuesday and weighed the proposal, paragraph {i}, at some length; its "
                  "members disagreed about the cost of the plan." for i in range(5)]
    for start in ('<div class="modal" role="dialog" aria-modal="true">', '<section role="alertdialog">'):
        read = read_article(_page(paragraphs, [(start, "</div>" if start.startswith("<div") else "</section>")],
                                  True), URL).snapshot
        assert list(read.paragraphs) == paragraphs, start


CONSENT = ('<div id="cookie-consent" class="cookie-banner" role="dialog" aria-modal="true"><p>We use cookies and '
           "similar technologies to improve your experience, measure the audience of our articles and show you "
           "content that fits your interests. By clicking Accept all you agree to this; you can change your choice "
           'at any time.</p><button>Accept all</button><a href="/privacy">Privacy policy</a></div>')


def test_a_consent_dialog_is_never_the_article() -> None:
    """Beside an article it is dropped; alone on a page (the article shorter than a body) it is no article,
    even read leniently, though it then holds most of the page's text."""
    paragraphs = [f"The committee met on Tuesday and weighed the proposal, paragraph {i}, at some length; its "
                  "members disagreed about the cost of the plan." for i in range(5)]
    read = read_article(_page(paragraphs, [], False).replace("</body>", CONSENT + "</body>"), URL).snapshot
    assert list(read.paragraphs) == paragraphs
    with pytest.raises(ExtractError):
        read_article(_page(["Almost there."], [], False).replace("</body>", CONSENT + "</body>"), URL)
    # A short article under a chrome name (read leniently) is read the same with the notice on the page.
    short = ["The council voted on the budget late on Tuesday, after a long hearing with residents.",
             "Members will meet again next week to review the transit plan and the cost of the delay, the city said."]
    wrapped = _page(short, [('<div class="l-wrapper gate-ad">', "</div>")], False)
    assert list(read_article(wrapped, URL).snapshot.paragraphs) == short
    noticed = wrapped.replace("</body>", CONSENT + "</body>")
    assert list(read_article(noticed, URL).snapshot.paragraphs) == short


CONTENT = ("entry", "post", "article", "content", "story", "body", "text", "blog")
NEUTRAL = ("col", "column", "right", "left", "wrap", "box", "region", "pane", "two", "inner")


def _named(draw: st.DrawFn, vocabulary: tuple[str, ...]) -> str:
    """A class naming content or nothing: a word of `vocabulary` with affixes that name no chrome."""
    plain = affix.filter(lambda a: not any(a.startswith(w) or a == w for w in CHROME))
    parts = [*draw(st.lists(plain, max_size=1)), draw(st.sampled_from(vocabulary)), *draw(st.lists(plain, max_size=1))]
    return draw(st.sampled_from(["-", "_"])).join(parts)


@SETTINGS
@given(st.data(), st.lists(paragraph, min_size=3, max_size=5), st.lists(paragraph, min_size=1, max_size=2))
def test_a_short_post_named_as_content_is_read_without_the_column_beside_it(data: st.DataObject, post: list[str],
                                                                             column: list[str]) -> None:
    """Names are evidence both ways: a post named as content ("entry-content", <article>) that holds most of
    its container's text is the body; a column of text beside it, under a name that says nothing, is not."""
    assume(2 * sum(map(len, column)) < sum(map(len, post)))  # the post holds two thirds of the text and more
    tag = data.draw(st.sampled_from(["div", "section", "article"]))
    named = (f'<{tag} class="{_named(data.draw, CONTENT)}"><h1>{TITLE}</h1>'
             + "".join(f"<p>{p}</p>" for p in post) + f"</{tag}>")
    beside = f'<div class="{_named(data.draw, NEUTRAL)}">' + "".join(f"<p>{c}</p>" for c in column) + "</div>"
    wrap = f'<div class="{_named(data.draw, NEUTRAL)}">{named}{beside}</div>'
    page = f"<html><head><title>{TITLE}</title></head><body><nav>{NAV}</nav>{wrap}{FOOTER}</body></html>"
    read = read_article(page, URL).snapshot
    assert list(read.paragraphs) == post, page


def test_an_article_rendered_twice_one_copy_hidden_by_class_is_read_once() -> None:
    """Two renders of the article (a snippet for subscribers, one under a `hidden` utility class): read once.
    The article alone under such a class (shown by a script) is still read: a class is never a verdict."""
    paragraphs = [f"The committee met on Tuesday and weighed the proposal, paragraph {i}, at some length; its "
                  "members disagreed about the cost of the plan." for i in range(5)]
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    for hiding in ("hidden", "article story d-none", "is-hidden story"):
        twice = _page(paragraphs, [], False).replace(f"<h1>{TITLE}</h1>",
                                                     f'<h1>{TITLE}</h1><div class="{hiding}">{text}</div>')
        assert list(read_article(twice, URL).snapshot.paragraphs) == paragraphs, hiding
        alone = _page(paragraphs, [(f'<div class="{hiding}">', "</div>")], False)
        assert list(read_article(alone, URL).snapshot.paragraphs) == paragraphs, hiding


# -- the negative side: chrome that is chrome is still dropped ---------------------------------------


@st.composite
def comments(draw: st.DrawFn) -> str:
    """Comments by many hands (each signed with a linked author or a date), together longer than the article: in a
    list, or in a <dl> whose <dt>s sign its <dd>s."""
    items = []
    terms = draw(st.booleans())
    for i in range(draw(st.integers(4, 9))):
        text = " ".join(draw(st.lists(sentence, min_size=2, max_size=5)))
        if terms:
            who = draw(st.sampled_from([f'<a href="/u/{i}">reader{i}</a>', f"reader{i} on May {i + 1}, 2025",
                                        f"{i + 1}.05.2025 10:0{i}"]))
            items.append(f"<dt>{who}</dt><dd><p>COMMENT{i} {text}</p></dd>")
            continue
        items.append(f'<li class="comment"><div class="comment-author"><a href="/u/{i}">reader{i}</a> says:</div>'
                     f'<div class="comment-date">May {i + 1}, 2025 at 10:0{i}</div><p>COMMENT{i} {text}</p></li>')
    start, end = draw(wrapper())
    thread = f'<dl>{"".join(items)}</dl>' if terms else f'<ol class="comment-list">{"".join(items)}</ol>'
    return f"{start}<h2>{draw(st.integers(4, 99))} comments</h2>{thread}{end}"


@SETTINGS
@given(st.lists(paragraph, min_size=2, max_size=3), comments(), st.booleans())
def test_comments_by_many_hands_are_not_the_article(paragraphs: list[str], thread: str, inside: bool) -> None:
    """Even when they hold most of the page's text, and whatever their wrapper is named."""
    article = "".join(f"<p>{p}</p>" for p in paragraphs)
    body = f'<div class="post"><h1>{TITLE}</h1>{SHARE}{article}{thread if inside else ""}</div>'
    page = (f"<html><head><title>{TITLE}</title></head><body><nav>{NAV}</nav>{body}"
            f'{"" if inside else thread}{MOST_READ}</body></html>')
    read = read_article(page, URL).snapshot
    assert list(read.paragraphs) == paragraphs, page


@SETTINGS
@given(article, st.lists(wrapper(), max_size=2))
def test_share_bars_nav_lists_and_small_chrome_named_blocks_stay_out(paragraphs: list[str],
                                                                    wrappers: list[tuple[str, str]]) -> None:
    """Inside the article: a link-dense share bar, a nav list, and a short text block under a chrome name
    (a newsletter pitch) are not read; the paragraphs are."""
    pitch = ('<div class="newsletter-signup"><p>Get the morning briefing in your inbox every weekday, '
             "free: sign up now.</p></div>")
    middle = len(paragraphs) // 2
    inner = ("".join(f"<p>{p}</p>" for p in paragraphs[:middle]) + SHARE + f"<nav>{NAV}</nav>" + pitch
             + "".join(f"<p>{p}</p>" for p in paragraphs[middle:]))
    body = f'<article class="story"><h1>{TITLE}</h1>{inner}</article>'
    for start, end in reversed(wrappers):
        body = start + body + end
    page = f"<html><head><title>{TITLE}</title></head><body><nav>{NAV}</nav>{body}{MOST_READ}{FOOTER}</body></html>"
    read = read_article(page, URL).snapshot
    assert list(read.paragraphs) == paragraphs, page


def test_a_deep_chain_of_chrome_named_wrappers_is_read_in_one_pass() -> None:
    """Thousands of nested wrappers named as chrome (a hostile or generated page) share one core: the
    article inside is read whole, and the reader stays linear in the page."""
    paragraphs = [f"The committee met on Tuesday and weighed the proposal, paragraph {i}, at some length; its "
                  "members disagreed about the cost of the plan." for i in range(5)]
    wrappers = [(f'<div class="social-wrap-{i % 7} js-comments">', "</div>") for i in range(3000)]
    read = read_article(_page(paragraphs, wrappers, True), URL).snapshot
    assert list(read.paragraphs) == paragraphs


# -- pages nobody tuned it on: the held-out halves of the stored sets (bench/data, scored with the benchmark's
# scorer by bench/extraction.py's own functions). Floors a little under what bench/extraction.py measured.

HELD_OUT = {  # set: (held-out pages, F1 measured, pages with no body at most)
    "dragnet": (127, 0.914, 0),  # 0.870 before names became evidence, 0.878 before issue 24's second round, 0.884
    # before its third (short posts read, the headline weighed with the names around the container)
    "fundus": (123, 0.944, 0),  # 0.933 before the second round, 0.942 before the third
    "postlight": (74, 0.892, 1),  # 0.884 when it came in, before the third round's rules; one page shows no text
}
MARGIN = 0.006


def _extraction() -> ModuleType:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import extraction
    finally:
        sys.path.remove(str(REPO / "bench"))
    if not extraction.BENCH.is_dir():
        pytest.skip(f"{extraction.BENCH} (the benchmark's scorer) is absent")
    return extraction


@pytest.mark.parametrize("name", sorted(HELD_OUT))
def test_the_held_out_halves_do_not_regress(name: str) -> None:
    extraction = _extraction()
    count, floor, empty = HELD_OUT[name]
    pages = [p for p in extraction.load_set(name) if p.half == "held-out"]
    if not pages:
        pytest.skip(f"bench/data/{name} is absent")
    assert len(pages) == count
    scorer = extraction.load_scorer()
    read = [extraction.ours(p.html, p.url) for p in pages]
    f1 = scorer.metrics_from_tp_fp_fns([extraction.score(scorer, p.truth, (r or ("", ""))[0])
                                        for p, r in zip(pages, read, strict=True)])["f1"]
    assert f1 >= floor - MARGIN, f"{name}: F1 {f1:.3f} < {floor} - {MARGIN}"
    assert sum(r is None for r in read) <= empty
