"""Articles and their versions: what is tracked, every stored reading of it, and the checks in between.

A version is stored zlib-compressed against the article's first version (a preset
dictionary), so a version that differs by a note or a sentence costs a few hundred bytes.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Callable

from monitor.core.identity import fetch_url, identity_key
from monitor.core.model import Alert, Snapshot, Validators
from monitor.core.serial import snapshot_from_json, to_json
from monitor.store.outbox import AlertTargets, insert_alerts
from monitor.store.rows import ArticleRow, VersionRow, article_row, now
from monitor.store.writes import Writer


class ArticlesMixin(Writer):
    """The Store's articles and versions; every write method is one transaction."""

    conn: sqlite3.Connection

    # -- articles ------------------------------------------------------------------------
    def article(self, url: str) -> ArticleRow | None:
        """The article this link names, whatever its spelling (http/https, www, slash, tracking parameters)."""
        row = self.conn.execute("SELECT * FROM articles WHERE identity = ?", (identity_key(url),)).fetchone()
        return article_row(row) if row else None

    def article_by_id(self, article_id: int) -> ArticleRow | None:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return article_row(row) if row else None

    def articles(self) -> list[ArticleRow]:
        """Every article ever tracked, those `monitor remove` stopped included (their history is still shown)."""
        return [article_row(r) for r in self.conn.execute("SELECT * FROM articles ORDER BY id")]

    def tracked_articles(self) -> list[ArticleRow]:
        """The articles a cycle checks: all but those `monitor remove` stopped."""
        return [article_row(r) for r in self.conn.execute("SELECT * FROM articles WHERE untracked IS NULL ORDER BY id")]

    def stop_tracking(self, article_id: int) -> str:
        """No cycle checks this article any more (a feed listing it again does not bring it back); its versions,
        alerts and archive stay. Idempotent: the time it was first stopped, kept and returned."""
        with self.write():
            self.conn.execute("UPDATE articles SET untracked = ? WHERE id = ? AND untracked IS NULL",
                              (now(), article_id))
        row = self.conn.execute("SELECT untracked FROM articles WHERE id = ?", (article_id,)).fetchone()
        return str(row[0]) if row and row[0] else ""

    def resume_tracking(self, urls: tuple[str, ...]) -> list[ArticleRow]:
        """Check again the stopped articles among these links (any spelling): `monitor add`, or the config's list
        naming one again. The rows resumed; nothing is read when no article is stopped (every cycle asks)."""
        stopped = {k: i for i, k in self.conn.execute("SELECT id, identity FROM articles WHERE untracked IS NOT NULL")}
        if not stopped:
            return []
        ids = sorted({stopped[k] for k in map(identity_key, urls) if k in stopped})
        if not ids:
            return []
        with self.write():
            self.conn.executemany("UPDATE articles SET untracked = NULL WHERE id = ?", ((i,) for i in ids))
        return [row for i in ids if (row := self.article_by_id(i)) is not None]

    def layouts_in_use(self) -> list[tuple[str, str]]:
        """(url, layout) of every article last read in a known layout: a cycle's view of each host's layouts."""
        rows = self.conn.execute("SELECT url, layout FROM articles WHERE COALESCE(layout, '') != ''")
        return [(url, layout) for url, layout in rows]

    def track(self, url: str, origin: str, title: str = "") -> ArticleRow:
        """The article of this link, tracked from now on if it was not (one row per identity)."""
        self.track_all((url,), origin, title)
        row = self.article(url)
        assert row is not None
        return row

    def article_by_guid(self, guid: str) -> ArticleRow | None:
        """The article a feed announced under this guid (its link may have changed since: a new slug)."""
        row = self.conn.execute("SELECT * FROM articles WHERE guid = ? ORDER BY id LIMIT 1", (guid,)).fetchone()
        return article_row(row) if row else None

    def track_new_post(
        self, url: str, origin: str, title: str, *, guid: str = "", alerts: tuple[Alert, ...] = (),
        targets: AlertTargets = (),
    ) -> ArticleRow:
        """A post first seen in a feed and its announcement, in one transaction: tracked means told."""
        stamp = now()
        with self.write():
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO articles (url, identity, title, origin, first_seen, guid)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (fetch_url(url), identity_key(url), title, origin, stamp, guid or None),
            )
            if cur.rowcount:
                insert_alerts(self.conn, cur.lastrowid, None, alerts, targets, stamp)
        row = self.article(url)
        assert row is not None
        return row

    def track_all(self, urls: tuple[str, ...], origin: str, title: str = "") -> None:
        """Track URLs not tracked yet, in one transaction (the config's list: one commit, not one per URL).
        A URL stored exactly as given is tracked already: its key is not recomputed: every cycle passes
        the config's whole list (with two other savings, 5000 articles went from 83 to 43 CPU s a day of cycles)."""
        fresh = self._not_stored(urls)
        if not fresh:
            return
        stamp = now()
        with self.write():
            self.conn.executemany(
                "INSERT OR IGNORE INTO articles (url, identity, title, origin, first_seen) VALUES (?, ?, ?, ?, ?)",
                ((fetch_url(url), identity_key(url), title, origin, stamp) for url in fresh),
            )

    def _not_stored(self, urls: tuple[str, ...]) -> list[str]:
        """The URLs no row holds verbatim: a few are looked up by index, a long list against one scan."""
        if len(urls) <= 16:
            lookup = "SELECT 1 FROM articles WHERE url = ?"
            return [u for u in urls if self.conn.execute(lookup, (u,)).fetchone() is None]
        stored = {url for (url,) in self.conn.execute("SELECT url FROM articles")}
        return [url for url in urls if url not in stored]

    def record_check(
        self, article_id: int, *, validators: Validators | None = None, error: str | None = None,
        missing_count: int | None = None, layout: str | None = None, closed: bool | None = None,
    ) -> None:
        with self.write():
            _note_reading(self.conn, article_id, layout, closed)
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

    def version(self, article_id: int, seq: int) -> VersionRow | None:
        """Version number `seq` of the article; None when there is no such version."""
        row = self.conn.execute(
            "SELECT * FROM versions WHERE article_id = ? AND seq = ?", (article_id, seq)
        ).fetchone()
        return self._version(row) if row else None

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

    def version_counts(self) -> dict[int, int]:
        rows = self.conn.execute("SELECT article_id, COUNT(*) FROM versions GROUP BY article_id")
        return {r[0]: r[1] for r in rows}

    def latest_change_kinds(self) -> dict[int, str]:
        """By article id: the change kind of its latest version that had one (no snapshot is loaded)."""
        rows = self.conn.execute(
            "SELECT article_id, change_kind, MAX(seq) FROM versions WHERE COALESCE(change_kind, '') != ''"
            " GROUP BY article_id"
        )
        return {r[0]: r[1] for r in rows}

    def record_version(
        self,
        article_id: int,
        snapshot: Snapshot,
        *,
        change_kind: str | None = None,
        minor: bool = False,
        alerts: tuple[Alert, ...] = (),
        targets: AlertTargets = (),
        validators: Validators | None = None,
        removed: bool | None = None,
        transitions: int | None = None,
        layout: str | None = None,
        closed: bool | None = None,
        on_version: Callable[[int], None] | None = None,  # called with the new id in the transaction (archive)
    ) -> int:
        """The new version, its alerts and their pending deliveries, and the check itself: all or nothing."""
        stamp = now()
        with self.write():
            _note_reading(self.conn, article_id, layout, closed)
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
            insert_alerts(self.conn, article_id, version_id, alerts, targets, stamp)
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
        self, article_id: int, alerts: tuple[Alert, ...], targets: AlertTargets, *,
        removed: bool | None = None, missing_count: int | None = None, transitions: int | None = None,
    ) -> None:
        """Alerts without a new version (new post, removed, restored), with the article's state."""
        stamp = now()
        with self.write():
            insert_alerts(self.conn, article_id, None, alerts, targets, stamp)
            self.conn.execute(
                "UPDATE articles SET last_checked = ?, removed = COALESCE(?, removed),"
                " missing_count = COALESCE(?, missing_count), transitions = COALESCE(?, transitions) WHERE id = ?",
                (stamp, None if removed is None else int(removed), missing_count, transitions, article_id),
            )


def pack_snapshot(text: str, base: bytes | None) -> bytes:
    """zlib; against the article's first version as a preset dictionary when there is one, so a
    version that differs by a note or a sentence costs a few hundred bytes, not a page."""
    packer = zlib.compressobj(9, zdict=base) if base else zlib.compressobj(9)
    return packer.compress(text.encode("utf-8")) + packer.flush()


def unpack_snapshot(blob: bytes, base: bytes | None) -> str:
    unpacker = zlib.decompressobj(zdict=base) if base else zlib.decompressobj()
    return (unpacker.decompress(blob) + unpacker.flush()).decode("utf-8")


def _note_reading(conn: sqlite3.Connection, article_id: int, layout: str | None, closed: bool | None) -> None:
    """The layout the article was read in, and whether its pages end with closing tags (once true, kept)."""
    if layout is not None or closed is not None:
        conn.execute("UPDATE articles SET layout = COALESCE(?, layout), closed = MAX(closed, COALESCE(?, 0))"
                     " WHERE id = ?", (layout or None, None if closed is None else int(closed), article_id))
