"""The alert outbox: every decided alert, and its delivery to each notification target.

Alerts are written in the transaction of the outcome that caused them (see `insert_alerts`);
delivery happens after commit and is recorded per target, so an alert is never lost and
never sent twice to a target that already took it.
"""

from __future__ import annotations

import sqlite3

from monitor.core.model import Alert
from monitor.core.serial import alert_from_json, to_json
from monitor.store.rows import AlertRow, FailedDelivery, PendingDelivery, now, target_id


def insert_alerts(
    conn: sqlite3.Connection, article_id: int | None, version_id: int | None, alerts: tuple[Alert, ...],
    targets: tuple[str, ...], stamp: str,
) -> None:
    """New alerts (an already known dedup key is skipped) and a pending delivery of each to every target.

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
                [(cur.lastrowid, target_id(t)) for t in targets],
            )


def _alert_row(row: sqlite3.Row) -> AlertRow:
    return AlertRow(id=row["id"], created_at=row["created_at"], article_id=row["article_id"],
                    alert=alert_from_json(row["payload"]))


_ALERT_COLUMNS = "SELECT id, created_at, article_id, payload FROM alerts"


class OutboxMixin:
    """The Store's alerts and deliveries; every write method is one transaction."""

    conn: sqlite3.Connection

    # -- alerts --------------------------------------------------------------------------
    def record_operator_alerts(self, alerts: tuple[Alert, ...], targets: tuple[str, ...]) -> None:
        """Operator alerts about no one article (a site's new layout), each written once (dedup key)."""
        with self.conn:
            insert_alerts(self.conn, None, None, alerts, targets, now())

    def alerts(self) -> list[AlertRow]:
        """Every alert, oldest first (operator alerts about feeds included)."""
        return [_alert_row(r) for r in self.conn.execute(_ALERT_COLUMNS + " ORDER BY id")]

    def alerts_for(self, article_id: int) -> list[AlertRow]:
        """The alerts about one article, oldest first; empty for an unknown id."""
        rows = self.conn.execute(_ALERT_COLUMNS + " WHERE article_id = ? ORDER BY id", (article_id,))
        return [_alert_row(r) for r in rows]

    def article_alerts(self, limit: int | None = None) -> list[AlertRow]:
        """Alerts about articles (not the operator's feed alerts), newest first; the latest `limit` when given."""
        rows = self.conn.execute(
            _ALERT_COLUMNS + " WHERE article_id IS NOT NULL ORDER BY id DESC LIMIT ?",
            (-1 if limit is None else limit,),
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
