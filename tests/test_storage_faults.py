"""Storage faults are one line, and nothing is lost: a database lock another program holds, a full disk.

Each fault hits a real `monitor check` (or the real Store on a real file) in the middle of its
work; the run must end within a bounded time *in total* with one `error: …` line and exit 1,
and the next run, the fault gone, redoes the work: every alert reaches each of two receivers
exactly once and `PRAGMA integrity_check` is ok.
"""

from __future__ import annotations

import datetime as dt
import resource
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from monitor.core.errors import StoreError
from monitor.core.model import Alert
from monitor.store.database import open_store
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver, squash
from tests.replay import ReplaySite
from tests.site import add_note, article_page, publish

NOTE = "Update (5/5/2026): A storage fault in the middle of this cycle must not cost this alert."


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr and len(lines[0]) < 400
    return lines[0]


@contextmanager
def two_receivers() -> Iterator[tuple[JsonReceiver, JsonReceiver]]:
    first, second = JsonReceiver(), JsonReceiver()
    try:
        yield first, second
    finally:
        first.close()
        second.close()


@contextmanager
def lock_held(db: Path, *, when: threading.Event | None = None) -> Iterator[threading.Event]:
    """Another program's write transaction on the database (taken at once, or when `when` is set)."""
    release, taken = threading.Event(), threading.Event()

    def hold() -> None:
        if when is not None and not when.wait(30):
            return
        conn = sqlite3.connect(db, isolation_level=None, timeout=30)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE IF NOT EXISTS other_program (x)")
        taken.set()
        release.wait(120)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        yield taken
    finally:
        release.set()
        thread.join(30)


def _when_requested(site: ReplaySite, path: str) -> threading.Event:
    """Set once the monitor has asked for `path` (the lock is then taken in the middle of the cycle)."""
    seen, before = threading.Event(), site.hits(path)

    def watch() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and site.hits(path) == before:
            time.sleep(0.01)
        seen.set()

    threading.Thread(target=watch, daemon=True).start()
    return seen


def _exactly_once(first: JsonReceiver, second: JsonReceiver) -> None:
    for r in (first, second):
        assert len(r.messages) == 1, [m.get("title") for m in r.messages]
        assert NOTE in squash(r.messages[0]["message"])


@pytest.mark.parametrize("moment", ["before the run", "mid-cycle"])
def test_a_lock_held_by_another_program_ends_the_run_in_bounded_time_and_loses_nothing(
    tmp_path: Path, site: ReplaySite, moment: str
) -> None:
    db = tmp_path / "monitor.sqlite3"
    with two_receivers() as (first, second):
        cfg = write_config(tmp_path, site, [first.url("a"), second.url("b")], lock_wait=3)
        assert run_monitor("check", config=cfg).returncode == 0
        publish(site, [add_note(a, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])
        site.set(STILL_FLAWED.path, article_page(add_note(STILL_FLAWED, NOTE)), delay=0.5)

        when = _when_requested(site, STILL_FLAWED.path) if moment == "mid-cycle" else None
        with lock_held(db, when=when) as taken:
            if when is None:
                assert taken.wait(10)
            started = time.monotonic()
            locked = run_monitor("check", config=cfg)
            took = time.monotonic() - started
        assert locked.returncode == 1, locked.stdout + locked.stderr
        line = one_error_line(locked.stderr)
        assert "locked" in line and str(db) in line, line
        if moment == "mid-cycle":
            assert "locked by another program (waited 3 s in all this run, lock_wait 3 s)" in line, line
        assert took < 20, f"lock_wait 3 s is a budget for the whole run, yet the run took {took:.0f} s"
        assert not first.messages and not second.messages, "nothing was recorded, so nothing may be sent"

        again = run_monitor("check", config=cfg)
        assert again.returncode == 0, again.stderr
        _exactly_once(first, second)
        assert integrity(db) == "ok"
        assert run_monitor("check", config=cfg).returncode == 0
        _exactly_once(first, second)


def _file_size_limit(limit: int) -> None:
    """In the child: files may not grow past `limit` bytes (a full disk, as the process sees it)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_mid_cycle_is_one_line_and_the_next_run_sends_each_alert_once(
    tmp_path: Path, site: ReplaySite
) -> None:
    db = tmp_path / "monitor.sqlite3"
    with two_receivers() as (first, second):
        cfg = write_config(tmp_path, site, [first.url("a"), second.url("b")], archive_enabled=False)
        assert run_monitor("check", config=cfg).returncode == 0
        publish(site, [add_note(a, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])
        # No file may grow past 48 KB: opening fits, the WAL (empty after the baseline's checkpoint) fills
        # within the cycle (measured: the cycle's writes need about 100 KB of WAL).
        full = run_monitor("check", config=cfg, preexec_fn=lambda: _file_size_limit(48 * 1024))
        assert full.returncode == 1, full.stdout + full.stderr
        line = one_error_line(full.stderr)
        assert f"{db}: cannot write the database (" in line, line
        assert not first.messages and not second.messages
        assert integrity(db) == "ok"

        again = run_monitor("check", config=cfg)
        assert again.returncode == 0, again.stderr
        _exactly_once(first, second)
        assert integrity(db) == "ok"


@contextmanager
def small_disk(where: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of `size_kb` mounted at `where` (root only; skipped where mounting is not allowed)."""
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)],
                             capture_output=True, check=False) if shutil.which("mount") else None
    if mounted is None or mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root and mount); the RLIMIT_FSIZE test covers it")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk with one file, then give back `leave` bytes."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass
    with filler.open("r+b") as out:
        out.truncate(max(0, filler.stat().st_size - leave))
    return filler


def test_a_real_full_disk_tmpfs_is_one_line_and_nothing_is_lost(tmp_path: Path, site: ReplaySite) -> None:
    with small_disk(tmp_path / "disk", 4096) as disk, two_receivers() as (first, second):
        db = disk / "monitor.sqlite3"
        cfg = write_config(tmp_path, site, [first.url("a"), second.url("b")], database=db, archive_enabled=False)
        assert run_monitor("check", config=cfg).returncode == 0
        publish(site, [add_note(a, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])
        filler = fill(disk, 48 * 1024)
        full = run_monitor("check", config=cfg)
        assert full.returncode == 1, full.stdout + full.stderr
        line = one_error_line(full.stderr)
        assert str(db) in line and "full" in line, line
        assert not first.messages and not second.messages
        filler.unlink()
        assert integrity(db) == "ok"

        again = run_monitor("check", config=cfg)
        assert again.returncode == 0, again.stderr
        _exactly_once(first, second)
        assert integrity(db) == "ok"


def test_an_unwritable_database_directory_is_one_line(tmp_path: Path, site: ReplaySite) -> None:
    """The cycle lock beside the database cannot be created: a path through a regular file (root or not)."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the database directory should be\n")
    cfg = write_config(tmp_path, site, [], database=blocker / "monitor.sqlite3")
    result = run_monitor("check", config=cfg)
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert "cannot create the cycle lock" in line, line


# -- the Store's writes on a real file: a full disk (max_page_count) and a held lock -------------------------


def _alert() -> Alert:
    return Alert(kind="feed_failing", url="https://www.eff.org/rss/updates.xml", title="feed", dedup_key="k1",
                 detail="failed 3 polls in a row", created_at="2026-01-01T00:00:00+00:00")


def _filled(tmp_path: Path) -> Path:
    db = tmp_path / "monitor.sqlite3"
    with open_store(db) as store:
        store.record_operator_alerts((_alert(),), ("target-a",))
        store.record_cycle(dt.datetime.now(dt.UTC), "ok")
    return db


def test_record_cycle_and_mark_delivery_on_a_full_disk_raise_one_line_and_keep_the_state(tmp_path: Path) -> None:
    db = _filled(tmp_path)
    with open_store(db) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # not one page more: the disk is full
        before = store.last_cycle()
        with pytest.raises(StoreError) as cycle_full:
            store.record_cycle(dt.datetime.now(dt.UTC), "x" * 20_000)
        with pytest.raises(StoreError) as mark_full:
            store.mark_delivery(1, "target-a", ok=False, error="y" * 20_000, retry_at=None)
        for exc in (cycle_full.value, mark_full.value):
            assert "full" in str(exc) and "\n" not in str(exc), exc
        assert store.last_cycle() == before, "the failed transaction left nothing behind"
        assert store.delivery_counts() == {"pending": 1}
        assert not store.conn.in_transaction
    assert integrity(db) == "ok"


def test_store_writes_share_one_wait_budget_under_a_held_lock(tmp_path: Path) -> None:
    db = _filled(tmp_path)
    with open_store(db, timeout=2) as store, lock_held(db) as taken:
        assert taken.wait(10)
        started = time.monotonic()
        for write in (lambda: store.record_cycle(dt.datetime.now(dt.UTC), "ok"),
                      lambda: store.mark_delivery(1, "target-a", ok=True),
                      lambda: store.record_cycle(dt.datetime.now(dt.UTC), "ok")):
            with pytest.raises(StoreError, match="locked by another program"):
                write()
        took = time.monotonic() - started
    assert took < 8, f"three writes waited {took:.1f} s: the 2 s budget is shared, not per statement"
    with open_store(db) as store:
        assert store.delivery_counts() == {"pending": 1}
        store.mark_delivery(1, "target-a", ok=True)  # the lock gone, the same write goes through
        assert store.delivery_counts() == {"sent": 1}
