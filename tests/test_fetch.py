"""The fetcher against a real loopback server: conditional GETs and connection reuse."""

from __future__ import annotations

import asyncio
from pathlib import Path

from monitor.config import load_settings
from monitor.core.model import Validators
from monitor.sources.fetch import Fetcher, Response
from tests.conftest import ROBOTS, write_config
from tests.replay import ReplaySite
from tests.site import EFF

PAGES = [f"/deeplinks/2025/01/page-{i}" for i in range(12)]


def _fetch_all(cfg: Path, validators: dict[str, Validators]) -> list[Response]:
    async def run() -> list[Response]:
        async with Fetcher(load_settings(cfg)) as fetcher:
            return list(await asyncio.gather(*(fetcher.get(EFF + p, validators.get(p)) for p in PAGES)))

    return asyncio.run(run())


def _serve(site: ReplaySite, tmp_path: Path, *, concurrency: int, delay: float = 0.0,
           robots_headers: dict[str, str] | None = None) -> Path:
    """robots.txt and PAGES on the site; the config that fetches them with `concurrency` slots."""
    site.set("/robots.txt", ROBOTS, content_type="text/plain", headers=robots_headers)
    for path in PAGES:
        site.set(path, f"<html><body><p>{path}</p></body></html>", delay=delay)
    return write_config(tmp_path, site, [], host_concurrency=concurrency, rewrite={EFF: site.base_url})


def test_304_answers_keep_their_connection(tmp_path: Path) -> None:
    """A 304 closed unread would close its connection: every warm request would pay a handshake."""
    with ReplaySite() as site:
        cfg = _serve(site, tmp_path, concurrency=2)
        cold = _fetch_all(cfg, {})
        assert all(r.status == 200 for r in cold)
        site.connections = 0
        warm = _fetch_all(cfg, {p: r.validators for p, r in zip(PAGES, cold, strict=True)})
        assert [r.status for r in warm] == [304] * len(PAGES)
        assert site.connections <= 2, f"{site.connections} connections for {len(PAGES)} conditional GETs"


def test_requests_to_one_host_overlap_up_to_host_concurrency_and_no_further(tmp_path: Path) -> None:
    with ReplaySite() as site:
        cfg = _serve(site, tmp_path, concurrency=3, delay=0.05)
        assert all(r.status == 200 for r in _fetch_all(cfg, {}))
        assert site.max_in_flight == 3
        assert site.connections <= 3 + 1, "one keep-alive connection per slot (and robots.txt's)"


def test_a_cookie_the_host_sets_reaches_every_later_request_whatever_lane_carries_it(tmp_path: Path) -> None:
    """Lanes are separate clients: they must still share one cookie jar, as one client did, or a
    host's consent or bot-check cookie would reach some requests and not others (variants, noise)."""
    with ReplaySite() as site:
        cfg = _serve(site, tmp_path, concurrency=3, delay=0.02, robots_headers={"Set-Cookie": "consent=1; Path=/"})
        _fetch_all(cfg, {})
        pages = [r for r in site.requests if r.path in PAGES]
        assert len(pages) == len(PAGES)
        assert all(r.headers.get("Cookie") == "consent=1" for r in pages), [r.headers.get("Cookie") for r in pages]
