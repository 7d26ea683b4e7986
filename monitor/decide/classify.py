"""Which kinds of change a pair of readings shows: the labels the accuracy corpus measures.

The cycle decides the same way (it calls compare() and acts on 404s and returns);
this names the outcome of one old → new step, whatever the step's shape.
"""

from __future__ import annotations

from monitor.core.model import Snapshot
from monitor.decide.compare import change_kinds, compare


def classify(old: Snapshot | None, new: Snapshot | None, *, old_removed: bool = False) -> frozenset[str]:
    """Kinds for one step: a post first seen, gone (404/410), back, or compared on its text."""
    if new is None:
        return frozenset() if old_removed else frozenset({"removed"})
    if old_removed:
        return frozenset({"restored"}) | (change_kinds(compare(old, new)) if old is not None else frozenset())
    if old is None:
        return frozenset({"new_post"})
    return change_kinds(compare(old, new))
