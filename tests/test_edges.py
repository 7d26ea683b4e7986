"""Every bad number at the edges is one line: web query parameters and ids (400 or 404, never 500), and
the whole-number and seconds parsers the command line uses (ASCII digits only, in range)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from monitor.config import Settings
from monitor.core.numbers import MAX_ID, NumberError, seconds_value, whole_number
from monitor.store.database import open_store
from monitor.web import create_app

BAD_LIMITS = ["²", "٣", "１０", "-1", "0", "1001", "1e3", "abc", "", " ", "10.5", "9" * 25, "0x10", "1_000"]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    db = tmp_path / "monitor.sqlite3"
    open_store(db).close()
    with TestClient(create_app(Settings(database=db, web_bind="")), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("limit", BAD_LIMITS)
def test_a_bad_limit_is_a_400_with_one_line(client: TestClient, limit: str) -> None:
    answer = client.get("/api/changes", params={"limit": limit})
    assert answer.status_code == 400, answer.text
    message = answer.json()["error"]
    assert "limit must be" in message and "\n" not in message


@pytest.mark.parametrize("limit", ["1", "100", "1000", " 7 "])
def test_a_good_limit_answers(client: TestClient, limit: str) -> None:
    assert client.get("/api/changes", params={"limit": limit}).status_code == 200


@pytest.mark.parametrize("path", [
    "/article/" + "9" * 25, "/article/" + "9" * 19, f"/article/1/diff/1/{'9' * 30}",
    f"/article/{'9' * 30}/version/1.warc.gz", "/article/²", "/article/-1", "/article/9223372036854775807",
])
def test_a_huge_or_strange_id_is_a_404_never_a_500(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


@given(st.text(max_size=30))
def test_whole_number_takes_ascii_digits_in_range_or_says_one_line(raw: str) -> None:
    try:
        value = whole_number(raw, "an id")
    except NumberError as exc:
        assert str(exc).startswith("an id (a whole number from 0 to") and "\n" not in str(exc)
        return
    assert raw.strip().isascii() and raw.strip().isdigit() and 0 <= value <= MAX_ID


@given(st.text(max_size=20))
def test_seconds_value_is_finite_ascii_or_one_line(raw: str) -> None:
    try:
        value = seconds_value(raw, "--grace takes seconds")
    except NumberError as exc:
        assert "\n" not in str(exc)
        return
    assert raw.strip().isascii() and 0 <= value <= 86400
