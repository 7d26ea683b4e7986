"""One row per article: every stored link gets its identity key, and rows that turn out to be one
article under two spellings (http/https, www, a trailing slash, utm_* …) are merged, history kept.

Run by the migration on every open for write, so a database written before identities existed,
or by a version whose key rules were narrower, is brought to one row per article.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from monitor.core.identity import identity_key


def merge_duplicate_articles(conn: sqlite3.Connection) -> int:
    """Give every article its identity; fold duplicates into the oldest row. Returns how many were merged.

    The caller holds the transaction. Versions are renumbered by capture time, alerts and their
    deliveries move with them, and the survivor keeps the state of the most recently checked row.
    """
    rows = conn.execute("SELECT id, url, identity FROM articles ORDER BY id").fetchall()
    groups: dict[str, list[int]] = defaultdict(list)
    for article_id, url, stored in rows:
        key = identity_key(url)
        groups[key].append(article_id)
        if stored != key:
            conn.execute("UPDATE articles SET identity = NULL WHERE id = ?", (article_id,))
    merged = 0
    for key, ids in groups.items():
        keeper, *others = ids
        if others:
            _merge(conn, keeper, others)
            merged += len(others)
        conn.execute("UPDATE articles SET identity = ? WHERE id = ?", (key, keeper))
    return merged


def _merge(conn: sqlite3.Connection, keeper: int, others: list[int]) -> None:
    ids = [keeper, *others]
    marks = ",".join("?" * len(ids))
    freshest = conn.execute(
        f"SELECT id FROM articles WHERE id IN ({marks}) ORDER BY COALESCE(last_checked, '') DESC, id LIMIT 1", ids
    ).fetchone()[0]
    first_seen, transitions = conn.execute(
        f"SELECT MIN(first_seen), MAX(transitions) FROM articles WHERE id IN ({marks})", ids
    ).fetchone()
    if freshest != keeper:  # the most recently checked row holds the article's current state
        conn.execute(
            "UPDATE articles SET (title, last_checked, last_changed, etag, last_modified, missing_count, removed,"
            " last_error, failures, latest_hash, latest_source, published) = (SELECT title, last_checked,"
            " last_changed, etag, last_modified, missing_count, removed, last_error, failures, latest_hash,"
            " latest_source, published FROM articles WHERE id = ?) WHERE id = ?",
            (freshest, keeper),
        )
    conn.execute("UPDATE articles SET first_seen = ?, transitions = ? WHERE id = ?", (first_seen, transitions, keeper))
    for other in others:
        conn.execute("UPDATE alerts SET article_id = ? WHERE article_id = ?", (keeper, other))
        conn.execute("UPDATE versions SET article_id = ?, seq = -id WHERE article_id = ?", (keeper, other))
    ordered = conn.execute(
        "SELECT id FROM versions WHERE article_id = ? ORDER BY captured_at, id", (keeper,)
    ).fetchall()
    conn.execute("UPDATE versions SET seq = -id WHERE article_id = ?", (keeper,))  # free the numbers first
    conn.executemany("UPDATE versions SET seq = ? WHERE id = ?", [(i, vid) for i, (vid,) in enumerate(ordered, 1)])
    latest = conn.execute(
        "SELECT content_hash, source FROM versions WHERE article_id = ? ORDER BY seq DESC LIMIT 1", (keeper,)
    ).fetchone()
    if latest:
        conn.execute("UPDATE articles SET latest_hash = ?, latest_source = ? WHERE id = ?", (*latest, keeper))
    conn.executemany("DELETE FROM articles WHERE id = ?", [(o,) for o in others])
