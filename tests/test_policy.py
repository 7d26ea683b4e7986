"""The re-check policy as a table: what is due, when, and that nothing is retired unless asked."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.config import load_settings
from monitor.core.errors import ConfigError
from monitor.decide.policy import ArticleFacts, RecheckPolicy, is_due, next_check

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
POLICY = RecheckPolicy()  # < 1 d: every cycle; every article at least hourly; never retired
OLD = RecheckPolicy(tiers=((2.0, 0.0), (30.0, 3600.0), (365.0, 86400.0)), retire_after_days=365.0, max_interval=0)


def _ago(**kw: float) -> dt.datetime:
    return NOW - dt.timedelta(**kw)


def _facts(origin: str = "feed", *, published: dt.datetime | None = None, changed: dt.datetime | None = None,
           checked: dt.datetime | None = None, seen: dt.datetime | None = None, failures: int = 0) -> ArticleFacts:
    return ArticleFacts(origin=origin, first_seen=seen or _ago(days=400), last_changed=changed,
                        published=published, last_checked=checked, failures=failures)


@pytest.mark.parametrize(
    ("name", "facts", "due"),
    [
        ("never checked", _facts(published=_ago(days=100)), True),
        ("half-day-old post checked a minute ago", _facts(published=_ago(hours=12), checked=_ago(minutes=1)), True),
        ("10-day-old post checked 30 min ago", _facts(published=_ago(days=10), checked=_ago(minutes=30)), False),
        ("10-day-old post checked 61 min ago", _facts(published=_ago(days=10), checked=_ago(minutes=61)), True),
        ("old post that changed 12 h ago", _facts(published=_ago(days=300), changed=_ago(hours=12),
                                                  checked=_ago(minutes=1)), True),
        ("200-day-old post checked 2 h ago", _facts(published=_ago(days=200), checked=_ago(hours=2)), True),
        ("discovered post older than a year, checked 61 min ago", _facts(published=_ago(days=400),
                                                                         checked=_ago(minutes=61)), True),
        ("discovered post four years old, checked 20 min ago", _facts(published=_ago(days=1500),
                                                                      checked=_ago(minutes=20)), False),
        ("seeded post older than a year, checked 61 min ago",
         _facts("seed", published=_ago(days=700), checked=_ago(minutes=61)), True),
        ("failed once, 6 min ago: try again", _facts(published=_ago(days=200), checked=_ago(minutes=6), failures=1),
         True),
        ("failed once, 2 min ago: back off", _facts(published=_ago(hours=3), checked=_ago(minutes=2), failures=1),
         False),
        ("failed 3 times, 10 min ago: back off 20 min", _facts(published=_ago(hours=3), checked=_ago(minutes=10),
                                                                failures=3), False),
        ("failed 20 times: capped at max_interval", _facts(published=_ago(days=1), checked=_ago(minutes=61),
                                                           failures=20), True),
        ("no published date: age from first seen", _facts(seen=_ago(hours=5), checked=_ago(minutes=1)), True),
    ],
)
def test_due_set(name: str, facts: ArticleFacts, due: bool) -> None:
    assert is_due(facts, NOW, POLICY) is due, name


def test_nothing_is_retired_by_default_and_old_articles_keep_the_promise() -> None:
    ancient = _facts(published=_ago(days=4000), checked=NOW)
    assert POLICY.retire_after_days == 0 and load_settings(env={}).recheck.retire_after_days == 0
    assert next_check(ancient, NOW, POLICY) == NOW + dt.timedelta(hours=1)
    assert POLICY.interval_for(1_000_000, pinned=False) == 3600


def test_retirement_only_when_asked_and_never_for_pinned_articles() -> None:
    asked = RecheckPolicy(retire_after_days=365)
    assert next_check(_facts(published=_ago(days=400), checked=_ago(days=1)), NOW, asked) is None
    assert next_check(_facts("seed", published=_ago(days=4000), checked=NOW), NOW, asked) == NOW + dt.timedelta(
        hours=1)


@pytest.mark.parametrize(
    ("facts", "due"),
    [
        (_facts(published=_ago(days=10), checked=_ago(minutes=30)), False),
        (_facts(published=_ago(days=200), checked=_ago(hours=2)), False),
        (_facts(published=_ago(days=200), checked=_ago(hours=25)), True),
        (_facts(published=_ago(days=400), checked=_ago(days=30)), False),
        (_facts("seed", published=_ago(days=700), checked=_ago(hours=25)), True),
    ],
)
def test_the_previous_fixed_tiers_still_read_as_before(facts: ArticleFacts, due: bool) -> None:
    """bench/latency.py measures "before" with them: daily after 30 d, discovered retired after a year."""
    assert is_due(facts, NOW, OLD) is due


def test_policy_from_config_and_environment() -> None:
    settings = load_settings(env={"MONITOR_RECHECK_TIERS": "1:0, 7:1800", "MONITOR_RECHECK_RETIRE_AFTER_DAYS": "90"})
    assert settings.recheck == RecheckPolicy(tiers=((1.0, 0.0), (7.0, 1800.0)), retire_after_days=90.0)
    assert load_settings(env={"MONITOR_RECHECK_MAX_INTERVAL": "1800"}).recheck.max_interval == 1800
    with pytest.raises(ConfigError, match=r"recheck\.tiers"):
        load_settings(env={"MONITOR_RECHECK_TIERS": "30:0,2:60"})
