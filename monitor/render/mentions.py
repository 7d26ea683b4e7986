"""Article text can never ping anyone: mention syntax in it is made inert before any format draws it.

What would ping in the chat services we render for:
- Discord: `@everyone`, `@here`, `<@123>` (user), `<@&123>` (role). Apprise's Discord plugin goes
  further and *asks* Discord to ping whatever follows any `@` (its `allow_mentions`).
- Slack: `<!channel>`, `<!here>`, `<!everyone>`, `<@U123>`; Apprise turns `!here>` and `@U123>` (the `<`
  left out, or escaped as `&lt;`) into those forms too.
- Matrix: `@room` (and a user id `@user:server`); Telegram: `@username`.

One rule covers them all and every body format: a WORD JOINER (U+2060, invisible, zero
width) goes after every `@`, after every `<` that opens `<!`, `<@`, `<#` or `<&`, after
every `!` that runs into a word, and after the `&` of an entity spelling `@`, `<` or `!`.
The text reads the same; no service's mention syntax matches it any more, and escaping
or format conversion later (Markdown, HTML, Apprise's own) keeps the joiner where it is.
Applied to article text only: the link target is left alone, and a user's template may
still mention people on purpose.
"""

from __future__ import annotations

import dataclasses
import re

from monitor.core.model import Alert, FeedEntry, UpdateNote, WordEdit

JOINER = "\u2060"
# The characters that can already sit between a trigger and what follows without waking it.
_INERT_AFTER = "\u2060\u200b\u200c\u200d\ufeff"
# The same triggers written as HTML entities, which a later HTML or Markdown step would decode.
_ENTITY = r"&(?=#0*64;|#x0*40;|commat;|lt;|#0*60;|#x0*3c;|excl;|#0*33;|#x0*21;)"
_TRIGGER = re.compile(rf"@(?![{_INERT_AFTER}])|<(?=[!@#&])|!(?=[^\W_])|{_ENTITY}", re.IGNORECASE)


def defuse(text: str) -> str:
    """`text` with a word joiner after every mention trigger (see the module doc)."""
    return _TRIGGER.sub(lambda m: m.group(0) + JOINER, text) if text else text


def inert_alert(alert: Alert) -> Alert:
    """The alert with every piece of article or feed text defused; its URL as it was."""
    change = alert.change
    if change is not None:
        change = dataclasses.replace(
            change,
            notes_added=tuple(_note(n) for n in change.notes_added),
            notes_removed=tuple(_note(n) for n in change.notes_removed),
            title_before=defuse(change.title_before),
            title_after=defuse(change.title_after),
            edits=tuple(_edit(e) for e in change.edits),
        )
    return dataclasses.replace(
        alert, title=defuse(alert.title), change=change, entry=_entry(alert.entry), byline=defuse(alert.byline),
        published=defuse(alert.published), detail=defuse(alert.detail),
    )


def _note(note: UpdateNote) -> UpdateNote:
    return dataclasses.replace(note, text=defuse(note.text), label=defuse(note.label))


def _edit(edit: WordEdit) -> WordEdit:
    return WordEdit(before=defuse(edit.before), after=defuse(edit.after),
                    removed=tuple(map(defuse, edit.removed)), added=tuple(map(defuse, edit.added)))


def _entry(entry: FeedEntry | None) -> FeedEntry | None:
    if entry is None:
        return None
    return dataclasses.replace(entry, title=defuse(entry.title), summary=defuse(entry.summary),
                               author=defuse(entry.author))

