"""Where the article is on the page: the container where text outweighs chrome the most, narrowed to its core (or
to the element named as content that holds most of it), the parts of the article beside it, and the page's
headline weighed with the names around the container. Pure: data in, data out."""

from __future__ import annotations

from dataclasses import dataclass, replace

from monitor.sources.extract.blocks import CORE, LINK_DENSE, SHORT, TEASER, Page, gain, sum_up, text_like
from monitor.sources.extract.names import CHROME_TAGS

# Names are evidence both ways: a descendant of the container named as content (<article>, "entry-content",
# "post") that holds this share of its score is the container instead; the rest is a sidebar or a footer
# beside a short post, not more of it.
_NAMED_CORE = 0.65
# A sibling of the container is more of the article when its score reaches this share of the container's, or
# this many characters (a lead paragraph).
_SIBLING = 0.2
_PARAGRAPH = 200.0
_PROSE = 0.7


def _teasers(page: Page) -> list[bool]:
    """Elements that look like a teaser of another page: a link-dense block (its title) and little
    characters of text (`TEASER`)."""
    n = len(page.parents)
    mass = [0] * n
    titles = [0] * n
    for block in page.blocks:
        if block.owner >= 0:
            if text_like(block):
                mass[block.owner] += block.size
            elif block.links >= SHORT // 2:
                titles[block.owner] += 1
    # What chrome holds is not the element's own: a share bar put into a short article makes no teaser of it. A
    # teaser's title link often sits in a <header>, though: only chrome named so by its class or id is left out.
    named_chrome = [c and tag not in CHROME_TAGS for c, tag in zip(page.chrome, page.tags, strict=True)]
    sum_up(mass, page.parents, stop=named_chrome)
    sum_up(titles, page.parents, stop=named_chrome)
    shaped = [titles[i] > 0 and 0 < mass[i] < TEASER for i in range(n)]
    # Teasers come in lists: one teaser-shaped element alone under its parent is a short post with its linked
    # title, not a teaser of another page.
    siblings = [0] * n
    for i in range(1, n):
        if shaped[i] and page.parents[i] >= 0:
            siblings[page.parents[i]] += 1
    return [shaped[i] and page.parents[i] >= 0 and siblings[page.parents[i]] >= 2 for i in range(n)]


@dataclass(slots=True)
class Choice:
    container: int  # -1: none
    score: list[float]  # each element's text-like characters less chrome-like ones, chrome and teasers left out
    excluded: list[bool]  # chrome, inside chrome, or a teaser: never read
    named: bool = False  # narrowed to an element named as content: only siblings named so are more of it


def choose_container(page: Page) -> Choice:
    """The element where text-like characters outweigh chrome-like ones the most, then its core."""
    n = len(page.parents)
    score = [0.0] * n
    for block in page.blocks:
        if block.owner >= 0:
            score[block.owner] += gain(block)
    # What chrome holds is never read: it counts for no container above it; nor do teasers.
    teasers = _teasers(page)
    stops = [c or t for c, t in zip(page.chrome, teasers, strict=True)]
    sum_up(score, page.parents, stop=stops)
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
    while best >= 0 and top_child[best] >= 0 and score[top_child[best]] >= CORE * best_score:
        best = top_child[best]
    return Choice(best, score, [u or t for u, t in zip(under, teasers, strict=True)], narrowed)


def with_siblings(page: Page, choice: Choice) -> list[int]:
    """The container and the siblings around it that read as more of the article: an article is often cut in parts (a
    lead, the body, "read more" after an embed), and the core the container was narrowed to holds only one. The
    siblings are those of the part the core fills (the outermost element holding its text and nothing more: an
    entry-body around its div.inner), not of the innermost core. Reading outwards from the container, a sibling
    joins while it reads as prose (text-like blocks make _PROSE of its characters) and its text outweighs its links
    by _SIBLING of the container's score or by _PARAGRAPH characters; chrome, teasers and elements without text are
    stepped over (a data table too, read with the part after it when one comes), anything else ends the run (the
    article is one run of prose: a sidebar or a list of links beside it is not); a sibling that opens with a linked
    title is another page's teaser and ends it. Names are evidence both ways: beside a container chosen for its
    content name, only siblings named so join."""
    container, score = choice.container, choice.score
    parent = page.parents[container] if container >= 0 else -1
    if parent < 0:
        return [container] if container >= 0 else []
    n = len(page.parents)
    prose = [0] * n
    chars = [0] * n
    links = [0] * n
    for block in page.blocks:
        if block.owner >= 0:
            chars[block.owner] += block.size
            links[block.owner] += block.links
            if text_like(block):
                prose[block.owner] += block.size
    sum_up(prose, page.parents, stop=choice.excluded)
    sum_up(chars, page.parents, stop=choice.excluded)
    sum_up(links, page.parents, stop=choice.excluded)
    part = container  # the part the core fills: the outermost element holding its text and nothing more
    while parent >= 0 and page.parents[parent] >= 0 and chars[parent] == chars[part]:
        part, parent = parent, page.parents[parent]
    siblings = [i for i in range(parent + 1, n) if page.parents[i] == parent]
    at = siblings.index(part)
    floor = min(_SIBLING * score[container], _PARAGRAPH)
    titled = titled_children(page, siblings, choice.excluded)
    roots = [container]
    for run in (reversed(siblings[:at]), siblings[at + 1:]):
        tables: list[int] = []  # data tables between parts: read with the part after them, if one comes
        for i in run:
            if choice.excluded[i] or not chars[i] or (score[i] <= 0 and chars[i] < TEASER):
                continue  # chrome, an embed, an inline box of links (a pull quote, "related")
            if page.tags[i] == "table" and links[i] <= LINK_DENSE * chars[i]:
                tables.append(i)
                continue
            if (score[i] < floor or prose[i] < _PROSE * chars[i] or (choice.named and not page.content[i])
                    or titled[i]):
                break
            roots += tables
            tables.clear()
            roots.append(i)
    return sorted(roots)


def titled_children(page: Page, siblings: list[int], excluded: list[bool]) -> dict[int, bool]:
    """For each sibling, whether it opens with a linked title: a teaser of another page ("Next post"), not a
    part of this article, however much text follows the title."""
    bounds = [*siblings[1:], len(page.parents)]
    first: dict[int, bool] = {}
    k = 0
    for block in page.blocks:
        owner = block.owner
        if owner < siblings[0] or excluded[owner]:
            continue
        while k < len(siblings) and owner >= bounds[k]:
            k += 1
        if k == len(siblings):
            break
        sibling = siblings[k]
        if owner >= sibling and sibling not in first:
            first[sibling] = block.heading and block.links > LINK_DENSE * block.size
    return {i: first.get(i, False) for i in siblings}


def _headline_region(page: Page, at: int) -> tuple[int, int]:
    """The element of the first text-like block after the headline block `at`, and the lowest element holding both
    (the headline's region); -1 for either when there is none."""
    following = next((b.owner for b in page.blocks[at + 1:] if text_like(b) and b.owner >= 0), -1)
    region = following
    while region >= 0 and not _inside(page, page.blocks[at].owner, region):
        region = page.parents[region]
    return following, region


def _inside(page: Page, element: int, ancestor: int) -> bool:
    while element >= 0 and element != ancestor:
        element = page.parents[element]
    return element == ancestor


def headline_side(page: Page, choice: Choice, title: str) -> Choice:
    """Names and the headline, weighed together: a container under a weak chrome name (a sidebar, a widget)
    that only its share of the page kept from being chrome is not the article when the page's headline is
    outside that element and the text right under the headline is not in it: a short post beside a longer
    sidebar. The container is then chosen again with that element as chrome, and kept only when the new one
    holds the text under the headline or lies beside it, under the headline's element. Only when the headline
    and the text under it have an element of their own: a headline and a standfirst beside the named element
    (under one parent with it) may well be the article's head. A weak name over the headline too (every block
    an "elementor-widget") is layout, not evidence."""
    container = choice.container
    at = page.headline if container >= 0 else -1
    if at < 0 or page.vocabulary:  # a weak name over the headline too is the page's layout vocabulary, no evidence
        return choice
    if _inside(page, page.blocks[at].owner, container):
        return _beside_headline(page, choice, at)
    following, region = _headline_region(page, at)
    named = -1
    element = container
    while element >= 0:  # the outermost weak-named element over the container, the headline outside it
        if page.kinds[element] == 1 and not page.chrome[element]:
            named = element
        element = page.parents[element]
    if named < 0 or following < 0 or _inside(page, following, named):
        return choice
    if region < 0 or _inside(page, named, region):  # a standfirst beside the named element: it may be the article
        return choice
    chrome = page.chrome.copy()
    chrome[named] = True
    again = choose_container(replace(page, chrome=chrome))
    found = again.container
    if found < 0 or not (_inside(page, following, found) or _inside(page, found, region)):
        return choice
    # … and it reads text that comes after the headline, not the headline alone.
    after = any(text_like(b) and b.owner >= 0 and _inside(page, b.owner, found) for b in page.blocks[at + 1:])
    return again if after else choice


def _beside_headline(page: Page, choice: Choice, at: int) -> Choice:
    """The same weighing when the container holds the headline: the headline and the text under it have an element
    of their own in it (a column), and weak-named elements beside that element (a sidebar longer than a short
    post) are what made the container this wide. They are chrome then, if the container chosen again holds the
    text under the headline."""
    container, n = choice.container, len(page.parents)
    following, region = _headline_region(page, at)
    if region < 0 or region == container:
        return choice
    over: set[int] = set()  # the region and the elements around it
    element = region
    while element >= 0:
        over.add(element)
        element = page.parents[element]
    inside = [False] * n  # in the container
    held = [False] * n  # in the region, or in a weak-named element already found: not looked at again
    inside[container] = True
    held[region] = True
    beside: list[int] = []
    for i in range(container + 1, n):  # one pass, parents first: linear in the page however deep it nests
        parent = page.parents[i]
        inside[i] = parent >= 0 and inside[parent]
        held[i] = held[i] or (parent >= 0 and held[parent])
        if inside[i] and not held[i] and i not in over and page.kinds[i] == 1 and not page.chrome[i]:
            beside.append(i)
            held[i] = True
    if not beside:
        return choice
    chrome = page.chrome.copy()
    for i in beside:
        chrome[i] = True
    again = choose_container(replace(page, chrome=chrome))
    found = again.container
    if found < 0 or not _inside(page, following, found):
        return choice
    return again
