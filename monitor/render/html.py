"""HTML for email: a small fragment with inline styles only, removed words struck in red, added in green.

Article text is untrusted: every piece of it goes through `html.escape`, so a title or
a body holding markup shows that markup as text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from monitor.core.model import Alert, WordEdit
from monitor.render.base import Renderer
from monitor.render.marks import Mark, clip, inline_marks, trim_context
from monitor.render.plain import meta_line

BOX = "font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a;max-width:640px"
P = "margin:0 0 14px"
QUOTE = "margin:0 0 14px;padding:8px 14px;border-left:4px solid #9aa5b1;background:#f4f6f8;color:#1a1a1a"
SMALL = "margin:0 0 6px;color:#555555;font-size:13px"
DEL = "color:#b00020;text-decoration:line-through"
INS = "color:#0a7a2f;text-decoration:none;background:#e6f4ea"
LINK = "color:#0b57d0"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def marked(marks: Sequence[Mark]) -> str:
    """The sentence as it now reads, with <del> and <ins> runs in place."""
    out = []
    for m in marks:
        if m.op == "del":
            out.append(f'<del style="{DEL}">{esc(m.text)}</del>')
        elif m.op == "ins":
            out.append(f'<ins style="{INS}">{esc(m.text)}</ins>')
        else:
            out.append(esc(m.text))
    return "".join(out)


class HtmlRenderer(Renderer):
    """Email HTML: <blockquote> for the note, <del>/<ins> with inline colours, an <a href> to the article."""

    format = "html"
    separator = "\n"

    def paragraph(self, text: str) -> str:
        return f'<p style="{P}">{esc(text)}</p>'

    def note(self, text: str) -> str:
        return f'<blockquote style="{QUOTE}">{esc(text)}</blockquote>'

    def earlier_notes(self, intro: str, notes: Sequence[str]) -> str:
        quotes = "".join(
            f'<blockquote style="{QUOTE}"><del style="{DEL}">{esc(n)}</del></blockquote>' for n in notes
        )
        return f'<p style="{SMALL}">{esc(intro)}</p>{quotes}'

    def title_change(self, before: str, after: str) -> str:
        return f'<p style="{P}">Title now reads: {marked(inline_marks(before, after))}</p>'

    def edit(self, edit: WordEdit, passage: int) -> str:
        marks = marked(trim_context(inline_marks(edit.before, edit.after), passage // 3, passage))
        label = "Removed: " if not edit.after else "Added: " if not edit.before else ""
        return f'<p style="{P}">{label}{marks}</p>' + (self._in_words(edit, passage) if label == "" else "")

    def _in_words(self, edit: WordEdit, passage: int) -> str:
        """The removed and added words said in words, below the marked sentence.

        Struck and green runs are lost where colour and markup are: the plain-text part of the
        mail (made from this HTML), screen readers, colour-blind readers.
        """
        said = []
        if edit.removed:
            said.append("Removed: " + ", ".join(f"“{esc(clip(w, passage))}”" for w in edit.removed))
        if edit.added:
            said.append("Added: " + ", ".join(f"“{esc(clip(w, passage))}”" for w in edit.added))
        return f'<p style="{SMALL};margin-top:-8px">{" · ".join(said)}</p>' if said else ""

    def heading(self, text: str) -> str:
        return f'<p style="{SMALL}">{esc(text)}</p>'

    def more(self, n: int) -> str:
        return f'<p style="{P};color:#555555">…and {n} more changes</p>'

    def footer(self, alert: Alert) -> list[str]:
        meta = meta_line(alert)
        url = alert.url
        if url.lower().startswith(("https://", "http://")):
            href = esc(url)
            bare = f'<a href="{href}" style="{LINK};font-size:13px">{esc(url)}</a>'
            named = f'<a href="{href}" style="{LINK};font-weight:bold">{esc(alert.title)}</a><br>'
            link = f'<p style="{P}">{named if alert.title and alert.title != url else ""}{bare}</p>'
        else:
            link = f'<p style="{P}">{esc(url)}</p>'
        return [f'<p style="{SMALL}">{esc(meta)}</p>' if meta else "", link]

    def wrap(self, body: str) -> str:
        return f'<div style="{BOX}">\n{body}\n</div>'
