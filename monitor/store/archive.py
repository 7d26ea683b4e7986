"""The WARC archive of our captures: files in a folder one database owns, indexed in SQLite.

Order of writing, so that a kill -9 anywhere leaves nothing the index points to half-written: the
database first notes the write it is about to make (file, offset, length: `archive_inflight`); the
records are appended and fsync'd; then their index rows (file, offset, length, SHA-256) are inserted,
and the note deleted, in the transaction that records the version they belong to.

The archive is evidence, so nothing in it is destroyed that this database cannot prove it wrote and
abandoned: at the next start only the torn tail of the noted write (the bytes after its last complete
record, when nothing follows them) is cut; its complete records are kept and indexed as `abandoned`.
Any other record no row points to is adopted (`monitor.app.rejoin`) or reported, never removed.

Unchanged checks are counted per version, or written as `revisit` records when `archive_revisits`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.core.errors import MonitorError, StoreError
from monitor.core.exchange import Exchange
from monitor.core.faults import crash_point
from monitor.store.database import Store
from monitor.store.owner import FILE_PREFIX, FILE_SUFFIX, Claim, archive_dir, claim, our_files
from monitor.store.recovery import INFLIGHT_TABLE, Recovered, clear_inflight, note_inflight, recover
from monitor.store.warc import Built, exchange_records, payload_digest, revisit_record, warcinfo

log = logging.getLogger(__name__)

DEFAULT_FILE_BYTES = 100_000_000
TABLES = """
CREATE TABLE IF NOT EXISTS warc_records (
    id INTEGER PRIMARY KEY,
    article_id INTEGER REFERENCES articles(id),  -- NULL for a file's warcinfo
    version_id INTEGER REFERENCES versions(id),  -- the version captured ('version'), or repeated ('unchanged')
    role TEXT NOT NULL,                          -- 'file' (warcinfo), 'version', 'unchanged'
    record_type TEXT NOT NULL,                   -- warcinfo, request, response, revisit
    record_id TEXT NOT NULL UNIQUE,
    target_uri TEXT NOT NULL,
    warc_date TEXT NOT NULL,
    payload_digest TEXT,
    status INTEGER,
    mime TEXT NOT NULL,
    file TEXT NOT NULL,                          -- name in the archive directory
    byte_offset INTEGER NOT NULL,
    byte_length INTEGER NOT NULL,                -- of the gzip member, as stored
    sha256 TEXT NOT NULL                         -- of those bytes: `monitor verify` recomputes it
);
CREATE INDEX IF NOT EXISTS warc_records_version ON warc_records(version_id);
CREATE INDEX IF NOT EXISTS warc_records_file ON warc_records(file, byte_offset);
CREATE TABLE IF NOT EXISTS archive_unchanged (
    version_id INTEGER PRIMARY KEY REFERENCES versions(id),
    checks INTEGER NOT NULL,                     -- checks that found this version unchanged
    last_checked TEXT NOT NULL
);
""" + INFLIGHT_TABLE

__all__ = ["FILE_PREFIX", "FILE_SUFFIX", "Archive", "ArchiveUnavailable", "Placed", "archive_dir", "has_tables",
           "indexed_ends", "open_archive", "our_files", "unchanged_counts"]


@dataclass(frozen=True)
class Placed:
    """A record appended (and fsync'd) to a file, not indexed yet."""

    built: Built
    file: str
    offset: int

    @property
    def length(self) -> int:
        return len(self.built.data)


def open_archive(settings: Any, store: Store) -> Archive | None:
    """The archive for a writing cycle; None when disabled or for a dry run's in-memory database.

    StoreError (one line) when the folder is another database's or another process writes it;
    ArchiveUnavailable when it cannot be created or locked (a read-only volume, a full disk): the cycle
    then goes on without an archive, its versions reported by `monitor verify` (never costs an alert)."""
    if not getattr(settings, "archive_enabled", True) or str(store.path) == ":memory:":
        return None
    ensure_tables(store.conn)
    directory = archive_dir(settings, store.conn)
    try:
        owned = claim(directory, Path(settings.database), store.conn, lambda value: _save_id(store, value))
    except OSError as exc:
        raise ArchiveUnavailable(f"archive: cannot use the folder {directory} ({exc.strerror or exc}); this "
                                 "cycle's versions get no WARC record (`monitor verify` names them)") from None
    try:
        return Archive(store, directory, operator=settings.user_agent, claim=owned,
                       file_bytes=int(getattr(settings, "archive_file_bytes", DEFAULT_FILE_BYTES)),
                       revisits=bool(getattr(settings, "archive_revisits", False)))
    except BaseException:
        owned.release()
        raise


class ArchiveUnavailable(MonitorError):
    """The folder cannot be created or locked (a read-only volume, a full disk): the cycle goes on without
    an archive, and says so."""


def _save_id(store: Store, value: str) -> None:
    with store.write():
        store.conn.execute("INSERT OR REPLACE INTO service_state (key, value) VALUES ('database_id', ?)", (value,))


def ensure_tables(conn: sqlite3.Connection) -> None:
    with conn:
        conn.executescript(TABLES)


def has_tables(conn: sqlite3.Connection) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'warc_records'").fetchone()
    return found is not None


def indexed_ends(conn: sqlite3.Connection) -> dict[str, int]:
    """Per file, where its last indexed record ends: anything after it is an interrupted write."""
    rows = conn.execute("SELECT file, MAX(byte_offset + byte_length) FROM warc_records GROUP BY file")
    return {name: end for name, end in rows}


class Archive:
    """Appends records, indexes them, recovers from interrupted writes; one writer (the cycle lock)."""

    def __init__(self, store: Store, directory: Path, *, operator: str, claim: Claim | None = None,
                 file_bytes: int = DEFAULT_FILE_BYTES, revisits: bool = False) -> None:
        self.store = store
        self.directory = directory
        self.operator = operator
        self.claim = claim
        self.file_bytes = file_bytes
        self.revisits = revisits
        self.failures: list[str] = []  # writes that failed this cycle, for the cycle's error lines
        ensure_tables(store.conn)
        self.recovered: Recovered = recover(store, directory)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    @property
    def database_id(self) -> str:
        return self.claim.database_id if self.claim else ""

    def close(self) -> None:
        """Release the folder's lock (the end of the cycle)."""
        if self.claim is not None:
            self.claim.release()

    @contextlib.contextmanager
    def capture(self, article_id: int, url: str, exchange: Exchange | None, *, version: bool,
                unchanged: bool) -> Iterator[Callable[[int], None] | None]:
        """Around the write of one check's outcome.

        For a new version: its records are on disk before the block runs, and the block gets the
        function that indexes them with the version's id (call it inside the version's transaction).
        For an unchanged check: counted (and a revisit written) after the block.
        """
        if not (version and exchange is not None):
            yield None
            if unchanged:
                self._unchanged(article_id, url, exchange)
            return
        try:
            placed = self._append(lambda info_id: exchange_records(url, exchange, info_id), article_id)
        except OSError as exc:  # a full disk must not cost the alert: the version is kept, verify reports it
            self.failures.append(f"{url}: archive: could not write the capture ({exc.strerror or exc}); "
                                 "this version has no WARC record")
            log.error("%s", self.failures[-1])
            yield None
            return
        indexed: list[int] = []

        def index(version_id: int) -> None:
            self._index(placed, article_id, version_id, "version")
            indexed.append(version_id)

        try:
            yield index
        except BaseException:
            self._truncate(placed)  # the version was not committed: neither is its record
            raise
        if not indexed:
            self._truncate(placed)

    @contextlib.contextmanager
    def capture_document(self, url: str, exchange: Exchange) -> Iterator[Callable[[], str | None]]:
        """Around the write of a new reading of a document that is not an article (a treaty's status): its records
        are on disk before the block runs; the block gets the function that indexes them (role 'document', call it
        inside the reading's transaction) and returns the response's WARC-Record-ID. A failed write costs the
        record, never the reading or its alerts."""
        try:
            placed = self._append(lambda info_id: exchange_records(url, exchange, info_id), None)
        except OSError as exc:
            self.failures.append(f"{url}: archive: could not write the capture ({exc.strerror or exc})")
            log.error("%s", self.failures[-1])
            yield lambda: None
            return
        indexed: list[bool] = []

        def index() -> str | None:
            self._index(placed, None, None, "document")
            indexed.append(True)
            return next((p.built.record_id for p in placed if p.built.record_type == "response"), None)

        try:
            yield index
        except BaseException:
            self._truncate(placed)
            raise
        if not indexed:
            self._truncate(placed)

    # -- writing -------------------------------------------------------------------------
    def _append(self, build: Callable[[str], list[Built]], article_id: int | None) -> list[Placed]:
        """Note the write in the database, append the records (after a warcinfo when a new file starts),
        fsync; nothing indexed yet."""
        name, info_id = self._current_file()
        batch: list[Built] = []
        if info_id is None:
            info = warcinfo(name, operator=self.operator, database_id=self.database_id)
            batch.append(info)
            info_id = info.record_id
        batch += build(info_id)
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        new_file = info_id == batch[0].record_id
        # A new file is created, never opened: a name that exists is not ours to write into.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | (os.O_CREAT | os.O_EXCL if new_file else 0), 0o644)
        try:
            offset = os.fstat(fd).st_size
            data = b"".join(b.data for b in batch)
            note_inflight(self.store, name, offset, len(data), article_id)
            _write_all(fd, data[: len(data) // 2])
            crash_point("mid_warc")  # a kill -9 with half a record on disk
            _write_all(fd, data[len(data) // 2 :])
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            self._truncate([Placed(batch[0], name, offset)] if "offset" in locals() else [])
            raise
        os.close(fd)
        if new_file:
            _fsync_dir(self.directory)
        crash_point("after_warc")  # records complete on disk, not indexed
        placed = []
        for built in batch:
            placed.append(Placed(built, name, offset))
            offset += len(built.data)
        return placed

    def _current_file(self) -> tuple[str, str | None]:
        """The file to append to and its warcinfo record id (None: a new file, its warcinfo still to write).

        Only a file that ends with its last indexed record is appended to: bytes after it (kept, not ours
        to cut) would otherwise sit between two records."""
        row = self.conn.execute("SELECT file, MAX(byte_offset + byte_length) FROM warc_records WHERE file ="
                                " (SELECT file FROM warc_records ORDER BY id DESC LIMIT 1)").fetchone()
        if row is not None and row[0] is not None:
            path = self.directory / row[0]
            if path.is_file() and path.stat().st_size == row[1] and row[1] < self.file_bytes:
                info = self.conn.execute("SELECT record_id FROM warc_records WHERE file = ? AND"
                                         " record_type = 'warcinfo' ORDER BY id LIMIT 1", (row[0],)).fetchone()
                if info is not None:
                    return row[0], info[0]
        count = self.conn.execute("SELECT COUNT(DISTINCT file) FROM warc_records").fetchone()[0]
        while True:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
            name = f"{FILE_PREFIX}{stamp}-{count + 1:05d}{FILE_SUFFIX}"
            if not (self.directory / name).exists():
                return name, None
            count += 1

    def _index(self, placed: list[Placed], article_id: int | None, version_id: int | None, role: str) -> None:
        """Insert index rows (and forget the write's note) on the store's connection; the caller's
        transaction commits them. A document that is no article's (the treaty's status) has neither id."""
        clear_inflight(self.conn)
        for p in placed:
            b = p.built
            is_info = b.record_type == "warcinfo"
            self.conn.execute(
                "INSERT INTO warc_records (article_id, version_id, role, record_type, record_id, target_uri,"
                " warc_date, payload_digest, status, mime, file, byte_offset, byte_length, sha256)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (None if is_info else article_id, None if is_info else version_id, "file" if is_info else role,
                 b.record_type, b.record_id, b.target_uri, b.warc_date, b.payload_digest, b.status, b.mime,
                 p.file, p.offset, p.length, b.sha256),
            )

    def _truncate(self, placed: list[Placed]) -> None:
        """Take back what this process has just written and will not index (its version did not commit)."""
        if not placed:
            return
        path = self.directory / placed[0].file
        with contextlib.suppress(OSError):
            if placed[0].offset == 0:  # the file began with this batch: no file at all, as before
                path.unlink()
            else:
                with path.open("r+b") as f:
                    f.truncate(placed[0].offset)
                    os.fsync(f.fileno())
        with contextlib.suppress(StoreError), self.store.write():  # else the next start finds nothing to cut
            clear_inflight(self.conn)

    def _unchanged(self, article_id: int, url: str, exchange: Exchange | None) -> None:
        """Count the check against the latest version; with `revisits`, also write what we saw."""
        latest = self.conn.execute("SELECT id FROM versions WHERE article_id = ? ORDER BY seq DESC LIMIT 1",
                                   (article_id,)).fetchone()
        if latest is None:
            return
        version_id = latest[0]
        placed: list[Placed] = []
        if self.revisits and exchange is not None:
            build = self._unchanged_records(version_id, url, exchange)
            if build is not None:
                try:
                    placed = self._append(build, article_id)
                except OSError as exc:
                    log.error("archive: could not write a revisit of %s (%s)", url, exc)
        try:
            with self.store.write():
                self._index(placed, article_id, version_id, "unchanged")
                self.conn.execute(
                    "INSERT INTO archive_unchanged (version_id, checks, last_checked) VALUES (?, 1, ?)"
                    " ON CONFLICT(version_id) DO UPDATE SET checks = checks + 1, last_checked = excluded.last_checked",
                    (version_id, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
                )
        except BaseException:
            self._truncate(placed)
            raise

    def _unchanged_records(self, version_id: int, url: str, ex: Exchange) -> Callable[[str], list[Built]] | None:
        """A revisit of the version's response (304, or the same bytes), else the full exchange (same
        meaning, other bytes: volatile page chrome); nothing when the version has no record to refer to."""
        original = self.conn.execute(
            "SELECT record_id, target_uri, warc_date, payload_digest FROM warc_records WHERE version_id = ?"
            " AND role = 'version' AND record_type = 'response' ORDER BY id LIMIT 1", (version_id,)).fetchone()
        if original is None:
            return None
        refers = (original[0], original[1], original[2])
        if ex.status == 304 or payload_digest(ex.raw_body) == original[3]:
            return lambda info_id: [revisit_record(url, ex, info_id, payload_digest=original[3], refers_to=refers)]
        return lambda info_id: exchange_records(url, ex, info_id)


def unchanged_counts(conn: sqlite3.Connection) -> dict[int, tuple[int, str]]:
    """Per version id: how many checks found it unchanged, and the last one."""
    if not has_tables(conn):
        return {}
    return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT version_id, checks, last_checked FROM archive_unchanged")}


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
