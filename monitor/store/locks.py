"""An exclusive flock on a file beside the database: it ends with the process however it ends, and a stale
file is simply locked again. The cycle lock and the service lock are two of these."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from monitor.core.errors import StoreError


@contextmanager
def exclusive(lock_path: Path, what: str, busy: Callable[[int], str]) -> Iterator[int]:
    """Hold `lock_path` while the block runs (its open descriptor is yielded); StoreError with `busy(fd)`'s words
    when another process holds it, and one line when the file cannot be made (an unwritable directory, a path
    through a file)."""
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{lock_path}: cannot create the {what} ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(busy(fd)) from None
        yield fd
    finally:
        os.close(fd)
