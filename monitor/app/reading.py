"""`monitor extract`: what the monitor would read on a page (a local file or an http(s) URL), for a person.

The page is read by the same read_article the cycle uses; a local file is read as the URL it says
it has (rel=canonical, og:url), so a saved eff.org page is read with the EFF profile.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from selectolax.lexbor import LexborHTMLParser

from monitor.config import DEFAULT_USER_AGENT
from monitor.config.site import Site
from monitor.core.errors import MonitorError
from monitor.sources.extract import Reading, page_url, read_article
from monitor.sources.fetch import decode_body

TIMEOUT = 20.0


def load_page(target: str, timeout: float = TIMEOUT) -> tuple[str, str]:
    """(HTML, URL to read it as) of a local file or an http(s) URL; MonitorError with one line when unreadable."""
    if target.startswith(("http://", "https://")):
        try:
            with httpx.Client(timeout=timeout, follow_redirects=True,
                              headers={"User-Agent": DEFAULT_USER_AGENT}) as client:
                response = client.get(target)
        except httpx.HTTPError as exc:
            raise MonitorError(f"{target}: {type(exc).__name__}: {exc}") from None
        if response.status_code != 200:
            raise MonitorError(f"{target}: HTTP {response.status_code}")
        return decode_body(response.content, response.headers.get("content-type", "")), str(response.url)
    path = Path(target)
    try:
        html = decode_body(path.read_bytes(), "")
    except OSError as exc:
        raise MonitorError(f"{target}: {exc.strerror or exc}") from None
    return html, page_url(LexborHTMLParser(html)) or path.resolve().as_uri()


def read_target(target: str, sites: tuple[Site, ...] = ()) -> Reading:
    html, url = load_page(target)
    try:
        return read_article(html, url, sites)
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
