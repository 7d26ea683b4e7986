"""What the scheduler remembers between cycles: each feed's text of the articles it lists (a change there
signals an edit), and the requests each host was sent over the last hour (its budget)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from monitor.store.rows import now

HOUR = 3600.0


class SignalsMixin:
    """The Store's feed signals and host spending; every write method is one transaction."""

    conn: sqlite3.Connection

    def feed_digests(self, feed: str) -> dict[int, str]:
        """Article id → digest of its entry's text, as this feed last listed it."""
        rows = self.conn.execute("SELECT article_id, digest FROM feed_entries WHERE feed = ?", (feed,))
        return {r[0]: r[1] for r in rows}

    def record_feed_entries(self, feed: str, digests: Mapping[int, str], signaled: frozenset[int]) -> None:
        """What the feed lists now (entries it dropped are forgotten); `signaled` articles are due at once."""
        stamp = now()
        with self.conn:
            kept = list(digests)
            self.conn.execute(f"DELETE FROM feed_entries WHERE feed = ? AND article_id NOT IN "
                              f"({','.join('?' * len(kept))})", (feed, *kept))
            self.conn.executemany(
                "INSERT INTO feed_entries (feed, article_id, digest, signaled) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(feed, article_id) DO UPDATE SET digest = excluded.digest,"
                " signaled = COALESCE(signaled, excluded.signaled)",
                [(feed, key, value, stamp if key in signaled else None) for key, value in digests.items()],
            )

    def feed_signals(self) -> tuple[frozenset[int], frozenset[int]]:
        """(articles whose feed text changed since their page was last fetched, articles a feed lists)."""
        try:
            rows = self.conn.execute("SELECT article_id, signaled FROM feed_entries").fetchall()
        except sqlite3.OperationalError:  # a file of an older version, opened read-only
            return frozenset(), frozenset()
        return frozenset(r[0] for r in rows if r[1]), frozenset(r[0] for r in rows)

    def clear_signals(self, article_ids: list[int]) -> None:
        """These pages were fetched: their signals are answered."""
        with self.conn:
            self.conn.executemany("UPDATE feed_entries SET signaled = NULL WHERE article_id = ?",
                                  [(i,) for i in article_ids])

    def host_spend(self, at: float) -> dict[str, tuple[tuple[float, float, int], ...]]:
        """Host → (start, end, requests) of the cycles that ended in the hour before `at` (POSIX seconds)."""
        try:
            rows = self.conn.execute("SELECT host, started, ended, requests FROM host_requests WHERE ended > ?"
                                     " ORDER BY ended", (at - HOUR,)).fetchall()
        except sqlite3.OperationalError:
            return {}
        out: dict[str, tuple[tuple[float, float, int], ...]] = {}
        for host, started, ended, requests in rows:
            out[host] = (*out.get(host, ()), (started, ended, requests))
        return out

    def request_times(self, at: float) -> dict[str, list[float]]:
        """Host → the times of its requests in the hour before `at` (the sliding hour, request by request)."""
        try:
            rows = self.conn.execute("SELECT host, at FROM request_times WHERE at > ? ORDER BY at",
                                     (at - HOUR - 60,)).fetchall()  # the limit cuts its own hour
        except sqlite3.OperationalError:
            return {}
        out: dict[str, list[float]] = {}
        for host, when in rows:
            out.setdefault(host, []).append(when)
        return out

    def record_request_times(self, times: Mapping[str, list[float]], at: float) -> None:
        """Each host's requests of the last hour, as the fetcher holds them (what is older is dropped)."""
        with self.conn:
            self.conn.execute("DELETE FROM request_times")
            self.conn.executemany("INSERT INTO request_times (host, at) VALUES (?, ?)",
                                  [(host, t) for host, ts in times.items() for t in ts if t > at - HOUR - 60])

    def host_signals(self, at: float) -> dict[str, int]:
        """Host → the signals and first readings its cycles of the hour before `at` fetched."""
        try:
            rows = self.conn.execute("SELECT host, SUM(signaled) FROM host_requests WHERE started > ? GROUP BY host",
                                     (at - HOUR,)).fetchall()
        except sqlite3.OperationalError:
            return {}
        return {host: int(n or 0) for host, n in rows}

    def record_host_spend(self, started: float, ended: float, requests: Mapping[str, int],
                          signaled: Mapping[str, int] | None = None) -> None:
        """This cycle's requests by host (and how many were signals or first readings); what ended more than an
        hour ago is dropped."""
        signaled = signaled or {}
        with self.conn:
            self.conn.execute("DELETE FROM host_requests WHERE ended <= ?", (ended - HOUR,))
            self.conn.executemany(
                "INSERT INTO host_requests (host, started, ended, requests, signaled) VALUES (?, ?, ?, ?, ?)",
                [(host, started, ended, n, signaled.get(host, 0)) for host, n in requests.items() if n])
