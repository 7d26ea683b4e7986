"""A host's wall, found between reading a cycle's pages and judging any of them (`decide.walls`).

Each article is judged on its own, so whether its stub is the host's wall must be known before the first of the
host's articles is judged: the cycle reads every page first (`app.articles`), then sees each host's articles
together (`app.sites`), the wall first of all: a wall's text came into many bodies at once, and learned as the
site's chrome it would hide the site's own "not found" page for good. A wall marks each of the host's stubs
`walled` (decide then counts them like failed checks and tells no reader; on a host with few tracked articles,
toward removal, PATIENCE times slower: they may all have been pulled at once), and with them a short post showing the
wall's page word for word (compared, it would be told as edited when the wall rose and again when it fell) or an
article not captured yet showing it (its first version, the article told as edited once the wall fell), and
leaves the operator's one alert to be written in the transaction of the first of the host's outcomes, like a new
layout's (`context.layout_alert`): a run cut short and run again neither loses nor repeats it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

from monitor.app.articles import Read
from monitor.app.context import Cycle, log
from monitor.app.plan import host_of
from monitor.core.kinds import Kind
from monitor.core.model import Alert
from monitor.core.text import digest
from monitor.decide.article import STUB_ERROR, Fetched, Known, Stub, stub_of, stub_text
from monitor.decide.chrome import strip_chrome
from monitor.decide.walls import WALL_MIN, host_wall, wall_detail
from monitor.store import sites as store_sites
from monitor.store.database import now

STUB_MEMORY = dt.timedelta(days=1)  # how far back another article's stub still says "the host's wall"


def stubbed_lately(cycle: Cycle) -> dict[str, set[int]]:
    """Host → its articles whose last check, in the last day, read a stub (decide's stub line in `last_error`)."""
    since = (dt.datetime.now(dt.UTC) - STUB_MEMORY).isoformat(timespec="seconds")
    out: dict[str, set[int]] = {}
    for article, url in store_sites.stubbed_since(cycle.store, STUB_ERROR, since):
        out.setdefault(host_of(url), set()).add(article)
    return out


def tracked_per_host(cycle: Cycle) -> Counter[str]:
    """Host → how many of its articles are tracked and not reported removed (a small host's wall counts slowly)."""
    return Counter(host_of(url) for url in store_sites.tracked_urls(cycle.store))


def see_wall(cycle: Cycle, host: str, items: list[Read], lately: set[int] | None = None, gone: int = 0,
             tracked: int = 0) -> set[int]:
    """Mark the host's stubs `walled` when they are its wall this cycle; the ids of the articles marked.

    `items` are the host's articles that answered (200 or 304), each with what the monitor knew (`Read.known`);
    `lately`, its articles whose last check in the last day read a stub (`stubbed_lately`): those not read this
    cycle count with this cycle's stubs; `gone`, its articles that answered 404/410 this cycle (the host answering
    for each, not a wall); `tracked`, how many of its articles are tracked (0: unknown). Stubs are judged as
    `decide` will judge them, without the chrome the host is known for.
    """
    chrome = store_sites.learned_chrome(cycle.store, host)
    stubs: list[tuple[Read, Stub]] = []
    for item in items:
        if isinstance(item.seen, Fetched) and item.known is not None:
            stub = stub_of(item.known, _without(item.seen, chrome))
            if stub is not None:
                stubs.append((item, stub))
    answered = gone + sum(1 for item in items if not _removed(item.known))
    earlier = len((lately or set()) - {item.row.id for item in items})
    wall = host_wall(host, [stub.text for item, stub in stubs if not _removed(item.known)], answered, earlier,
                     tracked)
    if wall is None:
        return set()
    detail = wall_detail(wall)
    log.warning("operator: %s", detail)
    stubs = [(item, stub) for item, stub in stubs if wall.holds(stub.text)]  # another page is its article's
    # A page several stubs showed word for word is the wall's in a short post's place too (never a stub: the post
    # was always short), not an edit of it; and in the place of an article not captured yet, not its first version.
    pages = {text for text, n in Counter(stub.text for _, stub in stubs).items() if n >= WALL_MIN}
    held = {item.row.id for item, _ in stubs}
    walled = [item for item, _ in stubs] + [i for i in items if i.row.id not in held and _shows(i, chrome, pages)]
    for item in walled:  # a few articles alike while the rest answer: their stubs count, slowly
        assert isinstance(item.seen, Fetched)
        item.seen = replace(item.seen, walled=True, alike=wall.few and item.row.id in held,
                            small_wall=wall.small and item.row.id in held)
    if cycle.admin_targets and Kind.SITE_WALL in cycle.settings.alert_kinds:
        # The day names the transition: a wall that stands for hours is one alert a day, not one a cycle.
        stamp = now()
        cycle.walls[host] = Alert(kind=Kind.SITE_WALL, url=f"https://{host}/", title=host, detail=detail,
                                  created_at=stamp, dedup_key=digest(host, Kind.SITE_WALL, stamp[:10]))
    return {item.row.id for item in walled}


def _shows(item: Read, chrome: frozenset[str], pages: set[str]) -> bool:
    """Whether a reading that is no stub, and not its article's latest version (or its first), says one of `pages`."""
    known, seen = item.known, item.seen
    if not pages or known is None or not isinstance(seen, Fetched):
        return False
    if known.latest_hash is not None and known.latest is None:  # none loaded: the page is its latest version
        return False
    if known.closed and not seen.closed:  # cut off: a failed check, whatever it says
        return False
    snapshot = _without(seen, chrome).snapshot
    return snapshot.content_hash() != known.latest_hash and stub_text(snapshot) in pages


def _without(seen: Fetched, chrome: frozenset[str]) -> Fetched:
    return replace(seen, snapshot=strip_chrome(seen.snapshot, chrome), chrome=chrome) if chrome else seen


def _removed(known: Known | None) -> bool:
    """Already reported removed: its stub is explained, and counts on neither side of the line."""
    return known is not None and known.removed
