"""State beside the articles: feeds (validators, operator health), hosts (robots.txt, Retry-After) and the
service's own record of its last cycle (what `monitor health` judges)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from monitor.core.errors import StoreError
from monitor.core.model import Alert, Validators
from monitor.decide.watchdog import FeedHealth
from monitor.store.outbox import AlertTargets, insert_alerts
from monitor.store.rows import CycleRecord, HostState, now
from monitor.store.writes import Writer

LAST_FINISHED = "last_cycle_finished"
LAST_OUTCOME = "last_cycle_outcome"


class StateMixin(Writer):
    """The Store's feeds, hosts and service record; every write method is one transaction."""

    conn: sqlite3.Connection
    path: Path

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
        health: FeedHealth | None = None, alerts: tuple[Alert, ...] = (), targets: AlertTargets = (),
    ) -> None:
        """The poll's outcome, the feed's operator state and any operator alert: one transaction."""
        with self.write():
            insert_alerts(self.conn, None, None, alerts, targets, now())
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
    def host_state(self) -> HostState:
        """robots.txt bodies with their fetch time, and Retry-After deadlines, by host."""
        state = HostState(robots={}, blocked={})
        for host, body, fetched, until in self.conn.execute("SELECT host, robots, robots_fetched, blocked_until"
                                                            " FROM hosts"):
            if body is not None and fetched is not None:
                state.robots[host] = (body, fetched)
            if until:
                state.blocked[host] = until
        return state

    def save_host_state(self, robots: dict[str, tuple[str, float]], blocked: dict[str, float]) -> None:
        with self.write():
            for host in set(robots) | set(blocked):
                body, fetched = robots.get(host, (None, None))
                self.conn.execute(
                    "INSERT INTO hosts (host, robots, robots_fetched, blocked_until) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(host) DO UPDATE SET robots = COALESCE(excluded.robots, robots),"
                    " robots_fetched = COALESCE(excluded.robots_fetched, robots_fetched),"
                    " blocked_until = excluded.blocked_until",
                    (host, body, fetched, blocked.get(host)),
                )

    # -- the service's record of its cycles -------------------------------------------------
    def record_cycle(self, finished: dt.datetime, outcome: str) -> None:
        """When the last cycle finished and how it went, in one transaction of its own."""
        with self.write():
            self.conn.executemany(
                "INSERT INTO service_state (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [(LAST_FINISHED, finished.isoformat(timespec="milliseconds")), (LAST_OUTCOME, outcome)],
            )

    def last_cycle(self) -> CycleRecord | None:
        """The last recorded cycle; None when none ever finished. StoreError when the record cannot be read."""
        try:
            rows = dict(self.conn.execute("SELECT key, value FROM service_state").fetchall())
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot read the cycle record ({exc})") from None
        finished = rows.get(LAST_FINISHED)
        return CycleRecord(dt.datetime.fromisoformat(finished), rows.get(LAST_OUTCOME)) if finished else None
