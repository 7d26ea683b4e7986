"""The ASGI application: routes, templates (autoescaped), static files, security headers and the token gate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from monitor.config import Settings
from monitor.core.errors import StoreError
from monitor.web import routes
from monitor.web.security import SecurityHeaders, TokenGate

HERE = Path(__file__).resolve().parent


def _templates() -> Jinja2Templates:
    """Autoescape on for every template: article text is untrusted, and no template marks page content safe."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
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
            Route("/article/{id:int}", routes.article, name="article"),
            Route("/article/{id:int}/diff/{a:int}/{b:int}", routes.diff, name="diff"),
            Route("/article/{id:int}/version/{seq:int}.warc.gz", routes.warc, name="warc"),
            Route("/changes.atom", routes.changes_atom, name="atom"),
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
