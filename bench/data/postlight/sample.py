"""How pages.jsonl.xz was made (kept for provenance; bench/ never runs it and nothing is fetched in CI).

Run: python bench/data/postlight/sample.py PARSER_DIR  (needs `node` to read the extractors; writes
pages.jsonl.xz). PARSER_DIR is a checkout of postlight/parser: `src/extractors/custom/<site>/` holds, per
site, a hand-written extractor (`index.js`: the CSS selectors of the article body, `content.selectors`,
and of what to strip inside it, `content.clean`) and its test (`index.test.js`: the page's URL, its
saved copy under `fixtures/`, and the first 13 words of the body the maintainers checked).

The true text of a page is what its site's selectors hold: the first selector that matches (a string:
exactly one element with text; a list: every part matches, all their elements in page order), minus
the elements its `clean` selectors, scripts, styles, `<noscript>`, `<template>` and `<h1>` (the
headline, which Postlight's cleaner drops too) match, one block a line. A page is kept when the
maintainers' 13 words (spaces and punctuation aside, case folded) are at the start of that text
(within its first 200 letters): the selectors read the body the test checked. Every page kept: no
sampling by content.
"""

from __future__ import annotations

import html as htmllib
import json
import lzma
import re
import subprocess
import sys
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Read each extractor's body selectors and its test's text with node: the extractors are JavaScript
# object literals (only data is kept; transforms, which change images and markup, are not applied).
_DUMP = r"""
const fs = require('fs'), vm = require('vm'), path = require('path');
const root = path.join(process.argv[1], 'src/extractors/custom'), out = [];
for (const dir of fs.readdirSync(root).sort()) {
  const idx = path.join(root, dir, 'index.js'), test = path.join(root, dir, 'index.test.js');
  if (!fs.existsSync(idx) || !fs.existsSync(test)) continue;
  const src = fs.readFileSync(idx, 'utf8').replace(/^import .*$/mg, '')
    .replace(/export const (\w+) =/, 'module.exports =');
  const m = {exports: {}};
  vm.runInNewContext(src, {module: m, URL: require('url')});
  const c = m.exports.content || {};
  out.push({dir, selectors: c.selectors || [], clean: c.clean || [], test: fs.readFileSync(test, 'utf8')});
}
process.stdout.write(JSON.stringify(out));
"""

_STR = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)"""
# In a test, in order: the page's URL, the fixture it reads, and the checked first words of the body.
_TOKENS = re.compile(rf"\bur[li]\s*=\s*(?P<u>{_STR})|readFileSync\(\s*(?P<f>{_STR})"
                     rf"|assert\.equal\(\s*(?:first\d+|text)\s*,\s*(?P<e>{_STR}(?:\s*\+\s*{_STR})*)\s*\)", re.S)
_BLOCKS = ("p", "div", "br", "li", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "blockquote", "pre", "dd",
           "dt", "figcaption", "section", "article", "table", "ul", "ol", "header", "footer", "aside", "figure")
_DROP = "script, style, noscript, template, h1"
_WORD = re.compile(r"\W+")
_LEAD = 200


def _literal(source: str) -> str:
    text = ""
    for part in re.findall(_STR, source):
        body = part[1:-1]
        text += re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)
    return text


def _cases(test: str) -> list[tuple[str, str, str]]:
    url = fixture = None
    found = []
    for m in _TOKENS.finditer(test):
        if m.group("u"):
            url = _literal(m.group("u"))
        elif m.group("f"):
            fixture = _literal(m.group("f"))
        elif url and fixture:
            found.append((url, fixture, _literal(m.group("e"))))
    return found


def _css(node: LexborHTMLParser | LexborNode, selector: str) -> list[LexborNode]:
    try:
        return list(node.css(selector))
    except Exception:  # a jQuery-only selector lexbor does not know: it matches nothing here
        return []


def _outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """The matched elements not inside another match (Postlight moves each into one wrapper: read once)."""
    ids = {n.mem_id for n in nodes}
    kept = []
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:
            kept.append(node)
    return kept


def _match(tree: LexborHTMLParser, selectors: list) -> list[LexborNode]:
    for selector in selectors:
        if isinstance(selector, list):
            if all(_css(tree, s) for s in selector):
                return _outermost(_css(tree, ", ".join(selector)))
        else:
            nodes = _css(tree, selector)
            if len(nodes) == 1 and nodes[0].text().strip():
                return nodes
    return []


def _text(node: LexborNode, clean: list[str]) -> str:
    for selector in [*clean, _DROP]:
        for junk in _css(node, selector):
            junk.decompose()
    for block in _css(node, ", ".join(_BLOCKS)):
        block.insert_after("\n")
    lines = (" ".join(line.split()) for line in node.text(separator="").split("\n"))
    return "\n".join(line for line in lines if line)


def _norm(text: str) -> str:
    return _WORD.sub("", htmllib.unescape(text)).casefold().replace("_", "")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("windows-1252", errors="replace")


def main() -> int:
    root = Path(sys.argv[1])
    extractors = json.loads(subprocess.run(["node", "-e", _DUMP, str(root)], check=True, capture_output=True,
                                           text=True).stdout)
    out = Path(__file__).with_name("pages.jsonl.xz")
    seen: set[str] = set()
    kept = dropped = 0
    with lzma.open(out, "wt", encoding="utf-8", preset=9) as sink:
        for extractor in extractors:
            for url, fixture, first in _cases(extractor["test"]):
                path = root / fixture
                if fixture in seen or not path.is_file():
                    continue
                seen.add(fixture)
                html = _decode(path.read_bytes())
                nodes = _match(LexborHTMLParser(html), extractor["selectors"])
                truth = "\n".join(t for t in (_text(n, extractor["clean"]) for n in nodes) if t)
                if not truth or _norm(first) not in _norm(truth)[: len(_norm(first)) + _LEAD]:
                    print(f"left out {fixture}: its selectors do not read the checked start {first[:40]!r}")
                    dropped += 1
                    continue
                page_id = fixture.removeprefix("./").removeprefix("fixtures/").removesuffix(".html")
                record = {"id": page_id, "site": extractor["dir"], "url": url, "html": html, "truth": truth}
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                kept += 1
    print(f"{kept} pages kept, {dropped} left out -> {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
