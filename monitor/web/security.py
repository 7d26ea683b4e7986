"""Response headers every page carries, and the optional access token.

Pages show untrusted article text, so the browser is told to run nothing but our own
static files (CSP). The token guards a web view bound beyond loopback; it is compared
in constant time and, once given as ?token=, kept in an HttpOnly cookie so the page's
own links and assets work without repeating it in URLs.
"""

from __future__ import annotations

import hmac
import re
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
COOKIE = "monitor_token"
_COOKIE_SAFE = re.compile(r"[A-Za-z0-9._~+/=-]+")
OPEN_PATHS = ("/healthz", "/static/")  # liveness probes and our own CSS/JS carry no data


class SecurityHeaders:
    """Adds HEADERS to every HTTP response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _offered(scope: Scope) -> tuple[str | None, bool]:
    """The token the request carries (header, query or cookie) and whether it came in the query."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    if query:
        return query[-1], True
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is simply no token
        return None, False
    return (cookie[COOKIE].value, False) if COOKIE in cookie else (None, False)


class TokenGate:
    """Refuses (401) any request without the configured token, except OPEN_PATHS."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/healthz" or scope["path"].startswith(OPEN_PATHS[1]):
            await self.app(scope, receive, send)
            return
        offered, from_query = _offered(scope)
        if offered is None or not hmac.compare_digest(offered.encode("utf-8"), self.token):
            await send({"type": "http.response.start", "status": 401, "headers": [
                (b"content-type", b"text/plain; charset=utf-8"), (b"www-authenticate", b'Bearer realm="monitor"')]})
            await send({"type": "http.response.body", "body": b"token required (Authorization: Bearer or ?token=)\n"})
            return
        if not from_query or not _COOKIE_SAFE.fullmatch(offered):
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(
                    "set-cookie", f"{COOKIE}={offered}; Path=/; HttpOnly; SameSite=Strict")
            await send(message)

        await self.app(scope, receive, send_with_cookie)
