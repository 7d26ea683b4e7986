"""Every capture that makes a version is a WARC record warcio reads back, indexed only once it is whole."""

from __future__ import annotations

import asyncio
import gzip
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from monitor.app.cycle import run_cycle
from monitor.config import load_settings
from monitor.store.database import open_store
from monitor.store.owner import LOCK_FILE
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import STILL_FLAWED
from tests.replay import ReplaySite
from tests.site import add_note, article_page

NOTE = "Update (5/5/2026): The treaty's first review conference was postponed."
WARCIO = Path(sys.executable).with_name("warcio")


def article_config(tmp_path: Path, site: ReplaySite, **extra: Any) -> Path:
    """One tracked article, no seeds, no feed: each check is one fetch of it."""
    (tmp_path / "no-seeds").mkdir(exist_ok=True)
    return write_config(tmp_path, site, [], seeds_dir=tmp_path / "no-seeds", feeds=[], articles=[STILL_FLAWED.url],
                        **extra)


def check(cfg: Path, **env: str) -> subprocess.CompletedProcess[str]:
    result = run_monitor("check", config=cfg, extra_env=env)
    assert result.returncode == 0, result.stderr
    return result


def index_rows(tmp_path: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM warc_records ORDER BY id").fetchall()


def read_back(path: Path) -> list[tuple[int, int, Any, bytes]]:
    """(offset, length, record, payload) of every record, digests checked by warcio."""
    out = []
    with path.open("rb") as f:
        records = ArchiveIterator(f, check_digests=True)
        for record in records:
            payload = record.content_stream().read()
            records.read_to_end()
            checked = record.digest_checker.passed  # warcio leaves revisits unchecked: verify does that
            assert checked is (None if record.rec_type == "revisit" else True), record.digest_checker.problems
            out.append((records.get_record_offset(), records.get_record_length(), record, payload))
    return out


def warc_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "archive").glob("*.warc.gz"))


def test_each_version_is_archived_exactly_as_exchanged(tmp_path: Path, site: ReplaySite) -> None:
    cfg = article_config(tmp_path, site)
    check(cfg)
    check(cfg)  # unchanged (a 304): counted, no record
    site.set(STILL_FLAWED.path, article_page(add_note(STILL_FLAWED, NOTE)))
    check(cfg)

    [warc] = warc_files(tmp_path)
    assert subprocess.run([WARCIO, "check", "-v", str(warc)], capture_output=True).returncode == 0
    records = read_back(warc)
    rows = index_rows(tmp_path)
    assert [r["record_type"] for r in rows] == ["warcinfo", "request", "response", "request", "response"]
    assert [(r["byte_offset"], r["byte_length"]) for r in rows] == [(o, n) for o, n, _, _ in records], \
        "the index points at every record, and only at whole records"
    info, request, response = (r for _, _, r, _ in records[:3])
    assert b"operator: " in records[0][3] and b"robots: obey" in records[0][3]
    assert response.rec_headers.get_header("WARC-Target-URI") == STILL_FLAWED.url, "the eff.org identity"
    assert response.rec_headers.get_header("X-Monitor-Fetched-URI") == site.base_url + STILL_FLAWED.path
    assert response.rec_headers.get_header("WARC-Concurrent-To") == request.rec_headers.get_header("WARC-Record-ID")
    assert response.rec_headers.get_header("WARC-Warcinfo-ID") == info.rec_headers.get_header("WARC-Record-ID")
    assert request.http_headers.get_header("User-Agent").startswith("deeplinks-monitor")
    assert response.http_headers.get_statuscode() == "200"
    assert records[2][3] == article_page(STILL_FLAWED).encode() and NOTE.encode() not in records[2][3]
    assert NOTE.encode() in records[4][3]
    assert records[4][2].rec_headers.get_header("WARC-Date") > response.rec_headers.get_header("WARC-Date")
    assert len({r["version_id"] for r in rows[1:]}) == 2, "two versions, a request and a response each"
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
        assert conn.execute("SELECT checks FROM archive_unchanged").fetchall() == [(1,)], "the 304 was counted"


def test_gzip_and_chunked_body_is_stored_as_sent_with_consistent_headers(tmp_path: Path, site: ReplaySite) -> None:
    page = article_page(STILL_FLAWED).encode()
    site.set(STILL_FLAWED.path, gzip.compress(page), headers={"Content-Encoding": "gzip"}, framing="chunked")
    check(article_config(tmp_path, site))

    [warc] = warc_files(tmp_path)
    response = next(r for _, _, r, _ in read_back(warc) if r.rec_type == "response")
    with warc.open("rb") as f:
        raw = next(r.raw_stream.read() for r in ArchiveIterator(f) if r.rec_type == "response")
    assert gzip.decompress(raw) == page, "the body bytes as sent, before decoding"
    assert response.http_headers.get_header("Content-Encoding") == "gzip"
    assert response.http_headers.get_header("Content-Length") == str(len(raw))
    assert response.http_headers.get_header("Transfer-Encoding") is None, "the client removed the chunking"
    assert response.rec_headers.get_header("X-Monitor-Original-Transfer-Encoding") == "chunked"


@pytest.mark.parametrize("point", ["mid_warc", "after_warc"])
def test_kill_9_while_archiving_leaves_no_half_record_indexed(tmp_path: Path, site: ReplaySite, point: str) -> None:
    cfg = article_config(tmp_path, site)
    check(cfg)
    [warc] = warc_files(tmp_path)
    whole = warc.stat().st_size
    site.set(STILL_FLAWED.path, article_page(add_note(STILL_FLAWED, NOTE)))

    crashed = run_monitor("check", config=cfg, extra_env={"MONITOR_FAULT": point})
    assert crashed.returncode == -9
    assert warc.stat().st_size > whole, "bytes of the interrupted capture are on disk"
    assert len(index_rows(tmp_path)) == 3, "but nothing points at them"
    verify = run_monitor("verify", config=cfg)
    assert verify.returncode == 0 and "interrupted write" in verify.stdout, verify.stdout + verify.stderr

    size = warc.stat().st_size
    check(cfg)  # the next start cuts the torn tail only, then captures the change again
    rows = index_rows(tmp_path)
    kept = [r for r in rows if r["role"] == "abandoned"]
    new = [r for r in rows[3:] if r["role"] == "version"]
    assert [r["record_type"] for r in rows[:3]] == ["warcinfo", "request", "response"]
    assert [r["record_type"] for r in new] == ["request", "response"], "the change is captured again, whole"
    assert len(rows) == 3 + len(kept) + 2
    if point == "after_warc":
        assert [r["record_type"] for r in kept] == ["request", "response"], "complete records are never cut"
        assert new[0]["byte_offset"] == size, "nothing was cut"
    else:
        assert len(kept) < 2 and new[0]["byte_offset"] < size, "only the torn tail was cut"
    at = whole
    for row in rows[3:]:  # the kept records, then the new ones, back to back from where the whole one ended
        assert row["byte_offset"] == at
        at += row["byte_length"]
    assert warc.stat().st_size == at
    assert len(read_back(warc)) == len(rows)
    assert subprocess.run([WARCIO, "check", str(warc)], capture_output=True).returncode == 0
    verified = run_monitor("verify", config=cfg)
    assert verified.returncode == 0 and "note:" not in verified.stdout, verified.stdout + verified.stderr


def test_verify_reports_an_altered_byte_and_a_missing_file(tmp_path: Path, site: ReplaySite) -> None:
    cfg = article_config(tmp_path, site)
    check(cfg)
    assert run_monitor("verify", config=cfg).returncode == 0
    [warc] = warc_files(tmp_path)
    response = index_rows(tmp_path)[2]
    data = bytearray(warc.read_bytes())
    data[response["byte_offset"] + response["byte_length"] // 2] ^= 0x01
    warc.write_bytes(bytes(data))

    result = run_monitor("verify", config=cfg)
    assert result.returncode == 1
    problems = result.stderr.splitlines()
    assert len(problems) == 1 and problems[0].startswith("altered: response record"), result.stderr
    assert STILL_FLAWED.url in problems[0] and response["record_id"] in problems[0]

    warc.unlink()
    result = run_monitor("verify", config=cfg)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 3 and all(
        line.startswith("missing: ") for line in result.stderr.splitlines()), result.stderr


def test_dry_run_archives_nothing(tmp_path: Path, site: ReplaySite) -> None:
    check(article_config(tmp_path, site))
    before = [p.stat().st_size for p in warc_files(tmp_path)]
    site.set(STILL_FLAWED.path, article_page(add_note(STILL_FLAWED, NOTE)))
    result = run_monitor("check", "--dry-run", config=tmp_path / "monitor.toml")
    assert result.returncode == 0, result.stderr
    assert [p.stat().st_size for p in warc_files(tmp_path)] == before


def run_in_process(cfg: Path, **archive: Any) -> None:
    settings = replace(load_settings(cfg), **archive)
    with open_store(settings.database) as store:
        report = asyncio.run(run_cycle(settings, store, []))
        assert not report.errors, report.errors


def test_with_archive_revisits_unchanged_checks_are_revisit_records(tmp_path: Path, site: ReplaySite) -> None:
    cfg = article_config(tmp_path, site)
    run_in_process(cfg, archive_revisits=True)
    run_in_process(cfg, archive_revisits=True)  # 304: server-not-modified
    site.set(STILL_FLAWED.path, article_page(STILL_FLAWED, dom_id="f" * 32))  # other bytes, same article
    run_in_process(cfg, archive_revisits=True)

    rows = index_rows(tmp_path)
    assert [(r["role"], r["record_type"]) for r in rows] == [
        ("file", "warcinfo"), ("version", "request"), ("version", "response"),
        ("unchanged", "revisit"), ("unchanged", "request"), ("unchanged", "response")]
    assert len({r["version_id"] for r in rows[1:]}) == 1, "all about the one version"
    [warc] = warc_files(tmp_path)
    records = {r.rec_headers.get_header("WARC-Record-ID"): r for _, _, r, _ in read_back(warc)}
    revisit = records[rows[3]["record_id"]]
    assert revisit.rec_headers.get_header("WARC-Profile").endswith("/revisit/server-not-modified")
    assert revisit.rec_headers.get_header("WARC-Refers-To") == rows[2]["record_id"]
    assert revisit.http_headers.get_statuscode() == "304"
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
        assert conn.execute("SELECT checks FROM archive_unchanged").fetchall() == [(2,)]
    verified = run_monitor("verify", config=cfg)
    assert verified.returncode == 0 and "6 records checked" in verified.stdout, verified.stdout + verified.stderr


def test_files_rotate_by_size_each_with_its_warcinfo(tmp_path: Path, site: ReplaySite) -> None:
    cfg = article_config(tmp_path, site)
    run_in_process(cfg, archive_file_bytes=1000)
    site.set(STILL_FLAWED.path, article_page(add_note(STILL_FLAWED, NOTE)))
    run_in_process(cfg, archive_file_bytes=1000)

    files = warc_files(tmp_path)
    assert len(files) == 2 and files[0].parent == (tmp_path / "monitor.sqlite3").parent / "archive"
    for warc in files:
        assert [r.rec_type for _, _, r, _ in read_back(warc)] == ["warcinfo", "request", "response"]
    assert run_monitor("verify", config=cfg).returncode == 0


def test_a_failed_archive_write_costs_no_alert_and_verify_names_the_version(tmp_path: Path, site: ReplaySite) -> None:
    cfg = article_config(tmp_path, site)
    check(cfg)
    lock = tmp_path / "archive" / LOCK_FILE
    lock.unlink()
    lock.mkdir()  # the folder cannot be locked for writing (as on a read-only volume)
    site.set(STILL_FLAWED.path, article_page(add_note(STILL_FLAWED, NOTE)))

    result = check(cfg)
    assert NOTE in result.stdout, "the change is still recorded and alerted"
    assert "archive: cannot use the folder" in result.stderr and "1 errors" in result.stdout, "and the operator told"
    verified = run_monitor("verify", config=cfg)
    lines = verified.stderr.splitlines()
    assert verified.returncode == 1 and len(lines) == 1, verified.stderr
    assert lines[-1].startswith("missing: no WARC record for version 2 of " + STILL_FLAWED.url)


def test_a_version_that_is_not_committed_takes_its_records_back(tmp_path: Path, site: ReplaySite) -> None:
    from monitor.core.exchange import Exchange
    from monitor.store.archive import Archive

    store = open_store(tmp_path / "monitor.sqlite3")
    try:
        archive = Archive(store, tmp_path / "archive", operator="test")
        exchange = Exchange(STILL_FLAWED.url, "GET", (), "HTTP/1.1", 200, "OK", (), b"<p>x</p>",
                            "2026-01-01T00:00:00.000000Z")
        article = store.track(STILL_FLAWED.url, "config")
        with pytest.raises(RuntimeError), archive.capture(article.id, STILL_FLAWED.url, exchange, version=True,
                                                          unchanged=False):
            assert warc_files(tmp_path)[0].stat().st_size > 0, "written before the version's transaction"
            raise RuntimeError("the version's transaction failed")
        assert warc_files(tmp_path) == [], "and taken back when it does not commit"
        assert index_rows(tmp_path) == []
    finally:
        store.close()


def test_web_view_links_each_archived_version_as_a_download_never_inline(tmp_path: Path, site: ReplaySite) -> None:
    from starlette.testclient import TestClient

    from monitor.web import create_app

    cfg = article_config(tmp_path, site)
    check(cfg)
    site.set(STILL_FLAWED.path, article_page(add_note(STILL_FLAWED, NOTE)))
    check(cfg)
    client = TestClient(create_app(load_settings(cfg)))
    page = client.get("/article/1")
    assert page.status_code == 200
    assert 'href="/article/1/version/1.warc.gz"' in page.text and 'href="/article/1/version/2.warc.gz"' in page.text
    assert "monitor export --wacz" in page.text, "says how to replay"

    download = client.get("/article/1/version/2.warc.gz")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="article-1-version-2.warc.gz"'
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["x-content-type-options"] == "nosniff"
    warc = tmp_path / "download.warc.gz"
    warc.write_bytes(download.content)
    records = read_back(warc)
    assert [r.rec_type for _, _, r, _ in records] == ["warcinfo", "request", "response"]
    assert NOTE.encode() in records[2][3]
    assert client.get("/article/1/version/9.warc.gz").status_code == 404
