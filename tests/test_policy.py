"""The re-check policy as a table: what is due, when, and what is retired."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.config import load_settings
from monitor.core.errors import ConfigError
from monitor.decide.policy import ArticleFacts, RecheckPolicy, is_due, next_check

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
POLICY = RecheckPolicy()  # < 2 d: every cycle; < 30 d: hourly; < 365 d: daily; older: pinned daily, else retired


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
        ("1-day-old post checked a minute ago", _facts(published=_ago(days=1), checked=_ago(minutes=1)), True),
        ("10-day-old post checked 30 min ago", _facts(published=_ago(days=10), checked=_ago(minutes=30)), False),
        ("10-day-old post checked 61 min ago", _facts(published=_ago(days=10), checked=_ago(minutes=61)), True),
        ("10-day-old post checked 59.5 min ago (within tolerance)",
         _facts(published=_ago(days=10), checked=_ago(minutes=59.5)), True),
        ("old post that changed yesterday", _facts(published=_ago(days=300), changed=_ago(days=1),
                                                   checked=_ago(minutes=1)), True),
        ("200-day-old post checked 2 h ago", _facts(published=_ago(days=200), checked=_ago(hours=2)), False),
        ("200-day-old post checked 25 h ago", _facts(published=_ago(days=200), checked=_ago(hours=25)), True),
        ("discovered post older than a year", _facts(published=_ago(days=400), checked=_ago(days=30)), False),
        ("seeded post older than a year, checked 25 h ago",
         _facts("seed", published=_ago(days=700), checked=_ago(hours=25)), True),
        ("configured post older than a year, checked 1 h ago",
         _facts("config", published=_ago(days=700), checked=_ago(hours=1)), False),
        ("failed once, 6 min ago: try again", _facts(published=_ago(days=200), checked=_ago(minutes=6), failures=1),
         True),
        ("failed once, 2 min ago: back off", _facts(published=_ago(days=1), checked=_ago(minutes=2), failures=1),
         False),
        ("failed 3 times, 10 min ago: back off 20 min", _facts(published=_ago(days=1), checked=_ago(minutes=10),
                                                                failures=3), False),
        ("failed 20 times: capped at 6 h", _facts(published=_ago(days=1), checked=_ago(hours=6), failures=20), True),
        ("no published date: age from first seen", _facts(seen=_ago(hours=5), checked=_ago(minutes=1)), True),
    ],
)
def test_due_set(name: str, facts: ArticleFacts, due: bool) -> None:
    assert is_due(facts, NOW, POLICY) is due, name


def test_retired_has_no_next_check_but_pinned_always_has_one() -> None:
    assert next_check(_facts(published=_ago(days=400), checked=_ago(days=1)), NOW, POLICY) is None
    assert next_check(_facts("seed", published=_ago(days=4000), checked=NOW), NOW, POLICY) == NOW + dt.timedelta(
        days=1)


def test_policy_from_config_and_environment() -> None:
    settings = load_settings(env={"MONITOR_RECHECK_TIERS": "1:0, 7:1800", "MONITOR_RECHECK_RETIRE_AFTER_DAYS": "90"})
    assert settings.recheck == RecheckPolicy(tiers=((1.0, 0.0), (7.0, 1800.0)), retire_after_days=90.0)
    with pytest.raises(ConfigError, match=r"recheck\.tiers"):
        load_settings(env={"MONITOR_RECHECK_TIERS": "30:0,2:60"})
