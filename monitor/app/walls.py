"""A host's wall, found between reading a cycle's pages and judging any of them (`decide.walls`).

Each article is judged on its own, so whether its stub is the host's wall must be known before the first of the
host's articles is judged: the cycle reads every page first (`app.articles`), then asks here. A wall marks each
of the host's stubs `walled` (decide then resets their streaks, tells no reader) and leaves the operator's one
alert to be written in the transaction of the first walled article's outcome, like a new layout's
(`context.layout_alert`): a run cut short and run again neither loses nor repeats it.
"""

from __future__ import annotations

from dataclasses import replace

from monitor.app.articles import Read, known_of
from monitor.app.context import Cycle, log
from monitor.core.kinds import Kind
from monitor.core.model import Alert
from monitor.core.text import digest
from monitor.decide.article import Fetched, NotModified, Stub, stub_of
from monitor.decide.walls import host_wall, wall_detail
from monitor.store.database import now


def see_walls(cycle: Cycle, reads: list[Read]) -> None:
    """Mark the stubs of each host whose stubs this cycle are its wall; keep the operator's alert for the judging."""
    stubs: dict[str, list[tuple[Read, Stub]]] = {}
    answered: dict[str, int] = {}
    for item in reads:
        if not isinstance(item.seen, Fetched | NotModified):
            continue
        item.known = item.known or known_of(cycle, item)
        stub = stub_of(item.known, item.seen)
        if stub is not None:
            stubs.setdefault(item.host, []).append((item, stub))
        if not item.row.removed:
            answered[item.host] = answered.get(item.host, 0) + 1
    for host, found in sorted(stubs.items()):
        wall = host_wall(host, [stub.text for item, stub in found if not item.row.removed], answered.get(host, 0))
        if wall is None:
            continue
        detail = wall_detail(wall)
        log.warning("operator: %s", detail)
        for item, _ in found:
            assert isinstance(item.seen, Fetched)
            item.seen = replace(item.seen, walled=True)
        if cycle.admin_targets and Kind.SITE_WALL in cycle.settings.alert_kinds:
            # The day names the transition: a wall that stands for hours is one alert a day, not one a cycle.
            stamp = now()
            cycle.walls[host] = Alert(kind=Kind.SITE_WALL, url=f"https://{host}/", title=host, detail=detail,
                                      created_at=stamp, dedup_key=digest(host, Kind.SITE_WALL, stamp[:10]))

