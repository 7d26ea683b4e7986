"""Response bodies parked on disk between reading a page and judging it.

A cycle reads every page before judging any (a host's articles are seen together), and the archive
needs each capture's bytes as the server sent them until its version is decided. Held in memory,
a cold cycle of 5000 pages of 54 KB peaked at 458 MB. Parked in one unlinked temporary file, a body
costs an offset and a length until it is taken back; where the disk refuses, it stays in memory
(never lost).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class Parked:
    offset: int
    length: int
    inline: bytes | None = None  # kept in memory: the spool file could not be written


class BodySpool:
    """Append-only; opened on the first body, gone (unlinked) when closed or collected."""

    def __init__(self, directory: str | None = None) -> None:
        self._directory = directory
        self._file: IO[bytes] | None = None
        self._end = 0

    def park(self, body: bytes) -> Parked:
        if not body:
            return Parked(0, 0, b"")
        try:
            if self._file is None:
                self._file = self._open()
            self._file.seek(self._end)
            self._file.write(body)
            self._file.flush()  # read back with pread on the descriptor, past Python's buffer
        except OSError:
            return Parked(0, len(body), body)
        offset, self._end = self._end, self._end + len(body)
        return Parked(offset, len(body))

    def _open(self) -> IO[bytes]:
        """In `directory` (the archive's: writable wherever the archive works, a read-only root included),
        else the system's temporary directory."""
        try:
            return tempfile.TemporaryFile(dir=self._directory, prefix="monitor-bodies-")
        except OSError:
            if self._directory is None:
                raise
            return tempfile.TemporaryFile(prefix="monitor-bodies-")

    def take(self, parked: Parked) -> bytes:
        """The body as parked. OSError if the file cannot be read back (the caller's error path)."""
        if parked.inline is not None:
            return parked.inline
        assert self._file is not None, "a parked body without its spool"
        return os.pread(self._file.fileno(), parked.length, parked.offset)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
