"""One way to show a moment to a person, everywhere (CLI, web view, alerts' footers): "2026-01-31 14:05 UTC".

Stored times are ISO 8601 with microseconds and an offset ("+00:00" or "Z"), or a bare date (a seed's
fetch_date); shown, they drop the seconds, carry their zone, and a bare date stays a date.
"""

from __future__ import annotations

import datetime as dt

from monitor.core.errors import MonitorError


def shown(value: str | dt.datetime | None, missing: str = "-") -> str:
    """`value` as "YYYY-MM-DD HH:MM UTC" (or "YYYY-MM-DD" for a date alone); unreadable text is shown as it is."""
    if value is None or value == "":
        return missing
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = value.strip()
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return text
        if len(text) <= 10:  # a date alone: no time was known, none is invented
            return moment.date().isoformat()
    if moment.tzinfo is None:  # we write UTC everywhere; a naive time is one of ours
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def warc_since(when: str | None) -> str | None:
    """A date or time from the command line (`export --since`) as the WARC-Date prefix it is compared with."""
    if when is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
    except ValueError:
        raise MonitorError(f"--since takes a date like 2026-01-31 or an ISO time, not {when!r}") from None
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")
