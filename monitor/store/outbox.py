"""The alert outbox: every decided alert, and its delivery to each notification target.

Alerts are written in the transaction of the outcome that caused them (see `insert_alerts`);
delivery happens after commit and is recorded per target, so an alert is never lost and
never sent twice to a target that already took it. A target is known here by its key (a
hash of its identity, monitor.notify.targets), never by its URL; a delivery whose target
is no longer configured is "orphaned" until `replay` moves it to the current targets.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence

from monitor.core.kinds import Audience, Kind
from monitor.core.model import Alert
from monitor.core.secrets import scrub
from monitor.core.serial import alert_from_json, to_json
from monitor.store.rows import AlertRow, FailedDelivery, OrphanedDelivery, PendingDelivery, now
from monitor.store.writes import Writer

MAX_RETRY_WAIT = 6 * 3600.0  # the longest delivery backoff (notify.delivery caps it there)

OWED = "('pending', 'failed')"
# Who an alert is written for: the same target keys for every alert, or the keys for each one (`[[route]]`s).
AlertTargets = tuple[str, ...] | Callable[[Alert], tuple[str, ...]]


def _keys(targets: Sequence[str]) -> list[str]:
    """Target keys as given; a URL here would put its secrets in the database, so it is refused."""
    keys = list(dict.fromkeys(targets))
    if any("://" in k for k in keys):
        raise ValueError("deliveries are stored under target keys, never URLs")
    return keys


def insert_alerts(
    conn: sqlite3.Connection, article_id: int | None, version_id: int | None, alerts: tuple[Alert, ...],
    targets: AlertTargets, stamp: str,
) -> None:
    """New alerts (an already known dedup key is skipped) and a pending delivery of each to its targets
    (every one of `targets`, or those `targets(alert)` names).

    Runs inside the caller's transaction: the alert commits with the outcome that caused it, or not at all.
    """
    for alert in alerts:
        cur = conn.execute(
            "INSERT OR IGNORE INTO alerts (article_id, version_id, kind, dedup_key, payload, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (article_id, version_id, alert.kind, alert.dedup_key, to_json(alert), stamp),
        )
        if cur.rowcount:
            conn.executemany(
                "INSERT OR IGNORE INTO deliveries (alert_id, target) VALUES (?, ?)",
                [(cur.lastrowid, key) for key in _keys(targets(alert) if callable(targets) else targets)],
            )


def _alert_row(row: sqlite3.Row) -> AlertRow:
    return AlertRow(id=row["id"], created_at=row["created_at"], article_id=row["article_id"],
                    alert=alert_from_json(row["payload"]))


_ALERT_COLUMNS = "SELECT id, created_at, article_id, payload FROM alerts"
# Reader alerts about no article: the treaty's own status (monitor.decide.treaty).
_TREATY_READER_KINDS = ", ".join(f"'{k.value}'" for k in Kind if k.value.startswith("treaty_")
                                 and k.audience == Audience.READER)
# Whether an alert row is the operator's: about no article, and not the treaty's news for readers.
_OPERATOR = f"(a.article_id IS NULL AND a.kind NOT IN ({_TREATY_READER_KINDS}))"


class OutboxMixin(Writer):
    """The Store's alerts and deliveries; every write method is one transaction."""

    conn: sqlite3.Connection

    # -- alerts --------------------------------------------------------------------------
    def record_operator_alerts(self, alerts: tuple[Alert, ...], targets: AlertTargets) -> None:
        """Operator alerts about no one article (a site's new layout), each written once (dedup key)."""
        with self.write():
            insert_alerts(self.conn, None, None, alerts, targets, now())

    def alerts(self) -> list[AlertRow]:
        """Every alert, oldest first (operator alerts about feeds included)."""
        return [_alert_row(r) for r in self.conn.execute(_ALERT_COLUMNS + " ORDER BY id")]

    def alerts_for(self, article_id: int) -> list[AlertRow]:
        """The alerts about one article, oldest first; empty for an unknown id."""
        rows = self.conn.execute(_ALERT_COLUMNS + " WHERE article_id = ? ORDER BY id", (article_id,))
        return [_alert_row(r) for r in rows]

    def article_alerts(self, limit: int | None = None) -> list[AlertRow]:
        """Reader-facing alerts: about articles, or about the treaty's status (not the operator's alerts), newest
        first; the latest `limit` when given."""
        rows = self.conn.execute(
            _ALERT_COLUMNS + f" WHERE article_id IS NOT NULL OR kind IN ({_TREATY_READER_KINDS})"
            " ORDER BY id DESC LIMIT ?", (-1 if limit is None else limit,),
        )
        return [_alert_row(r) for r in rows]

    def latest_alerts(self) -> dict[int, AlertRow]:
        """By article id: the latest alert about that article."""
        rows = self.conn.execute(
            _ALERT_COLUMNS + " WHERE id IN (SELECT MAX(id) FROM alerts WHERE article_id IS NOT NULL"
            " GROUP BY article_id)"
        )
        return {row.article_id: row for row in map(_alert_row, rows) if row.article_id is not None}

    def alert_kind_counts(self) -> dict[str, int]:
        """How many alerts of each kind, without reading any payload."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT kind, COUNT(*) FROM alerts GROUP BY kind")}

    # -- deliveries ----------------------------------------------------------------------
    def adopt_targets(self, targets: Sequence[tuple[str, str, str]]) -> None:
        """Record the configured targets as (key, legacy key, label); deliveries stored under a legacy key
        (a hash of the exact URL, before identities) move to the target's key, in one transaction."""
        with self.write():
            for key, legacy, label in targets:
                _keys([key])
                if legacy != key:
                    self.conn.execute("UPDATE OR IGNORE deliveries SET target = ? WHERE target = ?", (key, legacy))
                    self.conn.execute(  # both had a row for one alert: sent under either is sent
                        "UPDATE deliveries SET status = 'sent' WHERE target = ? AND status != 'sent' AND alert_id IN"
                        " (SELECT alert_id FROM deliveries WHERE target = ? AND status = 'sent')", (key, legacy))
                    self.conn.execute("DELETE FROM deliveries WHERE target = ?", (legacy,))
                self.conn.execute(
                    "INSERT INTO targets (key, label, last_seen) VALUES (?, ?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET label = excluded.label, last_seen = excluded.last_seen",
                    (key, scrub(label), now()),
                )

    def pending(self, targets: Sequence[str], *, ignore_backoff: bool = False) -> list[PendingDelivery]:
        """Deliveries still owed to these target keys, oldest alert first; by default only those due again."""
        ids = _keys(targets)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        # Due again, or retry time further off than any backoff could set: a clock that ran fast wrote
        # it, and waiting for it would hold the alert back for as long as the clock was wrong.
        due = "" if ignore_backoff else " AND (d.next_attempt IS NULL OR d.next_attempt <= ? OR d.next_attempt > ?)"
        latest = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=MAX_RETRY_WAIT)).isoformat(timespec="seconds")
        rows = self.conn.execute(
            "SELECT d.alert_id, d.target, d.attempts, a.payload FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
            f" WHERE d.status = 'pending' AND d.target IN ({marks}){due} ORDER BY d.alert_id",
            [*ids] if ignore_backoff else [*ids, now(), latest],
        )
        return [PendingDelivery(r[0], r[1], r[2], alert_from_json(r[3])) for r in rows]

    def mark_delivery(self, alert_id: int, target: str, *, ok: bool, error: str | None = None,
                      give_up_after: int = 10, retry_at: str | None = None) -> None:
        """One attempt's outcome: sent, pending again from `retry_at`, or failed for good after enough tries."""
        with self.write():
            self.conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt = ?,"
                " status = CASE WHEN ? THEN 'sent' WHEN attempts + 1 >= ? THEN 'failed' ELSE 'pending' END,"
                " sent_at = CASE WHEN ? THEN ? ELSE sent_at END WHERE alert_id = ? AND target = ?",
                (None if error is None else scrub(error), None if ok else retry_at, ok, give_up_after, ok, now(),
                 alert_id, target),
            )

    def replay(self, alert_id: int | None = None, *, readers: Sequence[str] = (), admins: Sequence[str] = ()) -> int:
        """Queue again (for one alert, or all) what is owed: failed deliveries to current targets, and orphaned
        ones (their target is no longer among `readers` and `admins`) as new deliveries to the current targets
        (operator alerts to `admins`) that do not have the alert yet; how many deliveries were queued."""
        current = _keys([*readers, *admins])
        marks = ",".join("?" * len(current))
        which = " AND (? IS NULL OR d.alert_id = ?)"
        with self.write():
            queued = self.conn.execute(
                "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt = NULL"
                f" WHERE status = 'failed' AND target IN ({marks})" + which.replace("d.", ""),
                [*current, alert_id, alert_id],
            ).rowcount
            orphans = self.conn.execute(
                f"SELECT d.alert_id, d.target, {_OPERATOR} FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
                f" WHERE d.status IN {OWED} AND d.target NOT IN ({marks})" + which, [*current, alert_id, alert_id],
            ).fetchall()
            for orphan_alert, orphan_target, operator in orphans:
                destinations = [k for k in _keys(admins if operator else readers) if k != "stdout"]
                if not destinations:
                    continue
                for key in destinations:
                    queued += self.conn.execute(
                        "INSERT OR IGNORE INTO deliveries (alert_id, target) VALUES (?, ?)", (orphan_alert, key)
                    ).rowcount
                self.conn.execute("UPDATE deliveries SET status = 'moved', next_attempt = NULL"
                                  " WHERE alert_id = ? AND target = ?", (orphan_alert, orphan_target))
        return queued

    def orphaned(self, current: Sequence[str]) -> list[OrphanedDelivery]:
        """Deliveries still owed to targets that are not among the `current` keys, oldest alert first."""
        keys = _keys(current)
        # A file from before target identities, opened read-only, has no targets table: no labels then.
        labels = "targets" if self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'targets'").fetchone() else (
            "(SELECT NULL AS key, NULL AS label)")
        rows = self.conn.execute(
            f"SELECT d.alert_id, d.target, t.label, d.status, d.attempts, a.payload, {_OPERATOR}"
            f" FROM deliveries d JOIN alerts a ON a.id = d.alert_id LEFT JOIN {labels} t ON t.key = d.target"
            f" WHERE d.status IN {OWED} AND d.target NOT IN ({','.join('?' * len(keys))}) ORDER BY d.alert_id",
            keys,
        )
        return [OrphanedDelivery(alert_id=r[0], target=r[1], label=r[2], status=r[3], attempts=r[4],
                                 title=alert_from_json(r[5]).title, operator=bool(r[6])) for r in rows]

    def failed_deliveries(self) -> list[FailedDelivery]:
        """Deliveries given up on, oldest alert first."""
        rows = self.conn.execute(
            "SELECT d.alert_id, d.target, d.attempts, d.last_error, a.payload FROM deliveries d"
            " JOIN alerts a ON a.id = d.alert_id WHERE d.status = 'failed' ORDER BY d.alert_id"
        )
        return [FailedDelivery(alert_id=r[0], target=r[1], attempts=r[2], last_error=r[3],
                               title=alert_from_json(r[4]).title) for r in rows]

    def delivery_counts(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status")
        return {r[0]: r[1] for r in rows}
