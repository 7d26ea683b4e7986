"""Settings: TOML file (stdlib tomllib) + MONITOR_* environment overrides → one frozen Settings.

Every error names the key and where it came from; notification URLs (they carry
tokens) are never echoed.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.core.errors import ConfigError
from monitor.core.model import ALERT_KINDS
from monitor.decide.policy import RecheckPolicy
from monitor.render.templates import Templates, compile_templates

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


@dataclass(frozen=True)
class TopicRules:
    """Which feed entries we track: a keyword in title or body, or a category (domain URL or label)."""

    keywords: tuple[str, ...] = DEFAULT_KEYWORDS
    categories: tuple[str, ...] = DEFAULT_CATEGORIES


@dataclass(frozen=True)
class Settings:
    """Everything a cycle needs to know, resolved and validated once."""

    database: Path
    seeds_dir: Path | None = None
    feeds: tuple[str, ...] = (DEFAULT_FEED,)
    listings: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    notify: tuple[str, ...] = field(default=(), repr=False)
    topic: TopicRules = TopicRules()
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0
    allowed_hosts: tuple[str, ...] = ("www.eff.org", "eff.org")
    host_delay: float = 2.0
    host_concurrency: int = 1
    max_bytes: int = 5_000_000
    retry_backoff: float = 2.0
    delivery_backoff: float = 60.0
    max_attempts: int = 10
    rewrite: tuple[tuple[str, str], ...] = ()
    announce_existing: bool = False
    alert_minor: bool = False
    minor_similarity: float = 0.85
    alert_kinds: tuple[str, ...] = ALERT_KINDS
    templates: Templates | None = None
    digest: bool = False
    removed_after: int = 2
    feed_interval: float = 900.0
    jitter: float = 60.0
    recheck: RecheckPolicy = field(default_factory=RecheckPolicy)
    notify_admin: tuple[str, ...] = field(default=(), repr=False)
    admin_after: int = 3
    quiet_days: float = 7.0
    web_bind: str = DEFAULT_WEB_BIND
    web_token: str | None = field(default=None, repr=False)
    source: str = "defaults"


def _str_list(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _number(value: Any, key: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where}: '{key}' must be a non-negative number")
    return float(value)


def _integer(value: Any, key: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{where}: '{key}' must be a whole number of at least 1")
    return value


def _boolean(value: Any, key: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: '{key}' must be true or false")
    return value


def _bind(value: Any, key: str, where: str) -> str:
    """HOST:PORT for the web view, or "" for none; the host is checked against `web_token` when it starts."""
    if not isinstance(value, str):
        raise ConfigError(f"{where}: '{key}' must be a string like \"127.0.0.1:8650\" (\"\" disables the web view)")
    bind: str = value.strip()
    host, sep, port = bind.rpartition(":")
    if bind and (not sep or not host or not port.isdigit() or not 0 < int(port) < 65536):
        raise ConfigError(f"{where}: '{key}' must be HOST:PORT, e.g. \"127.0.0.1:8650\" (\"\" disables the web view)")
    return bind


def _text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


_Check = Callable[[Any, str, str], Any]
_SCALARS: dict[str, _Check] = {
    "database": _text, "seeds_dir": _text, "feeds": _str_list, "listings": _str_list, "articles": _str_list,
    "notify": _str_list, "user_agent": _text, "timeout": _number, "allowed_hosts": _str_list,
    "host_delay": _number,
    "host_concurrency": _integer, "max_bytes": _integer, "announce_existing": _boolean, "alert_minor": _boolean,
    "alert_kinds": _str_list, "digest": _boolean, "minor_similarity": _number,
    "removed_after": _integer, "feed_interval": _number, "jitter": _number, "retry_backoff": _number,
    "delivery_backoff": _number, "max_attempts": _integer,
    "notify_admin": _str_list, "admin_after": _integer, "quiet_days": _number,
    "web_bind": _bind, "web_token": _text,
}


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the config file (the default one is optional), apply MONITOR_* overrides, validate."""
    env = os.environ if env is None else env
    explicit = path is not None or "MONITOR_CONFIG" in env
    path = path or Path(env.get("MONITOR_CONFIG", DEFAULT_CONFIG))
    raw: dict[str, Any] = {}
    base = Path.cwd()
    where = "defaults"
    if path.exists():
        where = str(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config file ({exc})") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
        base = path.resolve().parent
    elif explicit:
        raise ConfigError(f"{path}: config file not found")
    values = _validate(raw, where)
    env_values = _from_env(env)
    return _build({**values, **env_values}, base, where, env)


def _validate(raw: dict[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _SCALARS:
            out[key] = _SCALARS[key](value, key, where)
        elif key in _TABLES:
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: '{key}' must be a table")
            for sub, subvalue in value.items():
                if sub not in _TABLES[key]:
                    raise ConfigError(f"{where}: unknown key '{key}.{sub}'")
                out[f"{key}_{sub}"] = _TABLES[key][sub](subvalue, f"{key}.{sub}", where)
        elif key == "rewrite":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: 'rewrite' must be a table of \"URL prefix\" = \"URL prefix\"")
            for prefix, target in value.items():
                if not isinstance(target, str) or not re.match(r"^https?://", target):
                    raise ConfigError(f"{where}: 'rewrite.{prefix}' must be an http(s) URL prefix string")
            out["rewrite"] = tuple((k.rstrip("/"), v.rstrip("/")) for k, v in value.items())
        else:
            raise ConfigError(f"{where}: unknown key '{key}'")
    return out


def _tiers(value: Any, key: str, where: str) -> tuple[tuple[float, float], ...]:
    """[[age_days, seconds_between_checks], …], youngest first: the re-check schedule."""
    message = f"{where}: 'recheck.tiers' must be a list of [age in days, seconds between checks], youngest first"
    if not isinstance(value, list) or not value:
        raise ConfigError(message)
    tiers = []
    for tier in value:
        if (not isinstance(tier, list) or len(tier) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in tier)):
            raise ConfigError(message)
        tiers.append((float(tier[0]), float(tier[1])))
    if [t[0] for t in tiers] != sorted(t[0] for t in tiers):
        raise ConfigError(message)
    return tuple(tiers)


# Tables of the config file: table → key → check; a value lands in Settings as "<table>_<key>".
_TABLES: dict[str, dict[str, _Check]] = {
    "topic": {"keywords": _str_list, "categories": _str_list},
    "templates": {"title": _text, "body": _text, "format": _text},
    "recheck": {"tiers": _tiers, "retire_after_days": _number},
}


_URL_SPLIT = re.compile(r"[\s]+|,\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)")


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith("MONITOR_") or name in ("MONITOR_CONFIG", "MONITOR_STATE_DIR", "MONITOR_FAULT"):
            continue
        key = name[len("MONITOR_") :].lower()
        where = f"environment variable {name}"
        if key in ("topic_keywords", "topic_categories"):
            out[key] = tuple(v.strip() for v in value.split(",") if v.strip())
        elif key == "rewrite":
            pairs = [p for p in re.split(r"[\s,]+", value) if p]
            if not all("=" in p for p in pairs):
                raise ConfigError(f"{where}: must be PREFIX=TARGET pairs")
            out[key] = tuple((a.rstrip("/"), b.rstrip("/")) for a, _, b in (p.partition("=") for p in pairs))
        elif key == "alert_kinds":
            out[key] = tuple(v for v in re.split(r"[\s,]+", value) if v)
        elif key in ("feeds", "listings", "articles", "notify", "notify_admin", "allowed_hosts"):
            out[key] = tuple(v for v in _URL_SPLIT.split(value) if v and v.strip(","))
        elif key in ("timeout", "host_delay", "feed_interval", "jitter", "quiet_days", "retry_backoff",
                     "minor_similarity", "delivery_backoff"):
            out[key] = _number(_parse_number(value, where), key, where)
        elif key in ("max_bytes", "removed_after", "admin_after", "max_attempts", "host_concurrency"):
            out[key] = _integer(int(_parse_number(value, where)), key, where)
        elif key in ("templates_title", "templates_body", "templates_format"):
            out[key] = value
        elif key == "recheck_tiers":
            try:
                pairs = [[float(x) for x in p.split(":")] for p in re.split(r"[\s,]+", value.strip()) if p]
            except ValueError:
                raise ConfigError(f"{where}: must be DAYS:SECONDS pairs, e.g. 2:0,30:3600,365:86400") from None
            out[key] = _tiers(pairs, "recheck.tiers", where)
        elif key == "recheck_retire_after_days":
            out[key] = _number(_parse_number(value, where), key, where)
        elif key in ("announce_existing", "alert_minor", "digest"):
            if value.strip().lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ConfigError(f"{where}: must be true or false")
            out[key] = value.strip().lower() in ("1", "true", "yes", "on")
        elif key in ("database", "seeds_dir", "user_agent", "web_token"):
            out[key] = _text(value, key, where)
        elif key == "web_bind":
            out[key] = _bind(value, key, where)
        else:
            raise ConfigError(f"{where}: unknown setting '{key}'")
    return out


def _parse_number(value: str, where: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{where}: must be a number") from None


def default_state_dir(env: Mapping[str, str]) -> Path:
    """Where the SQLite file lives when no `database` is set: MONITOR_STATE_DIR, else XDG state home."""
    if env.get("MONITOR_STATE_DIR"):
        return Path(env["MONITOR_STATE_DIR"])
    xdg = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(xdg) / "deeplinks-monitor"


def _build(values: dict[str, Any], base: Path, where: str, env: Mapping[str, str]) -> Settings:
    def resolve(p: str) -> Path:
        path = Path(p).expanduser()
        return path if path.is_absolute() else (base / path).resolve()

    database = resolve(values["database"]) if "database" in values else default_state_dir(env) / "monitor.sqlite3"
    if "seeds_dir" in values:
        seeds_dir: Path | None = resolve(values["seeds_dir"])
    else:
        seeds_dir = (Path.cwd() / "seeds") if (Path.cwd() / "seeds").is_dir() else None
    unknown = [k for k in values.get("alert_kinds", ()) if k not in ALERT_KINDS]
    if unknown:
        raise ConfigError(f"{where}: 'alert_kinds' has unknown kind {unknown[0]!r} (known: {', '.join(ALERT_KINDS)})")
    for key in ("feeds", "listings", "articles"):
        for url in values.get(key, ()):
            if not re.match(r"^https?://[^/\s]+", url):
                raise ConfigError(f"{where}: '{key}' has an entry that is not an http(s) URL: {url!r}")
    topic = TopicRules(
        keywords=values.get("topic_keywords", DEFAULT_KEYWORDS),
        categories=values.get("topic_categories", DEFAULT_CATEGORIES),
    )
    default_policy = RecheckPolicy()
    recheck = RecheckPolicy(
        tiers=values.get("recheck_tiers", default_policy.tiers),
        retire_after_days=values.get("recheck_retire_after_days", default_policy.retire_after_days),
    )
    templates = None
    if any(k.startswith("templates_") for k in values):
        templates = compile_templates(values.get("templates_title"), values.get("templates_body"),
                                      values.get("templates_format", "text"), where)
    simple = {k: v for k, v in values.items() if k in _SCALARS and k not in ("database", "seeds_dir")}
    return Settings(database=database, seeds_dir=seeds_dir, topic=topic, source=where, recheck=recheck,
                    templates=templates,
                    rewrite=values.get("rewrite", ()), **simple)
