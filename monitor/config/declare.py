"""Every setting, declared once: its type (the annotation), default, limits, doc line and, for lists, how the
environment variable splits. The TOML check, the MONITOR_* parsing, the error wording and the README table all
follow from these declarations (`declarations()`).

No pydantic here: every module imports `Settings`, and `monitor --help` should not pay for the validator.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from monitor.core.model import ALERT_KINDS
from monitor.decide.policy import RecheckPolicy
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
_SPEC, _TABLE = "monitor.setting", "monitor.table"


@dataclass(frozen=True)
class Spec:
    """What the annotation does not say about a setting."""

    doc: str
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    must: str = ""  # what a value must be, in words, when the type and the limits do not say it
    check: Callable[[Any], object] | None = None  # a further rule: raises ValueError("must be …" / "has …")
    split: str = "spaces"  # a list in MONITOR_<KEY>: "spaces" (or a comma before a URL), "words", "commas"
    secret: bool = False  # never shown: not in repr, not in an error
    empty_ok: bool = False
    shown_default: str = ""  # the README's wording of a default that is not a plain value


def setting(default: Any = None, doc: str = "", *, required: bool = False, **spec: Any) -> Any:
    """A dataclass field that is a setting; `spec` as in Spec."""
    meta = {_SPEC: Spec(doc, **spec)}
    if required:
        return field(metadata=meta)
    return field(default=default, repr=not spec.get("secret", False), metadata=meta)


def table(keys: type, **kwargs: Any) -> Any:
    """A dataclass field built from a TOML table whose keys (`keys`'s fields) are settings."""
    return field(metadata={_TABLE: keys}, **kwargs)


# -- rules no type says -------------------------------------------------------------------------------------
def _http_urls(urls: tuple[str, ...]) -> None:
    for url in urls:
        if not re.match(r"^https?://[^/\s]+", url):
            scheme = url.partition("://")[0] if "://" in url else ""  # only the scheme: a URL may hold a token
            shown = f"a {scheme[:20]!r} URL" if scheme else "no scheme"
            raise ValueError(f"has an entry that is not an http(s) URL ({shown})")


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
    if bind and (not sep or not host or not port.isdigit() or not 0 < int(port) < 65536):
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
    topic: TopicRules = table(TopicRules, default=TopicRules())
    user_agent: str = setting(DEFAULT_USER_AGENT, "sent with every request; add your contact")
    timeout: float = setting(20.0, "seconds per request", gt=0, le=HOUR)
    allowed_hosts: tuple[str, ...] = setting(
        ("www.eff.org", "eff.org"), "any other host (redirects, feed links) is refused", split="words")
    host_delay: float = setting(2.0, "seconds between two requests to one host", ge=0, le=HOUR)
    host_concurrency: int = setting(
        1, "requests in flight to one host at once, each over its own keep-alive connection; raise it only for a "
        "host you run (a local replay)", ge=1, le=64)
    host_budget_per_hour: float = setting(
        240.0, "requests per host per hour at most, feeds and articles together (0 = no budget); `monitor run` and "
        "`check --due` spread them evenly (each cycle its share of the time since that host's previous cycle, at "
        "most `feed_interval` + `jitter`; for `check --due` from cron, set `feed_interval` to the cron interval) "
        "and spend them on the checks worth most: a feed entry whose text changed, a new post, then the due "
        "articles, freshest and longest unchecked first", ge=0, le=1_000_000)
    max_bytes: int = setting(5_000_000, "larger responses are refused, read as a stream", ge=1, le=1_000_000_000)
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
    removed_after: int = setting(2, 'consecutive 404/410 answers before a "removed" alert', ge=1, le=1000)
    max_new_posts: int = setting(
        20, "new posts tracked (and announced) per feed poll at most; the rest is one operator alert "
        "(`feed_flooded`)", ge=1, le=10_000)
    feed_interval: float = setting(300.0, "`monitor run`: seconds between cycles (health allows 2 × this + jitter)",
                                   gt=0, le=7 * DAY)
    jitter: float = setting(60.0, "`monitor run`: up to this many seconds of random delay per cycle", ge=0, le=DAY)
    recheck: RecheckPolicy = table(RecheckKeys, default=DEFAULT_POLICY)
    notify_admin: tuple[str, ...] = setting(
        (), "Apprise URLs for operator alerts only: a feed failing `admin_after` polls in a row, a feed with no new "
        "entry for `quiet_days`, and its recovery — one alert per change of state, never one per cycle; without "
        "it these conditions are only logged", must="a list of Apprise URLs", secret=True)
    admin_after: int = setting(3, 'failed polls of a feed in a row before "feed failing"', ge=1, le=1000)
    quiet_days: float = setting(7.0, 'days without a new feed entry before "feed quiet"', ge=0, le=MAX_DAYS)
    web_bind: str = setting(DEFAULT_WEB_BIND, "the web view's address", must=BIND_MUST, check=_bind, empty_ok=True)
    web_token: str | None = setting(None, "the token the web view requires off loopback", secret=True)
    source: str = "defaults"  # where the settings came from (the config file's path): not a setting


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
        """What a value must be, in words: the error message and the README say the same."""
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
def tables() -> dict[str, type]:
    """The TOML tables of settings: table name → the dataclass that declares its keys."""
    return {f.name: f.metadata[_TABLE] for f in fields(Settings) if _TABLE in f.metadata}


def shown_default(d: Declared) -> str:
    """A default as the README shows it."""
    if d.spec.shown_default:
        return d.spec.shown_default
    value = d.default
    if value is None or value == ():
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float | int):
        return f"`{_number(value)}`"
    if d.kind == "pairs":
        return "`[" + ", ".join(f"[{_number(a)}, {_number(b)}]" for a, b in value) + "]`"
    if isinstance(value, tuple):
        return ", ".join(f"`{v}`" for v in value)
    return f"`{value}`"


_ENV_FORMAT = {
    "spaces": "space-separated (a comma works before a URL)", "words": "space- or comma-separated",
    "commas": "comma-separated",
}


def env_format(d: Declared) -> str:
    """How MONITOR_<KEY> is written, when it is not the plain value."""
    if d.kind == "list":
        return _ENV_FORMAT[d.spec.split]
    return {
        "flag": "1/0, true/false, yes/no, on/off", "pairs": "`DAYS:SECONDS,…`, e.g. `2:0,30:3600`",
        "map": "`PREFIX=TARGET …`",
    }.get(d.kind, "")


def settings_table() -> str:
    """The README's settings table, one row per declared setting."""
    rows = ["| key | default | value | environment | meaning |", "| --- | --- | --- | --- | --- |"]
    for d in declarations():
        env = f"`{d.env}`" + (f", {env_format(d)}" if env_format(d) else "")
        rows.append(f"| `{d.key}` | {shown_default(d)} | {d.must} | {env} | {d.spec.doc} |")
    return "\n".join(rows)
