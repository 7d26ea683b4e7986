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
named as content (<article>, "entry-content") holding most of its text is the body. The body is that
container's blocks, minus those inside chrome or made of links.

Pure: data in, data out. No recursion (a page of 50,000 nested <div>s is a page too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.core.text import word_count
from monitor.sources.extract.dom import is_hidden
from monitor.sources.extract.names import DIALOG as _DIALOG
from monitor.sources.extract.names import evidence

# Never text: code, media, widgets, navigation and asides, and the document head.
_SKIP = frozenset(
    ("script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas", "video",
     "audio", "picture", "img", "source", "track", "map", "button", "input", "select", "option", "textarea",
     "label", "head", "title", "meta", "link", "dialog")
)
# Tags that usually hold chrome: evidence like a chrome name, never a verdict (an <aside> or <header> can wrap
# the article).
_BLOCKS = frozenset(
    ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "dt", "dd", "td", "th",
     "div", "section", "article", "main", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "figure",
     "address", "caption", "details", "summary", "hr", "center", "body", "html")
)
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_WEAK_SHARE = 0.25
_STRONG_SHARE = 0.5
_DIALOG_SHARE = 0.75  # a declared dialog or hidden element (names.DIALOG) is chrome while under this share
# A list of posts: this many signed items at least; a signature line is shorter than this.
_POSTS = 3
_SIGNATURE = 80
# One signed item holding more than this share of the list is a text with a byline, not one post of many.
_ONE_POST = 0.6
# The container found, a child of it holding this share of its score is the container instead: the
# margins (a byline, a caption, a share bar) come and go between renders, the core does not.
_CORE = 0.9
# Names are evidence both ways: a descendant of the container named as content (<article>, "entry-content",
# "post") that holds this share of its score is the container instead; the rest is a sidebar or a footer
# beside a short post, not more of it.
_NAMED_CORE = 0.65
# A teaser of another page: a title link and under this many characters of text.
_TEASER = 600
_LINK_DENSE = 0.5
# A sibling of the container is more of the article when its score reaches this share of the container's, or
# this many characters (a lead paragraph).
_SIBLING = 0.2
_PARAGRAPH = 200.0
_PROSE = 0.7
# A block made mostly of links is still read as the article's when this many characters of it are its own: a
# sentence that links its sources, not a list of links.
_OWN_WORDS = 80
_HEADLINE = 8  # a heading shorter than this is no headline (a site's name, "News")
_ARTICLE_WORDS = 30  # fewer words than this is no article (the reader's MIN_BODY_WORDS): read again leniently
_SHORT = 25


# Scripts written without spaces (Chinese, Japanese, Korean): one character says about what a short word says, so
# it counts as this many characters wherever a length is weighed (a 15-character line of place names is a line).
_WIDE_SIZE = 2
_WIDE = re.compile("[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def _size(text: str) -> int:
    """The text's length with each wide character counted _WIDE_SIZE times."""
    return len(text) if text.isascii() else len(text) + (_WIDE_SIZE - 1) * len(_WIDE.findall(text))


@dataclass(slots=True)
class _Block:
    text: str
    size: int  # its length in characters, a wide (CJK) character counted as _WIDE_SIZE: about a word's worth
    links: int  # the part of `size` inside links
    owner: int  # element index of the innermost block element holding the text
    heading: bool


@dataclass(slots=True)
class _Page:
    blocks: list[_Block]
    parents: list[int]
    chrome: list[bool]  # named as chrome (weak names settled by _settle_chrome)
    nodes: list[LexborNode]
    content: list[bool]  # named as content: <article>, <main>, or a content word in its class or id
    kinds: list[int]  # what its names say (names.evidence), before _settle_chrome weighed them
    headline: int = -1  # the block that is the page's headline (_headline), -1: none found


def _walk(root: LexborNode, *, lenient: bool = False, title: str = "") -> _Page:
    """Blocks of visible text in reading order, and each element's parent and chrome flag (`lenient`: a small
    named block holding most of the page is not chrome, see _settle_chrome)."""
    blocks: list[_Block] = []
    parents: list[int] = []
    chrome: list[int] = []
    content: list[bool] = []
    nodes: list[LexborNode] = []
    tags: list[str] = []
    owners: list[int] = []  # open block elements, innermost last
    run: list[str] = []
    links = 0  # characters of the current run inside <a>
    in_link = 0

    def flush() -> None:
        nonlocal links
        if run:
            text = " ".join("".join(run).split())
            if text:
                owner = owners[-1] if owners else -1
                blocks.append(_Block(text, _size(text), links, owner, owner >= 0 and tags[owner] in _HEADINGS))
            run.clear()
        links = 0

    # Locals bound once: this loop visits every node of the page and was most of the reader's time.
    stack: list[tuple[LexborNode | None, int]] = [(root, -1)]
    push, pop, add_run = stack.append, stack.pop, run.append
    while stack:
        node, index = pop()
        if node is None:  # leaving element `index`
            tag = tags[index]
            if tag == "a":
                in_link -= 1
            elif tag in _BLOCKS:
                flush()
                owners.pop()
            continue
        tag = node.tag or ""
        if tag == "-text":
            text = node.text_content
            if text:
                add_run(text)
                if in_link:
                    links += _size(text.strip())
            continue
        if tag in _SKIP or tag[:1] == "-":
            continue
        if tag == "br":
            add_run(" ")
            continue
        attrs = node.attributes
        if attrs and ("hidden" in attrs or "aria-hidden" in attrs or "style" in attrs) and is_hidden(attrs):
            continue
        me = len(parents)
        parents.append(index)
        kind, named_content = evidence(tag, attrs)
        chrome.append(kind)
        content.append(named_content)
        nodes.append(node)
        tags.append(tag)
        if tag == "a":
            in_link += 1
        elif tag in _BLOCKS:
            flush()
            owners.append(me)
        push((None, me))
        child = node.last_child
        while child is not None:
            push((child, me))
            child = child.prev
    flush()
    at = _headline(blocks, title)
    settled = _settle_chrome(blocks, parents, chrome, tags, lenient=lenient,
                             headline=blocks[at].owner if at >= 0 else -1)
    return _Page(blocks, parents, settled, nodes, content, chrome, at)


def _settle_chrome(blocks: list[_Block], parents: list[int], kinds: list[int], tags: list[str], *,
                   lenient: bool = False, headline: int = -1) -> list[bool]:
    """A name is evidence, never a verdict: a strong name (or tag) is chrome while its element holds under
    _STRONG_SHARE of the page's text-like characters (or under _TEASER of them), a weak name under _WEAK_SHARE,
    a declared dialog under _DIALOG_SHARE. Past that share the name stands only with what the element holds:
    posts by many hands (comments). A weak name over the page's headline (element `headline`) is the page's
    layout vocabulary (every block an "elementor-widget"), not evidence: then a weak name makes chrome only
    of an element without prose (an ad slot)."""
    if not any(kinds):
        return [False] * len(kinds)
    element = headline
    while element >= 0 and kinds[element] != 1:
        element = parents[element]
    vocabulary = element >= 0
    own = [0] * len(parents)
    for block in blocks:
        if block.owner >= 0 and _text_like(block):
            own[block.owner] += block.size
    mass = own.copy()
    _sum_up(mass, parents)
    # Shares leave out the text of small named blocks (a cookie notice, a promo, a share bar: under _TEASER
    # characters) on both sides, so adding one to the page never tips another element over a limit (a false
    # change between two renders of one article).
    # Read leniently (when the page would otherwise have no article), a named block holding most of the page's
    # text-like content is never small: an element that holds most of the page is never discarded for its name.
    # The page's content leaves out small declared dialogs (a consent notice added to the page never tips it).
    page = 0
    if lenient and mass:
        dialogs = [k == _DIALOG and m < _TEASER for k, m in zip(kinds, mass, strict=True)]
        counted = own.copy()
        _sum_up(counted, parents, stop=dialogs)
        page = counted[0]
    small = [k > 0 and m < _TEASER and (k == _DIALOG or not 2 * m >= page > 0)
             for k, m in zip(kinds, mass, strict=True)]
    share = own.copy()
    _sum_up(share, parents, stop=small)
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


def _posts(blocks: list[_Block], parents: list[int], mass: list[int], tags: list[str]) -> list[bool]:
    """For each element, whether its text is a list of posts (comments, replies): at its core (the descendant
    holding _CORE of its text), at least _POSTS items hold most of the text, none over _ONE_POST of it alone,
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
        if top[i] >= 0 and mass[top[i]] >= _CORE * mass[i] > 0:
            core[i] = core[top[i]]
    first: list[_Block | None] = [None] * n  # each element's first block
    for block in blocks:
        i = block.owner
        while i >= 0 and first[i] is None:
            first[i] = block
            i = parents[i]
    signed = [0] * n
    held = [0] * n
    biggest = [0] * n
    for child in range(1, n):
        parent = parents[child]
        opening = first[child]
        if parent < 0 or not mass[child] or opening is None:
            continue
        if tags[child] == "dd" or (
                opening.owner != child and not opening.heading
                and (opening.size < _SIGNATURE or opening.links > _LINK_DENSE * opening.size)):
            signed[parent] += 1
            held[parent] += mass[child]
            biggest[parent] = max(biggest[parent], mass[child])
    return [signed[c] >= _POSTS and 2 * held[c] > mass[c] and biggest[c] <= _ONE_POST * mass[c] for c in core]


def _sum_up(values: list[int] | list[float], parents: list[int], stop: list[bool] | None = None) -> None:
    """Add each element's value into its parent's, leaves first (children always follow their parent in
    document order), in place; an element marked in `stop` keeps its sum to itself."""
    # Only the walk's root has no parent (index 0); elements with nothing to add are skipped (most of them).
    if stop is None:
        for i in range(len(parents) - 1, 0, -1):
            value = values[i]
            if value:
                values[parents[i]] += value  # type: ignore[assignment]
        return
    for i in range(len(parents) - 1, 0, -1):
        value = values[i]
        if value and not stop[i]:
            values[parents[i]] += value  # type: ignore[assignment]


def _text_like(block: _Block) -> bool:
    return block.size >= _SHORT and block.links <= _LINK_DENSE * block.size


def _gain(block: _Block) -> float:
    """What a block adds to the containers around it: its unlinked text, or a cost when it is chrome-like."""
    length = block.size
    return float(length - block.links) if _text_like(block) else -float(block.links or length // 2)


def _teasers(page: _Page) -> list[bool]:
    """Elements that look like a teaser of another page: a link-dense block (its title) and little
    characters of text (`_TEASER`)."""
    n = len(page.parents)
    mass = [0] * n
    titles = [0] * n
    for block in page.blocks:
        if block.owner >= 0:
            if _text_like(block):
                mass[block.owner] += block.size
            elif block.links >= _SHORT // 2:
                titles[block.owner] += 1
    _sum_up(mass, page.parents)
    _sum_up(titles, page.parents)
    shaped = [titles[i] > 0 and 0 < mass[i] < _TEASER for i in range(n)]
    # Teasers come in lists: one teaser-shaped element alone under its parent is a short post with its linked
    # title, not a teaser of another page.
    siblings = [0] * n
    for i in range(1, n):
        if shaped[i] and page.parents[i] >= 0:
            siblings[page.parents[i]] += 1
    return [shaped[i] and page.parents[i] >= 0 and siblings[page.parents[i]] >= 2 for i in range(n)]


@dataclass(slots=True)
class _Choice:
    container: int  # -1: none
    score: list[float]  # each element's text-like characters less chrome-like ones, chrome and teasers left out
    excluded: list[bool]  # chrome, inside chrome, or a teaser: never read
    named: bool = False  # narrowed to an element named as content: only siblings named so are more of it


def _choose_container(page: _Page) -> _Choice:
    """The element where text-like characters outweigh chrome-like ones the most, then its core."""
    n = len(page.parents)
    score = [0.0] * n
    for block in page.blocks:
        if block.owner >= 0:
            score[block.owner] += _gain(block)
    # What chrome holds is never read: it counts for no container above it; nor do teasers.
    teasers = _teasers(page)
    stops = [c or t for c, t in zip(page.chrome, teasers, strict=True)]
    _sum_up(score, page.parents, stop=stops)
    under = [False] * n  # chrome-named, or inside a chrome-named element: never the container
    best = -1
    best_score = 0.0
    for i in range(n):  # in document order, so a parent is seen before its children
        if page.chrome[i] or (page.parents[i] >= 0 and under[page.parents[i]]):
            under[i] = True
        elif score[i] > best_score:
            best, best_score = i, score[i]
    narrowed = False
    if best >= 0:  # the innermost content-named element holding _NAMED_CORE of it (they nest: each holds most)
        inside = [False] * n
        named = best
        for i in range(best + 1, n):
            parent = page.parents[i]
            inside[i] = parent == best or (parent >= 0 and inside[parent])
            if inside[i] and page.content[i] and not under[i] and score[i] >= _NAMED_CORE * best_score:
                named = i
        narrowed = named != best
        best, best_score = named, score[named]
    top_child = [-1] * n
    for i in range(n):
        parent = page.parents[i]
        if parent >= 0 and not under[i] and (top_child[parent] < 0 or score[i] > score[top_child[parent]]):
            top_child[parent] = i
    while best >= 0 and top_child[best] >= 0 and score[top_child[best]] >= _CORE * best_score:
        best = top_child[best]
    return _Choice(best, score, [u or t for u, t in zip(under, teasers, strict=True)], narrowed)


def _with_siblings(page: _Page, choice: _Choice) -> list[int]:
    """The container and the siblings around it that read as more of the article: an article is often cut in
    parts (a lead, the body, "read more" after an embed), and the core the container was narrowed to holds
    only one. Reading outwards from the container, a sibling joins while it reads as prose (text-like blocks
    make _PROSE of its characters) and its text outweighs its links by _SIBLING of the container's score or
    by _PARAGRAPH characters; chrome, teasers and elements without text are stepped over, anything else ends
    the run (the article is one run of prose: a sidebar or a list of links beside it is not). Names are
    evidence both ways: beside a container chosen for its content name, only siblings named so join."""
    container, score = choice.container, choice.score
    parent = page.parents[container] if container >= 0 else -1
    if parent < 0:
        return [container] if container >= 0 else []
    n = len(page.parents)
    prose = [0] * n
    chars = [0] * n
    for block in page.blocks:
        if block.owner >= 0:
            chars[block.owner] += block.size
            if _text_like(block):
                prose[block.owner] += block.size
    _sum_up(prose, page.parents, stop=choice.excluded)
    _sum_up(chars, page.parents, stop=choice.excluded)
    siblings = [i for i in range(parent + 1, n) if page.parents[i] == parent]
    at = siblings.index(container)
    floor = min(_SIBLING * score[container], _PARAGRAPH)
    roots = [container]
    for run in (reversed(siblings[:at]), siblings[at + 1:]):
        for i in run:
            if choice.excluded[i] or not chars[i] or (score[i] <= 0 and chars[i] < _TEASER):
                continue  # chrome, an embed, an inline box of links (a pull quote, "related")
            if score[i] < floor or prose[i] < _PROSE * chars[i] or (choice.named and not page.content[i]):
                break
            roots.append(i)
    return sorted(roots)


def _headline(blocks: list[_Block], title: str) -> int:
    """The index of the block that is the page's headline (-1: none): a heading the page's title holds (titles
    add the site's name: "Headline | Site"), of _HEADLINE characters at least; of several, one that is no link
    (a "most read" list repeats the headline as a link), then the longest (a site's name in a logo <h1> is
    shorter), then the first."""
    wanted = " ".join(title.casefold().split())
    best, rank = -1, (False, _HEADLINE - 1)
    for index, block in enumerate(blocks):
        if block.heading and len(block.text) >= _HEADLINE and block.text.casefold() in wanted:
            candidate = (not block.links, len(block.text))
            if candidate > rank:
                best, rank = index, candidate
    return best


def _inside(page: _Page, element: int, ancestor: int) -> bool:
    while element >= 0 and element != ancestor:
        element = page.parents[element]
    return element == ancestor


def _headline_side(page: _Page, choice: _Choice, title: str) -> _Choice:
    """Names and the headline, weighed together: a container under a weak chrome name (a sidebar, a widget)
    that only its share of the page kept from being chrome is not the article when the page's headline is
    outside that element and the text right under the headline is not in it: a short post beside a longer
    sidebar. The container is then chosen again with that element as chrome, and kept only when the new one
    holds the text under the headline or lies beside it, under the headline's element. Only when the headline
    and the text under it have an element of their own: a headline and a standfirst beside the named element
    (under one parent with it) may well be the article's head. A weak name over the
    headline too (every block an "elementor-widget") is layout, not evidence."""
    container = choice.container
    at = page.headline if container >= 0 else -1
    if at < 0 or _inside(page, page.blocks[at].owner, container):
        return choice
    element = page.blocks[at].owner
    while element >= 0:  # a weak name over the headline too is the page's layout vocabulary, no evidence
        if page.kinds[element] == 1:
            return choice
        element = page.parents[element]
    following = next((b.owner for b in page.blocks[at + 1:] if _text_like(b) and b.owner >= 0), -1)
    named = -1
    element = container
    while element >= 0:  # the outermost weak-named element over the container, the headline outside it
        if page.kinds[element] == 1 and not page.chrome[element]:
            named = element
        element = page.parents[element]
    if named < 0 or following < 0 or _inside(page, page.blocks[at].owner, named) or _inside(page, following, named):
        return choice
    region = following  # the headline and the text under it: the lowest element holding both
    while region >= 0 and not _inside(page, page.blocks[at].owner, region):
        region = page.parents[region]
    if region < 0 or _inside(page, named, region):  # a standfirst beside the named element: it may be the article
        return choice
    chrome = page.chrome.copy()
    chrome[named] = True
    again = _choose_container(_Page(page.blocks, page.parents, chrome, page.nodes, page.content, page.kinds,
                                    page.headline))
    found = again.container
    if found < 0 or not (_inside(page, following, found) or _inside(page, found, region)):
        return choice
    # … and it reads text that comes after the headline, not the headline alone.
    after = any(_text_like(b) and b.owner >= 0 and _inside(page, b.owner, found) for b in page.blocks[at + 1:])
    return again if after else choice


def _body_blocks(page: _Page, roots: list[int]) -> list[str]:
    """The blocks under these roots that a reader reads as the article: not inside chrome, not made of links."""
    readable = [False] * len(page.parents)
    for root in roots:
        readable[root] = True
    for i in range(roots[0] + 1, len(page.parents)):
        parent = page.parents[i]
        readable[i] = readable[i] or (parent >= 0 and readable[parent] and not page.chrome[i])
    kept: list[str] = []
    pending_heading: str | None = None
    for block in page.blocks:
        if block.owner < 0 or not readable[block.owner]:
            continue
        if block.links > _LINK_DENSE * block.size and block.size - block.links < _OWN_WORDS:
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


def read_body(tree: LexborHTMLParser, title: str = "") -> tuple[list[str], LexborNode | None]:
    """The article's paragraphs and the element they came from (([], None): no body found); `title`: the
    page's title (<title>, og:title), which names its headline."""
    root = tree.body
    if root is None:
        return [], None
    page = _walk(root, title=title)
    choice = _headline_side(page, _choose_container(page), title)
    body = _body_blocks(page, _with_siblings(page, choice)) if choice.container >= 0 else []
    if word_count(body) < _ARTICLE_WORDS:  # no article found: never for a name alone
        page = _walk(root, lenient=True, title=title)
        choice = _headline_side(page, _choose_container(page), title)
        body = _body_blocks(page, _with_siblings(page, choice)) if choice.container >= 0 else []
    if choice.container < 0:
        return [], None
    return body, page.nodes[choice.container]
