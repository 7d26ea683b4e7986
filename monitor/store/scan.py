"""Reading WARC records back from a file: each gzip member whole, parsed and its digests checked.

Used to verify indexed records (`monitor verify`) and to adopt records no row points to (a database
restored from a backup, the complete records of a write that was interrupted): a record is only ever
indexed once warcio reads it and its block and payload digests hold. A gzip member that does not end
(a torn tail) stops the scan: it is never mistaken for a record.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

_PIECE = 1 << 20


@dataclass(frozen=True)
class Found:
    """One complete, verified record of a file, not (yet) indexed."""

    file: str
    offset: int
    length: int
    sha256: str
    record_type: str
    record_id: str
    target_uri: str
    warc_date: str
    payload_digest: str | None
    status: int | None
    mime: str
    concurrent_to: str  # WARC-Concurrent-To (a request names its response)
    refers_to: str  # WARC-Refers-To (a revisit names the response it repeats)
    fields: dict[str, str]  # a warcinfo's fields
    content_type: str  # a response's Content-Type header, charset included
    content_encoding: str
    payload: bytes  # a response's body as sent (before Content-Encoding is undone); empty otherwise


@dataclass
class Scanned:
    found: list[Found]
    end: int  # where the last complete, verified record ends (the scan's start when none)
    problem: str | None  # why the scan stopped before the end of the range, None when it reached it


def scan(path: Path, start: int, stop: int | None = None) -> Scanned:
    """The records of `path` from byte `start` (a record boundary) to `stop` (default: the end)."""
    with path.open("rb") as f:
        f.seek(start)
        data = f.read() if stop is None else f.read(max(0, stop - start))
    result = Scanned([], start, None)
    at = 0
    while at < len(data):
        length = member_length(data, at)
        if length is None:
            result.problem = f"{len(data) - at} bytes at offset {start + at} are not a complete gzip member"
            break
        chunk = data[at : at + length]
        found, problem = read_record(path.name, start + at, chunk)
        if found is None:
            result.problem = f"the record at offset {start + at}: {problem}"
            break
        result.found.append(found)
        at += length
        result.end = start + at
    return result


def member_length(data: bytes, at: int) -> int | None:
    """The length of the complete gzip member starting at `at`; None when it does not end (or is not gzip).

    Inflated a piece at a time into nothing: a member that inflates to gigabytes costs no memory."""
    inflater = zlib.decompressobj(wbits=31)
    view = memoryview(data)[at:]
    pos = 0
    try:
        while not inflater.eof:
            if pos >= len(view):
                return None
            piece = view[pos : pos + _PIECE]
            pos += len(piece)
            inflater.decompress(piece, _PIECE)
            while inflater.unconsumed_tail and not inflater.eof:
                inflater.decompress(inflater.unconsumed_tail, _PIECE)
    except zlib.error:
        return None
    return pos - len(inflater.unused_data)


def read_record(file: str, offset: int, chunk: bytes) -> tuple[Found | None, str | None]:
    """The one record in `chunk` with its digests verified, else (None, what is wrong)."""
    try:
        records: list[Found] = []
        for record in ArchiveIterator(BytesIO(chunk), check_digests=True):
            payload = record.raw_stream.read()
            checker = record.digest_checker
            if checker.passed is False:
                return None, "; ".join(checker.problems)
            head = record.rec_headers
            http = record.http_headers
            kind = head.get_header("WARC-Type") or ""
            status = int(http.get_statuscode()) if http is not None and kind in ("response", "revisit") else None
            fields = _fields(payload) if kind == "warcinfo" else {}
            records.append(Found(
                file=file, offset=offset, length=len(chunk), sha256=hashlib.sha256(chunk).hexdigest(),
                record_type=kind, record_id=head.get_header("WARC-Record-ID") or "",
                target_uri=head.get_header("WARC-Target-URI") or "", warc_date=head.get_header("WARC-Date") or "",
                payload_digest=head.get_header("WARC-Payload-Digest"), status=status,
                mime=_mime(kind, http), concurrent_to=head.get_header("WARC-Concurrent-To") or "",
                refers_to=head.get_header("WARC-Refers-To") or "", fields=fields,
                content_type=(http.get_header("Content-Type") or "") if http is not None else "",
                content_encoding=(http.get_header("Content-Encoding") or "") if http is not None else "",
                payload=payload if kind == "response" else b""))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        return None, f"warcio cannot read it ({type(exc).__name__}: {str(exc)[:120]})"
    if len(records) != 1 or not records[0].record_id:
        return None, f"holds {len(records)} records, not one"
    if problem := block_problem(chunk):
        return None, problem
    return records[0], None


def record_problem(chunk: bytes, record_id: str) -> str | None:
    """What is wrong with an indexed record's bytes, None when it reads and its digests verify."""
    found, problem = read_record("", 0, chunk)
    if found is None:
        return problem
    if found.record_id != record_id:
        return f"holds the record {found.record_id}, not the indexed record {record_id}"
    return None


def block_problem(chunk: bytes) -> str | None:
    """The block digest, recomputed by hand: warcio leaves it unchecked for revisit records."""
    data = gzip.decompress(chunk)
    head, _, rest = data.partition(b"\r\n\r\n")
    fields = dict(line.split(": ", 1) for line in head.decode("utf-8").split("\r\n")[1:] if ": " in line)
    declared = fields.get("WARC-Block-Digest", "")
    algorithm, _, value = declared.partition(":")
    if algorithm != "sha1":
        return f"no block digest we can check ({declared or 'none'})"
    block = rest[: int(fields.get("Content-Length", "0"))]
    if base64.b32encode(hashlib.sha1(block).digest()).decode() != value:
        return f"block digest failed: {declared}"
    return None


def _fields(payload: bytes) -> dict[str, str]:
    text = payload.decode("utf-8", errors="replace")
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in text.splitlines()) if k.strip()}


def _mime(kind: str, http: object) -> str:
    if kind == "warcinfo":
        return "application/warc-fields"
    if kind == "request":
        return "application/http; msgtype=request"
    value = http.get_header("Content-Type") if http is not None else None  # type: ignore[attr-defined]
    return value.split(";")[0].strip().lower() if value else "unk"
