"""The generic reader's three rules of issue 24, proven on pages nobody picked (and the cases that break them).

1. Teasers come in lists: a lone teaser-shaped element (a linked title and under 600 characters of text) is a
   short post and is read; a list of them beside an article is not read with it.
2. An article cut in parts (a lead in its own div, entry-body + entry-more, two articleBody divs) is read whole,
   in order, across the chrome between its parts (an ad slot, a share bar, an embed, a captioned figure).
3. A short post under the page's headline beside a longer block under a weak chrome name (a sidebar, a widget
   area) is the article; an article wrapped in a chrome name, or in a page built of "elementor-widget" blocks,
   is still read whole.

Pages are drawn by hypothesis and read end to end by `read_article`. Tests marked xfail(strict) are the breaks
found (issue 24's lead fixes the rule; the test then passes and its marker goes).
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import Phase, assume, given, settings
from hypothesis import strategies as st

from monitor.core.errors import ExtractError
from monitor.sources.extract import MIN_BODY_WORDS, read_article
from monitor.sources.extract.names import WEAK_CHROME
from tests.mutations import MUTATIONS, mutate
from tests.test_generic_names import (
    CHROME,
    CONTENT,
    FOOTER,
    NAV,
    NEUTRAL,
    SETTINGS,
    SHARE,
    URL,
    WORDS,
    _named,
    affix,
    paragraph,
    sentence,
    wrapper,
)

# The whole file runs in seconds: the suite is at its time limit. A break (xfail) needs no shrinking to stay red.
FEW = settings(SETTINGS, max_examples=40)
BREAK = settings(SETTINGS, max_examples=60, phases=[Phase.explicit, Phase.generate])

SITES = ("Example News", "The Ledger", "KXYZ 7", "Daily Wire Service")
TITLES = ("{h} | {s}", "{s} » {h}", "{s}: {h}")
CHROME_TEXT = ("section", "Share on", "Email this story", "About us", "Advertisement", "Photo:")
SIDEBAR_HEADING = "About this site"

headline = st.lists(st.sampled_from(WORDS), min_size=3, max_size=7).map(lambda w: " ".join(w).title())
# A word that names nothing: no chrome word, no content word at its start.
plain = affix.filter(lambda a: not any(a.startswith(w) for w in (*CHROME, *CONTENT, "main", "news")))


@st.composite
def weak_name(draw: st.DrawFn) -> str:
    """A class naming a weak chrome word (names.WEAK_CHROME: sidebar, widget, ad …) with affixes naming nothing.
    The bare word "hidden" is a utility class that hides the element (no sidebar then): it gets an affix."""
    word = draw(st.sampled_from(sorted(WEAK_CHROME)))
    before = draw(st.lists(plain, max_size=1))
    after = draw(st.lists(plain, min_size=1 if word == "hidden" and not before else 0, max_size=1))
    return draw(st.sampled_from(["-", "_"])).join([*before, word, *after])


@st.composite
def short_post(draw: st.DrawFn, min_words: int = 10, shortest: int = 3) -> list[str]:
    """1-3 sentences of 10-60 words in all, each `shortest` words at least."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=min_words, max_size=60))
    ends = range(shortest, len(words) - shortest + 1)
    cuts = sorted(draw(st.sets(st.sampled_from(ends), max_size=2))) if ends else []
    cuts = [c for i, c in enumerate(cuts) if not i or c - cuts[i - 1] >= shortest]
    bounds = [0, *cuts, len(words)]
    return [" ".join(words[a:b]).capitalize() + "." for a, b in pairwise(bounds) if b > a]


def _title(draw: st.DrawFn, head: str, site: str) -> str:
    return draw(st.sampled_from(TITLES)).format(h=head, s=site)


def _news_page(draw: st.DrawFn, head: str, body: str) -> str:
    """A page of Example News: its <title> naming the headline, a nav list, the body, a footer."""
    return (f"<html><head><title>{_title(draw, head, 'Example News')}</title></head><body><nav>{NAV}</nav>"
            f"{body}{FOOTER}</body></html>")


def _nest(draw: st.DrawFn, html: str, depth: int) -> str:
    for _ in range(depth):
        html = f'<div class="{_named(draw, NEUTRAL)}">{html}</div>'
    return html


@st.composite
def sidebar(draw: st.DrawFn, texts: list[str]) -> str:
    """Text blocks under a weak chrome name, in the shapes sidebars take."""
    name = draw(weak_name())
    shape = draw(st.sampled_from(["div", "widgets", "titled"]))
    if shape == "widgets":  # ul > li.widget > div
        return f'<ul class="{name}">' + "".join(f'<li class="widget"><div>{t}</div></li>' for t in texts) + "</ul>"
    inner = "".join(f"<p>{t}</p>" for t in texts)
    if shape == "titled":
        inner = f'<div class="{_named(draw, NEUTRAL)}"><h3>{SIDEBAR_HEADING}</h3>{inner}</div>'
    return f'<div class="{name}">{inner}</div>'


def _ps(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def _read(page: str) -> list[str] | None:
    """The paragraphs read, or None for an ExtractError (an error, never a change)."""
    try:
        return list(read_article(page, URL).snapshot.paragraphs)
    except ExtractError:
        return None


# -- rule 3: a short post beside a longer sidebar ------------------------------------------------------------


@st.composite
def post_beside_sidebar(draw: st.DrawFn, *, sites: tuple[str, ...] = SITES, times: float = 1.0,
                        loose: bool = True, min_words: int = 10, shortest: int = 3
                        ) -> tuple[str, list[str], list[str], str]:
    """(page, the post's sentences, the sidebar's texts, the headline): a short post under the headline the
    <title> holds, beside a block of text under a weak chrome name, more than `times` the post's length."""
    head = draw(headline)
    post = draw(short_post(min_words, shortest))
    length = sum(map(len, post))
    side = draw(st.lists(paragraph, min_size=1, max_size=4))
    while sum(map(len, side)) <= times * length:
        side += draw(st.lists(paragraph, min_size=1, max_size=4))
    site = draw(st.sampled_from(sites))
    level = draw(st.sampled_from(["h1", "h2", "h3"]))
    split = draw(st.booleans())  # each sentence its own paragraph, or one paragraph
    texts = post if split else [" ".join(post)]
    body = f"<{level}>{head}</{level}>" + "".join(f"<p>{t}</p>" for t in texts)
    depth = draw(st.integers(0 if loose else 1, 3))
    body = _nest(draw, body, depth)
    side_html = draw(sidebar(side))
    before = draw(st.booleans())
    columns = side_html + body if before else body + side_html
    if draw(st.booleans()):
        columns = f'<div class="{_named(draw, NEUTRAL)}">{columns}</div>'
    logo = f'<div class="brand"><h1>{site}</h1></div>' if draw(st.booleans()) else ""
    page = (f"<html><head><title>{_title(draw, head, site)}</title></head><body>{logo}<nav>{NAV}</nav>"
            f"{columns}{FOOTER}</body></html>")
    return page, texts, side, head


def _post_is_read(page: str, texts: list[str], side: list[str], head: str) -> None:
    read = _read(page)
    if read is None:  # too short to be an article: an error, never the sidebar
        assert sum(len(t.split()) for t in [head, *texts]) < MIN_BODY_WORDS, page
        return
    assert not set(read) & set(side), page
    assert [p for p in read if p != head] == texts, page


@pytest.mark.xfail(strict=True, reason="breaks 4, 5, 19: a post loose in the sidebar's parent; a site name longer "
                                       "than the headline; a line under 25 characters")
@BREAK
@given(post_beside_sidebar())
def test_a_short_post_is_read_without_the_longer_sidebar_beside_it(case: tuple[str, list[str], list[str],
                                                                               str]) -> None:
    """Issue 24's case as the rule states it: 1-4 sidebar paragraphs longer than a post of 10-60 words."""
    _post_is_read(*case)


@FEW
@given(post_beside_sidebar(sites=("KXYZ 7", "Example"), loose=False, shortest=5))
def test_a_short_post_in_its_column_is_read_without_any_longer_sidebar(case: tuple[str, list[str], list[str],
                                                                                 str]) -> None:
    """Breaks 1 and 2 mended: the post in an element of its own under the headline, the sidebar beside it of any
    length over the post's, the post of any length (under 30 words too)."""
    _post_is_read(*case)


@FEW
@given(post_beside_sidebar(sites=("KXYZ 7", "Example"), times=12.0, loose=False, min_words=MIN_BODY_WORDS,
                                     shortest=5))
def test_a_short_post_is_read_beside_a_sidebar_holding_the_page(case: tuple[str, list[str], list[str],
                                                                            str]) -> None:
    """Where the rule holds today: the sidebar holds over nine tenths of the text (the container is then under its
    name; drawn at 12 times the post), the post sits in its own element, 30 words and more, each sentence a
    text-like block (break 19), the site's name is shorter than the headline. Drawn: weak names, sidebar
    shapes, order, depth, logo, the title's affix."""
    _post_is_read(*case)


# -- rule 3, the converse: it never swallows an article ---------------------------------------------------------


@st.composite
def wrapped_article(draw: st.DrawFn, *, standfirst: bool = True) -> tuple[str, list[str]]:
    """(page, paragraphs): a long article wrapped in a chrome name or tag, the headline inside the wrapper or
    before it (in a <header>, or loose), nav and footer around."""
    paragraphs = draw(st.lists(paragraph, min_size=4, max_size=8))
    head = draw(headline)
    start, end = draw(st.one_of(wrapper(), weak_name().map(lambda n: (f'<div class="{n}">', "</div>"))))
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    where = draw(st.sampled_from(["inside", "header", "loose"]))
    lead = f'<p class="standfirst">{draw(sentence)}</p>' if standfirst and draw(st.booleans()) else ""
    if where == "inside":
        body = f"{start}<h1>{head}</h1>{lead}{text}{end}"
    else:
        top = f"<header><h1>{head}</h1></header>" if where == "header" else f"<h1>{head}</h1>"
        body = f"{top}{lead}{start}{text}{end}"
    body = _nest(draw, body, draw(st.integers(0, 2)))
    site = draw(st.sampled_from(SITES))
    page = (f"<html><head><title>{_title(draw, head, site)}</title></head><body><header><nav>{NAV}</nav></header>"
            f"{body}{FOOTER}</body></html>")
    return page, paragraphs


def _read_whole(page: str, paragraphs: list[str]) -> None:
    read = _read(page)
    assert read is not None, page
    assert [p for p in read if p in paragraphs] == paragraphs, page
    for chrome in CHROME_TEXT:
        assert not any(chrome in p for p in read), (chrome, page)


@BREAK
@given(wrapped_article())
def test_an_article_wrapped_in_chrome_is_read_whole_with_a_standfirst_before_it(case: tuple[str, list[str]]) -> None:
    _read_whole(*case)


@FEW
@given(wrapped_article(standfirst=False))
def test_an_article_wrapped_in_chrome_is_read_whole(case: tuple[str, list[str]]) -> None:
    """A weak or strong chrome name, an <aside> or <header> around the article; its headline inside or before."""
    _read_whole(*case)


ELEMENTOR = ("elementor-widget elementor-widget-{kind}", "elementor-element elementor-widget-wrap",
             "elementor-column elementor-widget-{kind}-wrap")


def _chunks(paragraphs: list[str], sizes: list[int], minimum: int) -> list[list[str]]:
    """The paragraphs cut into runs of the drawn sizes, each run merged on until it holds `minimum` characters."""
    runs: list[list[str]] = []
    at = 0
    for size in sizes:
        if at >= len(paragraphs):
            break
        if runs and sum(map(len, runs[-1])) < minimum:
            runs[-1] += paragraphs[at:at + size]
        else:
            runs.append(paragraphs[at:at + size])
        at += size
    if at < len(paragraphs):
        runs.append(paragraphs[at:])
    if len(runs) > 1 and sum(map(len, runs[-1])) < minimum:
        last = runs.pop()
        runs[-1] += last
    return runs


@st.composite
def widget_page(draw: st.DrawFn, minimum: int = 0, inner: bool = True, drawn: bool = True) -> tuple[str, list[str]]:
    """(page, paragraphs): every block named "elementor-widget …", the headline's too; each text widget holds
    1-3 paragraphs and at least `minimum` characters (`inner`: inside an "elementor-widget-container", as
    Elementor renders them; `drawn`: text widgets named from ELEMENTOR too, else as Elementor names them)."""
    paragraphs = draw(st.lists(paragraph, min_size=4, max_size=8))
    head = draw(headline)

    def widget(kind: str, html: str) -> str:
        name = (draw(st.sampled_from(ELEMENTOR)) if drawn or kind != "text-editor" else ELEMENTOR[0]).format(kind=kind)
        html = f'<div class="elementor-widget-container">{html}</div>' if inner else html
        return f'<div class="{name}">{html}</div>'

    sizes = draw(st.lists(st.integers(1, 3), min_size=len(paragraphs), max_size=len(paragraphs)))
    blocks = [widget("heading", f"<h1>{head}</h1>")]
    blocks += [widget("text-editor", "".join(f"<p>{p}</p>" for p in run))
               for run in _chunks(paragraphs, sizes, minimum)]
    if draw(st.booleans()):
        blocks.insert(draw(st.integers(1, len(blocks))), widget("share-buttons", SHARE))
    section = f'<section class="elementor-section"><div class="elementor-container">{"".join(blocks)}</div></section>'
    page = (f"<html><head><title>{head} | Example News</title></head><body><header><nav>{NAV}</nav></header>"
            f'<div class="elementor elementor-{draw(st.integers(1, 9999))}">{section}</div>{FOOTER}</body></html>')
    return page, paragraphs


@BREAK
@given(widget_page())
def test_a_page_built_of_elementor_widgets_is_read_whole(case: tuple[str, list[str]]) -> None:
    _read_whole(*case)


@FEW
@given(widget_page(minimum=600, inner=False, drawn=False))
def test_a_page_built_of_widgets_is_read_whole(case: tuple[str, list[str]]) -> None:
    """Every block named "elementor-widget …" (a weak name over the headline too: layout vocabulary), each text
    widget an "elementor-widget-text-editor" over 600 characters holding its paragraphs itself."""
    _read_whole(*case)


# -- rule 2: an article cut in parts --------------------------------------------------------------------------

PART_NAMES = {"lead": ("entry-lead", "article-intro", "story-standfirst"),
              "first": ("entry-body", "articleBody", "story-text"),
              "more": ("entry-more", "articleBody", "entry-body")}


@st.composite
def divider(draw: st.DrawFn) -> str:
    """Chrome between two parts of an article: none of its text is the article's."""
    kind = draw(st.sampled_from(["ad", "share", "embed", "figure"]))
    if kind == "ad":
        return (f'<div class="{draw(weak_name())}"><span class="ad-label">Advertisement</span>'
                '<iframe src="https://ads.example.com/slot"></iframe></div>')
    if kind == "share":
        return SHARE
    if kind == "embed":
        return '<div class="embed"><iframe src="https://video.example.com/embed/x"></iframe></div>'
    return f'<figure><img src="/photo.jpg" alt=""><figcaption>Photo: {draw(sentence)}</figcaption></figure>'


@st.composite
def parts(draw: st.DrawFn, *, lead_names: tuple[str, ...] = PART_NAMES["lead"],
          inner: bool = False) -> tuple[str, list[str]]:
    """(page, paragraphs): an article in 2-3 sibling parts (a lead paragraph in its own div, a first part, a
    "more" part), with chrome between them (`inner`: each part's paragraphs in a div.inner of their own)."""
    kinds = draw(st.sampled_from([("first", "more"), ("lead", "first"), ("lead", "first", "more"),
                                  ("first", "more", "more")]))
    head = draw(headline)
    html, paragraphs = [], []
    for i, kind in enumerate(kinds):
        texts = draw(st.lists(paragraph, min_size=1, max_size=1 if kind == "lead" else 4))
        name = draw(st.sampled_from(lead_names if kind == "lead" else PART_NAMES[kind]))
        if i:
            html.append(draw(divider()))
        text = "".join(f"<p>{t}</p>" for t in texts)
        html.append(f'<div class="{name}">' + (f'<div class="inner">{text}</div>' if inner else text) + "</div>")
        paragraphs += texts
    assume(sum(map(len, paragraphs)) >= 600)
    article = f'<div class="{_named(draw, NEUTRAL)}"><h1>{head}</h1>{"".join(html)}</div>'
    if draw(st.booleans()):
        article = f"<article>{article}</article>"
    page = _news_page(draw, head, article)
    return page, paragraphs


def _read_in_order(page: str, paragraphs: list[str]) -> None:
    read = _read(page)
    assert read == paragraphs, page


@FEW
@given(parts())
def test_an_article_cut_in_parts_is_read_whole_in_order(case: tuple[str, list[str]]) -> None:
    _read_in_order(*case)


@st.composite
def parts_around_a_table(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(page, paragraphs): an article in two parts with a data table of 5-60 rows between them (a table of figures
    the text discusses: over 600 characters of cells when long)."""
    head = draw(headline)
    first = draw(st.lists(paragraph, min_size=1, max_size=4))
    more = draw(st.lists(paragraph, min_size=1, max_size=3))
    assume(sum(map(len, first + more)) >= 600)
    rows = "".join(f"<tr><td>{draw(st.sampled_from(WORDS)).title()} {i}</td><td>{i * 37} dollars</td></tr>"
                   for i in range(draw(st.integers(5, 60))))
    names = draw(st.sampled_from([("entry-body", "entry-more"), ("part", "part"), ("col", "col")]))
    article = (f'<div class="{_named(draw, NEUTRAL)}"><h1>{head}</h1><div class="{names[0]}">{_ps(first)}</div>'
               f'<table class="{_named(draw, NEUTRAL)}">{rows}</table><div class="{names[1]}">{_ps(more)}</div></div>')
    page = _news_page(draw, head, article)
    return page, first + more


@FEW
@given(parts_around_a_table())
def test_an_article_cut_by_a_data_table_is_read_whole(case: tuple[str, list[str]]) -> None:
    """Break 12 mended: the parts around a table of figures are read, in order (the table's cells with them)."""
    page, paragraphs = case
    read = _read(page)
    assert read is not None, page
    text = "\n".join(read)
    at = 0
    for wanted in paragraphs:  # each part's paragraphs in order (the cells read between them)
        found = text.find(wanted, at)
        assert found >= 0, (wanted, read, page)
        at = found + len(wanted)


@pytest.mark.xfail(strict=True, reason="break 8: a lead in a div named nothing beside a content-named body "
                                       "(entry-body) is dropped: only content-named siblings join a named core")
@BREAK
@given(parts(lead_names=("lead", "intro", "standfirst", *NEUTRAL)))
def test_a_lead_in_a_div_named_nothing_is_read_with_the_body(case: tuple[str, list[str]]) -> None:
    _read_in_order(*case)


@FEW
@given(parts(inner=True))
def test_an_article_cut_in_parts_with_inner_wrappers_is_read_whole(case: tuple[str, list[str]]) -> None:
    """Break 10 mended: the siblings are looked for beside the part the core fills (entry-body), not beside the
    innermost core (its div.inner, an only child)."""
    _read_in_order(*case)


# -- an article laid out as a run of like modules (a CMS's text components) ---------------------------------------


@st.composite
def module_name(draw: st.DrawFn) -> str:
    """A content-named component class as site builders write them: "text parbase", "styles-module--bodyText--3gL1K",
    "rich-text block-text"."""
    word = draw(st.sampled_from(CONTENT))
    shape = draw(st.sampled_from(["plain", "hashed", "two"]))
    if shape == "hashed":
        return f"{draw(plain)}-module--{word}{draw(st.sampled_from(['', 'Text', 'Body']))}--{draw(affix)}"
    if shape == "two":
        return f"{_named(draw, (word,))} {draw(plain)}"
    return _named(draw, (word,))


@st.composite
def modules(draw: st.DrawFn, *, stream: bool = False) -> tuple[str, list[str], list[str]]:
    """(page, the article's paragraphs, other posts' paragraphs): an article in 2-5 modules of one class, one of
    them most of it, with chrome or nothing between them (`stream`: the next posts follow in modules of the same
    class, each under its own heading: an endless scroll)."""
    head = draw(headline)
    name = draw(module_name())
    count = draw(st.just(1) if stream else st.integers(2, 5))  # a stream's article in one module: break 23 aside
    big = draw(st.integers(0, count - 1))
    small = st.lists(sentence if stream else paragraph.filter(lambda t: len(t) >= 200), min_size=1,
                     max_size=1 if stream else 2)
    texts = [draw(st.lists(paragraph, min_size=4 if stream else 3, max_size=6)) if i == big else draw(small)
             for i in range(count)]
    wanted = [t for ts in texts for t in ts]
    assume(sum(map(len, wanted)) >= 600)
    html = []
    for i, ts in enumerate(texts):
        if i and draw(st.booleans()):
            html.append(draw(divider()))
        html.append(f'<div class="{name}">{_nest(draw, _ps(ts), draw(st.integers(0, 2)))}</div>')
    others: list[str] = []
    for _ in range(draw(st.integers(1, 2)) if stream else 0):  # shorter posts, each under its heading
        ts = [draw(sentence)]
        others += ts
        heading = draw(st.sampled_from(["<h2>{}</h2>", '<h2><a href="/next">{}</a></h2>', "<h3>{}</h3>"]))
        html.append(heading.format(draw(headline)) + f'<div class="{name}">{_ps(ts)}</div>')
    assume(not set(others) & set(wanted))
    # A stream whose article has no module holding most of the page is read whole from their wrapper (no element of
    # the page is the article's alone): that is not drawn here.
    assume(not stream or 10 * sum(map(len, texts[big])) >= 7 * (sum(map(len, wanted)) + sum(map(len, others))))
    article = f'<div class="{_named(draw, NEUTRAL)}"><h1>{head}</h1>{"".join(html)}</div>'
    side = draw(st.lists(st.builds(_teaser_html, headline, sentence, st.integers(1, 99)), max_size=4))
    if side:
        article = (f'<div class="{_named(draw, NEUTRAL)}">{article}</div>'
                   f'<div class="{draw(weak_name())}">{"".join(side)}</div>')
    return _news_page(draw, head, article), wanted, others


def _teaser_html(head: str, text: str, i: int) -> str:
    return f'<div class="teaser-item"><h3><a href="/2025/05/post-{i}">{head}</a></h3><p>{text}</p></div>'


@FEW
@given(modules())
def test_an_article_in_modules_of_one_class_is_read_whole_in_order(case: tuple[str, list[str], list[str]]) -> None:
    """Its modules of a paragraph and more are one article, whichever holds most of it and wherever it sits: they
    join as siblings of the part the core fills (a one-line module does not: break 23)."""
    page, paragraphs, _ = case
    _read_in_order(page, paragraphs)


@FEW
@given(modules(stream=True))
def test_the_next_posts_in_modules_of_the_same_class_are_not_read(case: tuple[str, list[str], list[str]]) -> None:
    """A heading between like modules opens another post (an endless scroll of articles rendered alike): the
    article's module is read, the next posts' are not."""
    page, paragraphs, others = case
    read = _read(page)
    assert read is not None, page
    assert all(p in read for p in paragraphs), (read, page)
    assert not any(o in read for o in others), (read, page)


# -- rule 1: teasers come in lists --------------------------------------------------------------------------------


def _teaser(draw: st.DrawFn, head: str, text: str, i: int) -> str:
    return (f'<div class="{_named(draw, NEUTRAL)}"><h2><a href="/2025/05/post-{i}">{head}</a></h2>'
            f"<p>{text}</p></div>")


@st.composite
def lone_post(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(page, paragraphs): a short post with its linked title (under 600 characters), the rest of it in a sibling
    part or not, beside a list of real teasers ("recent posts": two and more) or none."""
    head = draw(headline)
    text = " ".join(draw(st.lists(sentence, min_size=3, max_size=6)))
    assume(len(text) < 600 and len(text.split()) >= MIN_BODY_WORDS)
    more = draw(st.lists(sentence, max_size=2))
    post = _teaser(draw, head, text, 0)
    if more:
        post = (f'<div class="{_named(draw, NEUTRAL)}">{post}'
                f'<div class="{_named(draw, NEUTRAL)}">{_ps(more)}</div></div>')
    post = _nest(draw, post, draw(st.integers(0, 3)))
    recent = draw(st.lists(st.tuples(headline, sentence), max_size=4).filter(lambda r: len(r) != 1))
    if recent:
        listing = (f'<div class="{_named(draw, NEUTRAL)}">'
                   + "".join(_teaser(draw, h, t, i + 1) for i, (h, t) in enumerate(recent)) + "</div>")
        post = post + listing if draw(st.booleans()) else listing + post
    page = _news_page(draw, head, post)
    return page, [text, *more]


@FEW
@given(lone_post())
def test_a_lone_teaser_shaped_post_is_read(case: tuple[str, list[str]]) -> None:
    """No list around it, so no teaser: read, with the part after it."""
    _read_in_order(*case)


@st.composite
def teasers_beside_article(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(page, paragraphs): a list of 2-5 teasers under one parent before or after a long article."""
    paragraphs = draw(st.lists(paragraph, min_size=4, max_size=7))
    head = draw(headline)
    article = f'<div class="{_named(draw, NEUTRAL)}">{_ps(paragraphs)}</div>'
    teasers = draw(st.lists(st.tuples(headline, sentence), min_size=2, max_size=5))
    items = "".join(_teaser(draw, h, t, i) for i, (h, t) in enumerate(teasers))
    listing = f'<div class="{_named(draw, NEUTRAL)}">{items}</div>'
    columns = article + listing if draw(st.booleans()) else listing + article
    page = (f"<html><head><title>{head} | Example News</title></head><body><nav>{NAV}</nav>"
            f'<div class="{_named(draw, NEUTRAL)}"><h1>{head}</h1>{columns}</div>{FOOTER}</body></html>')
    return page, paragraphs


@FEW
@given(teasers_beside_article())
def test_a_list_of_teasers_beside_an_article_is_not_read_with_it(case: tuple[str, list[str]]) -> None:
    _read_in_order(*case)


@st.composite
def next_post_after_article(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(page, paragraphs): an article, then one teaser of the next (or previous) post beside it: a linked title
    and 2-5 sentences of its excerpt, as much text as a part of the article."""
    head = draw(headline)
    paragraphs = draw(st.lists(paragraph, min_size=2, max_size=6))
    excerpt = " ".join(draw(st.lists(sentence, min_size=2, max_size=5)))
    name = draw(st.sampled_from(["next-post", "prev-post", "post-navigation", "up-next", *NEUTRAL]))
    level = draw(st.sampled_from(["h2", "h3", "h4"]))
    teaser = (f'<div class="{name}"><{level}><a href="/2025/05/next">{draw(headline)}</a></{level}>'
              f"<p>{excerpt}</p></div>")
    article = (f'<div class="{_named(draw, NEUTRAL)}"><h1>{head}</h1>'
               f'<div class="{_named(draw, (*CONTENT, *NEUTRAL))}">{_ps(paragraphs)}</div>{teaser}</div>')
    page = _news_page(draw, head, article)
    return page, paragraphs


@FEW
@given(next_post_after_article())
def test_a_lone_next_post_teaser_after_the_article_is_not_read_with_it(case: tuple[str, list[str]]) -> None:
    """A sibling that opens with a linked title is another page's teaser, not a part of this article."""
    _read_in_order(*case)


@st.composite
def round_up(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(page, paragraphs): an article that is a list of items each under its linked name (a round-up of
    products, places, books), after an intro, wrapped in one element or not."""
    head = draw(headline)
    intro = draw(st.lists(paragraph, min_size=1, max_size=2))
    items = draw(st.lists(st.tuples(headline, st.lists(sentence, min_size=2, max_size=4).map(" ".join)),
                          min_size=2, max_size=8))
    assume(sum(len(t) for _, t in items) > sum(map(len, intro)))
    level = draw(st.sampled_from(["h2", "h3"]))
    html = "".join(f'<div class="{_named(draw, NEUTRAL)}"><{level}><a href="/shop/{i}">{name}</a></{level}>'
                   f"<p>{text}</p></div>" for i, (name, text) in enumerate(items))
    if draw(st.booleans()):
        html = f'<div class="{_named(draw, NEUTRAL)}">{html}</div>'
    article = f'<div class="{_named(draw, NEUTRAL)}"><h1>{head}</h1>{_ps(intro)}{html}</div>'
    page = _news_page(draw, head, article)
    return page, [*intro, *(text for _, text in items)]


@pytest.mark.xfail(strict=True, reason="break 21: two and more items under linked names, each under 600 characters, "
                                       "are a teaser list to the container's choice: the article is read as its intro")
@BREAK
@given(round_up())
def test_a_round_up_of_items_under_linked_names_is_read_whole(case: tuple[str, list[str]]) -> None:
    """Items that each open with a linked title are the article's own list when they hold most of it."""
    _read_in_order(*case)


# -- stability: chrome mutations change no content hash -------------------------------------------------------------


@settings(SETTINGS, max_examples=10)
@given(st.one_of(post_beside_sidebar(sites=("KXYZ 7", "Example"), times=12.0, loose=False, min_words=MIN_BODY_WORDS,
                                     shortest=5),
                 wrapped_article(standfirst=False), parts()), st.integers(0, 9999))
def test_chrome_mutations_change_no_content_hash(case: tuple[str, list[str], list[str], str] | tuple[str, list[str]],
                                                 seed: int) -> None:
    page = case[0]
    base = read_article(page, URL).snapshot.content_hash()
    for kind in [*MUTATIONS, "all"]:
        mutated = mutate(page, kind, str(seed))
        assert read_article(mutated, URL).snapshot.content_hash() == base, (kind, mutated)


# -- the breaks, each at its smallest: the lead fixes the rule, the test passes, its marker goes ------------------

HEAD = "Council Votes on the Budget"
LINE = "The committee met on Tuesday and weighed the proposal at some length; its members disagreed about the cost."
POST = ("The council voted on the budget late on Tuesday after a long hearing with residents, and members will meet "
        "again next week to review the transit plan and the cost of the delay to the schools.")  # 35 words
SIDE = "Our newsletter goes out every weekday morning with the best reporting from across the city, readers say."


def _doc(body: str, title: str = f"{HEAD} | Example News") -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


ARTICLE = [f"{LINE} Part {i} of the story." for i in range(6)]
SIDEBAR = [f"{SIDE} Item {i}." for i in range(6)]  # 660 characters: over the 600 of a small named block
EARLY = [f"{LINE} Early part {i}." for i in range(6)]  # 690 characters
LATE = [f"{LINE} Later part {i}." for i in range(20)]  # 2,300: the early part holds 23 % of the page
AFTER = "Members meet again on Monday at noon."
COLUMN = f'<div class="col"><h2>{HEAD}</h2><p>{POST}</p></div>'
CJK_POST = "市议会周二晚间在与居民进行长时间听证后就预算进行了表决。" * 4  # 112 characters (wide: they weigh 224)
CJK_SIDE = "我们的新闻简报每个工作日早上发送，汇集全市最好的报道。" * 6  # 162 (324): small, most of the page
# break: (page, paragraphs that must be read in this order, paragraphs that must not be read)
BREAKS: dict[str, tuple[str, list[str], list[str]]] = {
    "1 sidebar between 600 characters and 9 times the post: the container is their parent":
        (_doc(f'<div class="sidebar">{_ps(SIDEBAR)}</div>{COLUMN}'), [POST], SIDEBAR),
    "2 a post under 30 words: the lenient re-read reads the sidebar (not an error)":
        (_doc(f'<div class="sidebar">{_ps(SIDEBAR[:1])}</div><div class="col"><h2>{HEAD}</h2>'
              "<p>The council voted on the budget late on Tuesday after a long hearing.</p></div>"), [], SIDEBAR),
    "3 a standfirst between the <header> and a weak-named wrapper: the article is lost":
        (_doc(f'<header><h1>{HEAD}</h1></header><p class="standfirst">A short standfirst that sums the story '
              f'up in one line.</p><div class="sidebar">{_ps(ARTICLE)}</div>'), ARTICLE, []),
    "4 the post loose in the sidebar's parent: the switch keeps their parent and reads the sidebar":
        (_doc(f'<h2>{HEAD}</h2><p>{POST}</p><div class="sidebar">{_ps(SIDEBAR * 3)}</div>'), [POST], SIDEBAR),
    "5 a site name longer than the headline: the logo is taken for the headline":
        (_doc(f'<div class="brand"><h1>Example News</h1></div><div class="sidebar">{_ps(SIDEBAR * 3)}</div>'
              f'<div class="col"><h2>Budget Vote</h2><p>{POST}</p></div>', "Budget Vote | Example News"),
         [POST], SIDEBAR),
    "6 a page-wide weak layout name (has-sidebar) over the headline: no switch":
        (_doc(f'<div class="site has-sidebar">{COLUMN}<div class="sidebar">{_ps(SIDEBAR * 3)}</div></div>'),
         [POST], SIDEBAR),
    "7 the headline repeated earlier (a most-read list in the sidebar): the first copy is taken":
        (_doc(f'<div class="sidebar"><h3>Most read</h3><h4><a href="/x">{HEAD}</a></h4>{_ps(SIDEBAR * 3)}</div>'
              f"{COLUMN}"), [POST], SIDEBAR),
    "8 a lead in a div named nothing beside a content-named body holding 65 %: dropped":
        (_doc(f'<div class="col"><h1>{HEAD}</h1><div class="lead"><p>{POST}</p></div>'
              f'<div class="entry-body">{_ps(ARTICLE)}</div></div>'), [POST, *ARTICLE], []),
    "9 a text widget under 600 characters is chrome whatever its share: the page has no article":
        (_doc(f'<div class="elementor-widget-heading elementor-widget"><h1>{HEAD}</h1></div>'
              + "".join(f'<div class="elementor-widget"><p>{p}</p></div>' for p in ARTICLE)), ARTICLE, []),
    "10 siblings are looked for beside the core, an only child: entry-more is lost":
        (_doc(f'<div class="col"><h1>{HEAD}</h1><div class="entry-body"><div class="inner">{_ps(ARTICLE)}</div>'
              f'</div><div class="embed"><iframe src="/v"></iframe></div><div class="entry-more">'
              f'<div class="inner">{_ps([POST])}</div></div></div>'), [*ARTICLE, POST], []),
    "11 a lone 'next post' teaser after the article joins it":
        (_doc(f'<div class="col"><h1>{HEAD}</h1><div class="entry-content">{_ps(ARTICLE)}</div>'
              f'<div class="next-post"><h3><a href="/next">The transit plan gets a second look</a></h3>'
              f"<p>{SIDE} {SIDE} {SIDE}</p></div></div>"), ARTICLE, [f"{SIDE} {SIDE} {SIDE}"]),
    "12 a data table over 600 characters between two parts ends the run: the second part is lost":
        (_doc(f'<div class="col"><h1>{HEAD}</h1><div class="entry-body">{_ps(ARTICLE)}</div><table>'
              + "".join(f"<tr><td>District {i} schools</td><td>{i * 100} dollars</td></tr>" for i in range(40))
              + f'</table><div class="entry-more">{_ps([POST])}</div></div>'), [*ARTICLE, POST], []),
    "13 a FAQ (<dl>) under a weak name: its <dd>s are taken for signed posts, the page has no article":
        (_doc(f'<h1>{HEAD}</h1><div class="widget-area"><dl>'
              + "".join(f"<dt>Question {i} about the plan?</dt><dd>{p}</dd>" for i, p in enumerate(ARTICLE))
              + "</dl></div>"), ARTICLE, []),
    "15 a list of teasers inside the container is read with the article":
        (_doc(f'<div class="col"><h1>{HEAD}</h1>{_ps(ARTICLE)}<div class="list">'
              + "".join(f'<div class="item"><h3><a href="/r{i}">Another story {i} on the plan</a></h3>'
                        f"<p>Teaser {i}: a short excerpt of that other story.</p></div>" for i in range(3))
              + "</div></div>"), ARTICLE, [f"Teaser {i}: a short excerpt of that other story." for i in range(3)]),
    "17 a part of the article named only by a weak word (a layout's) and under 25 % of the page is chrome":
        (_doc(f'<div class="elementor-widget-heading-wrap"><h1>{HEAD}</h1></div><div class="elementor-widget-wrap">'
              f'{_ps(EARLY)}</div><div class="elementor-widget-text-editor">{_ps(LATE)}</div>'), EARLY + LATE, []),
    "18 a short post's second part one level up: a long linked title's cost makes its <p> the container":
        (_doc(f'<div class="box"><div class="post"><h2><a href="/p">{HEAD}, and what the vote means for the schools'
              f'</a></h2><p>{POST}</p></div><div class="more"><p>{AFTER}</p></div></div>'), [POST, AFTER], []),
    "19 a line under 25 characters in a short post ends the run: the core is the long paragraph, the line is lost":
        (_doc(f'<div class="col"><h2>{HEAD}</h2><p>Hearing ran long.</p><p>{POST}</p></div>'),
         ["Hearing ran long.", POST], []),
    "20 a lead under 200 characters beside a body over 1,000: under the floor, it is dropped":
        (_doc(f'<article><h1>{HEAD}</h1><div class="entry-lead"><p>{POST}</p></div><div class="entry-body">'
              f"{_ps(LATE)}</div></article>"), [POST, *LATE], []),
    "22 a lone 'next post' teaser holding half of what is read (its excerpt as long as the article) joins it":
        (_doc(f'<div class="col"><h1>{HEAD}</h1><div class="entry">{_ps(ARTICLE[:2])}</div>'
              f'<div class="next-post"><h2><a href="/next">The transit plan gets a second look at last</a></h2>'
              f"<p>{SIDE} {SIDE} {SIDE}</p></div></div>"), ARTICLE[:2], [f"{SIDE} {SIDE} {SIDE}"]),
    "23 a one-line lead module beside the text module of the same class holding the article: under the floor":
        (_doc(f'<div class="col"><h1>{HEAD}</h1><div class="text parbase"><p>{AFTER}</p></div>'
              f'<div class="text parbase">{_ps(LATE)}</div></div>'), [AFTER, *LATE], []),
    "16 text right inside a chrome tag that is no block (footer, aside, nav, header, form) is read":
        (_doc(f"<h1>{HEAD}</h1>{_ps(ARTICLE)}<footer>Copyright 2025 Example News, all rights reserved.</footer>"),
         ARTICLE, ["Copyright 2025 Example News, all rights reserved."]),
}


def test_a_cjk_post_is_read_without_a_small_sidebar() -> None:
    """Once break 14: generic.py counted words by spaces, so a CJK post was always read again leniently, where a
    small sidebar holding most of the page is no longer chrome, and read with the post."""
    post = f'<div class="col"><h2>市议会就预算进行表决</h2><p>{CJK_POST}</p></div>'
    page = _doc(f'{post}<div class="sidebar"><p>{CJK_SIDE}</p></div>', "市议会就预算进行表决 | 示例新闻")
    read = _read(page)
    assert read is not None and CJK_POST in read and CJK_SIDE not in read, read


def _number(name: str) -> int:
    return int(name.split()[0])


# Breaks the rules now hold for: run as plain tests, so they stay mended.
MENDED = {1, 2, 3, 7, 9, 10, 11, 12, 13, 15}
BROKEN = sorted((n for n in BREAKS if _number(n) not in MENDED), key=_number)
FIXED = sorted((n for n in BREAKS if _number(n) in MENDED), key=_number)


@pytest.mark.parametrize("name", FIXED, ids=[n.split(":")[0] for n in FIXED])
def test_a_mended_break_stays_mended(name: str) -> None:
    _check_break(name)


@pytest.mark.xfail(strict=True, reason="a break of issue 24's rules, see its name")
@pytest.mark.parametrize("name", BROKEN, ids=[n.split(":")[0] for n in BROKEN])
def test_break(name: str) -> None:
    _check_break(name)


def _check_break(name: str) -> None:
    page, wanted, unwanted = BREAKS[name]
    read = _read(page)
    if wanted:
        assert read is not None
        assert [p for p in read if p in wanted] == wanted, read
    assert not set(read or ()) & set(unwanted), read
