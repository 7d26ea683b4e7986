"""Configured notification targets: validated once, each with a stable identity and a label safe to print.

A delivery belongs to a target, not to a spelling of its URL. A target's identity is
its name when the config gives one (`"ops=slack://…"`), else what stays put when a
credential is rotated: the scheme, the network host (never a token sitting where a
host goes) and the recipients a URL names that are no part of a credential (Slack
channels, Telegram chat ids, Matrix rooms, email recipients, Pushover devices, a
Gotify path prefix) — never a user, password, path token, webhook or bot id, query
value or header. Two targets that would share an identity are told apart by their
order among those sharing it (#2, #3 …), so a Discord webhook recreated with a new
id and token is still the same target.

The key stored in the database and shown to people is a hash of the identity
(`id-1a2b3c4d`); the label is `scheme://host/… [id-1a2b3c4d]` (monitor.core.secrets).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, parse_qsl, unquote

from monitor.core.errors import ConfigError
from monitor.core.secrets import host_and_port, is_network_host, mask_url, remember_secrets, split_url
from monitor.render import DEFAULT_LIMITS

if TYPE_CHECKING:
    import apprise

STDOUT = "stdout"
TITLE_ROOM = 200  # characters kept free for the title where a service counts it within its body limit
# Services whose Apprise default is plain text but that display Markdown: Discord formats even
# "plain" content as Markdown (so only escaped Markdown is inert there). Matrix gets HTML in its own
# subset (its plain fallback is made from it), unless the URL says `?format=`.
MARKDOWN_CHAT = frozenset({"discord"})
MATRIX = frozenset({"matrix", "matrixs"})
_WORD = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}"
_LABELLED = re.compile(rf"^\s*({_WORD}(?:[\s,]+{_WORD})*)\s*=\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)")


@dataclass
class Target:
    """One configured notification URL, ready to send; `label` and `key` are safe to print and store."""

    url: str = field(repr=False)
    label: str
    key: str = STDOUT  # the identity's hash: what deliveries are stored under
    legacy_key: str = field(default=STDOUT, repr=False)  # the key before identities: a hash of the whole URL
    role: str = "notify"  # or "notify_admin": operator alerts
    sender: apprise.Apprise | None = field(default=None, repr=False)
    fmt: str = "text"  # the body format the service reads natively (an apprise.NotifyFormat value)
    limit: int | None = None  # body length the service takes; None: the format's default
    title_in_body: bool = False  # the service has no title field: Apprise puts the title inside the body
    tags: frozenset[str] = frozenset()  # Apprise tags (lower case), which `[[route]]` tables name
    threads: bool = False  # SMTP email: alerts about one article carry one thread's headers (notify.threads)


def stdout_target() -> Target:
    return Target(url=STDOUT, label="standard output")


def legacy_key(url: str) -> str:
    """How deliveries were keyed before target identities (schema 2): a hash of the exact URL."""
    return STDOUT if url == STDOUT else "t-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def build_targets(urls: tuple[str, ...], *, key: str = "notify", fallback_stdout: bool = True) -> list[Target]:
    """The targets of one config key (see `configured_targets` for both keys at once)."""
    readers, admins = configured_targets(urls if key == "notify" else (), urls if key != "notify" else (),
                                         fallback_stdout=fallback_stdout)
    return readers if key == "notify" else admins


@dataclass(frozen=True)
class _Entry:
    role: str
    where: str  # "notify entry #2", "notify_config apprise.yml URL #1": names it without its URL
    name: str | None
    tags: frozenset[str]
    url: str
    plugin: Any = None  # already read by Apprise (a config file); else the URL is validated here


def configured_targets(
    notify: tuple[str, ...], notify_admin: tuple[str, ...] = (), *, configs: tuple[str, ...] = (),
    fallback_stdout: bool = True,
) -> tuple[list[Target], list[Target]]:
    """(reader targets, operator targets), every URL validated up front; an invalid one is a config error
    that does not echo it. Identities are made distinct over both lists; one URL in both is one target.

    `configs` are Apprise configuration files (YAML or TEXT, read by Apprise, tags included): their URLs
    are reader targets like `notify` entries.
    """
    if not notify and not notify_admin and not configs:
        return ([stdout_target()] if fallback_stdout else []), []
    import apprise  # only with targets: a cycle printing to stdout never loads it

    entries = _entries(notify, notify_admin) + [e for path in configs for e in _config_file(apprise, path)]
    seen: dict[tuple[str | None, str], Target] = {}
    taken: dict[str, int] = {}
    lists: tuple[list[Target], list[Target]] = ([], [])
    for entry in entries:
        out = lists[entry.role == "notify_admin"]
        if (entry.name, entry.url) in seen:  # the same entry under both keys, or twice: one target
            out.append(seen[entry.name, entry.url])
            continue
        plugin, sender = _validated(apprise, entry)
        remember_secrets(entry.url)
        host = getattr(plugin, "host", None)
        identity = f"name:{entry.name}" if entry.name else derived_identity(entry.url, host)
        taken[identity] = taken.get(identity, 0) + 1
        if taken[identity] > 1:
            identity += f"#{taken[identity]}"
        tid = "id-" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:8]
        shown = mask_url(entry.url, host=display_host(entry.url, host))
        fmt = native_format(plugin, entry.url)
        target = Target(url=entry.url, label=f"{entry.name + ' ' if entry.name else ''}{shown} [{tid}]", key=tid,
                        legacy_key=legacy_key(entry.url), role=entry.role, sender=sender, fmt=fmt,
                        limit=body_limit(plugin, fmt), title_in_body=int(plugin.title_maxlen or 0) <= 0,
                        tags=entry.tags, threads=str(getattr(plugin, "protocol", "")) == "mailto")
        seen[entry.name, entry.url] = target
        out.append(target)
    if not lists[0] and fallback_stdout:
        lists[0].append(stdout_target())
    return lists


def _entries(notify: tuple[str, ...], notify_admin: tuple[str, ...]) -> list[_Entry]:
    """`notify` and `notify_admin` entries: `URL`, `name=URL` (named, and tagged with the name) or Apprise's
    `tag1, tag2=URL` (tagged). A word that labels several different URLs is a tag they share, not a name."""
    labelled = [(role, n, *split_label(e)) for role, urls in (("notify", notify), ("notify_admin", notify_admin))
                for n, e in enumerate(urls, start=1)]
    urls_of: dict[str, set[str]] = {}
    for _, _, words, url in labelled:
        if len(words) == 1:
            urls_of.setdefault(words[0], set()).add(url)
    return [_Entry(role, f"{role} entry #{n}", words[0] if len(words) == 1 and len(urls_of[words[0]]) == 1 else None,
                   frozenset(w.lower() for w in words), url) for role, n, words, url in labelled]


def split_label(entry: str) -> tuple[tuple[str, ...], str]:
    """`"ops=slack://…"` → (("ops",), "slack://…"); `"a, b=json://…"` → (("a", "b"), …); a bare URL: ()."""
    m = _LABELLED.match(entry)
    if not m:
        return (), entry.strip()
    return tuple(w for w in re.split(r"[\s,]+", m.group(1)) if w), entry[m.end():].strip()


def split_name(entry: str) -> tuple[str | None, str]:
    """`"ops=slack://…"` → ("ops", "slack://…"); a bare URL (or one with several tags) has no name."""
    words, url = split_label(entry)
    return (words[0] if len(words) == 1 else None), url


def _config_file(apprise: Any, path: str) -> list[_Entry]:
    """The URLs of one Apprise configuration file, as Apprise reads it (YAML or TEXT), with their tags."""
    name = Path(path).name
    if not Path(path).is_file():
        raise ConfigError(f"notify_config: {path}: no such file")
    config = apprise.AppriseConfig()
    config.add(str(path))
    services = (getattr(config, "services", None) or config.servers)()
    if not services:
        raise ConfigError(f"notify_config: {path}: no notification URL in it could be read "
                          "(YAML or TEXT, as Apprise reads them)")
    return [_Entry("notify", f"notify_config {name} URL #{n}", None, frozenset(str(t).lower() for t in plugin.tags),
                   plugin.url(privacy=False), plugin) for n, plugin in enumerate(services, start=1)]


def _validated(apprise: Any, entry: _Entry) -> tuple[Any, apprise.Apprise]:
    scheme = entry.url.split("://", 1)[0].lower() if "://" in entry.url else "?"
    plugin = entry.plugin if entry.plugin is not None else apprise.Apprise.instantiate(entry.url)
    sender = apprise.Apprise()
    if plugin is None or not sender.add(plugin):
        raise ConfigError(f"{entry.where} (scheme '{scheme[:20]}') is not a valid Apprise URL")
    return plugin, sender


def display_host(url: str, apprise_host: str | None) -> str:
    """`host[:port]` when it is a network host by our rule and Apprise reads it as the host too, else ""."""
    parts = split_url(url)
    if parts is None:
        return ""
    scheme, _, hostport, path, _, _ = parts
    host, port = host_and_port(hostport)
    agreed = scheme in ("http", "https") or (apprise_host or "").lower().strip("[]") == host.lower()
    if not agreed or not is_network_host(host) or (scheme in ("ntfy", "ntfys") and not path.strip("/")):
        return ""
    host = f"[{host.lower()}]" if ":" in host else host.lower()
    return host + (f":{port}" if port else "")


def derived_identity(url: str, apprise_host: str | None = None) -> str:
    """scheme, network host and the non-secret parts that say where a message goes (see the module doc)."""
    parts = split_url(url)
    if parts is None:
        return url.split("://", 1)[0].lower()
    scheme, _, _, path, query, fragment = parts
    segments = [unquote(s) for s in path.split("/") if s]
    params = parse_qsl(query, keep_blank_values=True)
    recipients = [v for k, v in params if k.lower() in ("to", "cc", "bcc")]
    rooms = [unquote(r) for r in re.split(r"[/#,\s]+", fragment) if r]
    family = scheme.removesuffix("s")  # mailtos, matrixs, gotifys: the same service over TLS
    where: list[str] = []
    if family == "tgram":
        where = [*segments, *recipients]  # chat ids; the bot (its id is part of the token) may change
    elif family == "slack":
        where = [*rooms, *(s for s in segments if s[:1] in "#@+"), *recipients]
    elif family == "matrix":
        where = [*rooms, *(s for s in segments if s[:1] in "#!@+"), *recipients]
    elif family == "mailto":
        where = [*recipients, *(s for s in segments if "@" in s)]
    elif family in ("pover", "pushover"):
        where = [*segments, *recipients]  # devices; the user key is a credential
    elif family == "gotify":
        where = segments[:-1]  # a path prefix before the application token
    host = display_host(url, apprise_host)
    return "|".join([scheme, host, *sorted(w.lower() for w in where if w)])


def native_format(plugin: Any, url: str) -> str:
    """The body format to render for this service: the URL's `?format=`, else the one it reads natively.

    Apprise declares a service's formats with its default first and resolves `?format=`;
    chat services that display Markdown get Markdown even where Apprise defaults to text.
    """
    declared = plugin.notify_format
    formats = {str(getattr(f, "value", f)) for f in (declared if isinstance(declared, tuple | list) else [declared])}
    chosen = str(plugin.resolve_format().value)
    explicit = "format" in parse_qs(url.partition("?")[2].partition("#")[0])
    scheme = url.split("://", 1)[0].lower()
    if not explicit and scheme in MATRIX and "html" in formats:
        return "matrix"  # its HTML subset, laid out for the plain fallback (monitor.render.matrix)
    if not explicit and scheme == "slack" and chosen == "markdown":
        return "slack"  # Markdown with Slack's strike and a plain title (monitor.render.markdown.SlackRenderer)
    if not explicit and chosen == "text" and scheme in MARKDOWN_CHAT and "markdown" in formats:
        chosen = "markdown"
    return chosen if chosen in DEFAULT_LIMITS else "text"


def body_limit(plugin: Any, fmt: str) -> int:
    """Our limit for the format, lowered to what the service takes (less room for a title it counts in)."""
    ours = DEFAULT_LIMITS[fmt]
    theirs = int(getattr(plugin, "body_maxlen", 0) or 0)
    return min(ours, max(theirs - TITLE_ROOM, theirs // 2)) if theirs > 0 else ours
