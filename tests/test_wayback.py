"""The Wayback Machine, optional: new versions sent to Save Page Now after the alerts, retried with backoff,
their captures shown in the web view and in later alerts. archive.org itself is never contacted:
a loopback stand-in answers in the shape of Save Page Now's documented responses."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from monitor.sources.wayback import save_page
from monitor.store.database import open_store
from monitor.web.views import timeline, wayback_diff
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver
from tests.replay import ReplaySite
from tests.site import add_note, edit, publish
from tests.spn import SavePageNow

NOTE = "Update (4/1/2026): The Secretary-General announced the date of the first Conference of the States Parties."


@pytest.fixture
def spn() -> Iterator[SavePageNow]:
    s = SavePageNow()
    yield s
    s.close()


def _save(spn: SavePageNow, *, deadline: float = 5.0) -> object:
    async def go() -> object:
        async with httpx.AsyncClient() as client:
            return await save_page(client, spn.url, "https://www.eff.org/x", auth="KEY:SECRET", deadline=deadline,
                                   poll_every=0.05)
    return asyncio.run(go())


@pytest.mark.parametrize(("mode", "expect_capture", "expect_error", "retry_after"), [
    ("ok", True, "", None),
    ("429", False, "HTTP 429", 0.0),
    ("503", False, "HTTP 503", None),
    ("error", False, "Couldn't resolve host", None),
    ("garbage", False, "without a job id", None),
])
def test_each_answer_of_save_page_now(spn: SavePageNow, mode: str, expect_capture: bool, expect_error: str,
                                      retry_after: float | None) -> None:
    spn.mode = mode
    saved = _save(spn)
    assert bool(saved.capture_url) is expect_capture  # type: ignore[attr-defined]
    assert expect_error in saved.error  # type: ignore[attr-defined]
    assert saved.retry_after == retry_after  # type: ignore[attr-defined]
    if expect_capture:
        assert saved.capture_url.startswith(f"{spn.url}/web/2")  # type: ignore[attr-defined]
        assert saved.capture_url.endswith("/https://www.eff.org/x")  # type: ignore[attr-defined]


def test_a_hanging_archive_ends_at_the_deadline(spn: SavePageNow) -> None:
    spn.mode, spn.hang = "hang", 5.0
    started = time.monotonic()
    saved = _save(spn, deadline=0.5)
    assert time.monotonic() - started < 3 and "did not finish within 0.5 s" in saved.error  # type: ignore[attr-defined]


def test_captures_follow_the_alerts_are_retried_and_are_shown(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver, spn: SavePageNow
) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()], archive_org=True, archive_org_endpoint=spn.url,
                       archive_org_wait=1.0)
    spn.mode = "hang"
    spn.hang = 3.0
    first = run_monitor("check", config=cfg)  # the archive hangs: the cycle still ends, bounded
    assert first.returncode == 0, first.stderr
    publish(site, [add_note(a, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])
    spn.mode = "429"
    second = run_monitor("check", config=cfg)
    assert second.returncode == 0 and len(receiver.messages) == 1, "the alert never waits for the archive"
    assert "wayback:" in second.stderr
    spn.mode = "ok"
    third = run_monitor("check", config=cfg)  # Retry-After: 0 → due again now
    assert third.returncode == 0, third.stderr
    db = tmp_path / "monitor.sqlite3"
    with sqlite3.connect(db) as conn:
        done = conn.execute("SELECT COUNT(*) FROM wayback WHERE status = 'done'").fetchone()[0]
        assert done >= 1 and conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with open_store(db, read_only=True) as store:
        article = store.article(f"https://www.eff.org{STILL_FLAWED.path}")
        assert article is not None
        entries = timeline(store, article.id)
    assert entries[-1].wayback.startswith(f"{spn.url}/web/")
    publish(site, [edit(add_note(a, NOTE), "now seems to recognize", "now appears to recognize")
                   if a.path == STILL_FLAWED.path else a for a in SEEDED])
    assert run_monitor("check", config=cfg).returncode == 0
    assert len(receiver.messages) == 2
    assert f"in the Wayback Machine: {entries[-1].wayback}" in receiver.messages[1]["message"]


def test_the_wayback_diff_link_names_both_captures() -> None:
    capture = "https://web.archive.org/web/20260102000000/https://www.eff.org/x"
    assert wayback_diff(capture, "20260101000000", "20260102000000") == (
        "https://web.archive.org/web/diff/20260101000000/20260102000000/https://www.eff.org/x")
    assert wayback_diff(capture, "", "20260102000000") == ""
