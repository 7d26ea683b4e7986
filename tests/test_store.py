"""The store keeps every version readable while storing later ones as small deltas; its edges: opened and
closed as a context manager, named rows, reads by id, the cycle record, and no reach-in to its connection."""

from __future__ import annotations

import ast
import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from monitor.app.health import last_cycle, record_cycle
from monitor.app.report import CycleReport
from monitor.core.model import Alert, Snapshot, UpdateNote
from monitor.sources.seeds import parse_seed_file
from monitor.store.database import AlertRow, CycleRecord, FailedDelivery, HostState, Store, open_store
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


def test_a_snapshot_is_stored_as_all_its_fields(tmp_path: Path) -> None:
    """The hand-built JSON of a snapshot must hold what dataclasses.asdict would: a field added to
    Snapshot or UpdateNote and not stored would come back as its default, silently."""
    import dataclasses
    import datetime as dt
    import json

    from monitor.core.serial import snapshot_from_json, to_json

    notes = (UpdateNote("Update (1/6/2025): x", "Update (1/6/2025)", dt.date(2025, 1, 6)), UpdateNote("N: y", "N"))
    snap = Snapshot(url="https://www.eff.org/x", title="T", notes=notes, paragraphs=("One.", "Two."), byline="B",
                    published="2025-01-01", truncated=True, source="seed", captured_at="2025-01-02T00:00:00+00:00")
    expected = json.loads(json.dumps(dataclasses.asdict(snap), default=str))
    assert json.loads(to_json(snap)) == expected
    assert snapshot_from_json(to_json(snap)) == snap
    store = open_store(tmp_path / "db.sqlite3")
    article = store.track(snap.url, "seed")
    store.record_version(article.id, snap)
    assert store.versions(article.id)[0].snapshot == snap


# -- the Store's edges: how it is opened and closed, what it hands out, what others may touch -----------------

URL = "https://www.eff.org/x"


def _closed(store: Store) -> bool:
    try:
        store.conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


def test_the_store_is_a_context_manager_closed_after_the_block_also_on_an_exception(tmp_path: Path) -> None:
    with open_store(tmp_path / "db.sqlite3") as store:
        store.track(URL, "config")
        assert not _closed(store)
    assert _closed(store)
    with pytest.raises(RuntimeError), open_store(tmp_path / "db.sqlite3", read_only=True) as reader:
        assert reader.article(URL) is not None
        raise RuntimeError("boom")
    assert _closed(reader)


def _alert(kind: str, key: str, url: str = URL) -> Alert:
    return Alert(kind=kind, url=url, title=f"{kind} {key}", dedup_key=key, created_at="2026-01-01T00:00:00+00:00")


def test_reads_by_id_and_by_article_and_unknown_ones_are_none_or_empty(tmp_path: Path) -> None:
    with open_store(tmp_path / "db.sqlite3") as store:
        article = store.track(URL, "config", "X")
        other = store.track("https://www.eff.org/y", "feed")
        snap = Snapshot(url=URL, title="X", notes=(), paragraphs=("One.",), source="live")
        store.record_version(article.id, snap)
        store.record_version(article.id, replace(snap, paragraphs=("Two.",)), change_kind="body_edited",
                             alerts=(_alert("body_edited", "a1"),))
        store.record_alerts(other.id, (_alert("new_post", "a2", other.url),), ())
        store.record_feed("https://www.eff.org/rss", None, "down", alerts=(_alert("feed_failing", "a3"),))
        store.record_version(article.id, replace(snap, paragraphs=("Three.",)))

        assert store.article_by_id(article.id) == store.article(URL)
        assert store.article_by_id(9999) is None
        assert [(r.alert.dedup_key, r.article_id) for r in store.alerts_for(article.id)] == [("a1", article.id)]
        assert store.alerts_for(9999) == []
        assert [r.alert.dedup_key for r in store.alerts()] == ["a1", "a2", "a3"], "operator alerts included"
        assert [r.alert.dedup_key for r in store.article_alerts()] == ["a2", "a1"], "newest first, no feed alerts"
        assert [r.alert.dedup_key for r in store.article_alerts(1)] == ["a2"]
        latest = store.latest_alerts()
        assert {k: v.alert.dedup_key for k, v in latest.items()} == {article.id: "a1", other.id: "a2"}
        assert isinstance(latest[article.id], AlertRow) and latest[article.id].created_at
        assert store.alert_kind_counts() == {"body_edited": 1, "new_post": 1, "feed_failing": 1}
        assert store.version(article.id, 2) == store.versions(article.id)[1]
        assert store.version(article.id, 4) is None and store.version(9999, 1) is None
        assert store.latest_change_kinds() == {article.id: "body_edited"}, "the latest version that had a kind"


def test_alerts_deliveries_and_host_state_come_back_as_named_rows(tmp_path: Path) -> None:
    with open_store(tmp_path / "db.sqlite3") as store:
        article = store.track(URL, "config")
        store.record_alerts(article.id, (_alert("removed", "k"),), ("id-0000abcd",))
        store.record_feed("https://www.eff.org/rss", None, "down", alerts=(_alert("feed_failing", "f"),))
        alerts = store.alerts()
        assert [(type(r), r.article_id, r.alert.dedup_key) for r in alerts] == [
            (AlertRow, article.id, "k"), (AlertRow, None, "f")], "operator alerts are about no article"
        (pending,) = store.pending(("id-0000abcd",))
        store.mark_delivery(pending.alert_id, pending.target, ok=False, error="refused", give_up_after=1)
        assert store.failed_deliveries() == [
            FailedDelivery(alert_id=pending.alert_id, target=pending.target, attempts=1, last_error="refused",
                           title="removed k")
        ]
        assert store.host_state() == HostState(robots={}, blocked={})
        store.save_host_state({"www.eff.org": ("User-agent: *", 5.0)}, {"example.org": 99.0})
        assert store.host_state() == HostState(robots={"www.eff.org": ("User-agent: *", 5.0)},
                                               blocked={"example.org": 99.0})


def test_the_cycle_record_round_trips_through_the_store(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    assert last_cycle(path) is None, "no database: never ran, and none is created"
    assert not path.exists()
    finished = dt.datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=dt.UTC)
    with open_store(path) as store:
        assert store.last_cycle() is None
        record_cycle(store, CycleReport(errors=["a", "b"]), finished)
        assert store.last_cycle() == CycleRecord(finished, "2 errors")
        record_cycle(store, CycleReport(), finished + dt.timedelta(minutes=15))
    assert last_cycle(path) == CycleRecord(finished + dt.timedelta(minutes=15), "ok"), "read back read-only"


def test_a_path_that_is_not_a_plain_uri_opens_read_only(tmp_path: Path) -> None:
    path = tmp_path / "a#b c?d" / "db.sqlite3"
    with open_store(path) as store:
        store.track(URL, "config")
    with open_store(path, read_only=True) as reader:
        assert reader.article(URL) is not None


def test_nothing_outside_the_store_touches_its_connection() -> None:
    package = Path(__file__).resolve().parents[1] / "monitor"
    reaching = [f"{p.relative_to(package.parent)}:{n.lineno}" for p in package.rglob("*.py")
                if "store" not in p.relative_to(package).parts[:1]
                for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                if isinstance(n, ast.Attribute) and n.attr == "conn"]
    assert not reaching, f"only monitor.store uses the Store's connection: {reaching}"


def test_status_and_health_need_no_cycle() -> None:
    package = Path(__file__).resolve().parents[1] / "monitor"
    for name in ("status", "health"):
        tree = ast.parse((package / "app" / f"{name}.py").read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert "monitor.app.cycle" not in imported, f"monitor.app.{name} imports the cycle"


def _two_rows_for_one_article(path: Path, stale_key: str | None) -> None:
    """A file as an older version left it: one article under two spellings, each row with its own version,
    the second's key made under other rules (`stale_key`; None: a version before identities)."""
    with open_store(path) as store:
        for url, day in (("https://www.eff.org/x", "01"), ("https://www.eff.org/elsewhere", "02")):
            article = store.track(url, "config")
            store.record_version(article.id, Snapshot(url=url, title="T", notes=(), paragraphs=(f"Day {day}.",),
                                                       source="live", captured_at=f"2026-01-{day}T00:00:00+00:00"))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE articles SET url = 'http://eff.org/x/', identity = ? WHERE url LIKE '%elsewhere'",
                     (stale_key,))


@pytest.mark.parametrize("stale_key", [None, "eff.org/x/", "eff.org/elsewhere"])
def test_rows_keyed_under_other_rules_are_merged_on_open_with_their_history(tmp_path: Path, stale_key: str | None,
                                                                           ) -> None:
    """Every open for write re-keys: whatever version or rules wrote the file (an older one after a rollback,
    a process still running replaced code), it leaves the open as one row per article."""
    _two_rows_for_one_article(tmp_path / "db.sqlite3", stale_key)
    with open_store(tmp_path / "db.sqlite3") as store:
        (article,) = store.articles()
        assert [v.snapshot.paragraphs for v in store.versions(article.id)] == [("Day 01.",), ("Day 02.",)]
        assert article.url == "https://www.eff.org/x", "the oldest row is kept"
        assert store.article("http://eff.org/x/") == article, "either spelling finds it"

