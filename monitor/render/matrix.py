"""Matrix: HTML within the spec's `formatted_body` subset, laid out so its plain fallback reads on its own.

A Matrix event carries two bodies: `formatted_body` (HTML; clients keep only the tags and
attributes the spec lists, never `style`) and `body`, the plain text that push
notifications, plain-text clients and bridges show. Apprise derives `body` from our HTML by
dropping the tags, so nothing a reader needs may live in markup alone: removed and added
words are named in words ("Removed: …", "Added: …") and struck or bolded as well, the note
is quoted, and the link's URL is its visible text.

Tags used (all in the spec's list): p, blockquote, del, strong, em, a href, br.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from monitor.core.model import Alert, WordEdit
from monitor.render.base import MAX_TITLE, Renderer
from monitor.render.marks import clip
from monitor.render.plain import meta_line

ALLOWED_TAGS = frozenset({"p", "blockquote", "del", "strong", "em", "a", "br"})


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def _quoted(words: Sequence[str], passage: int, tag: str) -> str:
    return " · ".join(f"<{tag}>“{esc(clip(w, passage))}”</{tag}>" for w in words)


class MatrixRenderer(Renderer):
    """Matrix rooms: <blockquote> note, "Removed: <del>…</del>" / "Added: <strong>…</strong>", the URL shown."""

    format = "matrix"
    body_format = "html"
    separator = "\n"

    def paragraph(self, text: str) -> str:
        return f"<p>{esc(text)}</p>"

    def note(self, text: str) -> str:
        return f"<blockquote>{esc(text)}</blockquote>"

    def earlier_notes(self, intro: str, notes: Sequence[str]) -> str:
        return f"<p>{esc(intro)}</p>" + "".join(f"<blockquote><del>{esc(n)}</del></blockquote>" for n in notes)

    def title_change(self, before: str, after: str) -> str:
        return f"<p>Title was: <del>{esc(before)}</del><br>Title now: <strong>{esc(after)}</strong></p>"

    def edit(self, edit: WordEdit, passage: int) -> str:
        lines = []
        if edit.removed:
            lines.append("Removed: " + _quoted(edit.removed, passage, "del"))
        if edit.added:
            lines.append("Added: " + _quoted(edit.added, passage, "strong"))
        if edit.after and edit.before:
            lines.append(f"Now reads: {esc(clip(edit.after, passage))}")
        elif edit.before and not edit.after and [w.strip() for w in edit.removed] != [edit.before.strip()]:
            lines.append(f"Was: <del>{esc(clip(edit.before, passage))}</del>")
        return "<p>" + "<br>".join(lines) + "</p>"

    def heading(self, text: str) -> str:
        return f"<p><em>{esc(text)}</em></p>"

    def more(self, n: int) -> str:
        return f"<p>…and {n} more changes</p>"

    def footer(self, alert: Alert) -> list[str]:
        meta = meta_line(alert)
        url = alert.url
        if url.lower().startswith(("https://", "http://")):
            href = esc(url)
            title = alert.title if alert.title and alert.title != url and len(alert.title) > MAX_TITLE else ""
            named = f"{esc(title)}<br>" if title else ""
            link = f'<p>{named}<a href="{href}">{esc(url)}</a></p>'
        else:
            link = f"<p>{esc(url)}</p>"
        return [f"<p><em>{esc(meta)}</em></p>" if meta else "", link]
