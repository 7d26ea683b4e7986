"""Alert → (title, body) in words a person reads on a phone: the news first, then the link."""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.model import Alert, WordEdit

MAX_BODY = 3500
MAX_EDITS = 5
MAX_PASSAGE = 400

KIND_LABELS = {
    "new_post": "New post",
    "note_added": "Update note",
    "note_changed": "Update note changed",
    "title_changed": "Title changed",
    "body_edited": "Edited",
    "removed": "Removed",
    "restored": "Back online",
    "feed_failing": "Feed failing",
    "feed_quiet": "Feed quiet",
    "feed_recovered": "Feed recovered",
}


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def render(alert: Alert) -> Message:
    """Plain text that reads well everywhere Apprise delivers (chat, SMS-like, email)."""
    label = KIND_LABELS.get(alert.kind, alert.kind)
    title = f"{label}: {_clip(alert.title, 90)}"
    parts = _lead(alert)
    full_title = alert.title if len(alert.title) > 90 else ""
    footer = [x for x in (full_title, _meta_line(alert), alert.url) if x]
    body = "\n\n".join(parts)
    if len(body) > MAX_BODY:
        body = _clip(body, MAX_BODY) + "\n\n(cut short: open the link for the rest)"
    return Message(title=title, body="\n\n".join([body, *footer]) if body else "\n\n".join(footer))


def _lead(alert: Alert) -> list[str]:
    change = alert.change
    if alert.detail:
        return [alert.detail]
    if alert.kind == "new_post":
        summary = alert.entry.summary if alert.entry else ""
        return [_clip(summary, 500)] if summary else []
    if alert.kind == "removed":
        return ["The article no longer answers (HTTP 404/410 on repeated checks). It may be unpublished or moved."]
    if alert.kind == "restored":
        return ["The article is back online after it was reported removed."]
    if change is None:
        return []
    parts: list[str] = []
    for note in change.notes_added:
        parts.append(note.text)
    if change.notes_removed:
        replaced = "Replaces the earlier note:" if change.notes_added else "A note was removed:"
        parts.append(replaced + "\n" + "\n".join(f"> {_clip(n.text, 300)}" for n in change.notes_removed))
    if change.title_before or change.title_after:
        parts.append(f"Title was: {change.title_before}\nTitle now: {change.title_after}")
    if change.edits:
        heading = "Also edited in the text:" if parts else ""
        parts.append("\n\n".join(filter(None, [heading, *_edits(change.edits)])))
    return parts


def _edits(edits: tuple[WordEdit, ...]) -> list[str]:
    shown = [_edit(e) for e in edits[:MAX_EDITS]]
    if len(edits) > MAX_EDITS:
        shown.append(f"…and {len(edits) - MAX_EDITS} more changes")
    return shown


def _edit(edit: WordEdit) -> str:
    lines = []
    if edit.removed:
        lines.append("Removed: " + " · ".join(f"“{_clip(w, MAX_PASSAGE)}”" for w in edit.removed))
    if edit.added:
        lines.append("Added: " + " · ".join(f"“{_clip(w, MAX_PASSAGE)}”" for w in edit.added))
    if edit.after and edit.before:
        lines.append(f"Now reads: {_clip(edit.after, MAX_PASSAGE)}")
    elif edit.before and not edit.after:
        lines.append(f"Was: {_clip(edit.before, MAX_PASSAGE)}")
    return "\n".join(lines)


def _meta_line(alert: Alert) -> str:
    bits = [b for b in (alert.published[:10] if alert.published else "", alert.byline) if b]
    return " · ".join(bits)


def _clip(text: str, limit: int) -> str:
    """Cut at a sentence (else word) boundary before `limit`, marking the cut."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    sentence = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
    if sentence > limit // 2:
        return head[: sentence + 1] + " …"
    return re.sub(r"\s+\S*$", "", head) + " …"
