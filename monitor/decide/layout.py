"""Layout is not content: across a change of the page's layout, only what a reader would see change alerts.

When the body is found in a different place of the page (a redesign, or a template change),
the extracted text shifts at the edges: boilerplate comes in or goes, notes move in or out of
the body, the title gains or loses the site's name. Those differences are the layout's, so
they are recorded quietly. A note whose words are new to the page, a rewritten title, and a
sentence whose words were replaced by others are a reader's news whatever the layout.
"""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher

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




# A stored version and another reading are one article when its title reads the same and this share of its
# sentences is on the new page, or, whatever the title, when this larger share is.
SAME_WITH_TITLE = 0.5
SAME_WITHOUT_TITLE = 0.8
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_MIN_SENTENCE_WORDS = 4


def plausibly_same(old: Snapshot, new: Snapshot) -> bool:
    """Whether `new` (read some other way) is plausibly the article `old` was: its title matches closely and half
    of `old`'s sentences are on the page, or most of them are. A listing page, a search page or a consent page a
    removed post redirects to holds a teaser at most: never the same article."""
    sentences = [s for p in old.paragraphs for s in _SENTENCE.split(canonical(p).casefold())
                 if len(s.split()) >= _MIN_SENTENCE_WORDS]
    if not sentences:
        return False
    page = _page_text(new)
    share = sum(s in page for s in sentences) / len(sentences)
    return share >= SAME_WITHOUT_TITLE or (share >= SAME_WITH_TITLE and _close_title(old.title, new.title))


def _close_title(a: str, b: str) -> bool:
    x, y = canonical(a).casefold(), canonical(b).casefold()
    return bool(x and y) and (_same_title(x, y) or SequenceMatcher(None, x, y).ratio() >= 0.9)


def shift_shape(change: Change | None, old: Snapshot, new: Snapshot) -> str | None:
    """The shape of a change the layout alone could explain (text gained or lost at the body's edges, notes moved
    out of the body or into it, the title in another template), the same for every article of a site read in a new
    way; None when the change holds anything a reader would see as news, or nothing."""
    if change is None or across_layout(change, old, new) is not None:
        return None
    parts: list[str] = []
    a = [canonical(p).casefold() for p in old.paragraphs]
    b = [canonical(p).casefold() for p in new.paragraphs]
    if a != b:
        head = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        tail = next((i for i, (x, y) in enumerate(zip(a[::-1], b[::-1], strict=False)) if x != y),
                    min(len(a), len(b)))
        tail = min(tail, min(len(a), len(b)) - head)
        where = "head" if head == 0 and tail > 0 else "tail" if tail == 0 and head > 0 else "both"
        lost, gained = len(a) - head - tail > 0, len(b) - head - tail > 0
        parts.append(f"body:{where}:{'-' if lost else ''}{'+' if gained else ''}")
    if change.notes_removed or change.notes_added:
        parts.append(f"notes:{'-' if change.notes_removed else ''}{'+' if change.notes_added else ''}")
    x, y = canonical(old.title).casefold(), canonical(new.title).casefold()
    if x != y:
        parts.append("title:" + (y.replace(x, "\0", 1) if x in y else x.replace(y, "\0", 1) + ":-"))
    return ";".join(parts) or None
