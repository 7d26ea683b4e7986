"""Reading a site's XML sitemaps: which URLs it lists and when each last changed (`<lastmod>`).

Pure (bytes in, data out): the cycle fetches, this reads. A sitemap is a *signal* (when to look), never a
change; `decide.signals` measures whether a host's lastmod deserves trust. Every read is capped: the
decompressed size (a gzip bomb stops at the cap), the entries, and the XML itself (defusedxml: no DTD,
no entities, so no billion laughs and no external fetches).
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from monitor.core.errors import FeedError

MAX_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
MAX_ENTRIES = 50_000  # idem, per file
MAX_SITEMAPS = 50  # children of one index that are followed
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Entry:
    """One `<url>` (or, in an index, one `<sitemap>`): its location and its lastmod (POSIX seconds, None: absent
    or unreadable). A news sitemap's `publication_date` stands in for a missing lastmod."""

    loc: str
    lastmod: float | None = None


@dataclass(frozen=True)
class Sitemap:
    """A `urlset` (pages) or a `sitemapindex` (more sitemaps to read); `truncated`: entries past the cap."""

    index: bool
    entries: tuple[Entry, ...]
    truncated: bool = False


def robots_sitemaps(robots: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt (they stand outside any user-agent group), in order, once each."""
    seen: dict[str, None] = {}
    for match in _SITEMAP_LINE.finditer(robots):
        url = match.group(1)
        if url.startswith(("http://", "https://")):
            seen.setdefault(url, None)
    return list(seen)[:MAX_SITEMAPS]


def decompressed(body: bytes, limit: int = MAX_BYTES) -> bytes:
    """The body, gunzipped when it is gzip (a `.xml.gz`), never more than `limit` bytes out."""
    if not body.startswith(b"\x1f\x8b"):
        if len(body) > limit:
            raise FeedError(f"sitemap larger than {limit} bytes")
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise FeedError(f"sitemap gzip unreadable ({exc})") from None
    if len(out) > limit:
        raise FeedError(f"sitemap larger than {limit} bytes once decompressed")
    return out


def parse_sitemap(body: bytes, *, limit: int = MAX_BYTES, max_entries: int = MAX_ENTRIES) -> Sitemap:
    """A sitemap or sitemap index from its bytes (gzip or not); FeedError when it is neither."""
    xml = decompressed(body, limit)
    try:
        root = fromstring(xml, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise FeedError(f"sitemap is not well-formed XML ({type(exc).__name__})") from None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise FeedError(f"not a sitemap (its root is <{kind[:40]}>)")
    child = "sitemap" if kind == "sitemapindex" else "url"
    entries: list[Entry] = []
    truncated = False
    for node in root:
        if _local(node.tag) != child:
            continue
        if len(entries) >= max_entries:
            truncated = True
            break
        entry = _entry(node)
        if entry is not None:
            entries.append(entry)
    return Sitemap(index=kind == "sitemapindex", entries=tuple(entries), truncated=truncated)


def _entry(node: Element) -> Entry | None:
    loc = lastmod = published = None
    for part in node.iter():
        name = _local(part.tag)
        text = (part.text or "").strip()
        if name == "loc" and loc is None:
            loc = text
        elif name == "lastmod" and lastmod is None:
            lastmod = parse_lastmod(text)
        elif name == "publication_date" and published is None:
            published = parse_lastmod(text)
    if not loc or not loc.startswith(("http://", "https://")) or len(loc) > 2048:
        return None
    return Entry(loc, lastmod if lastmod is not None else published)


def parse_lastmod(text: str) -> float | None:
    """W3C datetime (`2025-01-06`, `2025-01-06T10:00Z`, `…T10:00:00.5+01:00`, also `2025` and `2025-01`) as
    POSIX seconds; a date without a zone counts from midnight UTC; None when unreadable."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        text += "-01-01"
    elif re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    try:
        return when.timestamp()
    except (OverflowError, ValueError):
        return None


def _local(tag: object) -> str:
    """A tag without its namespace: sitemaps come with and without theirs (and news/image extensions)."""
    return str(tag).rsplit("}", 1)[-1]


__all__ = ["Entry", "Sitemap", "decompressed", "parse_lastmod", "parse_sitemap", "robots_sitemaps"]
