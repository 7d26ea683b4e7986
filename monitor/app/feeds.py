"""Feeds and listing pages: new on-topic posts are tracked and, after a source's first poll, announced.

Sources are the top-level `feeds` and `listings` (with the `[topic]` rules and Drupal teasers) and each
`[sites."HOST"]` table's own feeds and listings (with its topic rules and teaser selectors).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from monitor.app.context import Cycle, log, rules
from monitor.app.plan import record_feed_signals
from monitor.config import Settings, TopicRules
from monitor.config.declare import site_topic
from monitor.core.caps import cap_entry
from monitor.core.errors import FeedError, FetchError
from monitor.core.faults import crash_point
from monitor.core.identity import fetch_url, identity_key
from monitor.core.kinds import Kind, Origin
from monitor.core.model import Alert, FeedEntry, Validators
from monitor.core.text import canonical, digest
from monitor.decide.article import new_post_alert
from monitor.decide.policy import parse_when
from monitor.decide.watchdog import FEED_FAILING, FEED_QUIET, FEED_RECOVERED, FeedHealth, next_feed_health
from monitor.sources.extract import extract_links, extract_teasers
from monitor.sources.feeds import matches_topic, parse_feed
from monitor.sources.fetch import Fetcher
from monitor.store.database import now
from monitor.store.rows import ArticleRow

SAME_TITLE = 0.6  # a post's title edited with its slug still reads this close to the old one


@dataclass(frozen=True)
class Source:
    """One feed or listing page to poll, with the rules that choose its posts."""

    url: str
    listing: bool
    topic: TopicRules
    teasers: tuple[str, ...] | None = None  # a listing's link selectors; None: Drupal teasers


def sources(settings: Settings) -> list[Source]:
    """Every configured source, each once (the first declaration of a URL wins)."""
    found = [Source(u, False, settings.topic) for u in settings.feeds]
    found += [Source(u, True, settings.topic) for u in settings.listings]
    for site in settings.sites:
        topic = site_topic(site, settings.topic)
        found += [Source(u, False, topic) for u in site.feeds]
        found += [Source(u, True, topic, site.teasers) for u in site.listings]
    return list({s.url: s for s in reversed(found)}.values())[::-1]


async def poll_source(cycle: Cycle, fetcher: Fetcher, source: Source) -> None:
    """A feed (or listing page): new on-topic posts are tracked; after the first poll, each is announced."""
    url, listing = source.url, source.listing
    validators, baseline_done = cycle.store.feed_state(url)
    try:
        response = await fetcher.get(url, validators)
        if response.not_modified:
            _record_poll(cycle, url, response.validators, None, newest=None)
            cycle.report.feeds_polled += 1
            return
        if listing and source.teasers is not None:
            entries = extract_links(response.text(), url, source.teasers)
        elif listing:
            entries = extract_teasers(response.text(), url) or extract_links(response.text(), url, ())
        else:
            entries = parse_feed(response.body, url, response.content_type)
    except (FetchError, FeedError) as exc:
        _record_poll(cycle, url, None, str(exc), newest=None)
        cycle.error(f"feed {url}", exc)
        return
    cycle.report.feeds_polled += 1
    fresh = _new_entries(cycle, fetcher, source, entries)
    limit = cycle.settings.max_new_posts
    announce = baseline_done or cycle.settings.announce_existing
    for entry in fresh[:limit]:
        _new_post(cycle, entry, listing=listing, announce=announce)
    newest = max(filter(None, (parse_when(e.published) for e in entries)), default=None)
    flood = _flood_alert(cycle, url, fresh[limit:], limit) if len(fresh) > limit else None
    _record_poll(cycle, url, response.validators, None, newest=newest, extra=flood)
    record_feed_signals(cycle.store, url, entries)  # a tracked entry whose text changed: its page is due now


def _new_entries(cycle: Cycle, fetcher: Fetcher, source: Source, entries: list[FeedEntry]) -> list[FeedEntry]:
    """On-topic entries not tracked yet: one per article identity (or feed guid), allowed hosts only.

    A guid identifies a post only while it is unique: one that two links of the feed share, or that an article
    still in the feed under its own link already holds (a CMS reusing ids, a copy-pasted item), identifies
    neither, and the link decides. Every entry declined for another reason than being off-topic or tracked
    leaves one log line.
    """
    fresh: dict[str, FeedEntry] = {}
    listing = source.listing
    links = {identity_key(fetch_url(e.url)) for e in entries}
    links_of_guid: dict[str, set[str]] = {}
    for e in entries:
        if e.entry_id:
            links_of_guid.setdefault(e.entry_id, set()).add(identity_key(fetch_url(e.url)))
    for entry in entries:
        entry = cap_entry(replace(entry, url=fetch_url(entry.url)))
        key = identity_key(entry.url)
        if entry.entry_id and len(links_of_guid.get(entry.entry_id, ())) > 1:
            log.info("feed %s: guid %r is shared by %d links: each is its own post", source.url,
                     entry.entry_id[:80], len(links_of_guid[entry.entry_id]))
            entry = replace(entry, entry_id="")
        if key in fresh:  # another spelling of a link already met: keep the better one to fetch
            fresh[key] = max(fresh[key], entry, key=lambda e: _spelling_rank(e.url, source.url))
            continue
        if not (listing or matches_topic(entry, source.topic)):
            continue
        if cycle.store.article(entry.url):
            continue
        holder = cycle.store.article_by_guid(entry.entry_id) if entry.entry_id and not listing else None
        if holder is not None:
            if identity_key(holder.url) not in links and _same_post(holder, entry):
                log.info("feed %s: %s is the post tracked as %s under a new link (same guid %r, same date or "
                         "title): not a new post", source.url, entry.url, holder.url, entry.entry_id[:80])
                continue
            log.info("feed %s: guid %r of %s is already %s's (still in the feed, or another date and title): "
                     "tracked by its link", source.url, entry.entry_id[:80], entry.url, holder.url)
            entry = replace(entry, entry_id="")
        try:
            fetcher.urls.check(entry.url)
        except FetchError as exc:
            cycle.error(f"feed {source.url} entry", exc)
            continue
        fresh[key] = entry
    return list(fresh.values())


def _same_post(holder: ArticleRow, entry: FeedEntry) -> bool:
    """A tracked post met again under a new link with its guid: the same post (a new slug) when its publication
    date agrees (within two days) or, without dates, its title reads nearly the same; a guid reused for another
    post (a CMS restarting its ids) has another date and title, and is a new post."""
    theirs, ours = parse_when(holder.published), parse_when(_iso(entry.published))
    if theirs is not None and ours is not None:
        return abs(theirs - ours) <= dt.timedelta(days=2)
    a, b = canonical(holder.title).casefold(), canonical(entry.title).casefold()
    return not a or not b or SequenceMatcher(None, a, b).ratio() >= SAME_TITLE


def _iso(value: str) -> str:
    """A feed date (RFC 822 or ISO) as ISO, or "" when unreadable."""
    if not value:
        return ""
    try:
        return email.utils.parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return value


def _new_post(cycle: Cycle, entry: FeedEntry, *, listing: bool, announce: bool) -> None:
    """Track a new post and write its announcement in the same transaction (tracked means told)."""
    alert = new_post_alert(entry, rules(cycle.settings), now=now()) if announce else None
    cycle.store.track_new_post(entry.url, Origin.LISTING if listing else Origin.FEED, entry.title,
                               guid="" if listing else entry.entry_id, alerts=(alert,) if alert else (),
                               targets=cycle.target_keys)
    crash_point("after_new_post")
    cycle.report.new_posts += 1
    cycle.report.alerts_created += int(alert is not None)


def _flood_alert(cycle: Cycle, url: str, rest: list[FeedEntry], limit: int) -> Alert:
    """One operator alert for the posts past `max_new_posts`: a flood is reported, not replayed as N alerts."""
    detail = (f"{len(rest)} more new on-topic entries than max_new_posts ({limit}) in one poll were not tracked; "
              f"first of them: {rest[0].title[:120]!r}")
    log.warning("operator: %s: %s", url, detail)
    key = digest(url, Kind.FEED_FLOODED, *sorted(identity_key(e.url) for e in rest))
    return Alert(kind=Kind.FEED_FLOODED, url=url, title=url, dedup_key=key, detail=detail, created_at=now())


def _record_poll(
    cycle: Cycle, url: str, validators: Validators | None, error: str | None, *, newest: dt.datetime | None,
    extra: Alert | None = None,
) -> None:
    """Record a poll; a feed that starts failing, goes quiet or recovers is one operator alert."""
    before = cycle.store.feed_health(url)
    health, event = next_feed_health(
        before, ok=error is None, newest_entry=newest, now=dt.datetime.now(dt.UTC),
        fail_after=cycle.settings.admin_after, quiet_days=cycle.settings.quiet_days,
    )
    alerts: tuple[Alert, ...] = ()
    if event is not None:
        detail = _operator_detail(event, error, health, cycle.settings, left=before.state)
        log.warning("operator: %s: %s", url, detail)
        if cycle.admin_targets and event in cycle.settings.alert_kinds and _was_told(event, before.state,
                                                                                      cycle.settings.alert_kinds):
            stamp = now()
            alerts = (Alert(kind=event, url=url, title=url, dedup_key=digest(url, event, stamp), detail=detail,
                            created_at=stamp),)
            cycle.report.alerts_created += 1
    if extra is not None and cycle.admin_targets and extra.kind in cycle.settings.alert_kinds:
        alerts = (*alerts, extra)
        cycle.report.alerts_created += 1
    cycle.store.record_feed(url, validators, error, health=health, alerts=alerts, targets=cycle.admin_keys)
    if event is not None:
        crash_point("after_feed_state")
    if extra is not None:
        crash_point("after_feed_flooded")


def _spelling_rank(link: str, source: str) -> tuple[bool, bool, bool]:
    """Of several spellings of one article's link: https first, then the feed's own host, then no trailing slash."""
    parts, origin = urlsplit(link), urlsplit(source)
    return parts.scheme == "https", parts.hostname == origin.hostname, not parts.path.endswith("/")


def _was_told(event: str, left: str, kinds: tuple[str, ...]) -> bool:
    """A recovery is news only to an operator who was told of the trouble: not after a kind turned off."""
    if event != FEED_RECOVERED:
        return True
    return {"failing": FEED_FAILING, "quiet": FEED_QUIET}.get(left, FEED_FAILING) in kinds


def _operator_detail(event: str, error: str | None, health: FeedHealth, settings: Settings, *, left: str) -> str:
    if event == FEED_FAILING:
        return f"failed {health.failures} polls in a row; last error: {error}"
    newest = health.newest_entry.date().isoformat() if health.newest_entry else "unknown"
    if event == FEED_QUIET:
        if left == "failing":
            return f"answering again, but no new entry for more than {settings.quiet_days:g} days (newest: {newest})"
        return f"no new entry for more than {settings.quiet_days:g} days (newest: {newest})"
    if left == "quiet":  # it never failed: what ended is the silence
        return f"new entries again after a quiet spell (newest: {newest})"
    return "polls succeed again after failing"
