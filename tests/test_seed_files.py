"""Only seed files are seeds: decided by content, one bad file never stops the others, a fixed one imports later."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.sources.seeds import is_seed_text, scan_seeds
from tests.conftest import SEEDS_DIR, run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver
from tests.replay import ReplaySite
from tests.site import add_note, publish

REAL = sorted(p.name for p in SEEDS_DIR.iterdir() if p.is_file())
NOTE = "Update (3/2/2026): Eleven more states ratified the convention this week."

FOREIGN = {
    "README.md": "# Seeds\n\nCaptures of eff.org pages used as the first versions.\n\n- 000: the GA post\n",
    "notes.txt": "remember to re-capture 002 after the next update\n",
    "empty.txt": "",
    "list.csv": "url,title\nhttps://www.eff.org/x,X\n",
    "config.json": '{"title": "not a seed", "url": "https://www.eff.org/x"}\n',
    "front-matter-without-article.md": "---\nauthor: someone\nlayout: post\n---\n\nHello.\n",
}


def _dir_with(tmp_path: Path, extra: dict[str, str | bytes]) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    for name, content in extra.items():
        (seeds / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return seeds


def _bad_date(name: str, value: str) -> str:
    text = (SEEDS_DIR / name).read_text(encoding="utf-8")
    return text.replace("date: 2024-08-14", f"date: {value}", 1).replace("fetch_date:", "x_fetch_date:", 1)


def test_foreign_files_are_skipped_with_one_line_each_and_every_seed_still_imports(tmp_path: Path) -> None:
    scan = scan_seeds(_dir_with(tmp_path, dict(FOREIGN)))
    assert sorted(s.path.name for s in scan.seeds) == REAL
    assert scan.errors == []
    assert sorted(line.split(":")[0] for line in scan.skipped) == sorted(FOREIGN)
    assert all("\n" not in line for line in scan.skipped)


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("bad-day.txt", "", "unreadable date"),
    ("yesterday.txt", "", "unreadable date"),
])
def test_a_bad_seed_is_an_error_naming_it_while_the_others_import(
    tmp_path: Path, name: str, content: str | bytes, reason: str
) -> None:
    real = REAL[0]
    if not content:
        content = _bad_date(real, "2024-02-30" if name == "bad-day.txt" else "yesterday")
    scan = scan_seeds(_dir_with(tmp_path, {name: content}))
    assert sorted(s.path.name for s in scan.seeds) == REAL
    assert len(scan.errors) == 1 and scan.errors[0].startswith(f"{name}: ") and reason in scan.errors[0]
    assert "\n" not in scan.errors[0]


def test_the_real_seeds_are_seed_text_and_prose_is_not() -> None:
    for name in REAL:
        assert is_seed_text((SEEDS_DIR / name).read_text(encoding="utf-8")), name
    for content in FOREIGN.values():
        assert not is_seed_text(content)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.text(max_size=400), st.binary(max_size=400)))
def test_any_stray_file_never_stops_the_real_seeds(tmp_path_factory: pytest.TempPathFactory,
                                                   content: str | bytes) -> None:
    scan = scan_seeds(_dir_with(tmp_path_factory.mktemp("s"), {"zz-stray": content}))
    assert {s.path.name for s in scan.seeds} >= set(REAL)
    assert all("\n" not in line for line in [*scan.errors, *scan.skipped])


def test_a_readme_in_seeds_does_not_hide_a_note_added_since_the_capture(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    """The end-to-end story: a stray README, and the live page has a note the capture lacks → one alert."""
    seeds = _dir_with(tmp_path, {"README.md": FOREIGN["README.md"]})
    publish(site, [add_note(a, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])
    cfg = write_config(tmp_path, site, [receiver.url()], seeds_dir=seeds)
    result = run_monitor("check", config=cfg)
    assert result.returncode == 0, result.stderr
    assert "README.md: not a seed file" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(receiver.messages) == 1 and "Eleven more states" in receiver.messages[0]["message"]


def test_a_seed_that_failed_imports_on_a_later_run_once_fixed(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    seeds = _dir_with(tmp_path, {})
    broken = seeds / REAL[0]
    good = broken.read_text(encoding="utf-8")
    broken.write_text(_bad_date(REAL[0], "2024-02-30"), encoding="utf-8")
    cfg = write_config(tmp_path, site, [receiver.url()], seeds_dir=seeds, feeds=[])
    first = run_monitor("check", config=cfg)
    assert first.returncode == 0 and f"{REAL[0]}: unreadable date" in first.stderr
    assert first.stderr.count(REAL[0]) == 1 and "Traceback" not in first.stderr
    broken.write_text(good, encoding="utf-8")
    second = run_monitor("check", config=cfg)
    assert second.returncode == 0 and REAL[0] not in second.stderr
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
        sources = {r[0] for r in conn.execute("SELECT source FROM versions")}
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert f"seed:{REAL[0]}" in sources
    assert receiver.messages == []
