"""An Atom 1.0 feed (RFC 4287) of detected changes, built with ElementTree so every piece of text is escaped.

Article text is untrusted: it goes in as element text only (type="text"), never as
markup, and characters XML 1.0 cannot hold are dropped so the document always parses.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET

from monitor import __version__
from monitor.web.views import ENTRY_NAMESPACE, ChangeEntry

ATOM = "http://www.w3.org/2005/Atom"
FEED_ID = f"urn:uuid:{uuid.uuid5(ENTRY_NAMESPACE, 'changes')}"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the control characters XML 1.0 forbids (they would make the feed unreadable)."""
    return _NOT_XML.sub("", text)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _rfc3339(stamp: str) -> str:
    """Stored times are ISO 8601 in UTC; a naive one is taken as UTC (Atom requires the offset)."""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        when = dt.datetime.now(dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.isoformat(timespec="seconds")


def atom_feed(entries: list[ChangeEntry], base_url: str, *, query: str = "", about: str = "") -> bytes:
    """The feed document; `base_url` is this web view's root (no token in it: it is published). A subscription
    (`query`, the filters only, and `about`, them in words) is a feed of its own: its own id, title and link."""
    feed = ET.Element("feed", {"xmlns": ATOM})
    title = "deeplinks-monitor: changes to tracked EFF Deeplinks articles"
    _add(feed, "title", f"{title} ({about})" if about else title)
    _add(feed, "id", f"urn:uuid:{uuid.uuid5(ENTRY_NAMESPACE, 'changes?' + query)}" if query else FEED_ID)
    newest = max((e.created_at for e in entries), default=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    _add(feed, "updated", _rfc3339(newest))
    _add(feed, "link", rel="self", type="application/atom+xml",
         href=base_url + "changes.atom" + (f"?{query}" if query else ""))
    _add(feed, "link", rel="alternate", type="text/html", href=base_url)
    author = _add(feed, "author")
    _add(author, "name", "deeplinks-monitor")
    _add(feed, "generator", "deeplinks-monitor", version=__version__)
    for e in entries:
        entry = _add(feed, "entry")
        _add(entry, "id", e.entry_id)
        _add(entry, "title", e.title, type="text")
        _add(entry, "updated", _rfc3339(e.created_at))
        _add(entry, "published", _rfc3339(e.created_at))
        if e.url.lower().startswith(("https://", "http://")):
            _add(entry, "link", rel="alternate", type="text/html", href=e.url)
        if e.article_id is not None:
            _add(entry, "link", rel="related", type="text/html", href=f"{base_url}article/{e.article_id}")
        _add(entry, "category", term=e.kind, label=e.label)
        _add(entry, "content", e.text, type="text")
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
