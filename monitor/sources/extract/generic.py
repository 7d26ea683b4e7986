"""The generic reader: the article body of a page no profile knows, found by where its text is.

One iterative walk over the visible tree cuts the page into blocks (paragraph-level texts) and
records, for each element, its parent and whether its class, id or tag names chrome (share, related,
comments, ads, cookie consent, galleries …; nav, aside, header, footer, figcaption, form), or the page declares
it a dialog (role, aria-modal) or hides it by a utility class (`hidden`, `d-none`). Each block is
text-like (long enough, few links) or chrome-like (mostly links). A name is evidence, never a verdict:
it makes an element chrome only while the element holds a small part of the page's text-like
characters, or, past that, when what it holds is a list of posts by many hands (comments). The body
container is the element where text-like characters outweigh chrome-like ones the most; chrome counts
against every container above it. Names are evidence both ways: inside that container, an element
named as content (<article>, "entry-content") holding most of its text is the body. The article is one run
of prose: the container's siblings that read as prose join it (a lead, a second part after an embed). It sits
under its headline: a container under a weak chrome name (a sidebar) is not the article when the headline and
the text under it have an element of their own outside it. A teaser of another page (a linked title and its
excerpt: "next post") is no part of it: beside it, it ends the run; inside it, alone and last, it is not read.
The body is those elements' blocks, minus those inside chrome or made of links.

The steps live in blocks.py (the page's blocks and measures), walk.py (the walk), weigh.py (names weighed
with what they hold) and parts.py (the container, the article's parts, the headline). Pure: data in, data out.
"""

from __future__ import annotations

from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.core.text import has_words
from monitor.sources.extract.blocks import LINK_DENSE, Page
from monitor.sources.extract.parts import choose_container, headline_side, titled_children, with_siblings
from monitor.sources.extract.walk import walk

# A block made mostly of links is still read as the article's when this many characters of it are its own: a
# sentence that links its sources, not a list of links.
_OWN_WORDS = 80
_ARTICLE_WORDS = 30  # fewer words than this is no article (the reader's MIN_BODY_WORDS): read again leniently


def _body_blocks(page: Page, roots: list[int]) -> list[str]:
    """The blocks under these roots that a reader reads as the article: not inside chrome, not made of links."""
    readable = [False] * len(page.parents)
    for root in roots:
        readable[root] = True
    unread = page.chrome.copy()
    for root in roots:  # a lone teaser ("next post") closing the article is another page's
        last = _closing_teaser(page, root)
        if last >= 0:
            unread[last] = True
    for i in range(roots[0] + 1, len(page.parents)):
        parent = page.parents[i]
        readable[i] = readable[i] or (parent >= 0 and readable[parent] and not unread[i])
    kept: list[str] = []
    pending_heading: str | None = None
    for block in page.blocks:
        if block.owner < 0 or not readable[block.owner]:
            continue
        if block.links > LINK_DENSE * block.size and block.size - block.links < _OWN_WORDS:
            pending_heading = None  # a heading over a list of links titles the links
            continue
        if block.heading:
            if pending_heading is not None:
                kept.append(pending_heading)
            pending_heading = block.text
            continue
        if pending_heading is not None:
            kept.append(pending_heading)
            pending_heading = None
        kept.append(block.text)
    return kept


def _closing_teaser(page: Page, root: int) -> int:
    """The root's child that closes it when it is the only one of its children that opens with a linked title: a
    teaser of the next or previous post after the article, not a part of it (several such children are the
    article's own list: a round-up of products, each under its linked name). -1: none."""
    n = len(page.parents)
    end = next((j for j in range(root + 1, n) if page.parents[j] < root), n)  # the root's subtree ends there
    children = [i for i in range(root + 1, end) if page.parents[i] == root and not page.chrome[i]]
    if len(children) < 2:
        return -1
    titled = titled_children(page, children, page.chrome)
    opened = [i for i in children if titled[i]]
    if len(opened) != 1 or opened[0] == children[0]:
        return -1
    last = opened[0]
    after = next((i for i in children if i > last), end)
    inside = total = 0
    for block in page.blocks:  # the root's subtree is [root, end), the teaser's [last, after)
        if root <= block.owner < end:
            if block.owner >= after:
                return -1  # text after it: it closes nothing
            total += block.size
            inside += block.size if block.owner >= last else 0
    # … and it holds less than half of the article (a teaser is shorter than what it follows; a list holding most
    # of the text is the article's).
    return last if 2 * inside < total else -1


class Body(NamedTuple):
    """The article's paragraphs, the element they came from (None: no body found), and whether the page was read
    leniently (the strict reading found no article: what was read is a guess from chrome-named elements)."""

    paragraphs: list[str]
    container: LexborNode | None
    lenient: bool


def read_body(tree: LexborHTMLParser, title: str = "") -> Body:
    """The article's body; `title`: the page's title (<title>, og:title), which names its headline."""
    root = tree.body
    if root is None:
        return Body([], None, False)
    page = walk(root, title=title)
    choice = headline_side(page, choose_container(page), title)
    body = _body_blocks(page, with_siblings(page, choice)) if choice.container >= 0 else []
    lenient = not has_words(body, _ARTICLE_WORDS)
    if lenient:  # no article found: never for a name alone
        page = walk(root, lenient=True, title=title)
        choice = headline_side(page, choose_container(page), title)
        body = _body_blocks(page, with_siblings(page, choice)) if choice.container >= 0 else []
    if choice.container < 0:
        return Body([], None, lenient)
    return Body(body, page.nodes[choice.container], lenient)
