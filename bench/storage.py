"""Benchmark: disk used by N articles × V versions of realistic history (each version one change).

    python bench/storage.py [--n 5000] [--versions 10] [--encoding gzip|identity]

Writes through the real Store.record_version into a temporary SQLite file and prints its
size; then the WARC archive of the same versions, written the way a cycle writes it (each
capture's request and response through Archive.capture, indexed in the version's transaction,
fsync'd): an eff.org-like page per version, sent gzip-encoded as eff.org does by default.
Numbers only (the target lives in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import gzip
import sqlite3
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from monitor.core.exchange import Exchange  # noqa: E402
from monitor.core.model import Snapshot, UpdateNote  # noqa: E402
from monitor.sources.seeds import parse_seed_file  # noqa: E402
from monitor.store.archive import Archive  # noqa: E402
from monitor.store.database import Store, open_store  # noqa: E402
from tests.site import Article, article_page  # noqa: E402

PROSE = parse_seed_file(next((REPO / "seeds").glob("003_*.txt"))).snapshot.paragraphs


def _history(i: int, versions: int) -> list[Snapshot]:
    """Version 1, then a note added, a sentence edited, a paragraph added… one change per version."""
    paragraphs = tuple(f"{p} (post {i})" if n == 0 else p for n, p in enumerate(PROSE))
    snap = Snapshot(url=f"https://www.eff.org/deeplinks/2025/01/post-{i}", title=f"Cybercrime Treaty post {i}",
                    notes=(), paragraphs=paragraphs, source="live", captured_at="2026-01-01T00:00:00+00:00")
    out = [snap]
    for v in range(1, versions):
        if v % 3 == 1:
            snap = replace(snap, notes=(UpdateNote(f"Update ({v}/1/2026): development {v} of post {i}.",
                                                   f"Update ({v}/1/2026)"), *snap.notes))
        elif v % 3 == 2:
            body = list(snap.paragraphs)
            body[v % len(body)] = body[v % len(body)].replace("the treaty", f"the treaty (as amended {v})", 1)
            snap = replace(snap, paragraphs=tuple(body))
        else:
            snap = replace(snap, paragraphs=(*snap.paragraphs, f"Added in version {v}: a closing paragraph."))
        out.append(snap)
    return out


def _exchange(snap: Snapshot, encoding: str) -> Exchange:
    """The HTTP exchange a cycle would have had for this version (headers as eff.org sends them)."""
    page = article_page(Article(path=snap.url.removeprefix("https://www.eff.org"), title=snap.title,
                                byline="Karen Gullo", published="2025-01-01", notes=[n.text for n in snap.notes],
                                paragraphs=list(snap.paragraphs))).encode("utf-8")
    body = gzip.compress(page, mtime=0) if encoding == "gzip" else page
    response = [("Server", "nginx"), ("Date", "Thu, 01 Jan 2026 00:00:00 GMT"),
                ("Content-Type", "text/html; charset=utf-8"), ("Connection", "keep-alive"),
                ("Cache-Control", "public, max-age=1800"), ("ETag", '"1735689600-1"'),
                ("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT"), ("Vary", "Accept-Encoding"),
                ("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload"),
                ("X-Content-Type-Options", "nosniff"), ("Content-Length", str(len(body)))]
    if encoding == "gzip":
        response.append(("Content-Encoding", "gzip"))
    request = [("Host", "www.eff.org"), ("Accept", "*/*"), ("Accept-Encoding", "gzip, deflate"),
               ("Connection", "keep-alive"), ("User-Agent", "deeplinks-monitor/0.1 (+https://example.org/contact)")]
    return Exchange(snap.url, "GET", tuple(request), "HTTP/1.1", 200, "OK", tuple(response), body,
                    "2026-01-01T00:00:00.000000Z")


def _write(store: Store, archive: Archive | None, n: int, versions: int, encoding: str) -> None:
    for i in range(n):
        article = store.track(f"https://www.eff.org/deeplinks/2025/01/post-{i}", "feed")
        for snap in _history(i, versions):
            if archive is None:
                store.record_version(article.id, snap)
                continue
            with archive.capture(article.id, article.url, _exchange(snap, encoding), version=True,
                                 unchanged=False) as on_version:
                store.record_version(article.id, snap, on_version=on_version)


def _compact(path: Path, query: str = "") -> float:
    """The file as it would rest (WAL folded in, free pages gone); optionally one figure read from it."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        return float(conn.execute(query).fetchone()[0] or 0) if query else 0.0
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--versions", type=int, default=10)
    parser.add_argument("--encoding", choices=["gzip", "identity"], default="gzip",
                        help="Content-Encoding of the archived responses (eff.org sends gzip when asked).")
    args = parser.parse_args()
    count = args.n * args.versions
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.sqlite3"
        started = time.perf_counter()
        with open_store(path) as store:
            _write(store, None, args.n, args.versions, args.encoding)
        _compact(path)
        took = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(tmp).glob("db.sqlite3*"))
    raw = sum(len(p.encode()) for p in PROSE)
    print(f"{args.n} articles × {args.versions} versions (~{raw / 1024:.0f} KB of text each): "
          f"{size / 2**20:.1f} MB on disk, {size / count:.0f} bytes per version; "
          f"written in {took:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.sqlite3"
        store = open_store(path)
        archive = Archive(store, Path(tmp) / "archive", operator="bench")
        started = time.perf_counter()
        _write(store, archive, args.n, args.versions, args.encoding)
        took = time.perf_counter() - started
        store.close()
        average_response = _compact(path, "SELECT AVG(byte_length) FROM warc_records WHERE record_type = 'response'")
        warcs = sum(p.stat().st_size for p in (Path(tmp) / "archive").glob("*.warc.gz"))
        db = sum(p.stat().st_size for p in Path(tmp).glob("db.sqlite3*"))
        page = len(article_page(Article(path="/x", title="t", byline="b", published="2025-01-01", notes=[],
                                        paragraphs=list(PROSE))).encode())
    print(f"with the WARC archive ({args.encoding} responses, ~{page / 1024:.0f} KB pages): "
          f"{warcs / 2**20:.1f} MB of WARC files ({warcs / count:.0f} bytes per version, a response record "
          f"{average_response / 1024:.1f} KB), database {db / 2**20:.1f} MB with its index; written in {took:.1f} s")


if __name__ == "__main__":
    main()
