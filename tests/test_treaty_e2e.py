"""The treaty's status end to end: `monitor check` reads a loopback replay of treaties.un.org (the configured UN URL,
rewritten), alerts readers through real Apprise receivers, fails closed on what is not the document, archives every
reading as WARC, and `monitor status` tells the count toward 40."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from monitor.config.treaty import DEFAULT_TREATY_URL
from tests.conftest import run_monitor, write_config
from tests.receivers import JsonReceiver
from tests.replay import ReplaySite
from tests.site import EFF
from tests.test_email_screenshot import ARTIFACTS, CHROMIUM, chromium, run_chromium
from tests.test_web import serving
from tests.treaty_docs import LABELS, MAINTENANCE, Doc, Row, cell_date, html_doc, xml_doc

UN = "https://treaties.un.org"
PATH = DEFAULT_TREATY_URL.removeprefix(UN)
HANOI = dt.date(2025, 10, 25)


@pytest.fixture
def un() -> Iterator[ReplaySite]:
    with ReplaySite() as s:
        yield s


@pytest.fixture
def ops() -> Iterator[JsonReceiver]:
    r = JsonReceiver()
    yield r
    r.close()


def hanoi() -> Doc:
    """The stored snapshot's shape: signatories of 25 October 2025, none with an instrument yet; the EU among them,
    a footnoted name, names outside ASCII (bytes in ISO-8859-1)."""
    return Doc(rows=[Row("Algeria", cell_date(HANOI)), Row("Côte d'Ivoire", cell_date(HANOI)),
                     Row("European Union", cell_date(HANOI)), Row("Qatar", cell_date(HANOI), marks=("2",)),
                     Row("Türkiye", cell_date(HANOI)), Row("Viet Nam", cell_date(HANOI), marks=("3", "5"))])


def with_rows(doc: Doc, **cells: tuple[str, str]) -> Doc:
    rows = [Row(r.name, *cells[r.name], marks=r.marks) if r.name in cells else r for r in doc.rows]
    rows += [Row(name, *c) for name, c in cells.items() if name not in {r.name for r in doc.rows}]
    return replace(doc, rows=rows)


def setup(tmp_path: Path, un: ReplaySite, readers: JsonReceiver, ops: JsonReceiver, **treaty: object) -> Path:
    (tmp_path / "no-seeds").mkdir(exist_ok=True)
    return write_config(tmp_path, un, [readers.url()], feeds=[], seeds_dir=tmp_path / "no-seeds",
                        notify_admin=[ops.url()], rewrite={EFF: un.base_url, UN: un.base_url},
                        treaty={"enabled": True, "interval": 0, **treaty})


def check(cfg: Path) -> str:
    result = run_monitor("check", config=cfg)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stderr


def titles(r: JsonReceiver) -> list[str]:
    return [m["title"] for m in r.messages]


def test_a_history_of_the_convention_through_monitor_check(tmp_path: Path, un: ReplaySite, receiver: JsonReceiver,
                                                             ops: JsonReceiver) -> None:
    cfg = setup(tmp_path, un, receiver, ops)
    un.set(PATH, xml_doc(hanoi()), content_type="text/xml")
    check(cfg)
    assert titles(receiver) == [] and titles(ops) == [], "the first reading is a baseline"
    # Qatar ratifies, Mauritius signs, the EU approves (not counted), Viet Nam accedes … in one reading.
    day = dt.date(2026, 3, 12)
    doc = with_rows(hanoi(), Qatar=(cell_date(HANOI), cell_date(day)), Mauritius=(cell_date(dt.date(2025, 11, 19)), ""),
                    **{"European Union": (cell_date(HANOI), cell_date(day + dt.timedelta(days=1), "AA")),
                       "Viet Nam": (cell_date(HANOI), cell_date(day + dt.timedelta(days=2), "a"))})
    un.set(PATH, xml_doc(doc), content_type="text/xml")
    check(cfg)
    assert titles(receiver) == [
        "Signature: Mauritius signed (7 signatories)",
        "Ratification: Qatar ratified (1 of 40 needed for entry into force)",
        "Ratification: European Union approved (still 2 of 40 needed for entry into force)",
        "Ratification: Viet Nam acceded (2 of 40 needed for entry into force)",
    ]
    assert ("Viet Nam acceded to the UN Convention against Cybercrime on 14 March 2026"
            in receiver.messages[3]["message"])
    assert titles(ops) == []
    # Unchanged, then a 304: nothing more; the same document is not stored twice.
    check(cfg)
    assert len(receiver.messages) == 4
    # Not the document: the maintenance page, relabelled columns, a cut-off body, a table that lost most rows.
    broken = [MAINTENANCE, xml_doc(replace(doc, labels=(*LABELS[:2], "Definitive signature"))),
              xml_doc(doc)[:-200], xml_doc(replace(doc, rows=doc.rows[:2]))]
    for body in broken:
        un.set(PATH, body, content_type="text/xml")
        assert "source unavailable" in check(cfg)
    assert len(receiver.messages) == 4, "readers hear nothing of an unusable document"
    assert titles(ops) == ["Treaty status unavailable: the UN Convention against Cybercrime"], "told once per outage"
    assert "maintenance page" in ops.messages[0]["message"]
    # Back, with a withdrawal and a corrected date: one alert each, nothing about the outage to readers.
    doc2 = with_rows(doc, **{"[Türkiye]": (cell_date(HANOI), "")},
                     Algeria=(cell_date(dt.date(2025, 10, 26)), ""))
    doc2 = replace(doc2, rows=[r for r in doc2.rows if r.name != "Türkiye"])
    un.set(PATH, xml_doc(doc2), content_type="text/xml")
    check(cfg)
    assert titles(receiver)[4:] == ["Status corrected: Algeria: signature date corrected",
                                    "Withdrawal: Türkiye withdrew"]
    status = run_monitor("status", config=cfg)
    assert ("treaty: the UN Convention against Cybercrime: 2 of 40 instruments toward entry into force, "
            "European Union not counted (art. 65(1)); 7 signatories") in status.stdout
    data = json.loads(run_monitor("status", "--json", config=cfg).stdout)["treaty"]
    assert data["count"] == 2 and data["state"] == "ok" and data["withdrawn"] == ["Türkiye"]
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as db:
        versions = db.execute("SELECT seq, warc_record FROM treaty_versions ORDER BY seq").fetchall()
        documents = db.execute("SELECT COUNT(*) FROM warc_records WHERE role = 'document' AND record_type = 'response'"
                               ).fetchone()[0]
    assert [v[0] for v in versions] == [1, 2, 3] and all(v[1] for v in versions), "each reading has its WARC record"
    assert documents == 3
    verify = run_monitor("verify", config=cfg)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    look_at_the_status_page(cfg, tmp_path)


def look_at_the_status_page(cfg: Path, tmp_path: Path) -> None:
    """The web view's status page and Atom feed over that history; in headless Chromium where it is installed
    (always under CI), with a screenshot kept for a person to look at."""
    with serving(cfg) as url:
        page = httpx.get(f"{url}/treaty", trust_env=False)
        assert page.status_code == 200
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())
        assert "2 of 40 instruments of ratification, acceptance, approval or accession" in text
        assert "European Union not counted on top of its member States'" in text
        assert "[Türkiye] withdrawn" in text and "Viet Nam 3, 5 2025-10-25 2026-03-14 accession yes" in text
        assert "Türkiye withdrew" in text and "Algeria: signature date corrected" in text  # the history
        atom = httpx.get(f"{url}/changes.atom", trust_env=False).text
        assert atom.count("<entry>") == 6 and "Qatar ratified (1 of 40 needed for entry into force)" in atom
        if not (CHROMIUM.exists() or os.environ.get("CI")):
            return
        browser, profile = chromium(), tmp_path / "profile"
        result = run_chromium(browser, profile, "--dump-dom", f"{url}/treaty")
        assert result.returncode == 0 and "2 of 40" in result.stdout, result.stderr[-2000:]
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "treaty-status.png"
        run_chromium(browser, profile, f"--screenshot={shot}", f"{url}/treaty")
        assert shot.is_file() and shot.stat().st_size > 5000


def test_the_fortieth_instrument_names_the_date_and_the_html_grid_reads_alike(
        tmp_path: Path, un: ReplaySite, receiver: JsonReceiver, ops: JsonReceiver) -> None:
    page = "/Pages/ViewDetails.aspx"
    cfg = setup(tmp_path, un, receiver, ops, needed=3, url=f"{UN}{page}?src=TREATY&mtdsg_no=XVIII-16")
    start = with_rows(hanoi(), Qatar=(cell_date(HANOI), cell_date(dt.date(2026, 1, 5))))
    un.set(page, html_doc(start, encoding="iso-8859-1"), content_type="text/html; charset=iso-8859-1")
    check(cfg)
    third = with_rows(start, Algeria=(cell_date(HANOI), cell_date(dt.date(2026, 2, 1), "A")),
                      **{"Côte d'Ivoire": (cell_date(HANOI), cell_date(dt.date(2026, 2, 3), "AA")),
                         "European Union": (cell_date(HANOI), cell_date(dt.date(2026, 2, 2), "AA"))})
    un.set(page, html_doc(third, encoding="iso-8859-1"), content_type="text/html; charset=iso-8859-1")
    check(cfg)
    assert titles(receiver) == [
        "Ratification: Algeria accepted (2 of 3 needed for entry into force)",
        "Ratification: European Union approved (still 3 of 3 needed for entry into force)",
        "Ratification: Côte d'Ivoire approved (3 of 3 needed for entry into force)",
        "Entry into force: 3 of 3: in force on 4 May 2026",
    ]
    assert titles(ops) == []


def test_off_reads_nothing_and_status_says_so(tmp_path: Path, un: ReplaySite, receiver: JsonReceiver,
                                               ops: JsonReceiver) -> None:
    cfg = setup(tmp_path, un, receiver, ops, enabled=False)
    un.set(PATH, xml_doc(hanoi()), content_type="text/xml")
    check(cfg)
    assert un.requests == [] and "treaty: off" in run_monitor("status", config=cfg).stdout


def test_read_at_most_once_per_interval_and_conditionally(tmp_path: Path, un: ReplaySite, receiver: JsonReceiver,
                                                          ops: JsonReceiver) -> None:
    cfg = setup(tmp_path, un, receiver, ops, interval=21600)
    un.set(PATH, xml_doc(hanoi()), content_type="text/xml")
    check(cfg)
    check(cfg)
    assert un.hits(PATH) == 1, "the default interval: four readings a day at most"
    cfg = setup(tmp_path, un, receiver, ops, interval=0)
    check(cfg)
    (_, again) = [r for r in un.requests if r.path == PATH]
    assert again.headers.get("If-None-Match"), "the next reading is conditional"
