"""The read-only web view: pages, an Atom feed of changes and a JSON API over the monitor's SQLite file.

`create_app` builds the ASGI app; `web_address`, `bind_socket` and `embedded_server`
run it inside an event loop someone else owns (`monitor run`, `monitor serve`).
"""

from __future__ import annotations

from monitor.web.app import create_app
from monitor.web.server import EmbeddedServer, bind_socket, embedded_server, run_server, serve_forever, web_address

__all__ = [
    "EmbeddedServer", "bind_socket", "create_app", "embedded_server", "run_server", "serve_forever", "web_address",
]
