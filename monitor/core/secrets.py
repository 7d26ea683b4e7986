"""Notification URLs carry secrets: the one place that decides how a URL may be shown, and scrubs text of them.

A URL is shown as `scheme://host/…`: the host only where it is a network host (a
name with a top-level domain, an IP address, localhost), never userinfo, path, query
or fragment, which is where services keep their tokens (Slack, Discord and Gotify
tokens, Telegram bot tokens, ntfy topics, `?token=`, `+Authorization=` headers…).
Apprise's own privacy mode hides only `user:password`; this is stricter on purpose.

`remember_secrets` notes the secret parts of each configured URL so that `redact` can
blank them in any text that is about to be logged, even outside a URL (a library
logging a request line, an exception message).
"""

from __future__ import annotations

import ipaddress
import re
import threading
from urllib.parse import parse_qsl, unquote, unquote_plus

REDACTED = "***"
_URL = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,31})://[^\s<>\"'`]*")
_TRAILING = re.compile(r"[.,;:!?)\]}]+$")
_HOSTNAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?", re.IGNORECASE)
_SPLIT = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.DOTALL)
# Schemes whose only host part, with no path after it, is a secret (ntfy://topic is a topic on ntfy.sh).
_TOPIC_AS_HOST = frozenset({"ntfy", "ntfys"})
MIN_SECRET = 6  # shorter parts are not blanked in free text (they would blank ordinary words)


def split_url(url: str) -> tuple[str, str, str, str, str, str] | None:
    """(scheme, userinfo, host:port, path, query, fragment) without validation; None if not `scheme://…`."""
    m = _SPLIT.match(url.strip())
    if m is None:
        return None
    scheme, netloc, path, query, fragment = m.groups()
    userinfo, at, hostport = netloc.rpartition("@")
    return scheme.lower(), userinfo if at else "", hostport, path, query or "", fragment or ""


def host_and_port(hostport: str) -> tuple[str, str]:
    """The host and a numeric port (else "") of `host[:port]`; a non-numeric "port" is part of a token."""
    if hostport.startswith("["):
        host, _, rest = hostport[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port = hostport.partition(":")
    return host, port if port.isdigit() and len(port) <= 5 else ""


def is_network_host(host: str) -> bool:
    """A real host name or address, as opposed to a token, id or topic sitting where a host goes."""
    if host.lower() == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return len(host) <= 253 and _HOSTNAME.fullmatch(host) is not None


def shown_host(url: str) -> str:
    """`host[:port]` when the URL's host may be shown, else ""."""
    parts = split_url(url)
    if parts is None:
        return ""
    scheme, _, hostport, path, _, _ = parts
    host, port = host_and_port(hostport)
    if not is_network_host(host) or (scheme in _TOPIC_AS_HOST and not path.strip("/")):
        return ""
    if ":" in host:
        host = f"[{host}]"
    return host.lower() + (f":{port}" if port else "")


def mask_url(url: str, *, host: str | None = None) -> str:
    """`scheme://host/…` (or `scheme://…` when the host is itself a secret); `host` overrides the guess."""
    parts = split_url(url)
    if parts is None:
        return "…"
    shown = shown_host(url) if host is None else host
    return f"{parts[0]}://{shown}/…" if shown else f"{parts[0]}://…"


def strip_urls(text: str) -> str:
    """Every URL in `text` replaced by its masked form (for error messages we store or print)."""
    return _URL.sub(_mask_match, text)


def _mask_match(m: re.Match[str]) -> str:
    url = m.group(0)
    trail = _TRAILING.search(url)
    tail = trail.group(0) if trail else ""
    return mask_url(url[: len(url) - len(tail)]) + tail


# -- secrets remembered from the configuration, for free text ------------------------------
_remembered: set[str] = set()
_lock = threading.Lock()


def secret_parts(url: str) -> set[str]:
    """Every part of `url` that is not shown by `mask_url` and could be a secret, raw and decoded."""
    parts = split_url(url)
    if parts is None:
        return {url}
    _, userinfo, hostport, path, query, fragment = parts
    found = {url}
    user, _, password = userinfo.partition(":")
    found.update(p for p in (user, password, userinfo) if len(p) >= 4)
    candidates = [user, password, *path.split("/"), fragment, *fragment.split("/")]
    if not shown_host(url):
        found.add(hostport)
        candidates += hostport.split(":")
    for key, value in parse_qsl(query, keep_blank_values=True):
        candidates += [value, *value.split()]
        if key[:1] in "+-:":  # Apprise header (+), payload (-) and field (:) arguments
            candidates.append(f"{key[1:]}={value}")
    candidates += [piece for c in candidates for piece in re.split(r"[-_.:~+\s]+", c)]
    found.update(c for c in candidates if _secret_like(c))
    return {v for f in found for v in (f, unquote(f), unquote_plus(f)) if len(v) >= MIN_SECRET}


def _secret_like(part: str) -> bool:
    """Long enough, and not a plain word (`markdown`, `webhooks`, `hook`): those would blank ordinary text."""
    return len(part) >= MIN_SECRET and re.fullmatch(r"[a-z]{1,12}", part) is None


def remember_secrets(url: str) -> None:
    with _lock:
        _remembered.update(secret_parts(url))


def redact(text: str, *, all_urls: bool = False) -> str:
    """Blank remembered secrets; mask every non-web URL (with `all_urls`, web URLs too) and any userinfo."""
    with _lock:
        known = sorted(_remembered, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _URL.sub(_mask_match if all_urls else _mask_unless_web, text)


def scrub(text: str) -> str:
    """Text fit to store or print: remembered secrets blanked, every URL masked."""
    return redact(text, all_urls=True)


def _mask_unless_web(m: re.Match[str]) -> str:
    """Web links stay readable in logs (article and feed addresses), minus any `user:password@`."""
    head, dot, scheme = m.group(1).rpartition(".")
    if dot and scheme.lower() in ("http", "https"):  # "rewrite.https://…": a key before a web link
        return head + dot + _web_link(m.group(0)[len(head) + 1 :])
    if m.group(1).lower() not in ("http", "https"):
        return _mask_match(m)
    return _web_link(m.group(0))


def _web_link(url: str) -> str:
    return re.sub(r"^(https?://)[^/?#@\s]*@", r"\1" + REDACTED + "@", url, flags=re.IGNORECASE)
