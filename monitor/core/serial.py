"""Snapshots, changes and alerts ⇄ JSON for the database (plain dicts stop at this boundary)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from monitor.core.model import Alert, Change, FeedEntry, Snapshot, UpdateNote, WordEdit


def _default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(value: Snapshot | Alert) -> str:
    return json.dumps(_snapshot_dict(value) if isinstance(value, Snapshot) else dataclasses.asdict(value),
                      default=_default, ensure_ascii=False, separators=(",", ":"))


_SNAPSHOT_FIELDS = tuple(f.name for f in dataclasses.fields(Snapshot))


def _snapshot_dict(snapshot: Snapshot) -> dict[str, Any]:
    """asdict's output, field order included (it keeps deltas between versions small), without its
    deep copy of every paragraph: a third of the cost of storing a version."""
    d = {name: getattr(snapshot, name) for name in _SNAPSHOT_FIELDS}
    d["notes"] = [{"text": n.text, "label": n.label, "date": n.date} for n in snapshot.notes]
    d["paragraphs"] = list(snapshot.paragraphs)
    return d


def _note(d: dict[str, Any]) -> UpdateNote:
    date = dt.date.fromisoformat(d["date"]) if d.get("date") else None
    return UpdateNote(text=d["text"], label=d["label"], date=date)


def snapshot_from_json(text: str) -> Snapshot:
    d = json.loads(text)
    d["notes"] = tuple(_note(n) for n in d["notes"])
    d["paragraphs"] = tuple(d["paragraphs"])
    return Snapshot(**d)


def _change(d: dict[str, Any] | None) -> Change | None:
    if d is None:
        return None
    return Change(
        kind=d["kind"],
        notes_added=tuple(_note(n) for n in d["notes_added"]),
        notes_removed=tuple(_note(n) for n in d["notes_removed"]),
        title_before=d["title_before"],
        title_after=d["title_after"],
        edits=tuple(
            WordEdit(e["before"], e["after"], tuple(e["removed"]), tuple(e["added"])) for e in d["edits"]
        ),
        minor=d["minor"],
        extra_kinds=tuple(d["extra_kinds"]),
        layout_changed=bool(d.get("layout_changed", False)),
    )


def _entry(d: dict[str, Any] | None) -> FeedEntry | None:
    if d is None:
        return None
    d = dict(d)
    d["categories"] = tuple(d["categories"])
    d["category_domains"] = tuple(d["category_domains"])
    return FeedEntry(**d)


def alert_from_json(text: str) -> Alert:
    d = json.loads(text)
    d["change"] = _change(d.get("change"))
    d["entry"] = _entry(d.get("entry"))
    return Alert(**d)
