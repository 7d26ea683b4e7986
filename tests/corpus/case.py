"""One labelled step of the accuracy corpus, and the real path that reads its two sides."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from monitor.core.model import Snapshot
from monitor.decide.classify import classify
from monitor.sources.extract import extract_article
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


def snapshot_of(case: Case, side: Literal["old", "new"]) -> Snapshot | None:
    """Read one side with the product's own readers: extract_article for HTML, parse_seed_file for seeds."""
    raw = case.old if side == "old" else case.new
    if raw is None:
        return None
    if side == "old" and case.old_kind == "seed":
        return parse_seed_file(Path(raw)).snapshot
    m = _CANONICAL.search(raw)
    return extract_article(raw, m.group(1) if m else "https://www.eff.org/")


def run_case(case: Case) -> frozenset[str]:
    """The real extract → compare → classify path for one case."""
    return classify(snapshot_of(case, "old"), snapshot_of(case, "new"), old_removed=case.old_removed)
