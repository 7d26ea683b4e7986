"""A site's articles seen together, between reading and judging them.

- What *moves into* (or out of) many of its articles' bodies at once is the site's chrome, never an edit; what
  its articles held when read before is theirs, however many share it (`decide.chrome`).
- What an article read in a new layout may set aside is judged against the host's other articles this cycle:
  text at the same edge of many of them in that layout, and title affixes several of its titles carry
  (`decide.layout.HostContext`).
- The same short page in place of many of its articles at once is its wall (`app.walls`): never its chrome.
- A redesign is a change of structure (the layout fingerprint), one operator alert per host; a layout the host
  has shown before (an A/B test, a rollback) is none. Text changing alike in many articles is not a redesign:
  each is an edit, except a shared title affix arriving in many titles at once (a title template), which is
  the operator's to hear about.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from urllib.parse import urlsplit

from monitor.app.articles import Read, known_of
from monitor.app.context import Cycle, log
from monitor.app.walls import see_wall, stubbed_lately, tracked_per_host
from monitor.core.model import Snapshot
from monitor.core.text import MIN_BODY_WORDS, canonical, word_count
from monitor.decide.article import Failed, Fetched, Gone, NotModified, body_words
from monitor.decide.chrome import (
    chrome_of,
    movements,
    paragraph_key,
    paragraph_keys,
    strip_chrome,
    tally,
    without_shared_rewrites,
)
from monitor.decide.layout import HostContext, edge_paragraphs, same_title, title_affixes_of
from monitor.store import sites as store_sites

CHROME_ONLY = "the page holds only what many of the site's pages hold (its chrome), not this article's text"
TITLE_TEMPLATE = "shift title template"


def see_sites_together(cycle: Cycle, reads: list[Read]) -> None:
    """Learn each host's chrome from what moved, drop it from what was read, and give each article its host's
    context for judging a new layout."""
    hosts: dict[str, list[Read]] = {}
    for item in reads:
        if isinstance(item.seen, Fetched | NotModified):
            hosts.setdefault(item.host, []).append(item)
    titles = _titles_by_host(cycle)
    lately = stubbed_lately(cycle)
    tracked = tracked_per_host(cycle)
    # A 404 is the host answering for that article: it counts among the host's answers beside a wall's stubs.
    gone = Counter(item.host for item in reads if isinstance(item.seen, Gone) and not item.row.removed)
    for host, items in sorted(hosts.items()):
        for item in items:
            item.known = known_of(cycle, item)
        # A wall's text is not the site's chrome: never learned as it.
        walled = see_wall(cycle, host, items, lately.get(host, set()), gone[host], tracked[host])
        _learn_chrome(cycle, host, items, walled)
        fetched = [i for i in items if isinstance(i.seen, Fetched)]
        _give_context(cycle, fetched, titles.get(host, {}))
        cycle.moving[host] = sum(1 for i in fetched if isinstance(i.seen, Fetched) and (i.shape or (
            i.row.layout and i.seen.layout and i.seen.layout != i.row.layout)))


def _learn_chrome(cycle: Cycle, host: str, items: list[Read], walled: set[int]) -> None:
    settings, store = cycle.settings, cycle.store
    stored = store_sites.paragraph_keys(store, host)
    current = {i.row.id: paragraph_keys(i.seen.snapshot) for i in items
               if isinstance(i.seen, Fetched) and i.row.id not in walled}
    moves = {}
    for item in items:
        known, seen = item.known, item.seen
        if (isinstance(seen, Fetched) and item.row.id not in walled and known is not None and known.latest is not None
                and known.latest.source == "live" and not known.latest.truncated):
            came, went, rewrites = movements(known.latest, seen.snapshot)
            if came or went:
                moves[item.row.id] = (came, went, rewrites)
    reread = {i.row.id: current.get(i.row.id, stored.get(i.row.id, frozenset())) for i in items
              if i.row.id in stored}  # re-read articles (not first readings), with what they hold now
    moved = without_shared_rewrites({a: m for a, m in moves.items() if a in stored})
    tallies = tally(moved, reread)  # this cycle's movements only: "at once"
    known_chrome = store_sites.learned_chrome(store, host)
    learned = chrome_of(tallies, articles=settings.chrome_articles, share=settings.chrome_share)
    chrome = known_chrome | learned
    readings = {article: keys for article, keys in current.items() if stored.get(article) != keys}
    if readings or learned - known_chrome:
        store_sites.save_site_reading(store, host, readings, learned - known_chrome)
    if learned - known_chrome:
        log.info("%s: %d paragraphs learned as the site's chrome (they came into or left many of its articles "
                 "at once)", host, len(learned - known_chrome))
    if not chrome:
        return
    for item in items:
        if not isinstance(item.seen, Fetched):
            continue
        kept = strip_chrome(item.seen.snapshot, chrome)
        if kept is not item.seen.snapshot and _only_chrome(kept, item):
            item.seen = Failed(CHROME_ONLY)
        else:
            item.seen = replace(item.seen, snapshot=kept, chrome=chrome)


def _only_chrome(kept: Snapshot, item: Read) -> bool:
    """Left with no word once chrome is dropped, and no note new to the article: not its text. A page with a new
    note is always compared (a note never waits on a body verdict). A short body left is judged like any short
    body, against the article's latest version (`decide.article`): a short post is an article, a stub is not; so
    is a page left with no word where the article was long (a soft 404 holding only the site's newsletter box): a
    stub toward "removed", never a failed check for good."""
    assert isinstance(item.seen, Fetched)
    snapshot = item.seen.snapshot
    if word_count(kept.paragraphs):
        return False
    latest = item.known.latest if item.known else None
    if latest is not None and body_words(latest) >= MIN_BODY_WORDS:
        return False
    old_notes = {n.key for n in latest.notes} if latest else set()
    return not any(n.key not in old_notes for n in snapshot.notes)


def _give_context(cycle: Cycle, items: list[Read], host_titles: dict[int, str]) -> None:
    """Each article's `HostContext`, and the title template many titles took on at once (an operator alert)."""
    needed = cycle.settings.chrome_articles
    edges: Counter[tuple[str, str, str]] = Counter()
    for item in items:
        assert isinstance(item.seen, Fetched)
        seen_edges = {(item.seen.layout, edge, paragraph_key(p)) for edge, p in edge_paragraphs(item.seen.snapshot)}
        latest = item.known.latest if item.known else None
        old_edges = {(item.row.layout, edge, paragraph_key(p)) for edge, p in edge_paragraphs(latest)} if (
            latest is not None and latest.source == "live") else set()
        edges.update(seen_edges | old_edges)
    held: dict[str, frozenset[str]] = {}  # layout → every paragraph key the host's articles read in it hold
    for item in items:
        assert isinstance(item.seen, Fetched)
        held[item.seen.layout] = held.get(item.seen.layout, frozenset()) | paragraph_keys(item.seen.snapshot)
    # Each article counts once for an affix, whether its stored title or its title now carries it.
    carried = {article: set(title_affixes_of(title)) for article, title in host_titles.items()}
    for item in items:
        assert isinstance(item.seen, Fetched)
        carried.setdefault(item.row.id, set()).update(title_affixes_of(item.seen.snapshot.title))
    affix_count = Counter(a for affixes_of_one in carried.values() for a in affixes_of_one)
    affixes = frozenset(a for a, n in affix_count.items() if n >= 2)
    templated = []
    for item in items:
        assert isinstance(item.seen, Fetched)
        latest = item.known.latest if item.known else None
        shared = frozenset(key for (layout, _, key), n in edges.items() if n >= needed and layout in (
            item.seen.layout, item.row.layout))
        item.seen = replace(item.seen, host=HostContext(edge_chrome=shared, title_affixes=affixes,
                                                        held=held.get(item.seen.layout, frozenset())))
        old_title = latest.title if latest is not None else ""
        if (old_title and canonical(old_title) != canonical(item.seen.snapshot.title)
                and same_title(old_title, item.seen.snapshot.title, affixes)):
            templated.append(item)
    if len(templated) >= needed:
        log.info("%d articles' titles took on or lost a shared affix at once: the site's title template",
                 len(templated))
        for item in templated:
            item.shape = TITLE_TEMPLATE


def _titles_by_host(cycle: Cycle) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = {}
    for article, url, title in store_sites.titles(cycle.store):
        if title:
            out.setdefault((urlsplit(url).hostname or "").lower(), {})[article] = title
    return out


def report_relayouts(cycle: Cycle) -> None:
    """A site read in a new layout is one operator alert per host (naming the counts), not one per article;
    back in a layout it had before (a redesign rolled back, an A/B test) it is only logged."""
    for host, met in sorted(cycle.relayouts.items()):
        new = {what: n for what, n in met.items()
               if what.startswith("shift ") or what not in cycle.known_layouts.get(host, set())}
        total = sum(met.values())
        if not new:
            log.warning("%s: %d articles read again in a layout seen before (a redesign rolled back, or a site "
                        "serving several layouts): changes a reader would see still alert", host, total)
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
