"""The fetcher against a real loopback server: conditional GETs, connection reuse, and bounded input."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.config import Settings, load_settings
from monitor.core.errors import FetchError
from monitor.core.model import Validators
from monitor.sources.fetch import MAX_RETRY_AFTER, Fetcher, Response
from tests.conftest import REPO, ROBOTS, write_config
from tests.encodings import CODINGS, encode, gzip_gzip_bomb
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


# -- bounded input: a deadline per request, decoded bytes capped as they stream, incomplete bodies refused ----

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


@pytest.mark.parametrize("codings", [["gzip"], ["deflate"], ["deflate-raw"], ["gzip", "deflate"],
                                     ["deflate-raw", "gzip"], ["identity", "gzip"],
                                     *([["br"], ["gzip", "br"]] if "br" in CODINGS else [])])
def test_encoded_bodies_read_the_same(tmp_path: Path, bare_site: ReplaySite, codings: list[str]) -> None:
    body, header = encode(PAGE, codings)
    bare_site.set("/p", body, headers={"Content-Encoding": header}, framing="chunked")
    answer = _get(_settings(bare_site, tmp_path), f"{bare_site.base_url}/p")
    assert isinstance(answer, Response) and answer.body == PAGE


@pytest.mark.parametrize(("header", "message"), [
    ("gzip, gzip, gzip", "refused response with 3 stacked content encodings (at most 2)"),
    ("compress", "unsupported content encoding 'compress'"),
    ("gzip, x-unheard-of", "unsupported content encoding 'x-unheard-of'"),
])
def test_stacks_of_three_and_unknown_encodings_are_refused(
    tmp_path: Path, bare_site: ReplaySite, header: str, message: str
) -> None:
    bare_site.set("/p", encode(PAGE, ["gzip"] * 3)[0], headers={"Content-Encoding": header})
    assert _error(_settings(bare_site, tmp_path), f"{bare_site.base_url}/p") == message


def test_a_compressed_stream_that_stops_short_is_incomplete(tmp_path: Path, bare_site: ReplaySite) -> None:
    """Well framed (the Content-Length is right), but the gzip stream inside ends early: never a version."""
    body = encode(PAGE, ["gzip"])[0]
    bare_site.set("/p", body[: len(body) - 20], headers={"Content-Encoding": "gzip"})
    message = _error(_settings(bare_site, tmp_path), f"{bare_site.base_url}/p")
    assert message == "incomplete response: the gzip stream ends early"


def test_corrupt_compressed_data_is_one_line(tmp_path: Path, bare_site: ReplaySite) -> None:
    bare_site.set("/p", b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4, headers={"Content-Encoding": "gzip"})
    assert _error(_settings(bare_site, tmp_path), f"{bare_site.base_url}/p") == "undecodable response body (gzip)"


@pytest.mark.parametrize(("framing", "message"), [
    ("truncate", f"incomplete response: got {len(PAGE) // 2} of {len(PAGE)} bytes"),
    ("cut-chunk", "incomplete response: got "),
])
def test_a_body_cut_short_is_incomplete_never_a_page(
    tmp_path: Path, bare_site: ReplaySite, framing: str, message: str
) -> None:
    bare_site.set("/p", PAGE, framing=framing)
    assert _error(_settings(bare_site, tmp_path), f"{bare_site.base_url}/p").startswith(message)
    assert bare_site.hits("/p") == 2, "tried once more in the same cycle, like a network error"


def test_messages_never_carry_credentials_or_query_tokens(tmp_path: Path, bare_site: ReplaySite) -> None:
    secret = "s3cr3t-T0ken"
    bare_site.set("/loop", "", status=302, headers={"Location": f"/loop?token={secret}"})
    url = bare_site.base_url.replace("http://", f"http://user:{secret}@") + f"/loop?token={secret}"
    message = _error(_settings(bare_site, tmp_path), url)
    assert message == f"too many redirects (more than 5) from {bare_site.base_url}/loop"
    bare_site.set("/to-file", "", status=302, headers={"Location": f"file://me:{secret}@localhost/etc/passwd?k={secret}"})
    message = _error(_settings(bare_site, tmp_path), f"{bare_site.base_url}/to-file")
    assert message == "refused file URL (only http and https): file://localhost/etc/passwd"


_PEAK_RSS = """
import asyncio, sys
from pathlib import Path
from monitor.config import load_settings
from monitor.core.errors import FetchError
from monitor.sources.fetch import Fetcher

def peak_kb():
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmHWM:")).split()[1])

async def main():
    async with Fetcher(load_settings(Path(sys.argv[1]))) as fetcher:
        try:
            await fetcher.get(sys.argv[2])
            return "fetched"
        except FetchError as exc:
            return str(exc)

before = peak_kb()
outcome = asyncio.run(main())
print(before, peak_kb(), outcome)
"""


def test_a_gzip_gzip_bomb_never_inflates_in_memory(tmp_path: Path, bare_site: ReplaySite) -> None:
    """1 KB of `gzip, gzip` is 512 MB of zeros: the fetching process's peak RSS stays near max_bytes."""
    bomb = gzip_gzip_bomb()
    assert len(bomb) < 4096
    bare_site.set("/bomb", bomb, headers={"Content-Encoding": "gzip, gzip"})
    cfg = write_config(tmp_path, bare_site, [], max_bytes=200_000, allowed_hosts=[])
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    result = subprocess.run([sys.executable, "-c", _PEAK_RSS, str(cfg), f"{bare_site.base_url}/bomb"],
                            capture_output=True, text=True, timeout=60, env=env, check=False)
    assert result.returncode == 0, result.stderr
    before_kb, after_kb, outcome = result.stdout.strip().split(" ", 2)
    assert outcome == "response too large (over max_bytes 200000)"
    grown_mb = (int(after_kb) - int(before_kb)) / 1024
    assert grown_mb < 0.2 + 60, f"peak RSS grew by {grown_mb:.0f} MB fetching a 1 KB response"


_CODING_STACKS = st.lists(st.sampled_from(CODINGS), min_size=1, max_size=2)
_MAX_BYTES = 300_000
# Up to a few MB decoded; hypothesis favours small integers, so the large sizes get a branch of their own.
_SIZES = st.integers(0, 400_000) | st.integers(400_000, 4_000_000)


def _body(kind: str, size: int, seed: int) -> bytes:
    """One byte repeated (the best ratio), a repeated random unit, or random bytes; no NUL (that reads as binary)."""
    rng = random.Random(seed)
    if kind == "one-byte":
        return b"a" * size
    if kind == "random":
        return rng.randbytes(min(size, 600_000)).replace(b"\x00", b"\x01")
    unit = rng.randbytes(rng.randint(1, 300)).replace(b"\x00", b"\x01")
    return (unit * (size // len(unit) + 1))[:size]


@pytest.fixture(scope="module")
def shared_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ReplaySite, Settings]]:
    with ReplaySite() as s:
        s.set("/robots.txt", ROBOTS, content_type="text/plain")
        s.set("/warm", PAGE)
        yield s, _settings(s, tmp_path_factory.mktemp("prop"), max_bytes=_MAX_BYTES)


def _traced_get(settings: Settings, url: str) -> tuple[Response | FetchError, int]:
    """Fetch `url` with a warm fetcher (robots.txt read, connection open); the peak of traced allocations."""

    async def run() -> tuple[Response | FetchError, int]:
        async with Fetcher(settings) as fetcher:
            await fetcher.get(url.rsplit("/", 1)[0] + "/warm")
            tracemalloc.start()
            try:
                return await fetcher.get(url), tracemalloc.get_traced_memory()[1]
            except FetchError as exc:
                return exc, tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

    return asyncio.run(run())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codings=_CODING_STACKS, kind=st.sampled_from(["one-byte", "text", "random"]),
       size=_SIZES, seed=st.integers(0, 2**32), framing=st.sampled_from(["length", "chunked"]))
def test_decoded_bytes_in_memory_never_pass_max_bytes(
    shared_site: tuple[ReplaySite, Settings], codings: list[str], kind: str, size: int, seed: int, framing: str
) -> None:
    """Whatever the stack (1-2 codings) and ratio: the body is returned whole and ≤ max_bytes, or it is a
    FetchError, and the fetch never holds much more than max_bytes (traced Python allocations: the decoded
    pieces and their join, a raw read, one piece per stage)."""
    site, config = shared_site
    data = _body(kind, size, seed)
    body, header = encode(data, codings)
    site.set("/p", body, headers={"Content-Encoding": header}, framing=framing)
    answer, peak = _traced_get(config, f"{site.base_url}/p")
    if isinstance(answer, FetchError):
        assert str(answer).startswith("response too large"), answer
        assert len(data) > _MAX_BYTES or len(body) > _MAX_BYTES
    else:
        assert answer.body == data and len(answer.body) <= _MAX_BYTES
    assert peak < 2 * _MAX_BYTES + 1_000_000, f"{peak} bytes traced for a {len(data)}-byte body"




def test_a_malformed_url_is_one_line_without_secrets(tmp_path: Path, bare_site: ReplaySite) -> None:
    bare_site.set("/robots.txt", "", status=404)
    config = _settings(bare_site, tmp_path)
    message = _error(config, "http://user:pw@127.0.0.1:99999/x?token=t0k")
    assert message == "refused malformed URL: http://127.0.0.1:(bad port)/x"
    message = _error(config, f"{bare_site.base_url}/a\x01\nb?token=t0k")
    assert message == f"invalid URL: {bare_site.base_url}/a?b"  # (urlsplit drops the newline)
