"""Benchmark: disk used by N articles × V versions of realistic history (each version one change).

    python bench/storage.py [--n 5000] [--versions 10]

Writes through the real Store.record_version into a temporary SQLite file and prints its
size; numbers only (the target lives in the README).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from monitor.core.model import Snapshot, UpdateNote  # noqa: E402
from monitor.sources.seeds import parse_seed_file  # noqa: E402
from monitor.store.database import open_store  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--versions", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.sqlite3"
        started = time.perf_counter()
        with open_store(path) as store:
            for i in range(args.n):
                article = store.track(f"https://www.eff.org/deeplinks/2025/01/post-{i}", "feed")
                for snap in _history(i, args.versions):
                    store.record_version(article.id, snap)
        conn = sqlite3.connect(path)  # the file as it would rest: WAL folded in, free pages gone
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        conn.close()
        took = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(tmp).glob("db.sqlite3*"))
    raw = sum(len(p.encode()) for p in PROSE)
    print(f"{args.n} articles × {args.versions} versions (~{raw / 1024:.0f} KB of text each): "
          f"{size / 2**20:.1f} MB on disk, {size / (args.n * args.versions):.0f} bytes per version; "
          f"written in {took:.1f} s")


if __name__ == "__main__":
    main()
