"""Who an archive folder belongs to: one database, named in the folder, locked while a process writes.

Two configurations side by side (each its own database) must never share a folder: each database
reads every WARC file in its folder it does not index as its own (to adopt it after a restore), so
a shared folder would mix two archives. The folder's owner file names the database (a random id kept
in the database, and its path, for messages); a database that is not the owner is refused in one line.
The default folder is derived from the database's file name, so two databases never meet by default.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from monitor.core.errors import StoreError

FILE_PREFIX = "deeplinks-monitor-"
FILE_SUFFIX = ".warc.gz"
OWNER_FILE = "deeplinks-monitor-archive.json"
LOCK_FILE = "deeplinks-monitor-archive.lock"
DEFAULT_DATABASE = "monitor.sqlite3"
ID_KEY = "database_id"  # in service_state


def our_files(directory: Path) -> list[Path]:
    """The WARC files of the folder, in the order they were started (names begin with a UTC time)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}") if p.is_file())


def database_id(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM service_state WHERE key = ?", (ID_KEY,)).fetchone()
    return str(row[0]) if row and row[0] else None


def read_owner(directory: Path) -> dict[str, str] | None:
    """The folder's owner record, None when the folder has none (new, or from before owners)."""
    path = directory / OWNER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: cannot read the archive folder's owner ({exc}); "
                         "it names the database this folder belongs to") from None
    if not isinstance(data, dict) or not isinstance(data.get("database_id"), str):
        raise StoreError(f"{path}: not an archive owner record (no database_id)")
    return {"database_id": data["database_id"], "database": str(data.get("database", "?"))}


def default_dir(database: Path, conn: sqlite3.Connection | None = None) -> Path:
    """`archive/` beside `monitor.sqlite3`; `<name>-archive/` beside any other database file.

    A database of another name that already wrote to `archive/` (before folders were named after
    databases) keeps it: when the folder names it as owner, or names no owner and holds a file it indexes.
    """
    if database.name == DEFAULT_DATABASE:
        return database.parent / "archive"
    own, legacy = database.parent / f"{database.stem}-archive", database.parent / "archive"
    if own.exists() or not legacy.is_dir() or conn is None or not _has_index(conn):
        return own
    try:
        owner = read_owner(legacy)
    except StoreError:
        return own
    if owner is not None:
        return legacy if owner["database_id"] == database_id(conn) else own
    names = [p.name for p in our_files(legacy)]
    marks = ",".join("?" * len(names))
    if names and conn.execute(f"SELECT 1 FROM warc_records WHERE file IN ({marks}) LIMIT 1", names).fetchone():
        return legacy
    return own


def archive_dir(settings: Any, db: Any = None) -> Path:
    """Where the database's WARC files are: `archive_dir` when set, else the default folder of its file. `db`: the
    Store, or its connection (inside the store), or None."""
    configured = getattr(settings, "archive_dir", None)
    conn: sqlite3.Connection | None = db if db is None or isinstance(db, sqlite3.Connection) else db.conn
    return Path(configured) if configured else default_dir(Path(settings.database), conn)


def check_owner(directory: Path, database: Path, conn: sqlite3.Connection) -> None:
    """For readers (verify, export, the web view): refuse a folder another database owns."""
    owner = read_owner(directory)
    if owner is not None and not _is_ours(owner, database, database_id(conn)):
        raise _not_ours(directory, owner, database)


class Claim:
    """The folder, claimed for one writing database: its lock is held until `release`."""

    def __init__(self, directory: Path, fd: int, db_id: str) -> None:
        self.directory = directory
        self.database_id = db_id
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def claim(directory: Path, database: Path, conn: sqlite3.Connection, write_id: Any) -> Claim:
    """Lock the folder for writing and make sure it is this database's (claiming a folder nobody owns).

    `write_id(value)` stores the database's id (a transaction of the caller's store). OSError when the
    folder cannot be created or locked at all; StoreError when it is another database's or in use.
    """
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"archive folder {directory} is being written by another monitor process "
                             f"(not {database}'s cycle): give each database its own archive_dir") from None
        owner = read_owner(directory)
        ours = database_id(conn)
        if owner is not None and not _is_ours(owner, database, ours):
            raise _not_ours(directory, owner, database)
        if ours is None:  # a restored or recreated file at the owner's path takes the owner's id back
            ours = owner["database_id"] if owner is not None else str(uuid.uuid4())
            write_id(ours)
        if owner is None or owner["database"] != str(database.resolve()):
            _write_owner(directory, ours, database)
    except BaseException:
        os.close(fd)
        raise
    return Claim(directory, fd, ours)


def _is_ours(owner: dict[str, str], database: Path, ours: str | None) -> bool:
    if ours is not None:
        return owner["database_id"] == ours
    return owner["database"] == str(database.resolve())


def _not_ours(directory: Path, owner: dict[str, str], database: Path) -> StoreError:
    return StoreError(f"archive folder {directory} belongs to the database {owner['database']}, not to "
                      f"{database.resolve()}: give each database its own archive_dir (left unset, each database "
                      "gets a folder named after its file)")


def _write_owner(directory: Path, db_id: str, database: Path) -> None:
    record = {"database_id": db_id, "database": str(database.resolve()),
              "about": "This folder's WARC files belong to this deeplinks-monitor database; another database "
                       "is refused here."}
    partial = directory / (OWNER_FILE + ".part")
    with partial.open("w", encoding="utf-8") as f:
        json.dump(record, f, indent=2)
        f.flush()
        os.fsync(f.fileno())
    partial.replace(directory / OWNER_FILE)
    with contextlib.suppress(OSError):
        dirfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dirfd)
        finally:
            os.close(dirfd)


def _has_index(conn: sqlite3.Connection) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'warc_records'").fetchone()
    return found is not None
