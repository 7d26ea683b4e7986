"""Names weighed with what their elements hold: a class, id or tag naming chrome makes an element chrome only
while it holds a small part of the page's text-like characters, or, past that, when what it holds is a list of
posts by many hands (comments). Pure: data in, data out."""

from __future__ import annotations

import re

from monitor.sources.extract.blocks import CORE, LINK_DENSE, TEASER, Block, sum_up, text_like
from monitor.sources.extract.names import DIALOG

_WEAK_SHARE = 0.25
_STRONG_SHARE = 0.5
_DIALOG_SHARE = 0.75  # a declared dialog or hidden element (names.DIALOG) is chrome while under this share
# A list of posts: this many signed items at least; a signature line is shorter than this.
_POSTS = 3
_SIGNATURE = 80
# One signed item holding more than this share of the list is a text with a byline, not one post of many.
_ONE_POST = 0.6
_DATE = re.compile(r"\b(?:1[89]|20)\d\d\b|\b\d{1,4}[./:-]\d{1,2}\b")


def settle_chrome(blocks: list[Block], parents: list[int], kinds: list[int], tags: list[str], *,
                   lenient: bool = False, vocabulary: bool = False) -> list[bool]:
    """A name is evidence, never a verdict: a strong name (or tag) is chrome while its element holds under
    _STRONG_SHARE of the page's text-like characters (or under TEASER of them), a weak name under _WEAK_SHARE,
    a declared dialog under _DIALOG_SHARE. Past that share the name stands only with what the element holds:
    posts by many hands (comments). Where weak names are the page's layout `vocabulary` (one sits over the
    headline: every block an "elementor-widget"), a weak name makes chrome only of an element without prose
    (an ad slot)."""
    if not any(kinds):
        return [False] * len(kinds)
    own = [0] * len(parents)
    for block in blocks:
        if block.owner >= 0 and text_like(block):
            own[block.owner] += block.size
    mass = own.copy()
    sum_up(mass, parents)
    # Shares leave out the text of small named blocks (a cookie notice, a promo, a share bar: under TEASER
    # characters) on both sides, so adding one to the page never tips another element over a limit (a false
    # change between two renders of one article).
    # Read leniently (when the page would otherwise have no article), a named block holding most of the page's
    # text-like content is never small: an element that holds most of the page is never discarded for its name.
    # The page's content leaves out small declared dialogs (a consent notice added to the page never tips it).
    page = 0
    if lenient and mass:
        dialogs = [k == DIALOG and m < TEASER for k, m in zip(kinds, mass, strict=True)]
        counted = own.copy()
        sum_up(counted, parents, stop=dialogs)
        page = counted[0]
    # A named block is small by its text without the small named blocks inside it: a share bar put into a named
    # block of 590 characters does not make it large. Children follow their parent, so leaves are settled first.
    small = [False] * len(parents)
    share = own.copy()
    for i in range(len(parents) - 1, -1, -1):
        k, m = kinds[i], share[i]
        small[i] = k > 0 and m < TEASER and (k == DIALOG or not 2 * m >= page > 0)
        if i and not small[i] and m:
            share[parents[i]] += m
    rest = max(share[0] if share else 0, 1)
    limits = (0.0, _WEAK_SHARE * rest, _STRONG_SHARE * rest, _DIALOG_SHARE * rest)
    # A small named block is chrome whatever its share: a cookie notice alone on a page is no article. Where weak
    # names are the layout's vocabulary, one is chrome only when it holds no prose at all (an ad slot).
    chrome = [(not mass[i]) if vocabulary and k == 1 else small[i] or share[i] < limits[k]
              for i, k in enumerate(kinds)]
    overruled = [i for i, k in enumerate(kinds) if k and not chrome[i]]
    if overruled:
        posts = _posts(blocks, parents, mass, tags)
        for i in overruled:
            chrome[i] = posts[i]
    return chrome


def _posts(blocks: list[Block], parents: list[int], mass: list[int], tags: list[str]) -> list[bool]:
    """For each element, whether its text is a list of posts (comments, replies): at its core (the descendant
    holding CORE of its text), at least _POSTS items hold most of the text, none over _ONE_POST of it alone,
    each signed: its text opens with a short or linked line that is no heading (an author, a date), or it is
    a <dd> after its <dt>. An article's core holds paragraphs, or sections that open with a heading.
    Linear in the page (a chain of 50,000 named wrappers shares one core)."""
    n = len(parents)
    top = [-1] * n  # the child holding the most text
    for i in range(1, n):
        parent = parents[i]
        if parent >= 0 and (top[parent] < 0 or mass[i] > mass[top[parent]]):
            top[parent] = i
    core = list(range(n))
    for i in range(n - 1, -1, -1):  # children follow their parent: a child's core is known first
        if top[i] >= 0 and mass[top[i]] >= CORE * mass[i] > 0:
            core[i] = core[top[i]]
    first: list[Block | None] = [None] * n  # each element's first block
    for block in blocks:
        i = block.owner
        while i >= 0 and first[i] is None:
            first[i] = block
            i = parents[i]
    signed = [0] * n
    held = [0] * n
    biggest = [0] * n
    term = [False] * n  # the parent's last <dt> reads as a signature (a FAQ's question does not)
    for child in range(1, n):
        parent = parents[child]
        opening = first[child]
        if parent < 0 or opening is None:
            continue
        if tags[child] == "dt":
            term[parent] = _signature(opening)
            continue
        if not mass[child]:
            continue
        if (tags[child] == "dd" and term[parent]) or (
                opening.owner != child and not opening.heading
                and (opening.size < _SIGNATURE or opening.links > LINK_DENSE * opening.size)):
            signed[parent] += 1
            held[parent] += mass[child]
            biggest[parent] = max(biggest[parent], mass[child])
    return [signed[c] >= _POSTS and 2 * held[c] > mass[c] and biggest[c] <= _ONE_POST * mass[c] for c in core]


def _signature(block: Block) -> bool:
    """Whether a <dt> reads as a post's signature: short, and a link (its author) or a date; a question or a term
    (a FAQ, a glossary) is neither."""
    return block.size < _SIGNATURE and (block.links > LINK_DENSE * block.size or _DATE.search(block.text) is not None)
