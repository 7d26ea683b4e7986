"""Read-only views of stored versions: `monitor history` and `monitor diff`."""

from __future__ import annotations

from monitor.core.errors import MonitorError
from monitor.core.kinds import KIND_LABELS
from monitor.core.model import Alert
from monitor.core.when import shown
from monitor.decide.compare import compare
from monitor.render import render
from monitor.store.database import Store, VersionRow


def _versions(store: Store, url: str) -> list[VersionRow]:
    row = store.article(url)
    if row is None:
        raise MonitorError(f"not a tracked article: {url}")
    return store.versions(row.id)


def format_history(store: Store, url: str) -> str:
    """One block per version: number, capture time, source, what changed, its update notes."""
    versions = _versions(store, url)
    lines = [f"{len(versions)} versions of {url}"]
    for v in versions:
        kind = KIND_LABELS.get(v.change_kind or "", "first version" if v.seq == 1 else "no visible change")
        if v.minor:
            kind += " (minor)"
        partial = ", partial capture" if v.snapshot.truncated else ""
        lines.append(f"\n#{v.seq}  {shown(v.captured_at)}  {v.source}{partial}  — {kind}")
        lines.append(f"    title: {v.snapshot.title}")
        for note in v.snapshot.notes:
            lines.append(f"    note: {note.text}")
    return "\n".join(lines)


def diff_versions(store: Store, url: str, a: int | None, b: int | None) -> str:
    """The change between two versions, rendered as an alert would be."""
    versions = _versions(store, url)
    if len(versions) < 2 and (a is None or b is None):
        raise MonitorError(f"only {len(versions)} version(s) of {url}: nothing to compare")
    by_seq = {v.seq: v for v in versions}
    a = a if a is not None else versions[-2].seq
    b = b if b is not None else versions[-1].seq
    if a not in by_seq or b not in by_seq:
        raise MonitorError(f"no version #{a if a not in by_seq else b} of {url} (see `monitor history`)")
    old, new = by_seq[a], by_seq[b]
    change = compare(old.snapshot, new.snapshot)
    header = f"#{a} ({old.source}) → #{b} ({new.source})"
    if change is None:
        return f"{header}: no difference a reader would see"
    alert = Alert(kind=change.kind, url=url, title=new.snapshot.title, dedup_key="", change=change,
                  byline=new.snapshot.byline, published=new.snapshot.published)
    message = render(alert)
    return f"{header}\n{message.title}\n\n{message.body}"
