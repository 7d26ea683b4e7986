"""How pages.jsonl.gz was made (kept for provenance; bench/ never runs it and nothing is fetched in CI).

Run: python bench/data/fundus/sample.py TEST_DATA_DIR  (writes pages.jsonl.xz: xz, half gzip's size here)
TEST_DATA_DIR is Fundus's tests/resources/parser/test_data: one folder per country, each with a
meta.info (file name -> url, crawl date), the pages as `<Publisher>_<date>.html.gz`, and per publisher
a `<Publisher>.json` holding, per parser version, what Fundus's hand-written parser for that publisher
reads from its page (the body: a summary and sections of headline and paragraphs).

Each page is matched to the version whose body it holds: the version most of whose paragraphs occur in
the page's text (at least 80 %); a page matching none is left out. The true text is the body in reading
order (summary, then each section's headline and paragraphs), one paragraph a line; the title is not
in it (as in the 181-page benchmark). Every page kept: no sampling by content.
"""

from __future__ import annotations

import gzip
import json
import lzma
import re
import sys
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

_SPACE = re.compile(r"\s+")
_MATCH = 0.8


def _norm(text: str) -> str:
    return _SPACE.sub("", text).lower()


def _truth(body: dict[str, list]) -> list[str]:
    lines = list(body.get("summary", []))
    for section in body.get("sections", []):
        lines += section.get("headline", []) + section.get("paragraphs", [])
    return [line.strip() for line in lines if line.strip()]


def main() -> int:
    root = Path(sys.argv[1])
    out = Path(__file__).with_name("pages.jsonl.xz")
    kept = dropped = 0
    with lzma.open(out, "wt", encoding="utf-8", preset=9) as sink:
        for meta_path in sorted(root.glob("*/meta.info")):
            country = meta_path.parent
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            for name in sorted(meta):
                path = country / name
                publisher = name.split("_")[0]
                cases = country / f"{publisher}.json"
                if not path.is_file() or not cases.is_file():
                    dropped += 1
                    continue
                html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
                page_text = _norm(LexborHTMLParser(html).text(separator=" "))
                best: tuple[float, list[str]] = (0.0, [])
                for version in json.loads(cases.read_text(encoding="utf-8")).values():
                    lines = _truth(version.get("body") or {})
                    if lines:
                        found = sum(_norm(line) in page_text for line in lines) / len(lines)
                        best = max(best, (found, lines), key=lambda b: b[0])
                if best[0] < _MATCH:
                    print(f"left out {name}: {best[0]:.0%} of the closest body's paragraphs are on the page")
                    dropped += 1
                    continue
                page_id = f"{country.name}/{name.removesuffix('.html.gz')}"
                record = {"id": page_id, "url": meta[name]["url"], "html": html, "truth": "\n".join(best[1])}
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                kept += 1
    print(f"{kept} pages kept, {dropped} left out -> {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
