"""How pages.jsonl.gz was made (kept for provenance; bench/ never runs it and nothing is fetched in CI).

Run: python bench/data/dragnet/sample.py HTML_DIR CORRECTED_DIR
HTML_DIR holds Dragnet's `X.html` pages and CORRECTED_DIR its `X.html.corrected.txt` gold texts
(seomoz/dragnet_data: dragnet_HTML.tar.gz and dragnet_Corrected.tar.gz). The 240 pages whose
SHA-1 of "dragnet:<id>" sorts first are kept (a few MB instead of 112 MB); the gold text is
cut at Dragnet's comments marker (the article only: comments are off in every reader we score).
Pages are stored as decoded text: UTF-8 when the bytes are UTF-8, else windows-1252.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from pathlib import Path

KEEP = 240
COMMENTS = "!@#$%^&*()  COMMENTS"


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("windows-1252", errors="replace")


def main() -> int:
    html_dir, gold_dir = Path(sys.argv[1]), Path(sys.argv[2])
    ids = sorted((p.name[: -len(".html")] for p in html_dir.glob("*.html")),
                 key=lambda i: hashlib.sha1(f"dragnet:{i}".encode()).hexdigest())
    out = Path(__file__).with_name("pages.jsonl.gz")
    kept = 0
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as sink:
        for page_id in ids:
            gold = gold_dir / f"{page_id}.html.corrected.txt"
            if not gold.is_file():
                continue
            truth = _decode(gold.read_bytes()).split(COMMENTS)[0].strip()
            if not truth:
                continue
            html = _decode((html_dir / f"{page_id}.html").read_bytes())
            sink.write(json.dumps({"id": page_id, "html": html, "truth": truth}, ensure_ascii=False) + "\n")
            kept += 1
            if kept == KEEP:
                break
    print(f"{kept} pages -> {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
