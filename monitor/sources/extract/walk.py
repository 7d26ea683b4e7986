"""The walk: one iterative pass over the visible tree that cuts the page into blocks and records each element's
parent and what its names say (names.evidence). No recursion: a page of 50,000 nested <div>s is a page too."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from monitor.sources.extract.blocks import Block, Page, find_headline, size, weak_over
from monitor.sources.extract.dom import is_hidden
from monitor.sources.extract.names import evidence
from monitor.sources.extract.weigh import settle_chrome

# Never text: code, media, widgets, navigation and asides, and the document head.
_SKIP = frozenset(
    ("script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas", "video",
     "audio", "picture", "img", "source", "track", "map", "button", "input", "select", "option", "textarea",
     "label", "head", "title", "meta", "link", "dialog")
)
# Elements that end a block of text (a paragraph-level element or a container of them).
_BLOCKS = frozenset(
    ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "dt", "dd", "td", "th",
     "div", "section", "article", "main", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "figure",
     "address", "caption", "details", "summary", "hr", "center", "body", "html")
)
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


def walk(root: LexborNode, *, lenient: bool = False, title: str = "") -> Page:
    """Blocks of visible text in reading order, and each element's parent and chrome flag (`lenient`: a small
    named block holding most of the page is not chrome, see settle_chrome)."""
    blocks: list[Block] = []
    parents: list[int] = []
    chrome: list[int] = []
    content: list[bool] = []
    nodes: list[LexborNode] = []
    tags: list[str] = []
    owners: list[int] = []  # open block elements, innermost last
    run: list[str] = []
    links = 0  # characters of the current run inside <a>
    in_link = 0

    def flush() -> None:  # called only with text in the run: most block boundaries have none
        nonlocal links
        text = " ".join("".join(run).split())
        if text:
            owner = owners[-1] if owners else -1
            blocks.append(Block(text, size(text), links, owner, owner >= 0 and tags[owner] in _HEADINGS))
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
                if run:
                    flush()
                owners.pop()
            continue
        tag = node.tag or ""
        if tag == "-text":
            text = node.text_content
            if text and (run or not text.isspace()):  # white space opening a run reads as nothing
                add_run(text)
                if in_link:
                    links += size(text.strip())
            continue
        if tag in _SKIP or tag[:1] == "-":
            continue
        if tag == "br":
            if run:
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
        block = tag in _BLOCKS
        if block and run:
            flush()
        child = node.last_child
        if child is None:  # an empty element: left as soon as entered
            continue
        if tag == "a":
            in_link += 1
        elif block:
            owners.append(me)
        push((None, me))
        while child is not None:
            push((child, me))
            child = child.prev
    if run:
        flush()
    at = find_headline(blocks, title)
    vocabulary = at >= 0 and weak_over(parents, chrome, blocks[at].owner)
    settled = settle_chrome(blocks, parents, chrome, tags, lenient=lenient, vocabulary=vocabulary)
    return Page(blocks, parents, settled, nodes, tags, content, chrome, at, vocabulary)
