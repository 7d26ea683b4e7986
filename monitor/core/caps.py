"""Sane sizes for the fields we store and alert on: a title is not 4 MB.

`max_bytes` bounds a whole page; these bound each field inside it, so one hostile page
cannot grow the database by megabytes per version or send a chat message no service takes.
A field past its cap keeps its first part and ends with "…" (the same cut every time, so a
capped field compares equal to itself on the next check).
"""

from __future__ import annotations

from dataclasses import replace

from monitor.core.model import FeedEntry, Snapshot, UpdateNote

MAX_TITLE = 500  # characters; EFF's longest titles are about 150
MAX_BYLINE = 300
MAX_NOTE = 5_000  # one update note
MAX_SUMMARY = 5_000  # a feed entry's summary


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def cap_snapshot(snapshot: Snapshot) -> Snapshot:
    """The snapshot with title, byline and each note within their caps (the body is bounded by max_bytes)."""
    notes = tuple(n if len(n.text) <= MAX_NOTE else UpdateNote(clip(n.text, MAX_NOTE), n.label, n.date)
                  for n in snapshot.notes)
    return replace(snapshot, title=clip(snapshot.title, MAX_TITLE), byline=clip(snapshot.byline, MAX_BYLINE),
                   notes=notes)


def cap_entry(entry: FeedEntry) -> FeedEntry:
    """A feed entry's title, author and summary within their caps."""
    return replace(entry, title=clip(entry.title, MAX_TITLE), author=clip(entry.author, MAX_BYLINE),
                   summary=clip(entry.summary, MAX_SUMMARY))
