"""The spool that holds raw bodies between reading and judging: every body comes back byte for byte,
in any order, also when the disk refuses it (then it stays in memory)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.app.spool import BodySpool


@given(st.lists(st.binary(max_size=3000), max_size=30), st.randoms())
def test_every_parked_body_comes_back_exactly_in_any_order(bodies: list[bytes], rng: object) -> None:
    spool = BodySpool()
    parked = [(body, spool.park(body)) for body in bodies]
    rng.shuffle(parked)  # type: ignore[attr-defined]
    try:
        assert all(spool.take(p) == body for body, p in parked)
        assert all(p.inline is None for body, p in parked if body), "bodies go to disk, not memory"
    finally:
        spool.close()


def test_a_missing_directory_falls_back_to_the_system_temporary_directory(tmp_path: Path) -> None:
    spool = BodySpool(directory=str(tmp_path / "missing"))
    parked = spool.park(b"<html>the page</html>")
    assert parked.inline is None and spool.take(parked) == b"<html>the page</html>"
    spool.close()


def test_where_no_disk_takes_them_the_bodies_stay_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-tmp"))
    spool = BodySpool(directory=str(tmp_path / "missing"))
    parked = spool.park(b"<html>the page</html>")
    assert parked.inline == b"<html>the page</html>" and spool.take(parked) == b"<html>the page</html>"


def test_the_spool_file_is_unlinked(tmp_path: Path) -> None:
    spool = BodySpool(directory=str(tmp_path))
    spool.park(b"x" * 100_000)
    assert list(tmp_path.iterdir()) == [], "nothing left behind, even if the process is killed"
    spool.close()
