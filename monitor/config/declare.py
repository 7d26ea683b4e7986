"""Every setting, declared once: its type (the annotation), default, limits, doc line and, for lists, how the
environment variable splits. The TOML check, the MONITOR_* parsing, the error wording and the docs' settings table all
follow from these declarations (`declarations()`).

No pydantic here: every module imports `Settings`, and `monitor --help` should not pay for the validator.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from monitor.config.routes import RouteKeys
from monitor.config.site import Site
from monitor.config.spec import _ARRAY, _KEYED, _SPEC, _TABLE, Spec, array, keyed_table, setting, table
from monitor.config.spec import http_url as _http_url
from monitor.config.spec import http_urls as _http_urls
from monitor.config.treaty import TreatyKeys
from monitor.core.model import ALERT_KINDS
from monitor.decide.chrome import CHROME_ARTICLES, CHROME_SHARE
from monitor.decide.policy import RecheckPolicy
from monitor.decide.routes import Route
from monitor.render.templates import Templates

DEFAULT_CONFIG = Path("config/monitor.toml")
DEFAULT_GRACE = 8.0  # seconds `monitor run` lets a cycle finish after SIGTERM; Docker kills after 10
DEFAULT_FEED = "https://www.eff.org/rss/updates.xml"
DEFAULT_KEYWORDS = (
    "cybercrime treaty",
    "cybercrime convention",
    "convention against cybercrime",
    "un cybercrime",
    "ad hoc committee on cybercrime",
    "cybercrime committee",
)
DEFAULT_CATEGORIES = ("https://www.eff.org/issues/un-cybercrime-treaty",)
DEFAULT_WEB_BIND = "127.0.0.1:8650"
DEFAULT_USER_AGENT = "deeplinks-monitor/0.1 (change monitor for EFF Deeplinks; +https://github.com/deeplinks-monitor)"
DEFAULT_POLICY = RecheckPolicy()

HOUR, DAY = 3600.0, 86400.0
MAX_DAYS = 1_000_000  # "never" for every day count, and still inside what `timedelta` can hold
ENV_PREFIX = "MONITOR_"
NOT_SETTINGS = ("MONITOR_CONFIG", "MONITOR_STATE_DIR", "MONITOR_FAULT")  # environment, read elsewhere

__all__ = ["Site", "Spec", "keyed_table", "setting", "table"]  # declared elsewhere, used with these

# -- rules no type says -------------------------------------------------------------------------------------
def _http_prefix(target: str) -> None:
    if not re.match(r"^https?://", target):
        raise ValueError("must be an http(s) URL prefix string")


def _known_kinds(kinds: tuple[str, ...]) -> None:
    for kind in kinds:
        if kind not in ALERT_KINDS:
            raise ValueError(f"has unknown kind {kind[:40]!r} (known: {', '.join(ALERT_KINDS)})")


BIND_MUST = 'HOST:PORT, e.g. "127.0.0.1:8650" ("" disables the web view)'


def _bind(bind: str) -> None:
    """HOST:PORT for the web view, or "" for none; the host is checked against `web_token` when it starts."""
    host, sep, port = bind.rpartition(":")
    if bind and (not sep or not host or not re.fullmatch(r"[0-9]{1,5}", port) or not 0 < int(port) < 65536):
        raise ValueError(f"must be {BIND_MUST}")


TIERS_MUST = (f"a list of [age in days, seconds between checks], youngest first (days ≤ {MAX_DAYS}, "
              "seconds ≤ 31536000)")


def _tiers(tiers: tuple[tuple[float, float], ...]) -> None:
    ages = [age for age, _ in tiers]
    if ages != sorted(ages) or any(age > MAX_DAYS or every > 365 * DAY for age, every in tiers):
        raise ValueError(f"must be {TIERS_MUST}")


def _template_format(fmt: str) -> None:
    if fmt not in ("text", "markdown", "html"):
        raise ValueError("must be text, markdown or html")


# -- the declarations -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TopicRules:
    """Which feed entries we track: a keyword in title or body, or a category (domain URL or label)."""

    keywords: tuple[str, ...] = setting(
        DEFAULT_KEYWORDS, "a feed entry is on topic when one of these stands in its title or body", split="commas")
    categories: tuple[str, ...] = setting(
        DEFAULT_CATEGORIES, "… or when it carries one of these categories (domain URL or label)", split="commas")


@dataclass(frozen=True)
class RecheckKeys:
    """The `[recheck]` table, which becomes a RecheckPolicy."""

    tiers: tuple[tuple[float, float], ...] = setting(
        DEFAULT_POLICY.tiers, "how often a fresh article is checked: an article whose last sign of life (a change "
        "we saw, else its publication) is younger than *days* is due every *seconds* (0 = every cycle); older ones "
        "every `max_interval`; an article whose checks fail is retried after 5 min, 10 min, 20 min … (at most "
        "`max_interval`)", ge=0, must=TIERS_MUST, check=_tiers)
    max_interval: float = setting(
        DEFAULT_POLICY.max_interval, "the promise: every tracked article, whatever its age, is checked at least this "
        "often (seconds; 0 = no promise, the tiers alone), as long as `host_budget_per_hour` allows it (`monitor "
        "status` says when it does not)", ge=0, le=365 * DAY)
    retire_after_days: float = setting(
        DEFAULT_POLICY.retire_after_days, "0: never; else discovered articles older than this (since their last "
        "change) are no longer checked (seeded and configured ones always are)", ge=0, le=MAX_DAYS)

    def build(self, where: str) -> RecheckPolicy:
        return RecheckPolicy(tiers=self.tiers, retire_after_days=self.retire_after_days, max_interval=self.max_interval)


@dataclass(frozen=True)
class TemplateKeys:
    """The `[templates]` table, compiled into Templates (see "Alerts on each channel")."""

    title: str | None = setting(None, "Jinja2 template (sandboxed) for every alert's title")
    body: str | None = setting(None, "Jinja2 template (sandboxed) for every alert's body")
    format: str = setting("text", "what `body` produces", must="text, markdown or html", check=_template_format)

    def build(self, where: str) -> Templates:
        from monitor.render.templates import compile_templates

        return compile_templates(self.title, self.body, self.format, where)


@dataclass(frozen=True)
class Settings:
    """Everything a cycle needs to know, resolved and validated once."""

    database: Path = setting(
        doc="the SQLite file", required=True,
        shown_default="`$MONITOR_STATE_DIR` or `$XDG_STATE_HOME/deeplinks-monitor` or "
                      "`~/.local/state/deeplinks-monitor`, + `/monitor.sqlite3`")
    seeds_dir: Path | None = setting(None, "seed snapshots",
                                     shown_default="`seeds` in the working directory, if there is one")
    feeds: tuple[str, ...] = setting((DEFAULT_FEED,), "RSS/Atom feeds to poll", must="a list of http(s) URLs",
                                     check=_http_urls)
    listings: tuple[str, ...] = setting(
        (), "listing/topic pages whose teasers announce posts (every teaser is tracked)",
        must="a list of http(s) URLs", check=_http_urls)
    articles: tuple[str, ...] = setting((), "extra article URLs, tracked whatever the topic says",
                                        must="a list of http(s) URLs", check=_http_urls)
    notify: tuple[str, ...] = setting(
        (), "Apprise URLs; prefer the environment variable (they carry secrets)", must="a list of Apprise URLs",
        secret=True, shown_default="none (print to stdout)")
    notify_config: tuple[str, ...] = setting(
        (), "Apprise configuration files (YAML or TEXT, tags included), read as Apprise reads them; each URL in "
        "them is a target like a `notify` entry", must="a list of paths, relative to the config file's directory",
        paths=True, split="words")
    route: tuple[Route, ...] = array(RouteKeys, default=())  # [[route]] tables: see monitor.config.routes
    topic: TopicRules = table(TopicRules, default=TopicRules())
    sites: tuple[Site, ...] = keyed_table(Site, default=())
    chrome_articles: int = setting(
        CHROME_ARTICLES, "a paragraph that comes into (or leaves) this many of a host's articles' bodies after "
        "their earlier reading (and `chrome_share` of those re-read since) is the site's chrome, never an edit; "
        "text at the same edge of this many articles in a new layout is the layout's",
        ge=2, le=100_000)
    chrome_share: float = setting(CHROME_SHARE, "see `chrome_articles`: the share of the host's articles re-read",
                                  gt=0, le=1)
    user_agent: str = setting(DEFAULT_USER_AGENT, "sent with every request; add your contact")
    timeout: float = setting(20.0, "seconds per request, whole (connect, headers and body)", gt=0, le=HOUR)
    allowed_hosts: tuple[str, ...] = setting(
        ("www.eff.org", "eff.org"), "any other host (redirects, feed links) is refused, except the hosts of "
        "`[sites]` tables and of configured feeds, listings and articles ([] allows every host)", split="words")
    host_delay: float = setting(2.0, "seconds between two requests to one host", ge=0, le=HOUR)
    host_concurrency: int = setting(
        1, "requests in flight to one host at once, each over its own keep-alive connection; raise it only for a "
        "host you run (a local replay)", ge=1, le=64)
    host_budget_per_hour: float = setting(
        240.0, "requests per host per hour at most, feeds and articles together (0 = no budget); `monitor run` and "
        "`check --due` spread them evenly (each cycle its share of the time since that host's previous cycle, at "
        "most `feed_interval` + the lateness its recent cycles showed; for `check --due` from cron, set "
        "`feed_interval` to the cron interval) "
        "and spend them on the checks worth most: a feed entry whose text changed, a new post, then the due "
        "articles, freshest and longest unchecked first", ge=0, le=1_000_000)
    sitemaps: bool = setting(
        True, "read each host's XML sitemaps (robots.txt `Sitemap:` lines, `/sitemap.xml`) every cycle, within "
        "`host_budget_per_hour`: an article whose `<lastmod>` moved is checked in that cycle, unless the host's "
        "lastmod has been measured dishonest (`monitor status` says which)")
    max_bytes: int = setting(5_000_000, "larger responses (decoded, however many encodings) are refused, read as a "
                             "stream", ge=1, le=1_000_000_000)
    max_host_wait: float | None = setting(
        None, "seconds one cycle may spend waiting on one host's spacing (`host_delay`, Crawl-delay); past it the "
        "host's remaining pages wait for the next cycle", shown_default="`feed_interval`", gt=0, le=7 * DAY)
    cycle_budget: float | None = setting(
        None, "seconds one cycle may spend checking articles; past it the articles not done yet are left for the "
        "next cycle (not failures), and `monitor health` reports the overrun", shown_default="`feed_interval`",
        gt=0, le=7 * DAY)
    lock_wait: float = setting(
        30.0, "seconds a run (a `check`, one service cycle) may wait, in total, for another program's lock on the "
        "database; past it the run ends with one `error:` line and the next run redoes the work", gt=0, le=HOUR)
    retry_backoff: float = setting(
        2.0, "seconds before the one retry, within a cycle, of a 5xx, timeout or network error", ge=0, le=HOUR)
    delivery_backoff: float = setting(
        60.0, "a failed delivery is retried after this many seconds, then twice, four times as long … (capped at "
        "6 h)", ge=0, le=6 * HOUR)
    max_attempts: int = setting(
        10, "delivery attempts before giving up (shown in `status`; `monitor notify --replay`)", ge=1, le=1000)
    rewrite: tuple[tuple[str, str], ...] = setting(
        (), 'fetch-only URL prefix map, e.g. `"https://www.eff.org" = "http://127.0.0.1:8765"`: replay the site '
        "locally while identities and alerts keep eff.org URLs", must='a table of "URL prefix" = "URL prefix"',
        check=_http_prefix)
    announce_existing: bool = setting(False, "alert for on-topic posts already in a feed at its first poll")
    alert_minor: bool = setting(False, "alert for punctuation/case-only edits (always kept in history)")
    minor_similarity: float = setting(
        0.85, "a body edit is *minor* when it only touches punctuation, letter case, or swaps a word for a "
        "near-identical one that a word list proves a spelling fix (a non-word or a rare misspelling for a "
        "word 100× more common: character similarity ≥ this, words of 4+ letters, never digits, names or a "
        "negation); minor edits are recorded, and alert only with `alert_minor`", ge=0, le=1)
    alert_kinds: tuple[str, ...] = setting(
        ALERT_KINDS, "which kinds alert; the others are still recorded in history",
        must=f"a list of alert kinds ({', '.join(ALERT_KINDS)})", check=_known_kinds, split="words",
        shown_default="all")
    templates: Templates | None = table(TemplateKeys, default=None)
    digest: bool = setting(
        False, 'a target owed several alerts in one cycle gets them as one message ("deeplinks-monitor: N '
        'changes"), split only where its size limit demands; none is ever dropped')
    removed_after: int = setting(
        2, 'consecutive checks without the article (404/410 answers, or a short page in its place: a stub) before a '
        '"removed" alert; a stub alone never alerts, so a streak with one needs at least 2', ge=1, le=1000)
    max_new_posts: int = setting(
        20, "new posts tracked (and announced) per feed poll at most; the rest is one operator alert "
        "(`feed_flooded`)", ge=1, le=10_000)
    feed_interval: float = setting(300.0, "`monitor run`: seconds between cycles (health allows 2 × this + jitter)",
                                   gt=0, le=7 * DAY)
    jitter: float = setting(60.0, "`monitor run`: the schedule's random phase: after the cycle at start, the "
                            "next comes `feed_interval` + up to this many seconds later, then every `feed_interval` "
                            "exactly (instances poll out of step; a delay drawn per cycle would let a sliding hour "
                            "meet one cycle more than the budget plans for)", ge=0, le=DAY)
    recheck: RecheckPolicy = table(RecheckKeys, default=DEFAULT_POLICY)
    notify_admin: tuple[str, ...] = setting(
        (), "Apprise URLs for operator alerts only: a feed failing `admin_after` polls in a row, a feed with no new "
        "entry for `quiet_days`, and its recovery — one alert per change of state, never one per cycle; without "
        "it these conditions are only logged", must="a list of Apprise URLs", secret=True)
    admin_after: int = setting(3, 'failed polls of a feed in a row before "feed failing"', ge=1, le=1000)
    quiet_days: float = setting(7.0, 'days without a new feed entry before "feed quiet"', ge=0, le=MAX_DAYS)
    archive_enabled: bool = setting(
        True, "write every capture that makes a version as WARC/1.1 records (`monitor export --wacz`, `verify`)")
    archive_dir: Path | None = setting(
        None, "where the WARC files go (one database's: see Archive)",
        shown_default="`archive/` beside `monitor.sqlite3`, `<name>-archive/` beside any other database file")
    archive_file_bytes: int = setting(100_000_000, "a new WARC file starts once the current one reaches this size",
                                      ge=1_000_000, le=10_000_000_000)
    archive_revisits: bool = setting(
        False, "record unchanged checks as WARC revisit records (otherwise they are counted per version)")
    archive_org: bool = setting(
        False, "after each cycle's alerts are out, send new versions to the Wayback Machine (Save Page Now); "
        "the capture links show in the web view and in later alerts")
    archive_org_endpoint: str = setting("https://web.archive.org", "the Save Page Now service",
                                        must="an http(s) URL", check=_http_url)
    archive_org_auth: str | None = setting(None, 'Save Page Now keys as "ACCESS:SECRET" (optional)', secret=True)
    archive_org_wait: float = setting(120.0, "seconds one submission may take, capture included", gt=0, le=HOUR)
    web_bind: str = setting(DEFAULT_WEB_BIND, "the web view's address", must=BIND_MUST, check=_bind, empty_ok=True)
    web_token: str | None = setting(None, "the token the web view requires off loopback", secret=True)
    treaty: TreatyKeys = table(TreatyKeys, default=TreatyKeys())
    source: str = "defaults"  # where the settings came from (the config file's path): not a setting

    @property
    def fetch_hosts(self) -> tuple[str, ...]:
        """The hosts a cycle may fetch from: `allowed_hosts`, the `[sites]` hosts, and the hosts of every configured
        feed, listing and article URL (what the config names, it means to read); () when `allowed_hosts` is [] (any)."""
        if not self.allowed_hosts:
            return ()
        urls = [*self.feeds, *self.listings, *self.articles, *(u for s in self.sites for u in (*s.feeds, *s.listings))]
        urls += [self.treaty.url] if self.treaty.enabled else []
        named = [s.host for s in self.sites] + [_host(u) for u in urls]
        return tuple(dict.fromkeys([*self.allowed_hosts, *(h for h in named if h)]))


def site_topic(site: Site, default: TopicRules) -> TopicRules:
    """The topic rules of a site's feeds: its own keywords and categories, else the `[topic]` table's."""
    if site.keywords is None and site.categories is None:
        return default
    return TopicRules(keywords=default.keywords if site.keywords is None else site.keywords,
                      categories=default.categories if site.categories is None else site.categories)


def _host(url: str) -> str:
    match = re.match(r"^https?://([^/:?#@\s]+)", url)
    return match.group(1).lower() if match else ""


def default_state_dir(env: Mapping[str, str]) -> Path:
    """Where the SQLite file lives when no `database` is set: MONITOR_STATE_DIR, else XDG state home."""
    if env.get("MONITOR_STATE_DIR"):
        return Path(env["MONITOR_STATE_DIR"])
    xdg = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(xdg) / "deeplinks-monitor"


# -- what follows from them -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Declared:
    key: str  # as in the TOML file: "host_delay", "topic.keywords"
    type: Any
    default: Any
    spec: Spec

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.key.replace(".", "_").upper()

    @property
    def kind(self) -> str:
        return _kind(self.type)

    @property
    def must(self) -> str:
        """What a value must be, in words: the error message and docs/configuration.md say the same."""
        if self.spec.must:
            return self.spec.must
        limits = [f"{op} {_number(v)}" for op, v in ((">", self.spec.gt), ("≥", self.spec.ge), ("≤", self.spec.le))
                  if v is not None]
        return {
            "number": "a finite number " + " and ".join(limits),
            "count": "a whole number " + " and ".join(limits),
            "flag": "true or false",
            "list": "a list of strings",
        }.get(self.kind, "a path, relative to the config file's directory" if Path in (self.type, *typing.get_args(
            self.type)) else "a string" if self.spec.empty_ok else "a non-empty string")


def _kind(tp: Any) -> str:
    args = typing.get_args(tp)
    if type(None) in args:  # X | None: the value, when given, is an X
        return _kind(next(a for a in args if a is not type(None)))
    if tp is bool or tp is int or tp is float:
        return {bool: "flag", int: "count", float: "number"}[tp]
    if tp is str or tp is Path:
        return "text"
    if args == (str, ...):
        return "list"
    if args == (tuple[float, float], ...):
        return "pairs"
    if args == (tuple[str, str], ...):
        return "map"
    raise TypeError(f"no loader for settings of type {tp!r}")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


@functools.cache
def declarations() -> tuple[Declared, ...]:
    """Every setting in file order, tables' keys as "table.key"."""
    out: list[Declared] = []

    def walk(cls: type, prefix: str) -> None:
        hints = typing.get_type_hints(cls)
        for f in fields(cls):
            if _TABLE in f.metadata:
                walk(f.metadata[_TABLE], f"{f.name}.")
            elif _SPEC in f.metadata:
                out.append(Declared(prefix + f.name, hints[f.name], f.default, f.metadata[_SPEC]))

    walk(Settings, "")
    return tuple(out)


@functools.cache
def arrays() -> dict[str, type]:
    """The TOML arrays of tables (`[[route]]`): name → the dataclass that declares each table's keys."""
    return {f.name: f.metadata[_ARRAY] for f in fields(Settings) if _ARRAY in f.metadata}


@functools.cache
def array_declarations() -> tuple[Declared, ...]:
    """The keys of each array's tables, as "route.tags" (file only: they have no MONITOR_* variable)."""
    return tuple(Declared(f"{name}.{f.name}", typing.get_type_hints(keys)[f.name], f.default, f.metadata[_SPEC])
                 for name, keys in arrays().items() for f in fields(keys))
def keyed_tables() -> dict[str, type]:
    """The `[name."KEY"]` tables: name → the dataclass that declares each one's keys."""
    return {f.name: f.metadata[_KEYED] for f in fields(Settings) if _KEYED in f.metadata}


@functools.cache
def keyed_declarations(name: str) -> tuple[Declared, ...]:
    """The settings of one `[name."KEY"]` table, keyed by their name in it."""
    cls = keyed_tables()[name]
    hints = typing.get_type_hints(cls)
    return tuple(Declared(f.name, hints[f.name], f.default, f.metadata[_SPEC])
                 for f in fields(cls) if _SPEC in f.metadata)


@functools.cache
def tables() -> dict[str, type]:
    """The TOML tables of settings: table name → the dataclass that declares its keys."""
    return {f.name: f.metadata[_TABLE] for f in fields(Settings) if _TABLE in f.metadata}
