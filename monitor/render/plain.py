"""Plain text: reads the same on every service, so removed and added words are listed, quoted."""

from __future__ import annotations

import email.utils
import re
from collections.abc import Sequence

from monitor.core.model import Alert, WordEdit
from monitor.render.base import MAX_TITLE, Renderer
from monitor.render.marks import clip


class PlainRenderer(Renderer):
    """Plain text (SMS-like services, generic webhooks, standard output): "Removed: “…”", "Added: “…”"."""

    format = "text"

    def paragraph(self, text: str) -> str:
        return text

    def note(self, text: str) -> str:
        return text

    def earlier_notes(self, intro: str, notes: Sequence[str]) -> str:
        return intro + "\n" + "\n".join(f"> {n}" for n in notes)

    def title_change(self, before: str, after: str) -> str:
        return f"Title was: {before}\nTitle now: {after}"

    def edit(self, edit: WordEdit, passage: int) -> str:
        lines = []
        if edit.removed:
            lines.append("Removed: " + " · ".join(f"“{clip(w, passage)}”" for w in edit.removed))
        if edit.added:
            lines.append("Added: " + " · ".join(f"“{clip(w, passage)}”" for w in edit.added))
        if edit.after and edit.before:
            lines.append(f"Now reads: {clip(edit.after, passage)}")
        elif edit.before and not edit.after:
            lines.append(f"Was: {clip(edit.before, passage)}")
        return "\n".join(lines)

    def heading(self, text: str) -> str:
        return text

    def more(self, n: int) -> str:
        return f"…and {n} more changes"

    def footer(self, alert: Alert) -> list[str]:
        full_title = alert.title if len(alert.title) > MAX_TITLE else ""
        return [full_title, meta_line(alert), alert.url]


def meta_line(alert: Alert) -> str:
    """Publication date and byline, as "2025-01-06 · Karen Gullo"."""
    return " · ".join(b for b in (published_date(alert.published), alert.byline) if b)


def published_date(published: str) -> str:
    """The day of an ISO 8601 or RFC 822 (feed) timestamp; anything else as given."""
    if re.match(r"\d{4}-\d{2}-\d{2}", published):
        return published[:10]
    try:
        return email.utils.parsedate_to_datetime(published).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return published
