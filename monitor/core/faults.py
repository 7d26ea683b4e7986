"""Crash points for the crash-safety tests: MONITOR_FAULT=<point> kills the process there (SIGKILL).

A real kill -9 at a named place is the only honest way to prove that a cycle can die
anywhere without losing or duplicating an alert; with the variable unset it does nothing.
"""

from __future__ import annotations

import os
import signal

# Each point follows a step that makes a later run believe "already handled" (or sits inside one), so a
# kill there proves that step commits with its alerts: tests/test_reliability.py kills at every one.
POINTS = (
    "after_fetch", "mid_warc", "after_warc", "after_version", "before_send", "after_mark",
    "after_new_post", "after_removed", "after_restored", "after_feed_state", "after_feed_flooded",
    "after_layout_changed", "after_site_wall",
)


def crash_point(name: str) -> None:
    """Die here, like kill -9, when MONITOR_FAULT names this point."""
    if os.environ.get("MONITOR_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
