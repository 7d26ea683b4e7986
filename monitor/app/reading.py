"""`monitor extract`: what the monitor would read on a page (a local file or an http(s) URL), for a person.

The page is read by the same read_article the cycle uses; a local file is read as the URL it says
it has (rel=canonical, og:url), so a saved eff.org page is read with the EFF profile.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from monitor.config import Settings
from monitor.core.errors import FetchError, MonitorError
from monitor.sources.extract import Reading, page_url, read_article
from monitor.sources.fetch import Fetcher, decode_body, short_url


def load_page(target: str, settings: Settings) -> tuple[str, str]:
    """(HTML, URL to read it as) of a local file or an http(s) URL; MonitorError with one line when unreadable.

    A URL is fetched as a cycle fetches (one deadline, `timeout`, for the whole of it, redirects and
    the one retry included; decoded bytes capped at `max_bytes`); a path must be a regular file of at
    most `max_bytes` (a FIFO would block forever, /dev/zero never end, a directory is no page)."""
    if target.startswith(("http://", "https://")):
        return asyncio.run(_fetch(target, settings))
    return _read_file(target, settings.max_bytes)


async def _fetch(url: str, settings: Settings) -> tuple[str, str]:
    # Any host: a person named this one; robots.txt is for crawlers (this is one request on demand). The config's
    # `rewrite` holds: `extract --config` fetches from where `check` fetches (a local replay), the page read as its URL.
    async with Fetcher(replace(settings, allowed_hosts=())) as fetcher:
        try:
            async with asyncio.timeout(settings.timeout):
                response = await fetcher.get(url, obey_robots=False)
        except TimeoutError:
            raise MonitorError(f"{short_url(url)}: timed out after {settings.timeout:g}s") from None
        except FetchError as exc:
            raise MonitorError(f"{short_url(url)}: {exc}") from None
    return response.text(), response.url


def _read_file(target: str, limit: int) -> tuple[str, str]:
    path = Path(target)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise MonitorError(f"{target}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise MonitorError(f"{target}: not a regular file ({_kind(info.st_mode)}); give a saved page or a URL")
        if info.st_size > limit:
            raise MonitorError(f"{target}: too large ({info.st_size} bytes > max_bytes {limit})")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise MonitorError(f"{target}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while we read
        raise MonitorError(f"{target}: too large (over max_bytes {limit})")
    html = decode_body(data, "")
    return html, page_url(LexborHTMLParser(html)) or path.resolve().as_uri()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def read_target(target: str, settings: Settings) -> Reading:
    html, url = load_page(target, settings)
    try:
        return read_article(html, url, settings.sites)
    except MonitorError as exc:
        raise MonitorError(f"{target}: {exc}") from None


def reading_dict(target: str, reading: Reading) -> dict[str, Any]:
    snap = reading.snapshot
    return {
        "source": target,
        "url": snap.url,
        "profile": reading.profile,
        "fallback": reading.fallback,
        "layout": reading.layout,
        "title": snap.title,
        "byline": snap.byline,
        "published": snap.published,
        "notes": [{"label": n.label, "date": n.date.isoformat() if n.date else None, "text": n.text}
                  for n in snap.notes],
        "paragraphs": list(snap.paragraphs),
        "words": sum(len(p.split()) for p in snap.paragraphs),
        "content_hash": snap.content_hash(),
    }


def format_reading(target: str, reading: Reading, *, as_json: bool) -> str:
    data = reading_dict(target, reading)
    if as_json:
        return json.dumps(data, ensure_ascii=False)
    lines = [
        f"== {target}",
        f"url:       {data['url']}",
        f"profile:   {data['profile']} (layout {data['layout']})",
        f"title:     {data['title']}",
        f"byline:    {data['byline'] or '-'}",
        f"published: {data['published'] or '-'}",
    ]
    for note in reading.snapshot.notes:
        lines.append(f"note:      {note.text}")
    lines.append(f"body:      {len(data['paragraphs'])} paragraphs, {data['words']} words, hash {data['content_hash']}")
    lines.extend(f"  {p}" for p in data["paragraphs"])
    return "\n".join(lines)
