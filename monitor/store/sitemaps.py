"""What the scheduler remembers of hosts' sitemaps: which sitemap files a host has (with their validators, so a
poll of an unchanged one is a 304), each tracked article's lastmod (as the sitemap says now and as it said at
our last check of the article), and each host's record of how honest its lastmod has been (`decide.signals`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from monitor.core.model import Validators

SCHEMA = """
CREATE TABLE IF NOT EXISTS sitemap_hosts (  -- hosts whose sitemaps we read: where they are, how honest
    host TEXT PRIMARY KEY,
    found REAL NOT NULL,     -- when its sitemaps were last looked for (robots.txt, /sitemap.xml)
    sitemaps TEXT NOT NULL,  -- JSON list of the sitemap files found (indexes followed)
    record TEXT NOT NULL DEFAULT '',  -- the last observations of its lastmod's honesty (decide.signals)
    polled REAL  -- when its sitemaps were last polled
);
CREATE TABLE IF NOT EXISTS sitemap_files (  -- one sitemap file: validators for a conditional poll
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    lastmod REAL,  -- as its index gave it when we last read it: a child whose index lastmod did not move waits
    children TEXT  -- an index: JSON [[url, lastmod], ...] as it last listed them (a 304 keeps them)
);
CREATE TABLE IF NOT EXISTS sitemap_entries (  -- a tracked article's lastmod
    article_id INTEGER PRIMARY KEY,  -- no foreign key: merging duplicate articles may drop ids
    lastmod REAL,          -- as its sitemap says now
    at_check REAL          -- as it said when we last checked the article (NULL: not listed then)
);
"""


@dataclass(frozen=True)
class SitemapHost:
    host: str
    found: float
    sitemaps: tuple[str, ...]
    record: str
    polled: float | None = None


@dataclass(frozen=True)
class SitemapFile:
    """One sitemap file as last read: validators, the lastmod its index gave it then, an index's children."""

    url: str
    validators: Validators = field(default_factory=Validators)
    lastmod: float | None = None
    children: tuple[tuple[str, float | None], ...] = ()
    known: bool = False  # read before


class SitemapsMixin:
    """The Store's sitemap signals; every write method is one transaction."""

    conn: sqlite3.Connection

    def sitemap_hosts(self) -> dict[str, SitemapHost]:
        try:
            rows = self.conn.execute("SELECT host, found, sitemaps, record, polled FROM sitemap_hosts").fetchall()
        except sqlite3.OperationalError:  # a file of an older version, opened read-only
            return {}
        return {r[0]: SitemapHost(r[0], r[1], tuple(json.loads(r[2])), r[3], r[4]) for r in rows}

    def record_sitemap_poll(self, host: str, at: float) -> None:
        with self.conn:
            self.conn.execute("UPDATE sitemap_hosts SET polled = ? WHERE host = ?", (at, host))

    def record_sitemap_host(self, host: str, found: float, sitemaps: Iterable[str]) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO sitemap_hosts (host, found, sitemaps) VALUES (?, ?, ?) ON CONFLICT(host)"
                              " DO UPDATE SET found = excluded.found, sitemaps = excluded.sitemaps",
                              (host, found, json.dumps(list(sitemaps))))

    def sitemap_file(self, url: str) -> SitemapFile:
        row = self.conn.execute("SELECT etag, last_modified, lastmod, children FROM sitemap_files WHERE url = ?",
                                (url,)).fetchone()
        if row is None:
            return SitemapFile(url)
        children = tuple((str(u), None if m is None else float(m)) for u, m in json.loads(row[3] or "[]"))
        return SitemapFile(url, Validators(row[0], row[1]), row[2], children, known=True)

    def record_sitemap_file(self, file: SitemapFile) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO sitemap_files (url, etag, last_modified, lastmod, children)"
                              " VALUES (?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
                              " last_modified = excluded.last_modified, lastmod = excluded.lastmod,"
                              " children = excluded.children",
                              (file.url, file.validators.etag, file.validators.last_modified, file.lastmod,
                               json.dumps([list(c) for c in file.children])))

    def record_lastmods(self, lastmods: Mapping[int, float | None]) -> None:
        """What the sitemaps say of these tracked articles now."""
        with self.conn:
            self.conn.executemany("INSERT INTO sitemap_entries (article_id, lastmod) VALUES (?, ?)"
                                  " ON CONFLICT(article_id) DO UPDATE SET lastmod = excluded.lastmod",
                                  list(lastmods.items()))

    def lastmods(self) -> dict[int, tuple[float | None, float | None]]:
        """Article id → (lastmod now, lastmod at our last check)."""
        try:
            rows = self.conn.execute("SELECT article_id, lastmod, at_check FROM sitemap_entries").fetchall()
        except sqlite3.OperationalError:
            return {}
        return {r[0]: (r[1], r[2]) for r in rows}

    def record_checked_lastmods(self, article_ids: Iterable[int], records: Mapping[str, str]) -> None:
        """These articles were checked: their lastmod now is the one their next check compares with; and the
        hosts' honesty records as they stand after these checks."""
        with self.conn:
            self.conn.executemany("UPDATE sitemap_entries SET at_check = lastmod WHERE article_id = ?",
                                  [(i,) for i in article_ids])
            self.conn.executemany("UPDATE sitemap_hosts SET record = ? WHERE host = ?",
                                  [(record, host) for host, record in records.items()])
