"""Markdown for chat (Slack, Discord, Matrix, Telegram): the note quoted, edits marked inside the sentence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from monitor.core.model import Alert, WordEdit
from monitor.render.base import Renderer
from monitor.render.marks import Mark, inline_marks, trim_context
from monitor.render.plain import meta_line

_SPECIAL = re.compile(r"([\\`*_~\[\]<>|#])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)
_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C"}


def escape_markdown(text: str) -> str:
    """Article text as literal Markdown: no emphasis, link, HTML, heading or list can come from it."""
    return _LINE_START.sub(_escape_block_marker, _SPECIAL.sub(r"\\\1", text))


def _escape_block_marker(m: re.Match[str]) -> str:
    """A line opening like a list item or heading underline ("- x", "3. x", "==") stays text."""
    marker = m.group(2)
    return m.group(1) + (marker[:-1] + "\\" + marker[-1] if marker[0].isdigit() else "\\" + marker)


def link_target(url: str) -> str:
    """A URL usable inside `(…)`; anything but http(s) is not made a link (returns "")."""
    if not url.lower().startswith(("https://", "http://")):
        return ""
    return "".join(_URL_UNSAFE.get(c, c) for c in url)


def marked(marks: Sequence[Mark], strike: str = "~~") -> str:
    """Removed words ~~struck~~ (`strike` is the delimiter), added ones **bold**, in the sentence as it now reads.

    A run that starts (or ends) with punctuation glued to a word, as in "said**, and …**",
    would leave its delimiters literal in CommonMark: that punctuation is put outside.
    """
    out = []
    for i, m in enumerate(marks):
        if m.op == "same":
            out.append(escape_markdown(m.text))
            continue
        text, lead, trail = m.text, "", ""
        if re.search(r"\w", text):
            if i > 0 and marks[i - 1].text[-1:].isalnum():
                body = re.sub(r"^\W+", "", text)
                lead, text = text[: len(text) - len(body)], body
            if i + 1 < len(marks) and marks[i + 1].text[:1].isalnum():
                body = re.sub(r"\W+$", "", text)
                text, trail = body, text[len(body) :]
        delimiter = strike if m.op == "del" else "**"
        out.append(escape_markdown(lead) + delimiter + escape_markdown(text) + delimiter + escape_markdown(trail))
    return "".join(out)


class MarkdownRenderer(Renderer):
    """CommonMark for chat services: > the note, ~~removed~~ and **added** words in place, [title](link) <link>."""

    format = "markdown"
    strike: ClassVar[str] = "~~"

    def title(self, alert: Alert) -> str:
        return escape_markdown(super().title(alert))

    def paragraph(self, text: str) -> str:
        return escape_markdown(text)

    def note(self, text: str) -> str:
        return quote(escape_markdown(text))

    def earlier_notes(self, intro: str, notes: Sequence[str]) -> str:
        return intro + "\n\n" + "\n\n".join(quote(self.strike + escape_markdown(n) + self.strike) for n in notes)

    def title_change(self, before: str, after: str) -> str:
        return "Title now reads: " + marked(inline_marks(before, after), self.strike)

    def edit(self, edit: WordEdit, passage: int) -> str:
        marks = trim_context(inline_marks(edit.before, edit.after), passage // 3, passage)
        if not edit.after:
            return "Removed: " + marked(marks, self.strike)
        if not edit.before:
            return "Added: " + marked(marks, self.strike)
        return marked(marks, self.strike)

    def heading(self, text: str) -> str:
        return escape_markdown(text)

    def more(self, n: int) -> str:
        return f"…and {n} more changes"

    def footer(self, alert: Alert) -> list[str]:
        meta = meta_line(alert)
        target = link_target(alert.url)
        text = escape_markdown(alert.title)
        # The URL itself stays visible (an autolink on its own line): where Markdown becomes HTML and then
        # plain text again (Matrix's fallback `body`, push notifications, bridges) a [title](url) link keeps
        # only its title.
        named = f"[{text}]({target})  \n" if alert.title and alert.title != alert.url else ""
        link = f"{named}<{target}>" if target else escape_markdown(alert.url)
        return ["_" + escape_markdown(meta) + "_" if meta else "", link]


class SlackRenderer(MarkdownRenderer):
    """Slack: the same CommonMark, which Apprise turns into mrkdwn, but for what Apprise leaves as it is there.

    Slack strikes with single tildes (`~word~`; `~~word~~` shows tildes), and the title goes to an
    attachment title, which is plain text: escaped Markdown would show its backslashes (Apprise
    escapes `&`, `<`, `>` in it).
    """

    format = "slack"
    body_format = "markdown"
    strike = "~"

    def title(self, alert: Alert) -> str:
        return Renderer.title(self, alert)


def quote(text: str) -> str:
    return "\n".join("> " + line for line in text.splitlines() or [""])
