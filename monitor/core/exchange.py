"""One HTTP exchange as it went over the wire, kept so it can be archived as WARC records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exchange:
    """The request we sent and the response we got, before any content decoding.

    `raw_body` is the body as received after HTTP/1.1 transfer framing (chunking) was removed
    by the client and before Content-Encoding (gzip…) was decoded: what the server sent.
    Header lists keep the wire's order, spelling and repeats.
    """

    fetch_url: str  # where the GET went (after the fetch-only rewrite), e.g. http://127.0.0.1:8080/…
    method: str
    request_headers: tuple[tuple[str, str], ...]
    http_version: str  # "HTTP/1.1"
    status: int
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    raw_body: bytes
    started_at: str  # ISO 8601 UTC with microseconds: when the request went out (the WARC-Date)
