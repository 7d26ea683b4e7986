"""Plain data passed between the pipeline's steps (no behaviour beyond identity)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from monitor.core.kinds import ALERT_KINDS as ALERT_KINDS
from monitor.core.text import VANISHING, canonical, digest, token_keys


@dataclass(frozen=True)
class Validators:
    """What the server told us last time, sent back so an unchanged resource costs a 304."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class UpdateNote:
    """An editor's note at the top of a post ("Update (1/6/2025): …"), kept verbatim."""

    text: str
    label: str
    date: dt.date | None = None

    @property
    def key(self) -> str:
        """The comparison form: canonical text with the label's letter case folded ("UPDATE" reads as "Update")."""
        text, label = canonical(self.text), canonical(self.label)
        at = text.casefold().find(label.casefold()) if label else -1
        if 0 <= at <= 3:  # the label opens the note, after at most a few marks ("* Update:")
            return text[:at] + label.casefold() + text[at + len(label):]
        return text


@dataclass(frozen=True)
class Snapshot:
    """What one reading of an article says: the parts a person cares about, chrome removed."""

    url: str
    title: str
    notes: tuple[UpdateNote, ...]
    paragraphs: tuple[str, ...]
    byline: str = ""
    published: str = ""
    truncated: bool = False
    source: str = "live"
    captured_at: str = ""

    def content_hash(self) -> str:
        """Identity of the compared content: equal hashes mean nothing a reader sees has changed.

        Paragraphs are clean display text already (extract and seeds clean them), so their
        keys come straight from token_keys, in one call over the whole body (no token spans a
        space, and NFKC never composes across one); computed once per snapshot.
        """
        cached: str | None = self.__dict__.get("_content_hash")
        if cached is None:
            joined = " ".join(self.paragraphs)
            if all(p.strip() for p in self.paragraphs) and not any(c in joined for c in VANISHING):
                body = " ".join(token_keys(joined))
            else:  # a paragraph without keys counts as one extra space in stored hashes: keep them valid
                body = " ".join(" ".join(token_keys(p)) for p in self.paragraphs)
            notes = "\n".join(n.key for n in self.notes)
            cached = digest(canonical(self.title), notes, body, "partial" if self.truncated else "full")
            object.__setattr__(self, "_content_hash", cached)
        return cached


@dataclass(frozen=True)
class FeedEntry:
    """One post announced by a feed or a listing page."""

    url: str
    title: str
    summary: str = ""
    published: str = ""
    author: str = ""
    categories: tuple[str, ...] = ()
    category_domains: tuple[str, ...] = ()
    entry_id: str = ""


@dataclass(frozen=True)
class WordEdit:
    """One changed passage: the sentences before and after, and the words removed and added."""

    before: str
    after: str
    removed: tuple[str, ...]
    added: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """What differs between two snapshots of one article, with its headline kind."""

    kind: str
    notes_added: tuple[UpdateNote, ...] = ()
    notes_removed: tuple[UpdateNote, ...] = ()
    title_before: str = ""
    title_after: str = ""
    edits: tuple[WordEdit, ...] = ()
    minor: bool = False
    extra_kinds: tuple[str, ...] = field(default=())
    layout_changed: bool = False  # judged across a change of the page's layout: the alert says so




@dataclass(frozen=True)
class Alert:
    """One thing to tell people, decided once (in the transaction of its cause) and rendered at delivery."""

    kind: str
    url: str
    title: str
    dedup_key: str
    change: Change | None = None
    entry: FeedEntry | None = None
    byline: str = ""
    published: str = ""
    created_at: str = ""
    detail: str = ""  # operator alerts: what is wrong, in one line
    archived_before: str = ""  # the Wayback capture of the version this change leaves, when there is one
