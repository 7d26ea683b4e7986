"""Whether a host's sitemap `lastmod` deserves trust, measured from our own checks.

Pure. Every check of an article its host's sitemap lists is one observation: did its lastmod move since our
previous check, and did the page change? Agreement either way says nothing new when nothing moved; the three
telling cases are kept, the last `WINDOW` per host, as one letter each:

- `m`: lastmod moved and the page changed (the signal told the truth);
- `f`: lastmod moved, the page did not change (a template timestamp stamps every page every day);
- `s`: the page changed, lastmod did not move (a sitemap that never moves, or lags behind its pages).

A host is *distrusted* when false alarms are most of its moves, or silent changes more than a quarter of its
changes: its signals are ignored and the schedule alone (the hourly promise) covers it. It is *trusted* once
enough moves were confirmed and neither fault shows; until then (*unproven*) a moved lastmod is still a
reason to look (it costs one request of the cycle's share), never a reason to look less.
A signal never alerts: only the page read and compared does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

WINDOW = 40  # observations kept per host: a site that changes its ways is re-judged within weeks
MIN_MOVES = 5  # moves seen before false alarms can condemn a host
MIN_CHANGES = 4  # changes seen before silent ones can
TRUST_AFTER = 3  # moves confirmed by a changed page before a host is trusted
UNPROVEN_MOVES = MIN_MOVES  # moves acted on per cycle while a host is unproven: enough to judge it next cycle
MOVED_CHANGED, FALSE_ALARM, SILENT = "m", "f", "s"


class Trust(enum.StrEnum):
    UNPROVEN = "unproven"
    TRUSTED = "trusted"
    DISTRUSTED = "distrusted"


@dataclass(frozen=True)
class Judgement:
    trust: Trust
    reason: str  # one line for `monitor status`

    @property
    def usable(self) -> bool:
        """A moved lastmod makes the article due (never when distrusted)."""
        return self.trust is not Trust.DISTRUSTED


def observe(record: str, *, moved: bool, changed: bool) -> str:
    """The host's record after one more check (unchanged when neither lastmod nor page moved)."""
    if not (moved or changed):
        return record
    letter = MOVED_CHANGED if moved and changed else FALSE_ALARM if moved else SILENT
    return (record + letter)[-WINDOW:]


def judge(record: str) -> Judgement:
    """The host's trust from its record of observations (the last `WINDOW`)."""
    record = record[-WINDOW:]
    good, false, silent = (record.count(c) for c in (MOVED_CHANGED, FALSE_ALARM, SILENT))
    moves, changes = good + false, good + silent
    if moves >= MIN_MOVES and 2 * false > moves:
        return Judgement(Trust.DISTRUSTED, f"lastmod moved without the page changing in {false} of the last "
                                           f"{moves} checks where it moved (a timestamp, not a change)")
    if changes >= MIN_CHANGES and 4 * silent > changes:
        return Judgement(Trust.DISTRUSTED, f"{silent} of the last {changes} changes came without lastmod moving")
    if good >= TRUST_AFTER:
        return Judgement(Trust.TRUSTED, f"lastmod moved with the page in {good} of {moves} moves; "
                                        f"{silent} of {changes} changes came without it")
    return Judgement(Trust.UNPROVEN, f"{good} moves confirmed so far (trusted after {TRUST_AFTER})")


def moved_since(lastmod: float | None, at_last_check: float | None, last_checked: float | None) -> bool:
    """Whether an article's lastmod says it changed since our last check: it moved from the value we saw then,
    or (first seen after that check) it is later than the check itself."""
    if lastmod is None or last_checked is None:
        return False
    if at_last_check is not None:
        return lastmod != at_last_check
    return lastmod > last_checked
