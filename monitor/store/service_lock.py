"""One `monitor run` per database: a second service would poll every site twice and race the first.

`check` is refused while a cycle runs (`cycle_lock`); a service holds this lock for its whole life, so a
second `run` is refused at start, with the first one's process id. The lock is an flock: it ends with the
process however it ends, and a stale file is simply locked again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from monitor.store.locks import exclusive


@contextmanager
def service_lock(db_path: Path) -> Iterator[None]:
    """Hold `<database>.service.lock` while the block runs; StoreError when another service holds it."""
    def busy(fd: int) -> str:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        who = f" (pid {holder})" if holder.isdigit() else ""
        return (f"another `monitor run`{who} is already running on {db_path}: stop it first, or give this one its "
                "own database")

    with exclusive(db_path.with_name(db_path.name + ".service.lock"), "service lock", busy) as fd:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
