"""A treaty's status in SQLite: every reading that changed something (with what changed and its WARC record), and
the source's own state (validators, when it was read, whether it can be trusted now). Each write is one
transaction with the alerts it causes, as for articles."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from monitor.core.model import Alert, Validators
from monitor.core.text import digest
from monitor.core.treaty import TreatyStatus, status_from_json, status_to_json
from monitor.store.outbox import AlertTargets, insert_alerts
from monitor.store.rows import now
from monitor.store.writes import Writer

TREATY_SCHEMA = """
CREATE TABLE IF NOT EXISTS treaty_versions (  -- each reading of a status document that differs from the one before
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,  -- the document ([treaty] url)
    seq INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL,  -- JSON of core.treaty.TreatyStatus
    changes TEXT NOT NULL DEFAULT '[]',  -- JSON list of one line per change (decide.treaty), for the history
    warc_record TEXT,  -- the WARC-Record-ID of the response as fetched: the evidence of this reading
    UNIQUE (url, seq)
);
CREATE TABLE IF NOT EXISTS treaty_sources (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    last_fetched TEXT,  -- the last request (a 304 included), for the polite interval
    last_error TEXT,
    state TEXT NOT NULL DEFAULT 'ok',  -- ok, unavailable
    transitions INTEGER NOT NULL DEFAULT 0  -- changes of state so far: numbers the operator's alerts
);
"""


@dataclass(frozen=True)
class TreatySource:
    url: str
    validators: Validators = field(default_factory=Validators)
    last_fetched: str | None = None
    last_error: str | None = None
    state: str = "ok"
    transitions: int = 0


@dataclass(frozen=True)
class TreatyVersion:
    seq: int
    fetched_at: str
    status: TreatyStatus
    changes: tuple[str, ...]
    warc_record: str | None


class TreatyMixin(Writer):
    """The Store's treaty status; every write method is one transaction."""

    conn: sqlite3.Connection

    def treaty_source(self, url: str) -> TreatySource:
        try:
            row = self.conn.execute("SELECT etag, last_modified, last_fetched, last_error, state, transitions"
                                    " FROM treaty_sources WHERE url = ?", (url,)).fetchone()
        except sqlite3.OperationalError:  # a file of an older version, opened read-only
            return TreatySource(url)
        if row is None:
            return TreatySource(url)
        return TreatySource(url, Validators(row[0], row[1]), row[2], row[3], row[4], row[5])

    def treaty_versions(self, url: str, limit: int | None = None) -> list[TreatyVersion]:
        """The readings that changed something, newest first (the latest `limit` when given)."""
        try:
            rows = self.conn.execute("SELECT seq, fetched_at, status, changes, warc_record FROM treaty_versions"
                                     " WHERE url = ? ORDER BY seq DESC LIMIT ?", (url, -1 if limit is None else limit))
            return [TreatyVersion(r[0], r[1], status_from_json(r[2]), tuple(json.loads(r[3])), r[4]) for r in rows]
        except sqlite3.OperationalError:
            return []

    def latest_treaty(self, url: str) -> TreatyVersion | None:
        found = self.treaty_versions(url, 1)
        return found[0] if found else None

    def record_treaty_poll(self, url: str, *, validators: Validators | None, error: str | None, state: str,
                           alerts: tuple[Alert, ...] = (), targets: AlertTargets = ()) -> None:
        """A reading that made no new version (304, unchanged, or not trusted): the source's state and any
        operator alert, in one transaction."""
        with self.write():
            self._save_source(url, validators, error, state)
            insert_alerts(self.conn, None, None, alerts, targets, now())

    def record_treaty_version(
        self, url: str, status: TreatyStatus, changes: tuple[str, ...], *, validators: Validators | None,
        alerts: tuple[Alert, ...], targets: AlertTargets, operator: tuple[Alert, ...] = (),
        admin_targets: AlertTargets = (), on_version: Callable[[], str | None] | None = None,
    ) -> int:
        """A new reading, what changed and its alerts, in one transaction; `on_version` indexes its WARC records
        (inside the transaction) and returns the response's record id. The new reading's number."""
        with self.write():
            seq = (self.conn.execute("SELECT MAX(seq) FROM treaty_versions WHERE url = ?", (url,)).fetchone()[0]
                   or 0) + 1
            record = on_version() if on_version else None
            self.conn.execute(
                "INSERT INTO treaty_versions (url, seq, fetched_at, content_hash, status, changes, warc_record)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (url, seq, now(), digest(status.content_key()), status_to_json(status), json.dumps(list(changes)),
                 record))
            self._save_source(url, validators, None, "ok")
            stamp = now()
            insert_alerts(self.conn, None, None, alerts, targets, stamp)
            insert_alerts(self.conn, None, None, operator, admin_targets, stamp)
        return seq

    def next_treaty_seq(self, url: str) -> int:
        try:
            row = self.conn.execute("SELECT MAX(seq) FROM treaty_versions WHERE url = ?", (url,)).fetchone()
        except sqlite3.OperationalError:
            return 1
        return (row[0] or 0) + 1

    def _save_source(self, url: str, validators: Validators | None, error: str | None, state: str) -> None:
        self.conn.execute(
            "INSERT INTO treaty_sources (url, etag, last_modified, last_fetched, last_error, state)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
            " etag = COALESCE(excluded.etag, etag), last_modified = COALESCE(excluded.last_modified, last_modified),"
            " last_fetched = excluded.last_fetched, last_error = excluded.last_error,"
            " transitions = transitions + (state != excluded.state), state = excluded.state",
            (url, validators.etag if validators else None, validators.last_modified if validators else None, now(),
             error, state))
