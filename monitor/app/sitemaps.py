"""The sites' own change signals: each host's XML sitemaps, found once a day and polled every cycle.

Found through robots.txt `Sitemap:` lines, else `/sitemap.xml`; an index's children are read when their lastmod
in the index moved (or it gives none); every file is asked conditionally (an unchanged one costs a 304). What
the sitemaps say of tracked articles is stored; the plan (`app.plan`) makes an article whose lastmod moved since
our last check due at once, unless its host's lastmod has been measured dishonest (`decide.signals`). After the
checks, each checked article is one observation of its host's honesty. A signal never alerts.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from monitor.app.context import Cycle, log
from monitor.core.errors import FeedError, FetchError
from monitor.core.identity import identity_key
from monitor.decide.signals import judge, moved_since, observe
from monitor.sources.fetch import Fetcher
from monitor.sources.sitemaps import parse_sitemap, robots_sitemaps
from monitor.store.database import ArticleRow, article_facts
from monitor.store.sitemaps import SitemapFile

FIND_EVERY = 24 * 3600.0  # sitemaps are looked for again once a day (a site may add or move them)
DISTRUSTED_EVERY = 3600.0  # a distrusted host's sitemaps are read hourly, not every cycle
MAX_READS = 6  # sitemap files read per host per cycle at most (children that wait come next cycle)


async def poll_sitemaps(cycle: Cycle, fetcher: Fetcher, rows: Sequence[ArticleRow]) -> None:
    """Poll the sitemaps of every host with tracked articles and record the lastmods they give them."""
    if not cycle.settings.sitemaps:
        return
    by_host: dict[str, dict[str, int]] = {}
    roots: dict[str, str] = {}
    for row in rows:
        parts = urlsplit(row.url)
        host = (parts.hostname or "").lower()
        by_host.setdefault(host, {})[identity_key(row.url)] = row.id
        roots.setdefault(host, f"{parts.scheme}://{parts.netloc}")
    known = cycle.store.sitemap_hosts()
    for host, tracked in sorted(by_host.items()):
        try:
            entry = known.get(host)
            if entry is None or time.time() - entry.found >= FIND_EVERY or entry.found > time.time():
                tops = await _find(fetcher, host, roots[host])
                cycle.store.record_sitemap_host(host, time.time(), tops)
            else:
                tops = list(entry.sitemaps)
                if not judge(entry.record).usable and entry.polled is not None and 0 <= time.time() - entry.polled \
                        < DISTRUSTED_EVERY:
                    continue  # its signals are ignored: read now and then, only to keep measuring them
            cycle.store.record_sitemap_poll(host, time.time())
            lastmods = await _poll(cycle, fetcher, tops, tracked)
            if lastmods:
                cycle.store.record_lastmods(lastmods)
        except FetchError as exc:
            log.info("sitemaps of %s: %s", host, exc)


async def _find(fetcher: Fetcher, host: str, root: str) -> list[str]:
    """The host's sitemaps: robots.txt's `Sitemap:` lines on the same host, else /sitemap.xml if it answers."""
    if not fetcher.robots.fresh(host):
        try:
            fetcher.robots.remember(host, (await fetcher.get(f"{root}/robots.txt", obey_robots=False)).text())
        except FetchError as exc:
            if exc.status is None or not 400 <= exc.status < 500:
                raise
            fetcher.robots.remember(host, "")
    listed = [u for u in robots_sitemaps(fetcher.robots.bodies.get(host, ("", 0.0))[0])
              if (urlsplit(u).hostname or "").lower() == host]
    if listed:
        return listed
    try:
        await fetcher.get(f"{root}/sitemap.xml")
    except FetchError:
        return []
    return [f"{root}/sitemap.xml"]


async def _poll(cycle: Cycle, fetcher: Fetcher, tops: Sequence[str], tracked: Mapping[str, int]
                ) -> dict[int, float | None]:
    """Read the host's sitemaps conditionally; tracked article id → lastmod, for those the files read list."""
    lastmods: dict[int, float | None] = {}
    queue: list[tuple[str, float | None]] = [(url, None) for url in tops]
    reads = 0
    while queue and reads < MAX_READS:
        url, index_lastmod = queue.pop(0)
        stored = cycle.store.sitemap_file(url)
        if stored.known and index_lastmod is not None and stored.lastmod == index_lastmod:
            continue  # its index says it has not changed since we read it
        reads += 1
        try:
            response = await fetcher.get(url, stored.validators)
        except FetchError as exc:
            log.info("sitemap %s: %s", url, exc)
            continue
        if response.not_modified:
            queue += list(stored.children)
            cycle.store.record_sitemap_file(SitemapFile(url, stored.validators, index_lastmod, stored.children, True))
            continue
        try:
            sitemap = parse_sitemap(response.body)
        except FeedError as exc:
            log.info("sitemap %s: %s", url, exc)
            continue
        children: tuple[tuple[str, float | None], ...] = ()
        if sitemap.index:
            children = tuple((e.loc, e.lastmod) for e in sitemap.entries
                             if urlsplit(e.loc).hostname == urlsplit(url).hostname)[:50]
            queue += list(children)
        else:
            for e in sitemap.entries:
                key = tracked.get(identity_key(e.loc))
                if key is not None:
                    lastmods[key] = e.lastmod
        cycle.store.record_sitemap_file(SitemapFile(url, response.validators, index_lastmod, children, True))
    return lastmods


def observe_checks(cycle: Cycle, before: Sequence[ArticleRow], checked: Sequence[int]) -> None:
    """After judging: each checked article its host's sitemap lists is one observation of that host's honesty
    (did lastmod move, did the page change); then its current lastmod is the one its next check compares with."""
    lastmods = cycle.store.lastmods()
    hosts = cycle.store.sitemap_hosts()
    records = {h: e.record for h, e in hosts.items()}
    rows = {r.id: r for r in before}
    seen: list[int] = []
    for key in checked:
        row, now_at = rows.get(key), lastmods.get(key)
        if row is None or now_at is None:
            continue
        after = cycle.store.article_by_id(key)
        if after is None or after.last_error:
            continue  # a failed check tells nothing of the page
        seen.append(key)
        if row.last_checked is None:
            continue  # a first reading is a baseline: nothing to compare
        host = (urlsplit(row.url).hostname or "").lower()
        checked_at = article_facts(row).last_checked
        was_moved = moved_since(now_at[0], now_at[1], checked_at.timestamp() if checked_at else None)
        changed = after.latest_hash != row.latest_hash
        if host in records:
            records[host] = observe(records[host], moved=was_moved, changed=changed)
    cycle.store.record_checked_lastmods(seen, {h: r for h, r in records.items() if r != hosts[h].record})
