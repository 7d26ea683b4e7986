"""Numbers typed by a person (command-line arguments, web query parameters): ASCII digits only, in range.

Python's int() and str.isdigit() accept far more than a person means by a number: "²" is a
digit to isdigit() but not to int(), "٣" (Arabic-Indic three) is 3 to int(), and a 25-digit id
overflows SQLite's 64-bit integers. Every number parsed at an edge goes through here, so a bad
value is one line naming what was expected — never a traceback, never a 500.
"""

from __future__ import annotations

import math
import re

from monitor.core.errors import MonitorError

MAX_ID = 2**63 - 1  # SQLite's largest integer
_WHOLE = re.compile(r"[0-9]{1,19}")
_DECIMAL = re.compile(r"[0-9]{1,12}(\.[0-9]{1,9})?|\.[0-9]{1,9}")


class NumberError(MonitorError):
    """A value that is not the number it should be; str() is the one-line message."""


def _shown(raw: str) -> str:
    return repr(raw[:30] + ("…" if len(raw) > 30 else ""))


def whole_number(raw: str, what: str, *, low: int = 0, high: int = MAX_ID) -> int:
    """`raw` as a whole number of ASCII digits between `low` and `high`; NumberError("<what>, not '…'") else."""
    text = raw.strip()
    if not _WHOLE.fullmatch(text) or not low <= int(text) <= high:
        raise NumberError(f"{what} (a whole number from {low} to {high}), not {_shown(raw)}")
    return int(text)


def seconds_value(raw: str, what: str, *, high: float = 86400.0) -> float:
    """`raw` as a finite, non-negative number of seconds (ASCII digits, an optional decimal part) up to `high`."""
    text = raw.strip()
    value = float(text) if _DECIMAL.fullmatch(text) else math.nan
    if not 0 <= value <= high:
        raise NumberError(f"{what} (a number of seconds from 0 to {high:g}), not {_shown(raw)}")
    return value
