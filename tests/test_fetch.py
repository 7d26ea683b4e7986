"""The fetcher against a real loopback server: conditional GETs, connection reuse, and bounded input."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from monitor.config import Settings, load_settings
from monitor.core.errors import FetchError
from monitor.core.model import Validators
from monitor.sources.fetch import MAX_RETRY_AFTER, Fetcher, Response
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


# -- bounded waits: one deadline per request, Retry-After never slept on, a budget for spacing ----

PAGE = b"<html><body><p>" + b"A paragraph of the article. " * 400 + b"</p></body></html>"


class _With:
    """Settings plus attributes the config file cannot set yet (read by the fetcher with getattr)."""

    def __init__(self, settings: Settings, **extra: object) -> None:
        self._settings = settings
        self.__dict__.update(extra)

    def __getattr__(self, name: str) -> object:
        return getattr(self._settings, name)


def _settings(site: ReplaySite, tmp_path: Path, **extra: object) -> Settings:
    config = {"max_bytes": 200_000, "retry_backoff": 0.1, "allowed_hosts": [], **extra}
    return load_settings(write_config(tmp_path, site, [], **config))


def _get(settings: Settings, url: str, validators: Validators | None = None) -> Response | FetchError:
    async def run() -> Response | FetchError:
        async with Fetcher(settings) as fetcher:
            try:
                return await fetcher.get(url, validators)
            except FetchError as exc:
                return exc

    return asyncio.run(run())


def _error(settings: Settings, url: str) -> str:
    answer = _get(settings, url)
    assert isinstance(answer, FetchError), f"expected a FetchError, got HTTP {answer.status}"
    assert "\n" not in str(answer)
    return str(answer)


@pytest.fixture
def bare_site() -> Iterator[ReplaySite]:
    with ReplaySite() as s:
        s.set("/robots.txt", ROBOTS, content_type="text/plain")
        yield s


def test_a_trickling_server_meets_one_deadline_for_the_whole_request(tmp_path: Path, bare_site: ReplaySite) -> None:
    """httpx's timeout is per read: a byte every second never trips it. `timeout` bounds the whole request."""
    bare_site.set("/slow", PAGE, trickle=1.0)
    started = time.monotonic()
    assert _error(_settings(bare_site, tmp_path, timeout=2), f"{bare_site.base_url}/slow") == "timed out after 2s"
    assert time.monotonic() - started < 15, "two attempts of 2 s each and a 0.1 s backoff"
    assert bare_site.hits("/slow") == 2, "a timeout is tried once more, as before"


def test_a_retry_after_of_a_year_is_a_capped_block_not_a_sleep(tmp_path: Path, bare_site: ReplaySite) -> None:
    bare_site.set("/busy", "slow down", status=429, headers={"Retry-After": str(365 * 24 * 3600)})
    bare_site.set("/other", PAGE)

    async def run() -> tuple[str, str, float]:
        async with Fetcher(_settings(bare_site, tmp_path)) as fetcher:
            with pytest.raises(FetchError) as first:
                await fetcher.get(f"{bare_site.base_url}/busy")
            with pytest.raises(FetchError) as second:
                await fetcher.get(f"{bare_site.base_url}/other")
            return str(first.value), str(second.value), fetcher.blocked_until["127.0.0.1"]

    started = time.monotonic()
    first, second, until = asyncio.run(run())
    assert time.monotonic() - started < 10
    assert first.startswith("HTTP 429") and "asked us to wait" in second
    assert until <= time.time() + MAX_RETRY_AFTER + 5, "capped at MAX_RETRY_AFTER"
    assert bare_site.hits("/other") == 0


def test_request_spacing_has_a_budget_per_cycle_then_the_host_waits_for_the_next(
    tmp_path: Path, bare_site: ReplaySite
) -> None:
    """Crawl-delay or host_delay times many pages must not stretch one cycle without end."""
    for i in range(6):
        bare_site.set(f"/p{i}", PAGE)
    settings = cast(Settings, _With(_settings(bare_site, tmp_path, host_delay=0.5), max_host_wait=1.2))

    async def run() -> list[Response | BaseException]:
        async with Fetcher(settings) as fetcher:
            urls = [f"{bare_site.base_url}/p{i}" for i in range(6)]
            return list(await asyncio.gather(*(fetcher.get(u) for u in urls), return_exceptions=True))

    started = time.monotonic()
    answers = asyncio.run(run())
    assert time.monotonic() - started < 10
    fetched = [a for a in answers if isinstance(a, Response)]
    refused = [str(a) for a in answers if isinstance(a, FetchError)]
    assert 2 <= len(fetched) <= 4 and len(fetched) + len(refused) == 6, answers
    assert all("request spacing" in r and "checked next cycle" in r for r in refused), refused
