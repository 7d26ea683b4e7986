"""WARC/1.1 records (ISO 28500) of our HTTP exchanges, built with warcio, one gzip member each.

What is stored, and the one liberty taken: the body is the bytes the server sent, before any
Content-Encoding was decoded (a gzip body stays gzip, with its `Content-Encoding: gzip`). The HTTP
client removes transfer framing (chunking) before we see the bytes, so a chunked response is stored
de-chunked: its `Transfer-Encoding` header is dropped and a `Content-Length` of the stored body is
given, and the WARC header `X-Monitor-Original-Transfer-Encoding` keeps what the server had said.
Everything else (status line, header order, spelling and repeats) is as it went over the wire.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from importlib.metadata import version as package_version
from io import BytesIO
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import BufferWARCWriter

from monitor import __version__
from monitor.core.exchange import Exchange

WARC_VERSION = "WARC/1.1"
PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
DATABASE_FIELD = "database-id"
FETCHED_URI = "X-Monitor-Fetched-URI"  # where the GET really went (a replay or mirror), when not the target URI


@dataclass(frozen=True)
class Built:
    """One record, serialised: `data` is one gzip member, appended to a file as is."""

    record_type: str
    record_id: str
    target_uri: str
    warc_date: str
    payload_digest: str | None
    status: int | None
    mime: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def software() -> str:
    return f"deeplinks-monitor/{__version__} (warcio {package_version('warcio')})"


def warcinfo(filename: str, *, operator: str, robots: str = "obey", database_id: str = "") -> Built:
    """The first record of every file: who wrote it, with what, under which policy, for which database
    (`database-id`: a database adopts a file it does not index only when the file names it)."""
    fields = {
        "software": software(),
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "operator": operator,
        "robots": robots,
        "isPartOf": "deeplinks-monitor",
        DATABASE_FIELD: database_id,
        "description": "Captures of articles whose content changed (first capture and each change), "
                       "with the request and the response as exchanged.",
    }
    body = "".join(f"{k}: {v}\r\n" for k, v in fields.items() if v).encode("utf-8")
    headers = _headers("warcinfo", "", _now(), [("WARC-Filename", filename)])
    record = _builder().create_warc_record("", "warcinfo", payload=BytesIO(body), length=len(body),
                                           warc_content_type="application/warc-fields", warc_headers=headers)
    return _serialise(record, status=None, mime="application/warc-fields")


def exchange_records(target_uri: str, ex: Exchange, warcinfo_id: str) -> list[Built]:
    """The request and the response of one capture, each naming the other (WARC-Concurrent-To)."""
    request_id, response_id = _record_id(), _record_id()
    extra = [("WARC-Warcinfo-ID", warcinfo_id)]
    if ex.fetch_url != target_uri:
        extra.append((FETCHED_URI, ex.fetch_url))
    response_headers, notes = consistent_headers(ex)
    response = _builder().create_warc_record(
        target_uri, "response", payload=BytesIO(ex.raw_body), length=len(ex.raw_body),
        http_headers=StatusAndHeaders(_status_line(ex), response_headers, protocol=ex.http_version),
        warc_headers=_headers("response", target_uri, ex.started_at,
                              [("WARC-Concurrent-To", request_id), *extra, *notes], record_id=response_id),
    )
    request = _builder().create_warc_record(
        target_uri, "request", payload=BytesIO(b""), length=0,
        http_headers=StatusAndHeaders(f"{ex.method} {_request_target(ex.fetch_url)} {ex.http_version}",
                                      list(ex.request_headers), protocol="", is_http_request=True),
        warc_headers=_headers("request", target_uri, ex.started_at,
                              [("WARC-Concurrent-To", response_id), *extra], record_id=request_id),
    )
    return [_serialise(request, status=None, mime="application/http; msgtype=request"),
            _serialise(response, status=ex.status, mime=_mime(ex))]


def revisit_record(target_uri: str, ex: Exchange, warcinfo_id: str, *, payload_digest: str | None,
                   refers_to: tuple[str, str, str] | None) -> Built:
    """An unchanged check: `server-not-modified` for a 304, `identical-payload-digest` for the same bytes.

    `refers_to` is (record id, target URI, WARC-Date) of the response it repeats, when we have it.
    """
    profile = PROFILE_NOT_MODIFIED if ex.status == 304 else PROFILE_IDENTICAL
    extra = [("WARC-Profile", profile), ("WARC-Warcinfo-ID", warcinfo_id)]
    if refers_to:
        extra += [("WARC-Refers-To", refers_to[0]), ("WARC-Refers-To-Target-URI", refers_to[1]),
                  ("WARC-Refers-To-Date", refers_to[2])]
    if payload_digest:
        extra.append(("WARC-Payload-Digest", payload_digest))
    if ex.fetch_url != target_uri:
        extra.append((FETCHED_URI, ex.fetch_url))
    headers, _ = consistent_headers(ex)
    record = _builder().create_warc_record(
        target_uri, "revisit", payload=BytesIO(b""), length=0,
        http_headers=StatusAndHeaders(_status_line(ex), headers, protocol=ex.http_version),
        warc_headers=_headers("revisit", target_uri, ex.started_at, extra),
    )
    return _serialise(record, status=ex.status, mime=_mime(ex))


def payload_digest(body: bytes) -> str:
    """The digest warcio writes as WARC-Payload-Digest (SHA-1, base32), to spot identical payloads."""
    digester = RecordBuilder()._create_digester()
    digester.update(body)
    return str(digester)


def consistent_headers(ex: Exchange) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Response headers that describe the stored body, and WARC notes on what had to change."""
    notes: list[tuple[str, str]] = []
    out: list[tuple[str, str]] = []
    for name, value in ex.response_headers:
        low = name.lower()
        if low == "transfer-encoding":
            notes.append(("X-Monitor-Original-Transfer-Encoding", value))
        elif low == "content-length" and ex.status != 304:
            if value.strip() != str(len(ex.raw_body)):
                notes.append(("X-Monitor-Original-Content-Length", value))
        else:
            out.append((name, value))
    if ex.status != 304:
        out.append(("Content-Length", str(len(ex.raw_body))))
    return out, notes


def _headers(kind: str, uri: str, date: str, extra: list[tuple[str, str]],
             record_id: str | None = None) -> StatusAndHeaders:
    fields = [("WARC-Type", kind), ("WARC-Record-ID", record_id or _record_id())]
    if uri:
        fields.append(("WARC-Target-URI", uri))
    fields.append(("WARC-Date", date))
    return StatusAndHeaders("", fields + extra, protocol=WARC_VERSION)


def _serialise(record: object, *, status: int | None, mime: str) -> Built:
    writer = BufferWARCWriter(gzip=True, warc_version=WARC_VERSION)
    writer.write_record(record)
    headers = record.rec_headers  # type: ignore[attr-defined]
    return Built(
        record_type=headers.get_header("WARC-Type"), record_id=headers.get_header("WARC-Record-ID"),
        target_uri=headers.get_header("WARC-Target-URI") or "", warc_date=headers.get_header("WARC-Date"),
        payload_digest=headers.get_header("WARC-Payload-Digest"), status=status, mime=mime,
        data=writer.get_contents(),
    )


def _builder() -> RecordBuilder:
    return RecordBuilder(warc_version=WARC_VERSION)


def _record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _status_line(ex: Exchange) -> str:
    return f"{ex.status} {ex.reason}".rstrip()


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _mime(ex: Exchange) -> str:
    for name, value in ex.response_headers:
        if name.lower() == "content-type":
            return value.split(";")[0].strip().lower()
    return "unk"
