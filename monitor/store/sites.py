"""What the monitor learns about each site across its articles: the paragraph keys of each article's latest
reading, the paragraphs learned as the site's chrome, the page layouts seen, and its articles' titles.

Plain functions over a Store, each write one transaction; the judgement is `monitor.decide.chrome`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from monitor.store.database import Store, now


def paragraph_keys(store: Store, host: str) -> dict[int, frozenset[str]]:
    """Article id → the paragraph keys of its latest reading, for the host's articles read so far."""
    rows = store.conn.execute("SELECT article_id, keys FROM site_paragraphs WHERE host = ?", (host,))
    return {int(r["article_id"]): frozenset(r["keys"].split()) for r in rows}


def learned_chrome(store: Store, host: str) -> frozenset[str]:
    rows = store.conn.execute("SELECT key FROM site_chrome WHERE host = ?", (host,))
    return frozenset(r["key"] for r in rows)


def save_site_reading(store: Store, host: str, readings: Mapping[int, frozenset[str]], chrome: Iterable[str]) -> None:
    """This cycle's paragraph keys of the host's articles, and paragraphs newly learned as its chrome."""
    stamp = now()
    with store.conn:
        store.conn.executemany(
            "INSERT INTO site_paragraphs (article_id, host, keys) VALUES (?, ?, ?) "
            "ON CONFLICT(article_id) DO UPDATE SET host = excluded.host, keys = excluded.keys",
            [(article_id, host, " ".join(sorted(keys))) for article_id, keys in readings.items()])
        store.conn.executemany("INSERT OR IGNORE INTO site_chrome (host, key, learned) VALUES (?, ?, ?)",
                               [(host, key, stamp) for key in sorted(chrome)])


def titles(store: Store) -> list[tuple[int, str, str]]:
    """(id, URL, title as last read) of every article: a host's shared title affixes are learned from them."""
    return [(int(r["id"]), r["url"], r["title"]) for r in store.conn.execute("SELECT id, url, title FROM articles")]


def stubbed_since(store: Store, prefix: str, since: str) -> list[tuple[int, str]]:
    """(id, URL) of the tracked articles not reported removed whose last check, at `since` or later, ended in an
    error opening with `prefix` (decide's stub line): a host's wall seen one article at a time."""
    rows = store.conn.execute(
        "SELECT id, url FROM articles WHERE untracked IS NULL AND removed = 0 AND last_checked >= ?"
        " AND substr(last_error, 1, ?) = ?", (since, len(prefix), prefix))
    return [(int(r["id"]), r["url"]) for r in rows]


def tracked_urls(store: Store) -> list[str]:
    """The URLs of the tracked articles not reported removed: how many each host has (a small host's wall)."""
    rows = store.conn.execute("SELECT url FROM articles WHERE untracked IS NULL AND removed = 0")
    return [r["url"] for r in rows]


def known_layouts(store: Store) -> dict[str, set[str]]:
    """Host → every layout its articles were read in before (the articles' own last layouts included)."""
    out: dict[str, set[str]] = {}
    for r in store.conn.execute("SELECT host, layout FROM site_layouts"):
        out.setdefault(r["host"], set()).add(r["layout"])
    return out


def save_layouts(store: Store, host: str, layouts: Iterable[str]) -> None:
    stamp = now()
    with store.conn:
        store.conn.executemany("INSERT OR IGNORE INTO site_layouts (host, layout, first_seen) VALUES (?, ?, ?)",
                               [(host, layout, stamp) for layout in sorted(set(layouts)) if layout])
