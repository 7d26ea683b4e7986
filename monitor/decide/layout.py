"""Layout is not content: across a change of the page's layout, only what a reader would see change alerts.

When the body is found in a different place of the page (a redesign, or a template change),
the extracted text shifts at the edges: boilerplate comes in or goes, notes move in or out of
the body, the title gains or loses the site's name. Those differences are the layout's, so
they are recorded quietly. A note whose words are new to the page, a rewritten title, and a
sentence whose words were replaced by others are a reader's news whatever the layout.
"""

from __future__ import annotations

from dataclasses import replace

from monitor.core.kinds import Kind
from monitor.core.model import Change, Snapshot
from monitor.core.text import canonical


def across_layout(change: Change | None, old: Snapshot, new: Snapshot) -> Change | None:
    """The part of `change` a reader would see whatever the layout; None when it is all the layout's."""
    if change is None:
        return None
    old_text = _page_text(old)
    new_text = _page_text(new)
    added = tuple(n for n in change.notes_added if canonical(n.text).casefold() not in old_text)
    removed = tuple(n for n in change.notes_removed if canonical(n.text).casefold() not in new_text)
    title = bool(change.title_after or change.title_before) and not _same_title(old.title, new.title)
    edits = tuple(e for e in change.edits if e.removed and e.added)  # replaced words, not text at the edges
    kinds = [k for k, present in ((Kind.NOTE_ADDED, added and not removed), (Kind.NOTE_CHANGED, bool(removed)),
                                  (Kind.TITLE_CHANGED, title), (Kind.BODY_EDITED, bool(edits))) if present]
    if not kinds:
        return None
    return replace(change, kind=kinds[0], extra_kinds=tuple(kinds[1:]), notes_added=added, notes_removed=removed,
                   title_before=change.title_before if title else "", title_after=change.title_after if title else "",
                   edits=edits, minor=change.minor and bool(edits))


def _page_text(snapshot: Snapshot) -> str:
    parts: list[str] = [snapshot.title, *(n.text for n in snapshot.notes), *snapshot.paragraphs]
    return canonical(" ".join(parts)).casefold()


def _same_title(a: str, b: str) -> bool:
    """"X" and "X | Site" are one title in two templates."""
    x, y = canonical(a).casefold(), canonical(b).casefold()
    return x in y or y in x


