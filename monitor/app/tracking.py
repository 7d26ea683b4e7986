"""`monitor add URL`, `monitor list`, `monitor remove ARTICLE`: what is tracked, told with the ids `status` shows.

Two places say what is tracked: the config file's `articles` list (monitor.config.edit keeps its comments) and
the database, where seeded and feed-discovered articles live. `remove` stops the article in both: the config entry
goes, the database row is marked stopped (never deleted: its versions, alerts and archive are evidence), and no
cycle fetches it again, even when a feed still lists it. `add` of the same URL resumes it.
"""

from __future__ import annotations

import os
from pathlib import Path

from monitor.app.lookup import find_article, looks_like_url
from monitor.config import Settings, load_settings
from monitor.config.edit import add_article, checked_url, config_path, listed, remove_article
from monitor.core.errors import ConfigError, MonitorError
from monitor.core.identity import identity_key
from monitor.core.when import shown
from monitor.store.database import ArticleRow, open_store


def add(given: Path | None, url: str) -> str:
    """Add the URL to the config and resume it if `remove` had stopped it; the lines that say what happened."""
    path = config_path(given)
    done = add_article(path, url)
    lines = [f"added to {done.path}: {done.url} (read at the next check)" if done.changed
             else f"already listed in {done.path}: {done.url}"]
    settings = load_settings(path)  # after the edit: a file already invalid is said by the edit, left unchanged
    if settings.database.is_file():
        with open_store(settings.database) as store:
            lines += [f"#{row.id} is tracked again: checked from the next cycle on (its history is kept)"
                      for row in store.resume_tracking((done.url,))]
    return "\n".join(lines)


def listing(settings: Settings) -> str:
    """Every tracked article with its id, origin and URL; configured ones not read yet and stopped ones marked."""
    rows: list[ArticleRow] = []
    if settings.database.is_file():
        with open_store(settings.database, read_only=True) as store:
            rows = store.articles()
    known = {identity_key(r.url) for r in rows}
    tracked = [r for r in rows if r.untracked is None]
    stopped = [r for r in rows if r.untracked is not None]
    lines = [f"{r.id:>5}  {r.origin:<7}  {r.url}" for r in tracked]
    lines += [f"{'-':>5}  {'config':<7}  {url}  (not read yet)" for url in settings.articles
              if identity_key(url) not in known]
    count = f"{len(lines)} articles"
    lines += [f"{r.id:>5}  {r.origin:<7}  {r.url}  (stopped {shown(r.untracked)} by `monitor remove`: not checked)"
              for r in stopped]
    if stopped:
        count += f" tracked, {len(stopped)} stopped"
    lines.append(count + ("" if rows else f" (no database yet at {settings.database})"))
    return "\n".join(lines)


def remove(given: Path | None, settings: Settings, name: str) -> str:
    """Stop tracking the article named by id, URL or slug: out of the config's `articles` list if it is there, and
    stopped in the database (its history kept). Idempotent; MonitorError when nothing by that name is tracked."""
    path = _config_file(given)
    url = checked_url(name) if looks_like_url(name) else None
    row = None
    if settings.database.is_file():
        with open_store(settings.database) as store:
            row = store.article(url) if url else find_article(store, name)
    elif url is None:
        raise MonitorError(f"no database yet at {settings.database}: name the article by its URL")
    url = row.url if row else url
    assert url is not None
    configured = path is not None and identity_key(url) in map(identity_key, listed(path))
    if row is None and not configured:
        where = f" nor in {path}" if path else ""
        raise MonitorError(f"not a tracked article: {name} (not in the database{where}); `monitor list` shows "
                           "what is tracked")
    lines = []
    if configured and path is not None:
        done = remove_article(path, url)
        lines.append(f"removed from {done.path}'s `articles` list: {done.url}")
    if row is not None:
        lines.append(_stop(settings.database, row))
    if os.environ.get("MONITOR_ARTICLES") and identity_key(url) in map(identity_key, settings.articles):
        lines.append(f"warning: MONITOR_ARTICLES still lists {url}: every check tracks it again until it is taken "
                     "out there")
    return "\n".join(lines)


def _stop(database: Path, row: ArticleRow) -> str:
    with open_store(database) as store:
        versions = len(store.versions(row.id))
        since = store.stop_tracking(row.id)
    what = f"#{row.id} {row.url}"
    if row.untracked is not None:
        return f"{what} was already stopped ({shown(since)}): nothing to do (`monitor add` with its URL resumes it)"
    return (f"{what} is no longer checked; its {versions} versions and their archive stay (`monitor history "
            f"{row.id}`); `monitor add` with its URL resumes it")


def _config_file(given: Path | None) -> Path | None:
    """The config file to edit: --config or MONITOR_CONFIG must exist; the default one may be absent (then only
    the database holds what is tracked)."""
    try:
        return config_path(given)
    except ConfigError:
        if given is not None or os.environ.get("MONITOR_CONFIG"):
            raise
        return None
