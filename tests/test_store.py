"""The store keeps every version readable while storing later ones as small deltas."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from monitor.model import Snapshot, UpdateNote
from monitor.seeds import parse_seed_file
from monitor.store import open_store
from tests.conftest import SEEDS_DIR

PARAGRAPHS = parse_seed_file(next(SEEDS_DIR.glob("003_*.txt"))).snapshot.paragraphs  # real prose, 22 paragraphs


def test_versions_round_trip_and_later_versions_are_deltas(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db.sqlite3")
    article = store.track("https://www.eff.org/x", "config")
    first = Snapshot(url="https://www.eff.org/x", title="Still Flawed", notes=(), paragraphs=PARAGRAPHS,
                     source="live", captured_at="2026-01-01T00:00:00+00:00")
    second = replace(first, notes=(UpdateNote("Update (1/6/2025): adopted.", "Update (1/6/2025)"),),
                     captured_at="2026-01-02T00:00:00+00:00")
    third = replace(second, paragraphs=(*PARAGRAPHS[:10], "A new sentence.", *PARAGRAPHS[10:]))
    for snap in (first, second, third):
        store.record_version(article.id, snap)
    versions = store.versions(article.id)
    assert [v.snapshot for v in versions] == [first, second, third]
    assert store.latest_version(article.id).snapshot == third  # type: ignore[union-attr]
    store.close()

    with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
        sizes = [len(r[0]) for r in conn.execute("SELECT snapshot FROM versions ORDER BY seq")]
    raw = sum(len(p.encode()) for p in PARAGRAPHS)
    assert sizes[0] < raw / 2, "zlib on the first version"
    assert max(sizes[1:]) < sizes[0] / 5, "later versions are deltas against the first"
