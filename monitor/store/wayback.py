"""The queue of Wayback Machine submissions: one row per version sent to Save Page Now, and its capture URL.

Kept beside the versions, outside their transactions: a submission that fails or hangs never
delays or blocks an alert; it is retried with a growing backoff and shown once it succeeds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monitor.store.database import Store
from monitor.store.rows import now

TABLES = """
CREATE TABLE IF NOT EXISTS wayback (
    version_id INTEGER PRIMARY KEY REFERENCES versions(id),
    status TEXT NOT NULL DEFAULT 'pending',   -- pending | done | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT,
    capture_url TEXT,
    timestamp TEXT,
    last_error TEXT
);
"""
MAX_BACKOFF = 6 * 3600.0
SINCE_KEY = "wayback_since"


@dataclass(frozen=True)
class Submission:
    version_id: int
    url: str
    attempts: int


def ensure_tables(store: Store) -> None:
    with store.conn:
        store.conn.executescript(TABLES)


def due_submissions(store: Store, *, limit: int) -> list[Submission]:
    """Live versions captured since submissions were turned on, not yet archived, due (again) now."""
    ensure_tables(store)
    with store.conn:
        store.conn.execute("INSERT OR IGNORE INTO service_state (key, value) VALUES (?, ?)", (SINCE_KEY, now()))
    latest = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=MAX_BACKOFF)).isoformat(timespec="seconds")
    rows = store.conn.execute(
        "SELECT v.id, a.url, COALESCE(w.attempts, 0) FROM versions v JOIN articles a ON a.id = v.article_id"
        " LEFT JOIN wayback w ON w.version_id = v.id"
        " WHERE v.source = 'live' AND v.captured_at >= (SELECT value FROM service_state WHERE key = ?)"
        " AND (w.version_id IS NULL OR (w.status = 'pending' AND (w.next_attempt IS NULL OR w.next_attempt <= ?"
        " OR w.next_attempt > ?))) ORDER BY v.id LIMIT ?",
        (SINCE_KEY, now(), latest, limit),
    ).fetchall()
    return [Submission(r[0], r[1], r[2]) for r in rows]


def record_submission(
    store: Store, version_id: int, *, capture_url: str = "", timestamp: str = "", error: str = "",
    retry_after: float | None = None, base_backoff: float = 300.0, give_up_after: int = 8,
) -> None:
    """A capture, or a failure retried after `retry_after` (the archive's word) or a doubling backoff."""
    row = store.conn.execute("SELECT attempts FROM wayback WHERE version_id = ?", (version_id,)).fetchone()
    attempts = (row[0] if row else 0) + 1
    if capture_url:
        status, retry = "done", None
    else:
        status = "failed" if attempts >= give_up_after else "pending"
        wait = min(retry_after if retry_after is not None else base_backoff * 2 ** (attempts - 1), MAX_BACKOFF)
        retry = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)).isoformat(timespec="seconds")
    with store.conn:
        store.conn.execute(
            "INSERT INTO wayback (version_id, status, attempts, next_attempt, capture_url, timestamp, last_error)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(version_id) DO UPDATE SET status = excluded.status,"
            " attempts = excluded.attempts, next_attempt = excluded.next_attempt,"
            " capture_url = excluded.capture_url, timestamp = excluded.timestamp, last_error = excluded.last_error",
            (version_id, status, attempts, retry, capture_url or None, timestamp or None, error or None),
        )


def captures(store: Store, article_id: int) -> dict[int, tuple[str, str]]:
    """version id → (capture URL, timestamp) of an article's archived versions."""
    if not _has_table(store):
        return {}
    rows = store.conn.execute(
        "SELECT w.version_id, w.capture_url, w.timestamp FROM wayback w JOIN versions v ON v.id = w.version_id"
        " WHERE v.article_id = ? AND w.status = 'done'", (article_id,))
    return {r[0]: (r[1], r[2]) for r in rows}


def capture_of(store: Store, version_id: int) -> str:
    """The Wayback capture URL of one version, or ""."""
    if not _has_table(store):
        return ""
    row = store.conn.execute("SELECT capture_url FROM wayback WHERE version_id = ? AND status = 'done'",
                             (version_id,)).fetchone()
    return str(row[0]) if row else ""


def _has_table(store: Store) -> bool:
    return store.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'wayback'").fetchone() \
        is not None
