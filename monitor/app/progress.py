"""A long cycle says how far it is: articles done of due, the host it is waiting on, the time left.

`monitor check` on a terminal redraws one line on stderr (`terminal`); `monitor run` logs a line
a minute (`log_every`). The cycle only calls `start` and `done`; quiet progress does nothing.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TextIO
from urllib.parse import urlsplit

log = logging.getLogger(__name__)


class Progress:
    """Counts finished articles; `emit` gets a line at most every `every` seconds (and the last one)."""

    def __init__(self, emit: Callable[[str], None] | None = None, *, every: float = 0.0, final: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._emit, self._every, self._final, self._clock = emit, every, final, clock
        self._left: Counter[str] = Counter()
        self._spacing: Callable[[str], float] = lambda host: 0.0
        self.total = self.finished = 0
        self._last = 0.0

    def start(self, urls: list[str], spacing: Callable[[str], float]) -> None:
        """The cycle is about to fetch these articles; `spacing(host)`: seconds between two of its requests."""
        self._left = Counter(_host(u) for u in urls)
        self._spacing, self.total, self.finished = spacing, len(urls), 0
        self._last = self._clock()

    def done(self, url: str) -> None:
        self.finished += 1
        self._left[_host(url)] -= 1
        now = self._clock()
        last = self.finished >= self.total
        if self._emit is not None and (now - self._last >= self._every or (last and self._final)):
            self._last = now
            self._emit(self.line())

    def line(self) -> str:
        """'checked 12 of 60 articles; waiting on www.eff.org (2 s apart); about 1 min 36 s left'."""
        text = f"checked {self.finished} of {self.total} articles"
        waits = {h: n * self._spacing(h) for h, n in self._left.items() if n > 0}
        if not waits:
            return text
        host = max(waits, key=lambda h: waits[h])
        return (f"{text}; waiting on {host} ({self._spacing(host):g} s apart); "
                f"about {_duration(waits[host])} left")


async def counted(progress: Progress, url: str, step: Awaitable[None]) -> None:
    """Run one article's step, then count it."""
    try:
        await step
    finally:
        progress.done(url)


def terminal(stream: TextIO) -> Progress:
    """One line on a terminal, redrawn in place, erased when the cycle is done."""

    def emit(line: str) -> None:
        stream.write("\r\033[K" + line)
        stream.flush()

    progress = Progress(emit, every=0.2)
    return progress


def erase(stream: TextIO) -> None:
    stream.write("\r\033[K")
    stream.flush()


def log_every(seconds: float = 60.0) -> Progress:
    """For the service: one log line a minute during a long cycle, none for a short one."""
    return Progress(lambda line: log.info("cycle progress: %s", line, extra={"event": "cycle.progress"}),
                    every=seconds, final=False)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
