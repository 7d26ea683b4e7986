"""SQLite state: articles, their versions, feeds, and the alert outbox with per-target deliveries.

A version and the alerts it causes are written in one transaction; delivery happens
after commit and is recorded per notification target, so an alert is never lost
and never sent twice to a target that already took it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from monitor.core.errors import StoreError
from monitor.core.model import Alert, Snapshot, Validators
from monitor.core.serial import alert_from_json, snapshot_from_json, to_json
from monitor.decide.watchdog import FeedHealth
from monitor.store.schema import check_ours, migrate


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def target_id(url: str) -> str:
    """A notification target's name in the database: a hash, never the URL (it carries secrets)."""
    return "stdout" if url == "stdout" else "t-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ArticleRow:
    id: int
    url: str
    title: str
    origin: str
    first_seen: str
    last_checked: str | None
    last_changed: str | None
    validators: Validators
    missing_count: int
    removed: bool
    last_error: str | None = None
    failures: int = 0
    latest_hash: str | None = None
    latest_source: str | None = None
    published: str = ""
    transitions: int = 0


@dataclass(frozen=True)
class VersionRow:
    id: int
    seq: int
    captured_at: str
    source: str
    content_hash: str
    snapshot: Snapshot
    change_kind: str | None
    minor: bool


@dataclass(frozen=True)
class PendingDelivery:
    alert_id: int
    target: str
    attempts: int
    alert: Alert


class Store:
    """The open database; every write method is one transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    # -- articles ------------------------------------------------------------------------
    def article(self, url: str) -> ArticleRow | None:
        row = self.conn.execute("SELECT * FROM articles WHERE url = ?", (url,)).fetchone()
        return _article(row) if row else None

    def articles(self) -> list[ArticleRow]:
        return [_article(r) for r in self.conn.execute("SELECT * FROM articles ORDER BY id")]

    def track(self, url: str, origin: str, title: str = "") -> ArticleRow:
        self.track_all((url,), origin, title)
        row = self.article(url)
        assert row is not None
        return row

    def track_all(self, urls: tuple[str, ...], origin: str, title: str = "") -> None:
        """Track URLs not tracked yet, in one transaction (the config's list: one commit, not one per URL)."""
        stamp = now()
        with self.conn:
            self.conn.executemany(
                "INSERT OR IGNORE INTO articles (url, title, origin, first_seen) VALUES (?, ?, ?, ?)",
                ((url, title, origin, stamp) for url in urls),
            )

    def record_check(
        self, article_id: int, *, validators: Validators | None = None, error: str | None = None,
        missing_count: int | None = None,
    ) -> None:
        with self.conn:
            self.conn.execute(
                "UPDATE articles SET last_checked = ?, last_error = ?,"
                " failures = CASE WHEN ? IS NULL THEN 0 ELSE failures + 1 END,"
                " etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),"
                " missing_count = COALESCE(?, missing_count) WHERE id = ?",
                (now(), error, error, validators.etag if validators else None,
                 validators.last_modified if validators else None, missing_count, article_id),
            )

    # -- versions ------------------------------------------------------------------------
    def versions(self, article_id: int) -> list[VersionRow]:
        rows = self.conn.execute("SELECT * FROM versions WHERE article_id = ? ORDER BY seq", (article_id,))
        return [self._version(r) for r in rows.fetchall()]

    def latest_version(self, article_id: int) -> VersionRow | None:
        row = self.conn.execute(
            "SELECT * FROM versions WHERE article_id = ? ORDER BY seq DESC LIMIT 1", (article_id,)
        ).fetchone()
        return self._version(row) if row else None

    def _version(self, row: sqlite3.Row) -> VersionRow:
        base = None
        if row["base_id"] is not None:
            base_blob = self.conn.execute("SELECT snapshot FROM versions WHERE id = ?", (row["base_id"],)).fetchone()
            base = zlib.decompress(base_blob[0])
        return VersionRow(
            id=row["id"], seq=row["seq"], captured_at=row["captured_at"], source=row["source"],
            content_hash=row["content_hash"], snapshot=snapshot_from_json(unpack_snapshot(row["snapshot"], base)),
            change_kind=row["change_kind"], minor=bool(row["minor"]),
        )

    def record_version(
        self,
        article_id: int,
        snapshot: Snapshot,
        *,
        change_kind: str | None = None,
        minor: bool = False,
        alerts: tuple[Alert, ...] = (),
        targets: tuple[str, ...] = (),
        validators: Validators | None = None,
        removed: bool | None = None,
        transitions: int | None = None,
        on_version: Callable[[int], None] | None = None,  # called with the new id in the transaction (archive)
    ) -> int:
        """The new version, its alerts and their pending deliveries, and the check itself: all or nothing."""
        stamp = now()
        with self.conn:
            seq = self.conn.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE article_id = ?", (article_id,)
            ).fetchone()[0]
            base = self.conn.execute(
                "SELECT id, snapshot FROM versions WHERE article_id = ? AND base_id IS NULL ORDER BY seq LIMIT 1",
                (article_id,),
            ).fetchone()
            blob = pack_snapshot(to_json(snapshot), zlib.decompress(base[1]) if base else None)
            cur = self.conn.execute(
                "INSERT INTO versions"
                " (article_id, seq, captured_at, source, content_hash, snapshot, base_id, change_kind, minor)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article_id, seq, snapshot.captured_at or stamp, snapshot.source, snapshot.content_hash(),
                 blob, base[0] if base else None, change_kind, int(minor)),
            )
            version_id = int(cur.lastrowid or 0)
            if on_version is not None:
                on_version(version_id)
            self._insert_alerts(article_id, version_id, alerts, targets, stamp)
            self.conn.execute(
                "UPDATE articles SET title = ?, last_error = NULL, missing_count = 0, failures = 0,"
                " latest_hash = ?, latest_source = ?, published = ?,"
                " last_checked = CASE WHEN ? THEN ? ELSE last_checked END,"
                " last_changed = CASE WHEN ? THEN ? ELSE last_changed END,"
                " etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),"
                " removed = COALESCE(?, removed), transitions = COALESCE(?, transitions) WHERE id = ?",
                # A seed is not a check (its article must still be fetched), and its change dates
                # from its capture, not from the import.
                (snapshot.title, snapshot.content_hash(), snapshot.source, snapshot.published,
                 snapshot.source == "live", stamp, change_kind is not None, snapshot.captured_at or stamp,
                 validators.etag if validators else None, validators.last_modified if validators else None,
                 None if removed is None else int(removed), transitions, article_id),
            )
        return version_id

    def record_alerts(
        self, article_id: int, alerts: tuple[Alert, ...], targets: tuple[str, ...], *,
        removed: bool | None = None, missing_count: int | None = None, transitions: int | None = None,
    ) -> None:
        """Alerts without a new version (new post, removed, restored), with the article's state."""
        stamp = now()
        with self.conn:
            self._insert_alerts(article_id, None, alerts, targets, stamp)
            self.conn.execute(
                "UPDATE articles SET last_checked = ?, removed = COALESCE(?, removed),"
                " missing_count = COALESCE(?, missing_count), transitions = COALESCE(?, transitions) WHERE id = ?",
                (stamp, None if removed is None else int(removed), missing_count, transitions, article_id),
            )

    def _insert_alerts(
        self, article_id: int | None, version_id: int | None, alerts: tuple[Alert, ...], targets: tuple[str, ...],
        stamp: str,
    ) -> None:
        for alert in alerts:
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO alerts (article_id, version_id, kind, dedup_key, payload, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (article_id, version_id, alert.kind, alert.dedup_key, to_json(alert), stamp),
            )
            if cur.rowcount:
                self.conn.executemany(
                    "INSERT OR IGNORE INTO deliveries (alert_id, target) VALUES (?, ?)",
                    [(cur.lastrowid, target_id(t)) for t in targets],
                )

    # -- feeds ---------------------------------------------------------------------------
    def feed_health(self, url: str) -> FeedHealth:
        row = self.conn.execute("SELECT failures, newest_entry, health_state FROM feeds WHERE url = ?",
                                (url,)).fetchone()
        if row is None:
            return FeedHealth()
        newest = dt.datetime.fromisoformat(row[1]) if row[1] else None
        return FeedHealth(failures=row[0], newest_entry=newest, state=row[2])

    def feed_state(self, url: str) -> tuple[Validators, bool]:
        row = self.conn.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        if row is None:
            return Validators(), False
        return Validators(row["etag"], row["last_modified"]), bool(row["baseline_done"])

    def record_feed(
        self, url: str, validators: Validators | None, error: str | None = None, *,
        health: FeedHealth | None = None, alerts: tuple[Alert, ...] = (), targets: tuple[str, ...] = (),
    ) -> None:
        """The poll's outcome, the feed's operator state and any operator alert: one transaction."""
        with self.conn:
            self._insert_alerts(None, None, alerts, targets, now())
            self.conn.execute(
                "INSERT INTO feeds (url, etag, last_modified, last_fetched, baseline_done, last_error)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
                " etag = COALESCE(excluded.etag, etag),"
                " last_modified = COALESCE(excluded.last_modified, last_modified),"
                " last_fetched = excluded.last_fetched, last_error = excluded.last_error,"
                " baseline_done = MAX(baseline_done, excluded.baseline_done)",
                (url, validators.etag if validators else None, validators.last_modified if validators else None,
                 now(), int(error is None), error),
            )
            if health is not None:
                self.conn.execute(
                    "UPDATE feeds SET failures = ?, newest_entry = ?, health_state = ? WHERE url = ?",
                    (health.failures, health.newest_entry.isoformat() if health.newest_entry else None,
                     health.state, url),
                )

    # -- hosts (politeness state that outlives a cycle) ------------------------------------
    def host_state(self) -> tuple[dict[str, tuple[str, float]], dict[str, float]]:
        """robots.txt bodies with their fetch time, and Retry-After deadlines, by host."""
        robots: dict[str, tuple[str, float]] = {}
        blocked: dict[str, float] = {}
        for host, body, fetched, until in self.conn.execute("SELECT host, robots, robots_fetched, blocked_until"
                                                            " FROM hosts"):
            if body is not None and fetched is not None:
                robots[host] = (body, fetched)
            if until:
                blocked[host] = until
        return robots, blocked

    def save_host_state(self, robots: dict[str, tuple[str, float]], blocked: dict[str, float]) -> None:
        with self.conn:
            for host in set(robots) | set(blocked):
                body, fetched = robots.get(host, (None, None))
                self.conn.execute(
                    "INSERT INTO hosts (host, robots, robots_fetched, blocked_until) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(host) DO UPDATE SET robots = COALESCE(excluded.robots, robots),"
                    " robots_fetched = COALESCE(excluded.robots_fetched, robots_fetched),"
                    " blocked_until = excluded.blocked_until",
                    (host, body, fetched, blocked.get(host)),
                )

    # -- outbox --------------------------------------------------------------------------
    def pending(self, targets: tuple[str, ...], *, ignore_backoff: bool = False) -> list[PendingDelivery]:
        """Deliveries still owed to these targets, oldest alert first; by default only those due again."""
        ids = [target_id(t) for t in targets]
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        due = "" if ignore_backoff else " AND (d.next_attempt IS NULL OR d.next_attempt <= ?)"
        rows = self.conn.execute(
            "SELECT d.alert_id, d.target, d.attempts, a.payload FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
            f" WHERE d.status = 'pending' AND d.target IN ({marks}){due} ORDER BY d.alert_id",
            [*ids] if ignore_backoff else [*ids, now()],
        )
        return [PendingDelivery(r[0], r[1], r[2], alert_from_json(r[3])) for r in rows]

    def mark_delivery(self, alert_id: int, target: str, *, ok: bool, error: str | None = None,
                      give_up_after: int = 10, retry_at: str | None = None) -> None:
        """One attempt's outcome: sent, pending again from `retry_at`, or failed for good after enough tries."""
        with self.conn:
            self.conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt = ?,"
                " status = CASE WHEN ? THEN 'sent' WHEN attempts + 1 >= ? THEN 'failed' ELSE 'pending' END,"
                " sent_at = CASE WHEN ? THEN ? ELSE sent_at END WHERE alert_id = ? AND target = ?",
                (error, None if ok else retry_at, ok, give_up_after, ok, now(), alert_id, target),
            )

    def replay(self, alert_id: int | None = None) -> int:
        """Put failed deliveries (of one alert, or all) back in the queue; how many."""
        with self.conn:
            cur = self.conn.execute(
                "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt = NULL"
                " WHERE status = 'failed' AND (? IS NULL OR alert_id = ?)",
                (alert_id, alert_id),
            )
        return cur.rowcount

    def failed_deliveries(self) -> list[tuple[int, str, int, str | None, str]]:
        """(alert id, target, attempts, last error, alert title) of deliveries given up on."""
        rows = self.conn.execute(
            "SELECT d.alert_id, d.target, d.attempts, d.last_error, a.payload FROM deliveries d"
            " JOIN alerts a ON a.id = d.alert_id WHERE d.status = 'failed' ORDER BY d.alert_id"
        )
        return [(r[0], r[1], r[2], r[3], alert_from_json(r[4]).title) for r in rows]

    def alerts(self, article_id: int | None = None) -> list[tuple[int, str, Alert]]:
        sql = "SELECT id, created_at, payload FROM alerts"
        args: tuple[int, ...] = ()
        if article_id is not None:
            sql += " WHERE article_id = ?"
            args = (article_id,)
        return [(r[0], r[1], alert_from_json(r[2])) for r in self.conn.execute(sql + " ORDER BY id", args)]

    def version_counts(self) -> dict[int, int]:
        rows = self.conn.execute("SELECT article_id, COUNT(*) FROM versions GROUP BY article_id")
        return {r[0]: r[1] for r in rows}

    def delivery_counts(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status")
        return {r[0]: r[1] for r in rows}

    def close(self) -> None:
        self.conn.close()


def _article(row: sqlite3.Row) -> ArticleRow:
    return ArticleRow(
        id=row["id"], url=row["url"], title=row["title"], origin=row["origin"], first_seen=row["first_seen"],
        last_checked=row["last_checked"],
        last_changed=row["last_changed"], validators=Validators(row["etag"], row["last_modified"]),
        missing_count=row["missing_count"], removed=bool(row["removed"]), last_error=row["last_error"],
        failures=row["failures"], latest_hash=row["latest_hash"], latest_source=row["latest_source"],
        published=row["published"] or "",
        transitions=row["transitions"] if "transitions" in row.keys() else 0,  # noqa: SIM118 (sqlite3.Row)
    )


def pack_snapshot(text: str, base: bytes | None) -> bytes:
    """zlib; against the article's first version as a preset dictionary when there is one, so a
    version that differs by a note or a sentence costs a few hundred bytes, not a page."""
    packer = zlib.compressobj(9, zdict=base) if base else zlib.compressobj(9)
    return packer.compress(text.encode("utf-8")) + packer.flush()


def unpack_snapshot(blob: bytes, base: bytes | None) -> str:
    unpacker = zlib.decompressobj(zdict=base) if base else zlib.decompressobj()
    return (unpacker.decompress(blob) + unpacker.flush()).decode("utf-8")


def open_store(path: Path, *, read_only: bool = False) -> Store:
    """Open (creating if needed) the database; StoreError with a one-line reason when we cannot.

    A file that is not ours is refused before anything (even the journal mode) is written to it.
    """
    if read_only and not path.exists():
        raise StoreError(f"{path}: database not found (run `monitor check` first)")
    try:
        if read_only:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        check_ours(conn)
        if not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
        else:
            conn.execute("SELECT COUNT(*) FROM articles").fetchone()
    except (sqlite3.DatabaseError, StoreError) as exc:
        raise StoreError(f"{path}: cannot use database ({exc})") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot create database ({exc.strerror})") from None
    return Store(conn, path)


def memory_copy(store: Store) -> Store:
    """An in-memory copy for --dry-run: the cycle runs for real, nothing reaches the file."""
    conn = sqlite3.connect(":memory:")
    store.conn.backup(conn)
    conn.row_factory = sqlite3.Row
    return Store(conn, Path(":memory:"))


@contextmanager
def cycle_lock(db_path: Path) -> Iterator[None]:
    """One cycle per database at a time: a second `monitor check` says so instead of racing."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = db_path.with_name(db_path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"another monitor cycle is already running on {db_path}") from None
        yield
    finally:
        os.close(fd)
