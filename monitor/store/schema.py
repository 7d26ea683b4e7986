"""The database schema, in one place: the store's tables and the outbox, created idempotently."""

from __future__ import annotations

import sqlite3

from monitor.core.errors import StoreError
from monitor.store.identities import merge_duplicate_articles
from monitor.store.sitemaps import SCHEMA as SITEMAPS_SCHEMA
from monitor.store.treaty import TREATY_SCHEMA

SCHEMA_VERSION = 2
# What is learnt of each site across its articles (monitor.store.sites): new tables, no new schema version.
SITES_SCHEMA = """
CREATE TABLE IF NOT EXISTS site_paragraphs (
    article_id INTEGER PRIMARY KEY,  -- articles(id); the keys of its latest reading, chrome included
    host TEXT NOT NULL,
    keys TEXT NOT NULL  -- decide.chrome.paragraph_key of each body paragraph, space-separated
);
CREATE INDEX IF NOT EXISTS site_paragraphs_host ON site_paragraphs(host);
CREATE TABLE IF NOT EXISTS site_chrome (
    host TEXT NOT NULL,
    key TEXT NOT NULL,  -- a paragraph found in many of the host's articles: the site's, never an article's
    learned TEXT NOT NULL,
    PRIMARY KEY (host, key)
);
CREATE TABLE IF NOT EXISTS site_layouts (
    host TEXT NOT NULL,
    layout TEXT NOT NULL,  -- a layout fingerprint articles of the host were read in
    first_seen TEXT NOT NULL,
    PRIMARY KEY (host, layout)
);
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_checked TEXT,
    last_changed TEXT,
    etag TEXT,
    last_modified TEXT,
    missing_count INTEGER NOT NULL DEFAULT 0,
    removed INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    latest_hash TEXT,       -- of the latest version: an unchanged page costs no snapshot load
    latest_source TEXT,
    published TEXT,
    transitions INTEGER NOT NULL DEFAULT 0,  -- transitions recorded (versions, removals, returns): numbers the next
    identity TEXT,  -- core.identity.identity_key(url): one row per article whatever the link's spelling
    guid TEXT,  -- the feed's stable id for the post, when a feed announced it
    layout TEXT,  -- fingerprint of the layout the article was last read in
    closed INTEGER NOT NULL DEFAULT 0,  -- its pages so far ended with closing tags (a cut page is then an error)
    untracked TEXT  -- when `monitor remove` stopped checking it (NULL: tracked); its versions and archive stay
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    seq INTEGER NOT NULL,
    captured_at TEXT NOT NULL,
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    snapshot BLOB NOT NULL,  -- zlib JSON; with base_id, compressed against that version (a delta)
    base_id INTEGER REFERENCES versions(id),
    change_kind TEXT,
    minor INTEGER NOT NULL DEFAULT 0,
    UNIQUE (article_id, seq)
);
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    last_fetched TEXT,
    baseline_done INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    newest_entry TEXT,
    health_state TEXT NOT NULL DEFAULT 'ok'
);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY,
    article_id INTEGER REFERENCES articles(id),  -- NULL for operator alerts about a feed
    version_id INTEGER REFERENCES versions(id),
    kind TEXT NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    target TEXT NOT NULL,  -- targets.key; "t-…" (a hash of the whole URL) in files from before identities
    status TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, failed; moved: replayed to the current targets
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt TEXT,
    sent_at TEXT,
    PRIMARY KEY (alert_id, target)
);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries(status, target);
CREATE TABLE IF NOT EXISTS targets (
    key TEXT PRIMARY KEY,   -- a hash of the target's identity (never its URL): deliveries.target
    label TEXT NOT NULL,    -- `scheme://host/… [key]`, safe to show, for deliveries whose target is gone
    last_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hosts (
    host TEXT PRIMARY KEY,
    robots TEXT,
    robots_fetched REAL,
    blocked_until REAL
);
CREATE TABLE IF NOT EXISTS feed_entries (  -- what each feed last said of each tracked article it lists
    feed TEXT NOT NULL,
    article_id INTEGER NOT NULL,  -- no foreign key: merging duplicate articles may drop ids
    digest TEXT NOT NULL,  -- of the entry's title and description text
    signaled TEXT,  -- when that text changed, until the page is next fetched
    PRIMARY KEY (feed, article_id)
);
CREATE TABLE IF NOT EXISTS host_requests (  -- requests per host per cycle over the last hour: the budget
    host TEXT NOT NULL,
    started REAL NOT NULL,  -- when the cycle started
    ended REAL NOT NULL,  -- when its last request went: it counts against the hour until an hour after
    requests INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS request_times (  -- every request per host in the last hour: the sliding hour's count
    host TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS request_times_host ON request_times(host, at);
CREATE TABLE IF NOT EXISTS service_state (
    key TEXT PRIMARY KEY,
    value TEXT
);
""" + SITES_SCHEMA + TREATY_SCHEMA + SITEMAPS_SCHEMA


def check_ours(conn: sqlite3.Connection) -> None:
    """Refuse a SQLite file of another program (or of a newer version of ours) before touching it."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    if tables and version == 0:
        raise StoreError(f"not a deeplinks-monitor database (it has tables {', '.join(tables[:5])})")
    if version > SCHEMA_VERSION:
        raise StoreError(f"written by a newer deeplinks-monitor (schema {version}, this one knows {SCHEMA_VERSION})")


def migrate(conn: sqlite3.Connection) -> None:
    """Create what is missing; `user_version` records the schema the file was brought to."""
    check_ours(conn)
    with conn:
        conn.executescript(SCHEMA)
        _add_missing_columns(conn)
        merge_duplicate_articles(conn)
        conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS articles_identity ON articles(identity)")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


# Columns added after a table first shipped: (table, column, declaration). CREATE TABLE IF NOT EXISTS
# leaves an older file's table as it was, so each is added here when absent.
_ADDED_COLUMNS = (
    ("articles", "transitions", "INTEGER NOT NULL DEFAULT 0"),  # schema 2: alerts keyed on transitions
    ("articles", "identity", "TEXT"),  # schema 2: one identity per article
    ("articles", "guid", "TEXT"),  # schema 2: the feed's guid, a second identity
    ("articles", "layout", "TEXT"),  # schema 2: a redesign re-baselines quietly
    ("articles", "closed", "INTEGER NOT NULL DEFAULT 0"),  # schema 2: a page cut off is an error
    ("articles", "untracked", "TEXT"),  # schema 2: `monitor remove` retires an article, its evidence kept
    ("host_requests", "signaled", "INTEGER NOT NULL DEFAULT 0"),  # signals and first readings a cycle fetched
)


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, column, declaration in _ADDED_COLUMNS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
