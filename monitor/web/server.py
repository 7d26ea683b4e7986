"""Where the web view listens and how it runs inside an event loop we own.

We bind the socket ourselves (a busy port is our error message, not uvicorn's
`sys.exit`), and uvicorn does not take over SIGTERM/SIGINT: the caller owns the
signals and stops the server by setting `should_exit`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import signal
import socket
from collections.abc import Generator

import uvicorn
from starlette.applications import Starlette

from monitor.config import Settings
from monitor.core.errors import ConfigError

log = logging.getLogger(__name__)


def web_address(settings: Settings, bind: str | None = None) -> tuple[str, int] | None:
    """(host, port) to listen on, or None when the web view is off; ConfigError for an unguarded public bind."""
    value = settings.web_bind if bind is None else bind.strip()
    if not value:
        return None
    host, _, port = value.rpartition(":")
    host = host.strip("[]")
    if not host or not (port.isascii() and port.isdigit()) or len(port) > 5 or not 0 < int(port) < 65536:
        raise ConfigError(f"{settings.source}: 'web_bind' must be HOST:PORT, e.g. 127.0.0.1:8650")
    if not is_loopback(host) and not settings.web_token:
        raise ConfigError(f"{settings.source}: web_bind {value} is not a loopback address: set web_token "
                          "(or bind 127.0.0.1) before the web view is reachable from other machines")
    return host, int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name could resolve anywhere


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket; ConfigError with one line when the address is taken or not ours."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise ConfigError(f"web view: cannot listen on {host}:{port} ({exc.strerror})") from None
    return sock


class EmbeddedServer(uvicorn.Server):
    """uvicorn without its signal handlers: the service (or `monitor serve`) decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def embedded_server(app: Starlette) -> EmbeddedServer:
    """uvicorn's loggers feed ours (log_config=None keeps --log-format json whole); a slow client gets 3 s at stop."""
    return EmbeddedServer(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False,
                                         log_config=None, timeout_graceful_shutdown=3))


async def run_server(server: EmbeddedServer, sock: socket.socket) -> None:
    """Serve until `server.should_exit`; a crash is logged and never takes the caller down with it."""
    try:
        await server.serve(sockets=[sock])
    except (Exception, SystemExit):
        log.exception("web view stopped", extra={"event": "web.failed"})
    finally:
        sock.close()


async def serve_forever(app: Starlette, sock: socket.socket) -> None:
    """`monitor serve`: serve `app` on `sock` until SIGTERM or SIGINT, then finish open requests and return."""
    server = embedded_server(app)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, setattr, server, "should_exit", True)
    await run_server(server, sock)
