"""`monitor verify`: every indexed WARC record is still there, byte for byte, and warcio agrees.

Three checks per record: the bytes at (file, offset, length) hash to the SHA-256 the index kept;
warcio parses them as one record with the id we indexed; its block and payload digests verify.
A live version captured since the archive began without a record is reported missing too.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import sqlite3
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from monitor.store.archive import has_tables, indexed_ends, our_files
from monitor.store.database import Store


@dataclass
class Verification:
    records: int = 0
    problems: list[str] = field(default_factory=list)  # one line each: missing or altered
    notes: list[str] = field(default_factory=list)  # not failures (an interrupted write cut next start)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_archive(store: Store, directory: Path) -> Verification:
    conn, result = store.conn, Verification()
    if not has_tables(conn):
        result.notes.append("no WARC records yet (nothing captured since archiving began)")
        return result
    rows = conn.execute("SELECT id, file, byte_offset, byte_length, sha256, record_id, record_type, target_uri,"
                        " warc_date FROM warc_records ORDER BY file, byte_offset").fetchall()
    handles: dict[str, bytes | None] = {}
    for _, name, offset, length, sha256, record_id, kind, uri, date in rows:
        result.records += 1
        what = f"{kind} record {record_id} of {uri or name} at {date} ({name}@{offset})"
        if name not in handles:
            path = directory / name
            handles = {name: path.read_bytes() if path.is_file() else None}  # one file in memory at a time
        data = handles[name]
        if data is None:
            result.problems.append(f"missing: {what}: file {directory / name} not found")
            continue
        chunk = data[offset : offset + length]
        if len(chunk) < length:
            result.problems.append(f"missing: {what}: the file ends at byte {len(data)}")
        elif hashlib.sha256(chunk).hexdigest() != sha256:
            result.problems.append(f"altered: {what}: SHA-256 differs from the index")
        elif error := _warc_problem(chunk, record_id):
            result.problems.append(f"altered: {what}: {error}")
    _missing_versions(conn, result)
    ends = indexed_ends(conn)
    for path in our_files(directory):
        extra = path.stat().st_size - ends.get(path.name, 0)
        if extra > 0:
            result.notes.append(f"{path.name}: {extra} bytes after the last indexed record (an interrupted "
                                "write; cut at the start of the next check)")
    return result


def _warc_problem(chunk: bytes, record_id: str) -> str | None:
    """What warcio finds wrong with one stored record, None when it reads and its digests verify."""
    try:
        records = []
        for record in ArchiveIterator(BytesIO(chunk), check_digests=True):
            record.content_stream().read()
            records.append((record.rec_headers.get_header("WARC-Record-ID"), record.digest_checker))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        return f"warcio cannot read it ({type(exc).__name__}: {str(exc)[:120]})"
    if len(records) != 1 or records[0][0] != record_id:
        return f"holds {len(records)} record(s), not the indexed record {record_id}"
    checker = records[0][1]
    if checker.passed is False:
        return "; ".join(checker.problems)
    return _block_problem(chunk)


def _block_problem(chunk: bytes) -> str | None:
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


def _missing_versions(conn: sqlite3.Connection, result: Verification) -> None:
    """Live versions captured since the first record, with no response record of their own."""
    first = conn.execute("SELECT MIN(warc_date) FROM warc_records").fetchone()[0]
    if first is None:
        return
    rows = conn.execute(
        "SELECT v.id, v.seq, v.captured_at, a.url FROM versions v JOIN articles a ON a.id = v.article_id"
        " WHERE v.source = 'live' AND v.captured_at >= ? AND NOT EXISTS (SELECT 1 FROM warc_records w"
        " WHERE w.version_id = v.id AND w.role = 'version' AND w.record_type = 'response') ORDER BY v.id",
        (first[:19],),
    )
    for _, seq, captured, url in rows:
        result.problems.append(f"missing: no WARC record for version {seq} of {url} (captured {captured})")
