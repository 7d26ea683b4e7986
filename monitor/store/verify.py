"""`monitor verify`: every indexed WARC record is still there, byte for byte, and warcio agrees.

Three checks per record: the bytes at (file, offset, length) hash to the SHA-256 the index kept;
warcio parses them as one record with the id we indexed; its block and payload digests verify.
A live version captured since the archive began without a record is reported missing too; bytes of
the folder no record points to are named (kept, adopted at the next check or why not).
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from monitor.store.archive import has_tables
from monitor.store.database import Store
from monitor.store.owner import check_owner
from monitor.store.recovery import archive_notes
from monitor.store.scan import record_problem


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
    check_owner(directory, store.path, conn)
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
        elif error := record_problem(chunk, record_id):
            result.problems.append(f"altered: {what}: {error}")
    _missing_versions(conn, result)
    result.notes += archive_notes(conn, directory)
    return result


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
