"""The archive is evidence: nothing in it is removed that its own database did not write and abandon.

Real processes of the CLI on real files: two configurations side by side, a database restored from a
backup, a kill inside a WARC write; hypothesis draws the order of checks and the backup points.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import STILL_FLAWED
from tests.replay import ReplaySite
from tests.site import add_note, article_page

FEW = settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def note(i: int) -> str:
    return f"Update (5/{i % 28 + 1}/2026): Edit number {i} of the treaty's review text."


class Page:
    """The article on the replay site; each `change()` adds a new update note (a version, an alert)."""

    def __init__(self, site: ReplaySite) -> None:
        self.site, self.edits = site, 0
        site.set(STILL_FLAWED.path, article_page(STILL_FLAWED))

    def change(self) -> None:
        self.edits += 1
        article = STILL_FLAWED
        for i in range(1, self.edits + 1):
            article = add_note(article, note(i))
        self.site.set(STILL_FLAWED.path, article_page(article))


def config(directory: Path, site: ReplaySite, name: str, **extra: Any) -> Path:
    """`<name>.toml` tracking the article, its database `<name>.sqlite3`, both in `directory`."""
    (directory / "no-seeds").mkdir(exist_ok=True)
    written = write_config(directory, site, [], seeds_dir=directory / "no-seeds", feeds=[],
                           articles=[STILL_FLAWED.url], database=directory / f"{name}.sqlite3", **extra)
    return written.rename(directory / f"{name}.toml")


def check(cfg: Path, **env: str) -> str:
    result = run_monitor("check", config=cfg, extra_env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def verify(cfg: Path) -> tuple[int, str]:
    result = run_monitor("verify", config=cfg)
    return result.returncode, result.stdout + result.stderr


def files_state(directory: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(directory.rglob("*.warc.gz"))}


def assert_nothing_lost(before: dict[Path, bytes], after: dict[Path, bytes]) -> None:
    """Every file is still there and begins with every byte it had: the archive only grows."""
    for path, data in before.items():
        assert path in after, f"{path.name} was deleted"
        assert after[path][: len(data)] == data, f"{path.name} was cut or rewritten"


def record_ids(path: Path) -> set[str]:
    with path.open("rb") as f:
        return {r.rec_headers.get_header("WARC-Record-ID") for r in ArchiveIterator(f)}


def indexed(db: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM warc_records ORDER BY id").fetchall()


def live_versions(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM versions WHERE source = 'live'").fetchone()[0])


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@FEW
@given(steps=st.lists(st.tuples(st.sampled_from("ab"), st.booleans()), min_size=3, max_size=6))
def test_two_configs_in_one_directory_keep_every_record_of_both(
    site: ReplaySite, steps: list[tuple[str, bool]]
) -> None:
    with scratch() as directory:
        page = Page(site)
        configs = {name: config(directory, site, name) for name in "ab"}
        seen: dict[Path, bytes] = {}
        for name, change in [("a", False), ("b", False), *steps]:  # both have archived before the draw
            if change:
                page.change()
            check(configs[name])
            now = files_state(directory)
            assert_nothing_lost(seen, now)
            seen = now
        for name, cfg in configs.items():
            code, out = verify(cfg)
            rows = indexed(directory / f"{name}.sqlite3")
            assert code == 0 and f"{len(rows)} records checked: no problems" in out and "note:" not in out, out
            responses = [r for r in rows if r["role"] == "version" and r["record_type"] == "response"]
            assert len(responses) == live_versions(directory / f"{name}.sqlite3"), "every version has its record"
        folders = {p.parent for p in seen}
        assert folders == {directory / "a-archive", directory / "b-archive"}, "each database its own folder"


def test_a_folder_another_database_owns_is_refused_in_one_line(site: ReplaySite, tmp_path: Path) -> None:
    Page(site)
    a = config(tmp_path, site, "a", archive_dir="shared")
    b = config(tmp_path, site, "b", archive_dir="shared")
    check(a)
    before = files_state(tmp_path)
    refused = run_monitor("check", config=b)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    [line] = refused.stderr.splitlines()
    assert line.startswith("error: archive folder ") and str(tmp_path / "shared") in line
    assert str(tmp_path / "a.sqlite3") in line and str(tmp_path / "b.sqlite3") in line, "names both databases"
    for command in ("verify", "export"):
        args = [command, *(["--wacz", str(tmp_path / "b.wacz")] if command == "export" else [])]
        other = run_monitor(*args, config=b)
        assert other.returncode == 1 and other.stderr.startswith("error: archive folder "), other.stderr
    assert files_state(tmp_path) == before, "nothing touched"
    assert verify(a)[0] == 0


@FEW
@given(before=st.integers(0, 2), after=st.integers(1, 3), quiet=st.integers(0, 2), torn=st.booleans())
@example(before=0, after=3, quiet=0, torn=False)  # the case: three checks archiving versions since
@example(before=1, after=3, quiet=1, torn=True)
def test_a_database_restored_from_a_backup_rejoins_its_archive(
    site: ReplaySite, before: int, after: int, quiet: int, torn: bool
) -> None:
    with scratch() as directory:
        page = Page(site)
        cfg = config(directory, site, "monitor")
        db = directory / "monitor.sqlite3"
        check(cfg)
        for _ in range(before):
            page.change()
            check(cfg)
        backup = directory / "backup.sqlite3"
        with sqlite3.connect(db) as src, sqlite3.connect(backup) as dst:
            src.backup(dst)
        for i in range(after + quiet):  # `after` versions archived since the backup, unchanged checks between
            if i < after:
                page.change()
            check(cfg)
        versions = live_versions(db)
        if torn:  # and a kill inside the last WARC write: its torn tail is on disk, the backup knows nothing of it
            page.change()
            assert run_monitor("check", config=cfg, extra_env={"MONITOR_FAULT": "mid_warc"}).returncode == -9
        written = files_state(directory)
        ids = set().union(*(record_ids(p) for p in written)) if not torn else None

        db.unlink()
        for extra in ("-wal", "-shm"):
            Path(f"{db}{extra}").unlink(missing_ok=True)
        shutil.copy(backup, db)  # the operator restores last night's backup
        out = check(cfg)

        assert_nothing_lost(written, files_state(directory))
        assert f"{after} versions rejoined from the archive" in out, out
        rows = indexed(db)
        if ids is not None:
            assert ids <= {r["record_id"] for r in rows}, "every record on disk is indexed again"
        expected = versions + (1 if torn else 0)  # the torn capture's change is captured again, whole
        assert live_versions(db) == expected
        assert "1 alerts created" in out if torn else "0 alerts created" in out, "nothing already told is told twice"
        code, report = verify(cfg)
        assert code == 0 and f"{len(rows)} records checked: no problems" in report, report
        assert ("not adopted" in report) == torn, report  # a torn tail it cannot prove it wrote is kept, named
        status = run_monitor("status", config=cfg)
        assert status.returncode == 0 and ("! archive: " in status.stdout) == torn, status.stdout
        history = run_monitor("history", STILL_FLAWED.url, config=cfg)
        assert history.returncode == 0 and note(before + after) in history.stdout, history.stdout
