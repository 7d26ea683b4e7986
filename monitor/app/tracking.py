"""`monitor add URL`, `monitor list`, `monitor remove ARTICLE`: what is tracked, changed by editing the config
file's `articles` list (monitor.config.edit keeps its comments), told with the ids `status` shows."""

from __future__ import annotations

from pathlib import Path

from monitor.app.lookup import find_article
from monitor.config import Settings
from monitor.config.edit import Edited, add_article, config_path, listed, remove_article
from monitor.core.identity import identity_key
from monitor.store.database import open_store


def add(given: Path | None, url: str) -> str:
    """Add the URL to the config; the line that says what happened."""
    done = add_article(config_path(given), url)
    if not done.changed:
        return f"already listed in {done.path}: {done.url}"
    return f"added to {done.path}: {done.url} (read at the next check)"


def listing(settings: Settings) -> str:
    """Every tracked article with its id, origin and URL; configured ones not read yet marked so."""
    rows = []
    if settings.database.is_file():
        with open_store(settings.database, read_only=True) as store:
            rows = store.articles()
    known = {identity_key(r.url) for r in rows}
    lines = [f"{r.id:>5}  {r.origin:<7}  {r.url}" for r in rows]
    lines += [f"{'-':>5}  {'config':<7}  {url}  (not read yet)" for url in settings.articles
              if identity_key(url) not in known]
    lines.append(f"{len(lines)} articles" + ("" if rows else f" (no database yet at {settings.database})"))
    return "\n".join(lines)


def remove(given: Path | None, settings: Settings, name: str) -> str:
    """Take the article named by id, URL or slug out of the config's `articles` list."""
    path = config_path(given)
    url = name
    if "://" not in name and settings.database.is_file() and name not in listed(path):
        with open_store(settings.database, read_only=True) as store:
            url = find_article(store, name).url
    done: Edited = remove_article(path, url)
    return (f"removed from {done.path}: {done.url} (its history stays in the database; "
            "a post in the feed is tracked again by the topic rules)")
