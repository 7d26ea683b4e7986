"""Feed operator states: one event per move between ok, failing and quiet, never one per cycle."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.decide.watchdog import FEED_FAILING, FEED_QUIET, FEED_RECOVERED, FeedHealth, next_feed_health

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
FRESH = NOW - dt.timedelta(days=1)
STALE = NOW - dt.timedelta(days=10)


def _step(prev: FeedHealth, ok: bool, newest: dt.datetime | None = None) -> tuple[FeedHealth, str | None]:
    return next_feed_health(prev, ok=ok, newest_entry=newest, now=NOW, fail_after=3, quiet_days=7)


@pytest.mark.parametrize(
    ("prev", "ok", "newest", "state", "event"),
    [
        (FeedHealth(), True, FRESH, "ok", None),
        (FeedHealth(failures=1), False, None, "ok", None),
        (FeedHealth(failures=2), False, None, "failing", FEED_FAILING),
        (FeedHealth(failures=5, state="failing"), False, None, "failing", None),
        (FeedHealth(failures=5, state="failing", newest_entry=FRESH), True, None, "ok", FEED_RECOVERED),
        (FeedHealth(), True, STALE, "quiet", FEED_QUIET),
        (FeedHealth(state="quiet", newest_entry=STALE), True, None, "quiet", None),
        (FeedHealth(state="quiet", newest_entry=STALE), True, FRESH, "ok", FEED_RECOVERED),
        (FeedHealth(newest_entry=FRESH), True, STALE, "ok", None),  # an old entry does not make it older
        (FeedHealth(), True, None, "ok", None),  # 304 or no dates: nothing to judge
    ],
)
def test_transitions(prev: FeedHealth, ok: bool, newest: dt.datetime | None, state: str, event: str | None) -> None:
    health, got = _step(prev, ok, newest)
    assert (health.state, got) == (state, event)


def test_a_feed_broken_for_ten_polls_is_one_event_then_one_recovery() -> None:
    health, events = FeedHealth(newest_entry=FRESH), []
    for ok in [False] * 10 + [True] * 3:
        health, event = _step(health, ok)
        events.append(event)
    assert [e for e in events if e] == [FEED_FAILING, FEED_RECOVERED]


FUTURE = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize("stored", [None, STALE])
def test_an_entry_dated_in_the_future_never_counts_as_newest(stored: dt.datetime | None) -> None:
    """One feed entry dated 2099 used to keep the feed 'fresh' until 2099: the quiet alert never came."""
    health, event = _step(FeedHealth(newest_entry=stored), True, FUTURE)
    assert health.newest_entry == stored
    assert (health.state, event) == (("quiet", FEED_QUIET) if stored else ("ok", None))


def test_a_future_date_already_stored_is_dropped_when_the_clock_is_corrected() -> None:
    health, event = _step(FeedHealth(newest_entry=FUTURE), True, STALE)
    assert health.newest_entry == STALE and (health.state, event) == ("quiet", FEED_QUIET)
