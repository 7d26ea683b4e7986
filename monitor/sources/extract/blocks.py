"""The page as the generic reader sees it: blocks of visible text, each owned by the innermost block element
holding it, the elements with their parents, and the measures every step weighs them with (a block's size,
whether it reads as text, what it adds to the elements around it). Pure: data in, data out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

# A block reads as text when it has this many characters at least and links hold at most LINK_DENSE of them.
SHORT = 25
LINK_DENSE = 0.5
# A teaser of another page: a title link and under this many characters of text.
TEASER = 600
# The container found, a child of it holding this share of its score is the container instead: the
# margins (a byline, a caption, a share bar) come and go between renders, the core does not.
CORE = 0.9
HEADLINE = 8  # a heading shorter than this is no headline (a site's name, "News")
# Scripts written without spaces (Chinese, Japanese, Korean): one character says about what a short word says, so
# it counts as this many characters wherever a length is weighed (a 15-character line of place names is a line).
_WIDE_SIZE = 2
# Wider than core.text's ideographs (what counts as a word): CJK punctuation and full-width forms take a
# character's width too, and a line of place names separated by "、" and "：" must weigh as a line.
_WIDE = re.compile("[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def size(text: str) -> int:
    """The text's length with each wide character counted _WIDE_SIZE times."""
    return len(text) if text.isascii() else len(text) + (_WIDE_SIZE - 1) * len(_WIDE.findall(text))


@dataclass(slots=True)
class Block:
    text: str
    size: int  # its length in characters, a wide (CJK) character counted as _WIDE_SIZE: about a word's worth
    links: int  # the part of `size` inside links
    owner: int  # element index of the innermost block element holding the text
    heading: bool


@dataclass(slots=True)
class Page:
    blocks: list[Block]
    parents: list[int]
    chrome: list[bool]  # named as chrome (weak names settled by settle_chrome)
    nodes: list[LexborNode]
    tags: list[str]  # each element's tag name
    content: list[bool]  # named as content: <article>, <main>, or a content word in its class or id
    kinds: list[int]  # what its names say (names.evidence), before settle_chrome weighed them
    headline: int = -1  # the block that is the page's headline (find_headline), -1: none found
    vocabulary: bool = False  # a weak chrome name sits over the headline: weak names are the page's layout words


def sum_up(values: list[int] | list[float], parents: list[int], stop: list[bool] | None = None) -> None:
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


def text_like(block: Block) -> bool:
    return block.size >= SHORT and block.links <= LINK_DENSE * block.size


def gain(block: Block) -> float:
    """What a block adds to the containers around it: its unlinked text, or a cost when it is chrome-like."""
    length = block.size
    return float(length - block.links) if text_like(block) else -float(block.links or length // 2)


def find_headline(blocks: list[Block], title: str) -> int:
    """The index of the block that is the page's headline (-1: none): a heading the page's title holds (titles
    add the site's name: "Headline | Site"), of HEADLINE characters at least; of several, one that is no link
    (a "most read" list repeats the headline as a link), then the longest (a site's name in a logo <h1> is
    shorter), then the first."""
    wanted = " ".join(title.casefold().split())
    best, rank = -1, (False, HEADLINE - 1)
    for index, block in enumerate(blocks):
        if block.heading and len(block.text) >= HEADLINE and block.text.casefold() in wanted:
            candidate = (not block.links, len(block.text))
            if candidate > rank:
                best, rank = index, candidate
    return best


def weak_over(parents: list[int], kinds: list[int], element: int) -> bool:
    """Whether a weak chrome name (names.evidence kind 1) sits on `element` or an element around it: over the
    headline, the page's layout vocabulary (every block an "elementor-widget"), not evidence."""
    while element >= 0 and kinds[element] != 1:
        element = parents[element]
    return element >= 0
