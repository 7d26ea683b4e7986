"""The one way we fetch: polite, bounded, and strict about where it goes.

Conditional GET, a User-Agent, per-host spacing and concurrency (one keep-alive connection per slot, see
Lanes), Retry-After on 429/503 (the host is skipped for the rest of the cycle, never slept on), a total
deadline per request (connect, headers and body), a cap on decoded bytes as the body streams (see decoding),
incomplete bodies refused, redirects followed by hand so each hop is checked against `allowed_hosts`, and a
fetch-only URL rewrite so a local replay of the site keeps eff.org identities."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import email.utils
import http.cookiejar
import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from monitor.config import Settings
from monitor.core.errors import FetchError
from monitor.core.exchange import Exchange
from monitor.core.model import Validators
from monitor.sources.capture import RawTap, exchange_of
from monitor.sources.decoding import ACCEPT_ENCODING, BodyDecoder
from monitor.sources.hourly import HourlyLimit
from monitor.sources.neterrors import describe, where
from monitor.sources.robots import RobotsRules

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 6 * 3600.0
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)|<\?xml[^>]+encoding=["']([\w-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Response:
    """A usable answer: 200 with a body, or 304 (not modified, empty body)."""

    url: str
    status: int
    body: bytes
    content_type: str
    validators: Validators
    exchange: Exchange | None = field(default=None, repr=False, compare=False)  # the wire exchange, for the archive

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """Decode with the header charset, else the document's own declaration, else UTF-8."""
        return decode_body(self.body, self.content_type)


def decode_body(body: bytes, content_type: str) -> str:
    declared = re.search(r"charset=([\w-]+)", content_type or "", re.IGNORECASE)
    candidates = [declared.group(1)] if declared else []
    if sniffed := _CHARSET.search(body[:4096]):
        candidates.append((sniffed.group(1) or sniffed.group(2)).decode("ascii"))
    # A wrong label is common (cp1252 bytes sent as UTF-8): cp1252 before giving up on any byte.
    for charset in [*candidates, "utf-8", "cp1252"]:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


class UrlMap:
    """Identity URLs (what we store and alert with) ↔ fetch URLs (where we actually GET)."""

    def __init__(self, rewrite: tuple[tuple[str, str], ...], allowed_hosts: tuple[str, ...]) -> None:
        self._rewrite = sorted(rewrite, key=lambda pair: -len(pair[0]))
        self._allowed = {h.lower() for h in allowed_hosts}

    def to_fetch(self, url: str) -> str:
        for prefix, target in self._rewrite:
            if url == prefix or url.startswith(prefix + "/") or url.startswith(prefix + "?"):
                return target + url[len(prefix) :]
        return url

    def to_identity(self, url: str) -> str:
        for prefix, target in sorted(self._rewrite, key=lambda pair: -len(pair[1])):
            if url == target or url.startswith(target + "/") or url.startswith(target + "?"):
                return prefix + url[len(target) :]
        return url

    def check(self, url: str) -> None:
        """Refuse any identity URL that is not http(s) on an allowed host (file://, other sites)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"refused {parts.scheme or 'relative'} URL (only http and https): {short_url(url)}")
        try:
            host = (parts.hostname or "").lower()
            parts.port  # noqa: B018  (a port past 65535 raises here; the socket would raise OverflowError)
        except ValueError:
            raise FetchError(f"refused malformed URL: {short_url(url)}") from None
        if self._allowed and host not in self._allowed:
            raise FetchError(f"refused host {host!r}: not in allowed_hosts")


class Fetcher:
    """Async fetching shared by every step of a cycle; use as `async with Fetcher(settings) as f`."""

    def __init__(self, settings: Settings, *, hourly: HourlyLimit | None = None) -> None:
        self.settings = settings
        self.hourly = hourly or HourlyLimit(0)  # each host's sliding hour, request by request
        self.urls = UrlMap(settings.rewrite, settings.fetch_hosts)
        self._lanes = Lanes(settings)
        self._host_gates: dict[str, asyncio.Lock] = {}
        self._host_last: dict[str, float] = {}
        # Spacing (host_delay, Crawl-delay) is slept, so its total per host and cycle has a budget:
        # past it the host's remaining requests are left for the next cycle, as Retry-After does.
        self._wait_budget = float(settings.feed_interval if settings.max_host_wait is None else settings.max_host_wait)
        self._waited: dict[str, float] = {}
        self.blocked_until: dict[str, float] = {}  # host → Retry-After block end (epoch seconds)
        self.robots = RobotsRules()
        self._robots_unavailable: set[str] = set()
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self.requests = 0
        self.answered = 0  # requests that got an HTTP status back (any status): none at all means no network
        self.requests_by_host: collections.Counter[str] = collections.Counter()  # the host budget's spending
        self.bytes_received = 0

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._lanes.aclose()

    def restore_hosts(self, robots: dict[str, tuple[str, float]], blocked: dict[str, float]) -> None:
        """What earlier runs learnt of each host, clamped to the clock (a block ends within its cap from now, no
        robots.txt was fetched in the future): a clock that ran fast and was corrected recovers at once."""
        now = time.time()
        self.blocked_until = {host: min(until, now + MAX_RETRY_AFTER) for host, until in blocked.items()
                              if until > now}
        for host, (body, fetched_at) in robots.items():
            self.robots.remember(host, body, min(fetched_at, now))

    def host_memory(self) -> tuple[dict[str, tuple[str, float]], dict[str, float]]:
        return dict(self.robots.bodies), dict(self.blocked_until)

    async def get(self, url: str, validators: Validators | None = None, *, obey_robots: bool = True) -> Response:
        """GET an identity URL; FetchError with a one-line reason when the answer is not usable.

        Each hop is checked against allowed_hosts and robots.txt; a 5xx, timeout or network
        error is tried once more after `retry_backoff` seconds.
        """
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self.urls.check(current)
            if obey_robots:
                await self._obey_robots(current)
            try:
                answer = await self._get_once(current, validators)
            except FetchError as exc:
                if not exc.retry:
                    raise
                await asyncio.sleep(self.settings.retry_backoff)
                answer = await self._get_once(current, validators)
            if isinstance(answer, Response):
                return answer
            current = answer  # a redirect target, already mapped back to identity
            validators = None
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS}) from {short_url(url)}")

    async def _obey_robots(self, url: str) -> None:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        # One robots.txt request per host, however many pages wait for it (single flight).
        async with self._robots_locks.setdefault(host, asyncio.Lock()):
            if not self.robots.fresh(host) and host not in self._robots_unavailable:
                await self._fetch_robots(parts.scheme, parts.netloc, host)
        if not self.robots.allows(host, url):
            raise FetchError("disallowed by robots.txt for our user agent; not fetched")

    async def _fetch_robots(self, scheme: str, netloc: str, host: str) -> None:
        try:
            self.robots.remember(host, (await self.get(f"{scheme}://{netloc}/robots.txt", obey_robots=False)).text())
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                self.robots.remember(host, "")  # no robots.txt: everything is allowed
            else:
                self._robots_unavailable.add(host)  # asked again next cycle, not for every page
                log.warning("robots.txt of %s unavailable (%s); proceeding, will ask again", host, exc)

    def _refuse_if_blocked(self, host: str) -> None:
        if (until := self.blocked_until.get(host)) and until > time.time():
            when = dt.datetime.fromtimestamp(until, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
            raise FetchError(f"{host} asked us to wait (Retry-After); retrying after {when}", transient=True)

    async def _get_once(self, url: str, validators: Validators | None) -> Response | str:
        host = (urlsplit(url).hostname or "").lower()
        self._refuse_if_blocked(host)
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        async with self._lanes.lane(host) as client:  # at most host_concurrency requests in flight to one host
            async with self._host_gates.setdefault(host, asyncio.Lock()):  # starts spaced by host_delay
                self._refuse_if_blocked(host)  # a 429 may have come while this request queued
                spacing = max(self.settings.host_delay, self.robots.crawl_delay(host))
                hold = self.hourly.wait(host, time.time())  # the sliding hour's budget, request by request
                if (wait := max(self._host_last.get(host, 0.0) + spacing - time.monotonic(), hold)) > 0:
                    if self._waited.get(host, 0.0) + wait > self._wait_budget or hold > self.hourly.patience:
                        raise FetchError(self.hourly.refusal(host, time.time() + hold) if wait == hold else
                                         f"{host}: this cycle's {self._wait_budget:g}s of request spacing (host_delay,"
                                         " Crawl-delay) is used up; checked next cycle", transient=True)
                    self._waited[host] = self._waited.get(host, 0.0) + wait
                    await asyncio.sleep(wait)
                self._host_last[host] = time.monotonic()
                self.hourly.sent(host, time.time())
            try:
                # One deadline for the whole request: httpx's timeouts are per read, and a server
                # trickling a byte now and then would otherwise hold the cycle forever.
                async with asyncio.timeout(self.settings.timeout):
                    return await self._request(client, url, host, headers)
            except TimeoutError:
                raise FetchError(f"timed out after {self.settings.timeout:g}s", transient=True, retry=True) from None
            finally:
                self._host_last[host] = max(self._host_last[host], time.monotonic())

    async def _request(self, client: httpx.AsyncClient, url: str, host: str, headers: dict[str, str]) -> Response | str:
        fetch_url = self.urls.to_fetch(url)
        self.requests += 1
        started = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        self.requests_by_host[host] += 1
        try:
            async with client.stream("GET", fetch_url, headers=headers) as resp:
                status = resp.status_code
                self.answered += 1
                if status in (301, 302, 303, 307, 308):
                    location = resp.headers.get("location")
                    if not location:
                        raise FetchError(f"HTTP {status} without a Location from {short_url(url)}", status=status)
                    return self.urls.to_identity(urljoin(fetch_url, location))
                if status == 304:
                    # Read the (empty) body: a response closed unread also closes its connection, and
                    # a warm cycle would pay a new TCP (and TLS) handshake for every 304.
                    await resp.aread()
                    return Response(url, 304, b"", resp.headers.get("content-type", ""), _validators(resp),
                                    exchange_of(resp, started, b""))
                if status in (429, 503):
                    delay = retry_after_seconds(resp.headers.get("retry-after"))
                    self.blocked_until[host] = time.time() + (delay if delay is not None else 60.0)
                    raise FetchError(f"HTTP {status} from {host}; retrying later", transient=True, status=status)
                if status in (404, 410):
                    raise FetchError(f"HTTP {status} (gone)", status=status)
                if status >= 500:
                    raise FetchError(f"HTTP {status} from {host}", transient=True, status=status, retry=True)
                if status != 200:
                    raise FetchError(f"HTTP {status}", status=status)
                tap = RawTap.install(resp)  # the bytes as sent (still gzip…), for the WARC record
                body = await self._read_capped(resp)
                content_type = resp.headers.get("content-type", "")
                if _looks_binary(body, content_type):
                    raise FetchError(f"binary response ({content_type or 'no content-type'}), not a page or feed")
                return Response(url, 200, body, content_type, _validators(resp),
                                exchange_of(resp, started, b"".join(tap.chunks)))
        except httpx.ConnectTimeout:
            raise FetchError(f"timed out connecting to {where(fetch_url)} after {self.settings.timeout:g}s",
                             transient=True, retry=True) from None
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {self.settings.timeout:g}s", transient=True, retry=True) from None
        except httpx.HTTPError as exc:
            raise FetchError(f"network error ({describe(exc, where(fetch_url))})", transient=True,
                             retry=True) from None
        except httpx.InvalidURL:
            raise FetchError(f"invalid URL: {short_url(url)}") from None

    async def _read_capped(self, resp: httpx.Response) -> bytes:
        """The body, decoded as it streams: never more than max_bytes of it (raw or decoded) in memory."""
        limit = self.settings.max_bytes
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(f"response too large ({int(declared)} bytes > max_bytes {limit})")
        decoder = BodyDecoder(resp.headers.get("content-encoding", ""))
        chunks: list[bytes] = []
        size = 0
        try:
            async for raw in resp.aiter_raw():
                if resp.num_bytes_downloaded > limit:
                    raise FetchError(f"response too large (over max_bytes {limit})")
                for piece in decoder.feed(raw):
                    size += len(piece)
                    if size > limit:
                        raise FetchError(f"response too large (over max_bytes {limit})")
                    chunks.append(piece)
            decoder.finish()
        except (httpx.RemoteProtocolError, httpx.ReadError):
            # The connection ended before the body did (short of Content-Length, or mid-chunk).
            got = resp.num_bytes_downloaded
            expected = f" of {int(declared)}" if declared.isdigit() else ""
            raise FetchError(f"incomplete response: got {got}{expected} bytes", transient=True, retry=True) from None
        finally:
            self.bytes_received += resp.num_bytes_downloaded
        return b"".join(chunks)


class Lanes:
    """Per host, up to host_concurrency HTTP clients of one keep-alive connection each, lent one
    request at a time: waiting for a free lane is the host's concurrency limit.

    One client with one pool would do the same, but httpcore re-checks every idle connection of
    its pool several times per request (a socket query each): with eight connections that was a
    quarter of a warm cycle's CPU. The clients share one TLS context (loading CAs costs ~30 ms)
    and one cookie jar.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._tls = httpx.create_ssl_context()
        self._idle: dict[str, list[httpx.AsyncClient]] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._clients: list[httpx.AsyncClient] = []
        # One jar for every lane, as one client had: a cookie a host sets (a consent or bot check)
        # must reach all its requests, not those that happen to get the lane that received it.
        self._cookies = http.cookiejar.CookieJar()

    @contextlib.asynccontextmanager
    async def lane(self, host: str) -> AsyncIterator[httpx.AsyncClient]:
        async with self._slots.setdefault(host, asyncio.Semaphore(self._settings.host_concurrency)):
            idle = self._idle.setdefault(host, [])
            client = idle.pop() if idle else self._new_client()
            try:
                yield client
            finally:
                idle.append(client)

    def _new_client(self) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            timeout=httpx.Timeout(self._settings.timeout),
            headers={"User-Agent": self._settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            follow_redirects=False,
            cookies=self._cookies,
            transport=httpx.AsyncHTTPTransport(
                verify=self._tls, retries=1, limits=httpx.Limits(max_connections=1, max_keepalive_connections=1)
            ),
        )
        self._clients.append(client)
        return client

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds (a number or an HTTP date), capped; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    delta = when.timestamp() - (time.time() if now is None else now)
    return min(max(delta, 0.0), MAX_RETRY_AFTER)


def _validators(resp: httpx.Response) -> Validators:
    return Validators(resp.headers.get("etag"), resp.headers.get("last-modified"))


def _looks_binary(body: bytes, content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    if kind and not (kind.startswith("text/") or any(k in kind for k in ("xml", "html", "json", "gzip"))):
        return True
    return "gzip" not in kind and b"\x00" in body[:2048]  # gzip: a sitemap.xml.gz (sources.sitemaps)


def short_url(url: str) -> str:
    """URLs in messages as scheme://host[:port]/path: no credentials, no query string (either may carry
    a secret), no control characters, not too long."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "(an unreadable URL)"
    try:
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        port = ":(bad port)"
    host = f"[{host}]" if ":" in host else host
    shown = f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme or host else parts.path
    shown = "".join(c if c.isprintable() else "?" for c in shown)
    return shown if len(shown) <= 120 else shown[:117] + "..."
