"""Against a real nginx (its own ETag, Last-Modified and 304 logic, not ours): an unchanged site costs
only 304s, whichever validators the server sends, and an edit is read and alerted once.

The validators must be the server's own: nginx's `if_modified_since exact` answers 200 to a client
that sends its own clock as If-Modified-Since (it compares the date with the file's), so a monitor
that did would pay a full page for every check of a Last-Modified-only site, and this test would see
200s (tried: all three variants fail).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROBOTS, run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.nginx import MISSING, NGINX, NginxSite
from tests.receivers import JsonReceiver, squash
from tests.site import FEED_PATH, add_note, publish


@pytest.fixture(autouse=True)
def _nginx_installed() -> None:
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail(f"{MISSING}: CI must install it (see .ci/run)")
        pytest.skip(MISSING)

NOTE = "Update (2/10/2026): The treaty was signed by 72 states at a ceremony in Hanoi."


@pytest.fixture(params=["etag", "last-modified only", "gzip"])
def nginx(request: pytest.FixtureRequest) -> Iterator[NginxSite]:
    with NginxSite(gzip=request.param == "gzip", etag=request.param != "last-modified only") as site:
        site.set("/robots.txt", ROBOTS)
        publish(site, SEEDED)
        yield site


def _check(cfg: Path) -> None:
    result = run_monitor("check", config=cfg)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


def test_an_unchanged_site_costs_only_304s_and_an_edit_alerts_once(
    tmp_path: Path, nginx: NginxSite, receiver: JsonReceiver
) -> None:
    cfg = write_config(tmp_path, nginx, [receiver.url()])  # type: ignore[arg-type]
    _check(cfg)
    assert {s.uri for s in nginx.served() if s.status == 200} >= {a.path for a in SEEDED} | {FEED_PATH}

    mark = nginx.log_mark()
    _check(cfg)
    warm = [s for s in nginx.served(mark) if s.uri != "/robots.txt"]
    assert len(warm) == len(SEEDED) + 1, warm
    assert all(s.status == 304 for s in warm), f"validators not echoed exactly: {warm}"
    assert receiver.messages == []

    nginx.set(STILL_FLAWED.path, _page_with_note())
    mark = nginx.log_mark()
    _check(cfg)
    changed = [s for s in nginx.served(mark) if s.uri != "/robots.txt"]
    assert [s.uri for s in changed if s.status == 200] == [STILL_FLAWED.path]
    assert len(receiver.messages) == 1 and NOTE in squash(receiver.messages[0]["message"])

    mark = nginx.log_mark()
    _check(cfg)
    assert all(s.status == 304 for s in nginx.served(mark) if s.uri != "/robots.txt"), "the new validators are kept"
    assert len(receiver.messages) == 1


def _page_with_note() -> str:
    from tests.site import article_page

    return article_page(add_note(STILL_FLAWED, NOTE))


def test_the_access_log_and_cpu_counters_read_what_nginx_did() -> None:
    """The bench's counters: each request is in the log with its status and size, read right after the
    answer; the server's CPU grows with the work it does."""
    import http.client

    with NginxSite() as site:
        site.set("/a", "<p>" + "x" * 5000 + "</p>")
        mark, before = site.log_mark(), site.cpu_seconds()
        connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
        connection.request("GET", "/a")
        response = connection.getresponse()
        etag, body = response.getheader("ETag"), response.read()
        assert len(body) == 5007 and etag
        connection.request("GET", "/a", headers={"If-None-Match": etag})
        not_modified = connection.getresponse()
        not_modified.read()
        assert not_modified.status == 304
        served = site.served(mark)
        assert [(s.status, s.uri) for s in served] == [(200, "/a"), (304, "/a")]
        assert served[0].bytes_sent > 5007 > served[1].bytes_sent > 0
        for _ in range(3000):  # ~0.06 s of nginx CPU: several clock ticks
            connection.request("GET", "/a")
            connection.getresponse().read()
        connection.close()
        assert site.cpu_seconds() > before
        assert len(site.served(mark)) == 3002
