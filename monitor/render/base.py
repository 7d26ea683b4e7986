"""What every rendering says and in which order; each body format only decides how it looks.

The body is a list of blocks (a note, a replaced note, a title change, one edited
passage …), then a footer (date and byline, the link). A body past the target's
size limit keeps whole blocks and says how many it left out; the link always stays.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from monitor.core.kinds import Kind, kind_label
from monitor.core.model import Alert, WordEdit
from monitor.render.marks import clip

MAX_EDITS = 5  # passages shown before "…and N more changes": a phone screen, not the whole diff
MAX_PASSAGE = 400
MAX_SUMMARY = 500
MAX_EARLIER_NOTE = 300
MAX_TITLE = 90
MIN_PASSAGE = 40  # a block quoted shorter than this says nothing: it is left out instead

# Matrix counts both bodies (HTML and its plain fallback) in one event of at most 64 KB.
DEFAULT_LIMITS = {"text": 3500, "markdown": 3500, "html": 20000, "matrix": 8000, "slack": 3500}


REMOVED_TEXT = "The article no longer answers (HTTP 404/410 on repeated checks). It may be unpublished or moved."
RESTORED_TEXT = "The article is back online after it was reported removed."
LAYOUT_TOO = ("The page's layout also changed at this check: text that only the layout moved (at the body's edges, "
              "a site name in the title) was set aside; the rest is what a reader sees differently.")


@dataclass(frozen=True)
class Message:
    """A rendered alert: a plain-text title and a body in `format` (an apprise.NotifyFormat value).

    `thread` names what the message is about (the article's URL; "" for several), so a mail
    client can thread every alert about one article together.
    """

    title: str
    body: str
    format: str = "text"
    thread: str = ""


Block = Callable[[int | None], str]
"""Draws one block; the argument caps every quoted passage in it (None: the block's natural lengths)."""


def _cap(natural: int | None, budget: int | None) -> int | None:
    if budget is None:
        return natural
    return budget if natural is None else min(natural, budget)


def _clip(text: str, limit: int | None) -> str:
    return text if limit is None else clip(text, limit)


class Renderer:
    """Base of the body formats: subclasses set `format` and draw each kind of block."""

    format: ClassVar[str]  # the name a target asks for (an apprise.NotifyFormat value, or a channel's dialect)
    body_format: ClassVar[str]  # the apprise.NotifyFormat the body is written in (default: `format`)
    separator: ClassVar[str] = "\n\n"
    registry: ClassVar[dict[str, type[Renderer]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        Renderer.registry[cls.format] = cls
        if "body_format" not in cls.__dict__:
            cls.body_format = cls.format

    # -- what each format draws -------------------------------------------------
    def title(self, alert: Alert) -> str:
        """Kind and article, short: the notification's headline (plain text; Markdown escapes it)."""
        label = kind_label(alert.kind)
        return f"{label}: {clip(alert.title, MAX_TITLE)}"

    def paragraph(self, text: str) -> str:
        raise NotImplementedError

    def note(self, text: str) -> str:
        """An update note, verbatim."""
        raise NotImplementedError

    def earlier_notes(self, intro: str, notes: Sequence[str]) -> str:
        raise NotImplementedError

    def title_change(self, before: str, after: str) -> str:
        raise NotImplementedError

    def edit(self, edit: WordEdit, passage: int) -> str:
        """One changed passage, quoting at most `passage` characters of each part."""
        raise NotImplementedError

    def heading(self, text: str) -> str:
        raise NotImplementedError

    def more(self, n: int) -> str:
        raise NotImplementedError

    def footer(self, alert: Alert) -> list[str]:
        """Date and byline, then the link; the link is last and is never dropped."""
        raise NotImplementedError

    def wrap(self, body: str) -> str:
        return body

    # -- what every format says ---------------------------------------------------
    def render(self, alert: Alert, limit: int) -> Message:
        blocks, hidden = self.blocks(alert)
        body = self.fit(blocks, hidden, self.footer(alert), limit)
        return Message(title=self.title(alert), body=body, format=self.body_format, thread=alert.url)

    def blocks(self, alert: Alert) -> tuple[list[Block], int]:
        """The lead in reading order, and how many changes are left out of it from the start."""
        change = alert.change
        if alert.detail:
            return [lambda b: self.paragraph(_clip(alert.detail, b))], 0
        if alert.kind == Kind.NEW_POST:
            summary = alert.entry.summary if alert.entry else ""
            return ([lambda b: self.paragraph(_clip(summary, _cap(MAX_SUMMARY, b)))] if summary else []), 0
        if alert.kind == Kind.REMOVED:
            return [lambda b: self.paragraph(REMOVED_TEXT)], 0
        if alert.kind == Kind.RESTORED:
            return [lambda b: self.paragraph(RESTORED_TEXT)], 0
        if change is None:
            return [], 0
        blocks: list[Block] = []
        for note in change.notes_added:
            blocks.append(functools.partial(self._note_block, note.text))
        if change.notes_removed:
            intro = "Replaces the earlier note:" if change.notes_added else "A note was removed:"
            earlier = [n.text for n in change.notes_removed]
            blocks.append(
                lambda b: self.earlier_notes(intro, [_clip(t, _cap(MAX_EARLIER_NOTE, b)) for t in earlier])
            )
        if change.title_before or change.title_after:
            before, after = change.title_before, change.title_after
            blocks.append(lambda b: self.title_change(_clip(before, b), _clip(after, b)))
        heading = "Also edited in the text:" if blocks else ""
        for i, edit in enumerate(change.edits[:MAX_EDITS]):
            lead = self.heading(heading) + self.separator if heading and i == 0 else ""
            blocks.append(functools.partial(self._edit_block, edit, lead))
        if change.layout_changed:
            blocks.append(lambda b: self.paragraph(LAYOUT_TOO))
        if alert.archived_before:
            before = alert.archived_before
            blocks.append(lambda b: self.paragraph(f"As it read before, in the Wayback Machine: {before}"))
        return blocks, max(0, len(change.edits) - MAX_EDITS)

    def _note_block(self, text: str, budget: int | None) -> str:
        return self.note(_clip(text, budget))

    def _edit_block(self, edit: WordEdit, lead: str, budget: int | None) -> str:
        return lead + self.edit(edit, _cap(MAX_PASSAGE, budget) or MAX_PASSAGE)

    def fit(self, blocks: list[Block], hidden: int, footer: list[str], limit: int) -> str:
        """The most of the lead that fits in `limit` with the footer; a cut names what it left out.

        Whole blocks go first (from the end), then the first block is quoted shorter,
        then the date and byline go; the link stays even when it alone is too long.
        """
        drawn = [draw(None) for draw in blocks]
        body = ""
        for start in range(max(1, len(footer))):
            tail = footer[start:]
            for k in range(len(blocks), -1, -1):
                body = self._compose(drawn[:k], hidden + len(blocks) - k, tail)
                if len(body) <= limit:
                    return body
                if k == 1:  # the first block alone is too long: quote it shorter, down to a few words
                    rest = len(self._compose([], hidden + len(blocks) - 1, tail))
                    passage = limit - rest - len(self.separator)
                    while passage >= MIN_PASSAGE:
                        body = self._compose([blocks[0](passage)], hidden + len(blocks) - 1, tail)
                        if len(body) <= limit:
                            return body
                        passage -= max(len(body) - limit, passage // 5)
        return body

    def _compose(self, lead: list[str], left_out: int, footer: list[str]) -> str:
        parts = [*lead, self.more(left_out) if left_out else "", *footer]
        return self.wrap(self.separator.join(p for p in parts if p))
