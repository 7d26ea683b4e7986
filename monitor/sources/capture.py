"""What went over the wire for one GET, kept for the WARC record: the raw body as the server sent it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from monitor.core.exchange import Exchange


class RawTap(httpx.AsyncByteStream):
    """Keeps a copy of the response's raw stream (de-chunked, not content-decoded) as it is read."""

    def __init__(self, inner: httpx.AsyncByteStream) -> None:
        self._inner = inner
        self.chunks: list[bytes] = []

    @classmethod
    def install(cls, resp: httpx.Response) -> RawTap:
        assert isinstance(resp.stream, httpx.AsyncByteStream)
        tap = cls(resp.stream)
        resp.stream = tap
        return tap

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self.chunks.append(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def exchange_of(resp: httpx.Response, started: str, raw_body: bytes) -> Exchange:
    def pairs(headers: httpx.Headers) -> tuple[tuple[str, str], ...]:
        return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw)

    return Exchange(
        fetch_url=str(resp.request.url), method=resp.request.method, request_headers=pairs(resp.request.headers),
        http_version=resp.http_version, status=resp.status_code, reason=resp.reason_phrase,
        response_headers=pairs(resp.headers), raw_body=raw_body, started_at=started,
    )
