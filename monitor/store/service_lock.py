"""One `monitor run` per database: a second service would poll every site twice and race the first.

`check` is refused while a cycle runs (`cycle_lock`); a service holds this lock for its whole life, so a
second `run` is refused at start, with the first one's process id. The lock is an flock: it ends with the
process however it ends, and a stale file is simply locked again.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from monitor.core.errors import StoreError


@contextmanager
def service_lock(db_path: Path) -> Iterator[None]:
    """Hold `<database>.service.lock` while the block runs; StoreError when another service holds it."""
    lock_path = db_path.with_name(db_path.name + ".service.lock")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{lock_path}: cannot create the service lock ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise StoreError(f"another `monitor run`{who} is already running on {db_path}: stop it first, or give "
                             "this one its own database") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
