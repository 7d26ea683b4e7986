"""A failed connection in words a person can act on: a name that does not resolve (a typo, no DNS) is not a
refused connection (the host is up, nothing listens) nor an unreachable network."""

from __future__ import annotations

import errno
import socket
from urllib.parse import urlsplit

import httpx


def where(url: str) -> str:
    """host[:port] of a URL, never its credentials: what a person checks when a connection fails."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        return "the host"
    host = parts.hostname or "the host"
    return f"[{host}]{port}" if ":" in host else f"{host}{port}"


def connect_failure(exc: BaseException, host: str = "") -> str:
    """Why a connection could not be made, from the OS error at the root of the exception chain."""
    seen: BaseException | None = exc
    for _ in range(8):  # httpx wraps httpcore wraps the OS error; never loop on a cyclic chain
        if seen is None:
            break
        if isinstance(seen, socket.gaierror):
            return f"host name {host or 'of the URL'} not found (DNS)"
        if isinstance(seen, ConnectionRefusedError):
            return f"connection refused by {host or 'the host'} (nothing listening on that port?)"
        if isinstance(seen, OSError) and seen.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return f"{host or 'the host'} unreachable (no route: network down?)"
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    if "name or service not known" in text or "nodename nor servname" in text or "name resolution" in text:
        return f"host name {host or 'of the URL'} not found (DNS)"
    if "connection refused" in text:
        return f"connection refused by {host or 'the host'} (nothing listening on that port?)"
    return f"could not connect to {host or 'the host'}"


def describe(exc: httpx.HTTPError, host: str = "") -> str:
    """An httpx failure (not a timeout: those say their deadline) as a short phrase."""
    if isinstance(exc, httpx.ConnectError):
        return connect_failure(exc, host)
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server broke the connection"
    if isinstance(exc, httpx.DecodingError):
        return "undecodable response body"
    return type(exc).__name__
