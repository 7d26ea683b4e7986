"""After an interrupted write: cut only what this database proves it wrote and abandoned; keep the rest.

Before appending, the archive notes the write in the database (`archive_inflight`: file, offset,
length); the note goes in the transaction that indexes the records. A note found at start is a write
that never got its index: its complete records are kept (indexed as `abandoned`: true captures whose
version was not recorded; the version is captured again), and only its torn tail — the bytes after its
last complete record, all within the noted length — is cut. A file that grew past the noted write, or
any bytes without a note, are never touched here: the records are adopted or reported (`rejoin`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from monitor.store.database import Store
from monitor.store.owner import our_files, read_owner
from monitor.store.scan import Found, scan
from monitor.store.warc import DATABASE_FIELD

log = logging.getLogger(__name__)

INFLIGHT_TABLE = """
CREATE TABLE IF NOT EXISTS archive_inflight (  -- the one write being made: what recovery may cut
    file TEXT NOT NULL,
    byte_offset INTEGER NOT NULL,  -- where the file ended when the write began
    byte_length INTEGER NOT NULL,  -- what it was to append
    article_id INTEGER
);
"""


@dataclass
class Recovered:
    lines: list[str] = field(default_factory=list)  # what was cut and what was kept, one line each
    abandoned: int = 0  # complete records of the interrupted write, kept and indexed


def note_inflight(store: Store, file: str, offset: int, length: int, article_id: int | None) -> None:
    with store.write():
        store.conn.execute("DELETE FROM archive_inflight")
        store.conn.execute("INSERT INTO archive_inflight (file, byte_offset, byte_length, article_id)"
                           " VALUES (?, ?, ?, ?)", (file, offset, length, article_id))


def clear_inflight(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM archive_inflight")


def recover(store: Store, directory: Path) -> Recovered:
    """Finish the write the database says was in flight: keep its complete records, cut its torn tail."""
    done = Recovered()
    note = store.conn.execute("SELECT file, byte_offset, byte_length, article_id FROM archive_inflight").fetchone()
    if note is None:
        return done
    name, offset, length, article_id = note
    path = directory / name
    size = path.stat().st_size if path.is_file() else 0
    abandoned: list[Found] = []
    if offset < size <= offset + length:
        scanned = scan(path, offset)
        abandoned = [f for f in scanned.found if not _indexed(store.conn, f.record_id)]
        if scanned.end < size:
            _cut(path, scanned.end, offset)
            done.lines.append(f"{name}: cut {size - scanned.end} bytes of an interrupted write after offset "
                              f"{scanned.end} (its torn tail; {len(scanned.found)} complete records kept)")
    elif size > offset + length:
        done.lines.append(f"{name}: not cut: the file goes on past the write this database had in flight "
                          f"({size} bytes, the write was {offset}+{length}); its records are adopted or reported")
    with store.write():
        for found in abandoned:
            index_found(store.conn, found, None if found.record_type == "warcinfo" else article_id, None,
                        "file" if found.record_type == "warcinfo" else "abandoned")
        clear_inflight(store.conn)
    done.abandoned = sum(f.record_type != "warcinfo" for f in abandoned)
    for line in done.lines:
        log.warning("archive: %s", line)
    return done


def index_found(conn: sqlite3.Connection, found: Found, article_id: int | None, version_id: int | None,
                role: str) -> None:
    """Index a record read back from its file (in the caller's transaction)."""
    conn.execute(
        "INSERT OR IGNORE INTO warc_records (article_id, version_id, role, record_type, record_id, target_uri,"
        " warc_date, payload_digest, status, mime, file, byte_offset, byte_length, sha256)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (article_id, version_id, role, found.record_type, found.record_id, found.target_uri, found.warc_date,
         found.payload_digest, found.status, found.mime, found.file, found.offset, found.length, found.sha256),
    )


def unindexed(conn: sqlite3.Connection, directory: Path) -> list[tuple[Path, int, int]]:
    """(file, from, size) of every WARC file of the folder with bytes after its last indexed record."""
    ends = dict(conn.execute("SELECT file, MAX(byte_offset + byte_length) FROM warc_records GROUP BY file"))
    found = []
    for path in our_files(directory):
        size, end = path.stat().st_size, ends.get(path.name, 0)
        if size > end:
            found.append((path, end, size))
    return found


def archive_notes(conn: sqlite3.Connection, directory: Path) -> list[str]:
    """What `status` and `verify` say of bytes no index row points to: kept, adopted at the next check,
    or — when the next check could not adopt them — why."""
    lines = []
    owner = None
    with contextlib.suppress(Exception):
        owner = read_owner(directory)
    note = _note(conn)
    for path, start, size in unindexed(conn, directory):
        where = f"{path.name}: {size - start} bytes after its last indexed record (from offset {start})"
        if note is not None and note[0] == path.name and start <= note[1] < size <= note[1] + note[2]:
            lines.append(f"{where}: an interrupted write this database had in flight; at the next check its "
                         "complete records are kept and its torn tail, if any, is cut")
            continue
        if owner is None:
            lines.append(f"{where}: not indexed; adopted at the next check")
            continue
        scanned = scan(path, start)
        problem = scanned.problem
        if start == 0 and (other := foreign(scanned.found, owner["database_id"])):
            lines.append(f"{where}: kept, never removed; not adopted ({other})")
            continue
        lines.append(f"{where}: kept, never removed; " + (f"not adopted ({problem})" if problem
                                                           else "complete records, adopted at the next check"))
    return lines


def foreign(found: list[Found], db_id: str) -> str | None:
    """Why a file no row of ours points to is not ours to adopt, None when its warcinfo names this database."""
    if not found or found[0].record_type != "warcinfo":
        return "it does not begin with a warcinfo record"
    named = found[0].fields.get(DATABASE_FIELD, "")
    if named != db_id:
        return f"its warcinfo names {'the database ' + named if named else 'no database'}, not this one"
    return None


def _note(conn: sqlite3.Connection) -> tuple[str, int, int] | None:
    try:
        row = conn.execute("SELECT file, byte_offset, byte_length FROM archive_inflight").fetchone()
    except sqlite3.OperationalError:  # a database from before the note (read-only: not added)
        return None
    return (row[0], row[1], row[2]) if row else None


def _indexed(conn: sqlite3.Connection, record_id: str) -> bool:
    return conn.execute("SELECT 1 FROM warc_records WHERE record_id = ?", (record_id,)).fetchone() is not None


def _cut(path: Path, end: int, offset: int) -> None:
    """Cut the noted write's torn tail; a file that held nothing but it goes (it was created by that write)."""
    if end == 0 and offset == 0:
        path.unlink()
        return
    with path.open("r+b") as f:
        f.truncate(end)
        os.fsync(f.fileno())


# -- the same for callers outside the store, which never touch its connection --------------------------------------
def unindexed_of(store: Store, directory: Path) -> list[tuple[Path, int, int]]:
    """`unindexed` for the store's own database."""
    return unindexed(store.conn, directory)


def index_record(store: Store, found: Found, article_id: int | None, version_id: int | None, role: str) -> None:
    """`index_found` in the store's database (inside the caller's transaction)."""
    index_found(store.conn, found, article_id, version_id, role)


def record_owner(store: Store, record_id: str) -> tuple[int | None, int | None] | None:
    """(article id, version id) of an indexed record, or None when no row is it."""
    row = store.conn.execute("SELECT article_id, version_id FROM warc_records WHERE record_id = ?",
                             (record_id,)).fetchone()
    return (row[0], row[1]) if row else None


def archive_report_of(store: Store, directory_of: Callable[[sqlite3.Connection], Path]) -> list[str]:
    """`archive_notes` of the store's folder (none before the archive's tables exist)."""
    index = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'warc_records'"
    if store.conn.execute(index).fetchone() is None:  # a database from before the archive: nothing indexed
        return []
    return archive_notes(store.conn, directory_of(store.conn))
