"""A site's articles seen together, between reading and judging them: what many of them hold alike is the
site's chrome (never an edit); many of them changing alike in one cycle is a redesign (recorded quietly); and
a site read in a new layout is one operator alert, a layout it had before (a rollback) none.
"""

from __future__ import annotations

import math
from dataclasses import replace

from monitor.app.articles import Read, known_of
from monitor.app.context import Cycle, log
from monitor.decide.article import Failed, Fetched
from monitor.decide.chrome import learn_chrome, paragraph_keys, strip_chrome
from monitor.decide.compare import compare
from monitor.decide.layout import shift_shape
from monitor.sources.extract import MIN_BODY_WORDS
from monitor.store import sites as store_sites

CHROME_ONLY = "the page holds only what many of the site's pages hold (its chrome), not this article's text"


def see_sites_together(cycle: Cycle, reads: list[Read]) -> None:
    """Drop each host's learned chrome from what was read, and mark the changes many of its articles share."""
    hosts: dict[str, list[Read]] = {}
    for item in reads:
        if isinstance(item.seen, Fetched):
            hosts.setdefault(item.host, []).append(item)
    for host, items in sorted(hosts.items()):
        _drop_chrome(cycle, host, items)
        _mark_shifts(cycle, [i for i in items if isinstance(i.seen, Fetched)])
        # How many of the host's articles this cycle met in a new layout (the operator's alert names it).
        cycle.moving[host] = sum(1 for i in items if isinstance(i.seen, Fetched) and (i.shape or (
            i.row.layout and i.seen.layout and i.seen.layout != i.row.layout)))


def _drop_chrome(cycle: Cycle, host: str, items: list[Read]) -> None:
    settings, store = cycle.settings, cycle.store
    stored = store_sites.paragraph_keys(store, host)
    current = {i.row.id: paragraph_keys(i.seen.snapshot) for i in items if isinstance(i.seen, Fetched)}
    before = store_sites.learned_chrome(store, host)
    chrome = before | learn_chrome({**stored, **current}, articles=settings.chrome_articles,
                                   share=settings.chrome_share)
    changed = {article: keys for article, keys in current.items() if stored.get(article) != keys}
    if changed or chrome - before:
        store_sites.save_site_reading(store, host, changed, chrome - before)
    if chrome - before:
        log.info("%s: %d paragraphs learned as the site's chrome", host, len(chrome - before))
    for item in items:
        if not isinstance(item.seen, Fetched) or not chrome:
            continue
        kept = strip_chrome(item.seen.snapshot, chrome)
        if kept is not item.seen.snapshot and sum(len(p.split()) for p in kept.paragraphs) < MIN_BODY_WORDS:
            item.seen = Failed(CHROME_ONLY)
        else:
            item.seen = replace(item.seen, snapshot=kept, chrome=chrome)


def _mark_shifts(cycle: Cycle, items: list[Read]) -> None:
    """Changes with one layout-only shape in many of a host's articles this cycle: a redesign the layout
    fingerprint did not show (the body found in the same place, read differently)."""
    needed = max(cycle.settings.chrome_articles, math.ceil(cycle.settings.chrome_share * len(items)))
    shapes: dict[str, list[Read]] = {}
    for item in items:
        item.known = known = known_of(cycle, item)
        seen = item.seen
        if not isinstance(seen, Fetched) or known.latest is None or known.layout != seen.layout:
            continue  # unchanged, first seen, or a new layout already (decide handles that)
        old = strip_chrome(known.latest, seen.chrome)
        shape = shift_shape(compare(old, seen.snapshot, minor_similarity=cycle.settings.minor_similarity), old,
                            seen.snapshot)
        if shape:
            shapes.setdefault(shape, []).append(item)
    for shape, group in shapes.items():
        if len(group) < needed:
            continue
        log.info("%s articles changed alike (%s): a redesign", len(group), shape)
        for item in group:
            assert isinstance(item.seen, Fetched)
            item.seen, item.shape = replace(item.seen, shifted=True), shape


def report_relayouts(cycle: Cycle) -> None:
    """A site read in a new layout is one operator alert per host (naming the counts), not one per article;
    back in a layout it had before (a redesign rolled back) it is only logged."""
    for host, met in sorted(cycle.relayouts.items()):
        new = {what: n for what, n in met.items()
               if what.startswith("shift ") or what not in cycle.known_layouts.get(host, set())}
        total = sum(met.values())
        if not new:
            log.warning("%s: %d articles read again in a layout seen before (a redesign rolled back): re-baselined "
                        "quietly", host, total)
            continue
        generic = cycle.fallbacks.get(host, 0)
        how = (f", {generic} of them by the generic reader because the site's profile no longer finds their body"
               if generic else "")
        detail = (f"{host}: {total} articles are now read in a new page layout{how}; what only the layout changed "
                  f"was re-baselined quietly, changes a reader would see still alert. Check `monitor extract URL`.")
        log.warning("operator: %s", detail)  # the alert itself went out with the first such article
    for host, layouts in sorted(cycle.layouts.items()):
        if layouts - cycle.known_layouts.get(host, set()):
            store_sites.save_layouts(cycle.store, host, layouts)
