"""Labelled steps of the accuracy corpus, and the real path that reads and judges them.

A pair (`Case`) is one check after a known version; a `Sequence` is a run of checks of one
article. Both are read with the product's own readers (extract_article, parse_seed_file)
and judged by the product's own `decide`, the function the cycle calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from monitor.core.kinds import Kind
from monitor.core.model import FeedEntry, Snapshot
from monitor.decide.article import (
    Failed,
    Fetched,
    Gone,
    Known,
    NotModified,
    Outcome,
    Rules,
    Seen,
    after,
    decide,
    new_post_alert,
)
from monitor.decide.compare import change_kinds
from monitor.sources.extract import read_article
from monitor.sources.seeds import parse_seed_file

KINDS = (
    "new_post",
    "note_added",
    "note_changed",
    "title_changed",
    "body_edited",
    "body_edited:minor",
    "removed",
    "restored",
)
_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')
NOW = "2026-01-01T00:00:00+00:00"
GONE = None  # a step that answers 404/410
NOT_MODIFIED = "<304>"  # a step that answers 304
SERVER_ERROR = "<503>"  # a step that fails (says nothing about the article)


@dataclass(frozen=True)
class Case:
    """old → new with the TRUE kinds a reader would want reported (empty = noise).

    `old` is page HTML, or a seed file path when old_kind == "seed"; None = never seen.
    `new` is page HTML; None = the page answers 404/410. `old_removed`: the article was
    gone at the previous check. `note` says why the label is what it is.
    """

    name: str
    old: str | None
    new: str | None
    expected: frozenset[str]
    old_kind: str = "html"
    old_removed: bool = False
    note: str = ""


@dataclass(frozen=True)
class Sequence:
    """Checks of one article in order: the first is the baseline, each later one has its TRUE kinds.

    A step is page HTML, GONE (404), NOT_MODIFIED (304) or SERVER_ERROR; the default rules
    apply (two 404s in a row before "removed"). What a reader hears is what survives the
    outbox's de-duplication, so a swallowed recurrence is a miss.
    """

    name: str
    steps: tuple[str | None, ...]
    expected: tuple[frozenset[str], ...]
    note: str = ""


def read_page(html: str) -> Snapshot:
    return read_seen(html).snapshot


def read_seen(html: str) -> Fetched:
    """A page as the cycle sees it: the snapshot, the layout it was found in, whether the page was whole."""
    m = _CANONICAL.search(html)
    reading = read_article(html, m.group(1) if m else "https://www.eff.org/")
    return Fetched(reading.snapshot, layout=reading.layout, closed=reading.closed)


def snapshot_of(case: Case, side: Literal["old", "new"]) -> Snapshot | None:
    """Read one side with the product's own readers: extract_article for HTML, parse_seed_file for seeds."""
    raw = case.old if side == "old" else case.new
    if raw is None:
        return None
    if side == "old" and case.old_kind == "seed":
        return parse_seed_file(Path(raw)).snapshot
    return read_page(raw)


def labels(outcome: Outcome, delivered: set[str]) -> frozenset[str]:
    """The kinds a step reports: those of alerts not already delivered, and a quiet minor edit."""
    kinds: set[str] = set()
    for alert in outcome.alerts:
        if alert.dedup_key in delivered:
            continue  # the outbox would swallow it: the reader hears nothing
        delivered.add(alert.dedup_key)
        kinds |= {alert.kind} if alert.kind in (Kind.REMOVED, Kind.RESTORED) else change_kinds(outcome.change)
    if outcome.change is not None and outcome.change.minor:
        kinds |= change_kinds(outcome.change) & {"body_edited:minor"}
    return frozenset(str(k) for k in kinds)


def run_case(case: Case) -> frozenset[str]:
    """The real extract → decide path for one pair (a single 404 counts as removed here)."""
    old, new = snapshot_of(case, "old"), snapshot_of(case, "new")
    rules = Rules(removed_after=1)
    if old is None:
        assert new is not None
        entry = FeedEntry(url=new.url, title=new.title)
        return frozenset({Kind.NEW_POST.value}) if new_post_alert(entry, rules, now=NOW) else frozenset()
    known = Known(url=old.url, title=old.title, latest_hash=old.content_hash(), latest=old,
                  removed=case.old_removed, missing_count=1 if case.old_removed else 0)
    if case.old_kind != "seed" and case.old is not None:  # the layout and wholeness the old page was read in
        before = read_seen(case.old)
        known = replace(known, layout=before.layout, closed=before.closed)
    seen: Seen = read_seen(case.new) if case.new is not None else Gone("HTTP 404")
    return labels(decide(known, seen, rules, now=NOW), set())


def _seen(step: str | None) -> Seen:
    if step is GONE:
        return Gone("HTTP 404")
    if step == NOT_MODIFIED:
        return NotModified()
    if step == SERVER_ERROR:
        return Failed("HTTP 503")
    return read_seen(step)


def run_sequence(sequence: Sequence, rules: Rules | None = None) -> tuple[frozenset[str], ...]:
    """Each later step's reported kinds, with the state carried from step to step as the store would."""
    rules = rules or Rules()
    first = sequence.steps[0]
    assert isinstance(first, str) and first not in (NOT_MODIFIED, SERVER_ERROR), "a sequence starts with a page"
    seen_first = read_seen(first)
    start = Known(url=seen_first.snapshot.url)
    known = after(start, decide(start, seen_first, rules, now=NOW), seen_first)
    delivered: set[str] = set()
    out = []
    for step in sequence.steps[1:]:
        seen = _seen(step)
        outcome = decide(known, seen, rules, now=NOW)
        out.append(labels(outcome, delivered))
        known = after(known, outcome, seen)
    return tuple(out)
