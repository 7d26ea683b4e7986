"""The ASGI application: routes, templates (autoescaped), static files, security headers and the token gate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from monitor.config import Settings
from monitor.core.errors import StoreError
from monitor.core.when import shown
from monitor.web import routes
from monitor.web.security import SecurityHeaders, TokenGate

HERE = Path(__file__).resolve().parent


class RowId(Convertor[int]):
    """An id in a path: up to 18 ASCII digits (any SQLite integer), so a 25-digit id is a 404, never a 500."""

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("rowid", RowId())


def _templates() -> Jinja2Templates:
    """Autoescape on for every template: article text is untrusted, and no template marks page content safe."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["when"] = shown  # one date format, with its zone, as the CLI shows it
    return Jinja2Templates(env=env)


def _no_database(request: Request, exc: Exception) -> Response:
    return routes.page(request, "error.html", 503, message=f"No database to show yet ({exc}).")


def create_app(settings: Settings, *, cycles: Callable[[], int] | None = None) -> Starlette:
    """The web view over `settings.database`; `cycles`, when the service runs it, counts finished cycles."""
    middleware = [Middleware(SecurityHeaders)]
    if settings.web_token:
        middleware.append(Middleware(TokenGate, token=settings.web_token))
    app = Starlette(
        routes=[
            Route("/", routes.index, name="index"),
            Route("/treaty", routes.treaty, name="treaty"),
            Route("/article/{id:rowid}", routes.article, name="article"),
            Route("/article/{id:rowid}/diff/{a:rowid}/{b:rowid}", routes.diff, name="diff"),
            Route("/article/{id:rowid}/version/{seq:rowid}.warc.gz", routes.warc, name="warc"),
            Route("/changes.atom", routes.changes_atom, name="atom"),
            Route("/changes", routes.changes_page, name="changes"),
            Route("/article/{id:rowid}/diff", routes.diff_chosen, name="diff_chosen"),
            Route("/api/changes", routes.api_changes, name="api_changes"),
            Route("/api/articles", routes.api_articles, name="api_articles"),
            Route("/healthz", routes.healthz, name="healthz"),
            Route("/metrics", routes.metrics, name="metrics"),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=middleware,
        exception_handlers={StoreError: _no_database},
    )
    app.state.settings = settings
    app.state.templates = _templates()
    app.state.cycles = cycles
    return app
