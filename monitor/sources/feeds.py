"""Feed bytes → FeedEntries (feedparser), and the topic rules that choose what we track."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from monitor.config import TopicRules
from monitor.core.errors import FeedError
from monitor.core.model import FeedEntry
from monitor.core.text import canonical, clean_text


def parse_feed(body: bytes, url: str, content_type: str = "") -> list[FeedEntry]:
    """Entries of an RSS/Atom feed we fetched ourselves (feedparser's own HTTP has no timeout)."""
    if not body.strip():
        raise FeedError("empty feed body")
    import feedparser  # here, not at the top: a cycle whose feeds answer 304 never needs it (25 ms)

    try:
        parsed = feedparser.parse(
            body, response_headers={"content-type": content_type or "application/xml", "content-location": url}
        )
        entries = [entry for entry in (_entry(e) for e in parsed.entries) if entry is not None]
    except Exception as exc:  # feedparser lets odd input escape as ValueError, UnicodeError, OverflowError…
        raise FeedError(f"unreadable feed ({type(exc).__name__})") from None
    reason = parsed.get("bozo_exception")
    detail = f" ({type(reason).__name__})" if reason else ""
    if not parsed.get("version") and not entries:
        raise FeedError(f"not an RSS or Atom feed{detail}")
    if parsed.get("bozo") and not entries:
        raise FeedError(f"malformed feed with no readable entries{detail}")
    return entries


# Sane caps for what a feed may put in our state: a title is a line, not 4 MB.
MAX_URL = 2_000
MAX_TITLE = 500
MAX_SUMMARY = 100_000
MAX_AUTHOR = 200
MAX_CATEGORIES = 50


def _entry(raw: Any) -> FeedEntry | None:
    link = (raw.get("link") or "").strip()
    if not link or len(link) > MAX_URL:
        return None
    html = ""
    if raw.get("content"):
        html = raw["content"][0].get("value", "")
    html = html or raw.get("summary", "") or raw.get("description", "")
    tags = raw.get("tags") or []
    published = ""
    if raw.get("published_parsed"):
        published = dt.datetime.fromtimestamp(calendar.timegm(raw["published_parsed"]), dt.UTC).isoformat()
    return FeedEntry(
        url=link,
        title=_clip(clean_text(raw.get("title", "")[: MAX_TITLE * 4]), MAX_TITLE),
        summary=_clip(html_to_text(html[: MAX_SUMMARY * 4]), MAX_SUMMARY),
        published=published,
        author=_clip(clean_text(raw.get("author", "")[: MAX_AUTHOR * 4]), MAX_AUTHOR),
        categories=tuple(_clip(clean_text(t.get("term") or ""), MAX_TITLE) for t in tags[:MAX_CATEGORIES]
                         if t.get("term")),
        category_domains=tuple((t.get("scheme") or "").strip()[:MAX_URL] for t in tags[:MAX_CATEGORIES]
                               if t.get("scheme")),
        entry_id=(raw.get("id") or link).strip()[:MAX_URL],
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def html_to_text(html: str) -> str:
    """The readable text of a feed description (which carries the whole body HTML)."""
    if "<" not in html:
        return clean_text(html)
    tree = LexborHTMLParser(html)
    root = tree.body
    return clean_text(root.text(deep=True, separator=" ")) if root is not None else ""


def matches_topic(entry: FeedEntry, rules: TopicRules) -> bool:
    """On topic when a keyword stands in the title or body, or a category (domain or label) matches."""
    wanted = {c.rstrip("/").casefold() for c in rules.categories}
    have = {c.rstrip("/").casefold() for c in (*entry.category_domains, *entry.categories)}
    if wanted & have:
        return True
    text = canonical(f"{entry.title}\n{entry.summary}").casefold()
    return any(_keyword(k).search(text) for k in rules.keywords)


def _keyword(keyword: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in canonical(keyword).casefold().split()]
    return re.compile(r"(?<!\w)" + r"[\s-]+".join(words) + r"(?!\w)")
