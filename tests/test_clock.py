"""No stored deadline outlives its cap: a clock that ran a year fast and was corrected recovers at once.

Whole `monitor` processes run under Debian's faketime (libfaketime) a year ahead, then with the
true clock; in-process checks cover the clamps themselves.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from monitor.config import load_settings
from monitor.sources.fetch import MAX_RETRY_AFTER, Fetcher
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver
from tests.replay import ReplaySite
from tests.site import add_note, publish

FAKETIME = shutil.which("faketime")
needs_faketime = pytest.mark.skipif(FAKETIME is None, reason="Debian's faketime is absent (apt-get install faketime); "
                                    "CI installs it")
NOTE = "Update (3/3/2026): The first ratifications were deposited with the Secretary-General."


def _year_ahead(*args: str, config: Path) -> int:
    assert FAKETIME is not None
    result = run_monitor(*args, config=config, wrapper=[FAKETIME, "-f", "+365d"])
    return result.returncode


@needs_faketime
def test_a_backoff_written_a_year_ahead_does_not_hold_the_alert(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()], delivery_backoff=60)
    assert run_monitor("check", config=cfg).returncode == 0
    publish(site, [add_note(a, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])
    receiver.fail_status = 500
    assert _year_ahead("check", config=cfg) == 1  # the send fails (exit 1); its retry is set a year (+60 s) ahead
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
        (retry_at,) = conn.execute("SELECT next_attempt FROM deliveries WHERE status = 'pending'").fetchone()
    assert retry_at > (dt.datetime.now(dt.UTC) + dt.timedelta(days=300)).isoformat()
    receiver.fail_status = None
    assert run_monitor("check", config=cfg).returncode == 0  # the clock is right again
    assert len(receiver.messages) == 1 and "first ratifications" in receiver.messages[0]["message"]


@needs_faketime
def test_a_retry_after_block_written_a_year_ahead_ends_within_its_cap(tmp_path: Path, site: ReplaySite) -> None:
    cfg = write_config(tmp_path, site, [], feeds=[], articles=[f"https://www.eff.org{STILL_FLAWED.path}"],
                       seeds_dir=str(tmp_path / "no-seeds"))
    (tmp_path / "no-seeds").mkdir()
    site.fail_next(STILL_FLAWED.path, 503, headers={"Retry-After": "3600"})
    assert _year_ahead("check", config=cfg) == 0
    settings = load_settings(cfg)
    from monitor.store.database import open_store

    with open_store(settings.database, read_only=True) as store:
        blocked = store.host_state().blocked
    assert max(blocked.values()) > time.time() + 300 * 86400, "the fast clock stored a block a year ahead"
    fetcher = Fetcher(settings)
    fetcher.restore_hosts({}, blocked)
    assert max(fetcher.blocked_until.values()) <= time.time() + MAX_RETRY_AFTER + 1


def test_restored_host_memory_is_clamped_to_the_clock() -> None:
    settings = load_settings(None, {})
    fetcher = Fetcher(settings)
    now = time.time()
    fetcher.restore_hosts({"www.eff.org": ("User-agent: *\nDisallow:\n", now + 365 * 86400)},
                          {"www.eff.org": now + 365 * 86400, "eff.org": now - 10})
    assert fetcher.blocked_until == {"www.eff.org": pytest.approx(now + MAX_RETRY_AFTER, abs=5)}
    (_, fetched_at) = fetcher.host_memory()[0]["www.eff.org"]
    assert fetched_at <= time.time(), "a robots.txt 'fetched' in the future would never expire"


def test_a_retry_time_beyond_any_backoff_is_due_now(tmp_path: Path) -> None:
    from monitor.core.model import Alert
    from monitor.store.database import open_store

    with open_store(tmp_path / "db.sqlite3") as store:
        row = store.track("https://www.eff.org/deeplinks/2025/01/x", "config")
        store.record_alerts(row.id, (Alert(kind="removed", url=row.url, title="x", dedup_key="k"),), ("id-a",))
        (pending,) = store.pending(("id-a",))
        year = (dt.datetime.now(dt.UTC) + dt.timedelta(days=365)).isoformat(timespec="seconds")
        hour = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat(timespec="seconds")
        store.mark_delivery(pending.alert_id, "id-a", ok=False, error="x", retry_at=hour)
        assert store.pending(("id-a",)) == [], "an ordinary backoff is waited for"
        store.mark_delivery(pending.alert_id, "id-a", ok=False, error="x", retry_at=year)
        assert [p.alert_id for p in store.pending(("id-a",))] == [pending.alert_id]
