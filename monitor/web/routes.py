"""The endpoints: each opens the database read-only for its own request and hands plain rows to a template.

Endpoints are plain functions, so Starlette runs them in its thread pool: a slow query
never stalls the service's event loop, and each SQLite connection lives in one thread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from monitor.app.health import check_health
from monitor.config import Settings
from monitor.core.kinds import ORIGIN_LABELS
from monitor.core.numbers import NumberError, whole_number
from monitor.store.archive import archive_dir
from monitor.store.database import Store, open_store
from monitor.store.wacz import version_warc
from monitor.web import views
from monitor.web.atom import atom_feed
from monitor.web.metrics import metrics_text


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def reading(request: Request) -> Store:
    """A read-only connection for this request (`with reading(request) as store:` closes it);
    StoreError (no database yet) becomes a 503 upstream."""
    return open_store(_settings(request).database, read_only=True)


def base_url(request: Request) -> str:
    """This view's root URL as the client reached it, without query (a ?token= must never be published)."""
    return str(request.base_url)


def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    return _templates(request).TemplateResponse(request, name, context, status_code=status)


def not_found(request: Request, what: str) -> Response:
    return page(request, "error.html", 404, message=what)


def index(request: Request) -> Response:
    with reading(request) as store:
        articles = views.article_summaries(store, _settings(request), dt.datetime.now(dt.UTC))
    return page(request, "index.html", articles=articles)


def treaty(request: Request) -> Response:
    with reading(request) as store:
        view = views.treaty_view(store, _settings(request))
    return page(request, "treaty.html", view=view)


def article(request: Request) -> Response:
    with reading(request) as store:
        row = store.article_by_id(request.path_params["id"])
        if row is None:
            return not_found(request, "No such article.")
        entries = views.timeline(store, row.id)
        alerts = views.changes_for(store, row.id)
    return page(request, "article.html", article=row, entries=entries, alerts=alerts,
                origin=ORIGIN_LABELS.get(row.origin, row.origin))


def diff(request: Request) -> Response:
    with reading(request) as store:
        row = store.article_by_id(request.path_params["id"])
        view = views.diff_view(store, row, request.path_params["a"], request.path_params["b"]) if row else None
    if view is None:
        return not_found(request, "No such article or version.")
    return page(request, "diff.html", view=view)


def warc(request: Request) -> Response:
    """A version's WARC records as a download: captured HTML is untrusted and never served inline from here."""
    seq = request.path_params["seq"]
    with reading(request) as store:
        row = store.article_by_id(request.path_params["id"])
        version = store.version(row.id, seq) if row else None
        data = version_warc(store, archive_dir(_settings(request), store), version.id) if version else None
    if data is None:
        return not_found(request, "No archived capture of that version.")
    name = f"article-{request.path_params['id']}-version-{seq}.warc.gz"
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def changes_atom(request: Request) -> Response:
    """The feed of every change, or of a subscription: ?kind=…&site=…&article=…&q=…, matched as routes match."""
    try:
        wanted = views.subscription(request.query_params.multi_items())
    except ValueError as exc:
        return PlainTextResponse(f"{exc}\n", status_code=400)
    with reading(request) as store:
        entries = views.changes(store, limit=100, match=wanted.match if wanted else None)
    document = atom_feed(entries, base_url(request), query=wanted.query if wanted else "",
                         about=wanted.about if wanted else "")
    return Response(document, media_type="application/atom+xml; charset=utf-8")


def changes_page(request: Request) -> Response:
    """The changes as a page a person reads (the Atom feed is for feed readers), filtered as the feed is."""
    params = [(k, v) for k, v in request.query_params.multi_items() if v.strip()]
    try:
        wanted = views.subscription(params)
    except ValueError as exc:
        return page(request, "error.html", 400, message=str(exc))
    with reading(request) as store:
        entries = views.changes(store, limit=100, match=wanted.match if wanted else None)
    return page(request, "changes.html", entries=entries, kinds=views.reader_kinds(),
                chosen_kinds={v for k, v in params if k == "kind"}, words=request.query_params.get("q", ""),
                query=wanted.query if wanted else "", about=wanted.about if wanted else "")


def diff_chosen(request: Request) -> Response:
    """The version picker's form (?a=N&b=M) sent to the diff's own address, older first."""
    try:
        a, b = (whole_number(request.query_params.get(n, ""), f"version {n} must be", low=1) for n in ("a", "b"))
    except NumberError as exc:
        return page(request, "error.html", 400, message=str(exc))
    a, b = min(a, b), max(a, b)
    return RedirectResponse(f"/article/{request.path_params['id']}/diff/{a}/{b}", status_code=303)


def _limit(request: Request) -> int:
    """?limit=N: ASCII digits from 1 to 1000 (NumberError otherwise, a 400: "²" or "١٠" is not a limit)."""
    return whole_number(request.query_params.get("limit", "100"), "limit must be", low=1, high=1000)


def bad_request(exc: NumberError) -> Response:
    return JSONResponse({"error": str(exc)}, status_code=400)


def api_changes(request: Request) -> Response:
    try:
        limit = _limit(request)
    except NumberError as exc:
        return bad_request(exc)
    with reading(request) as store:
        entries = views.changes(store, limit=limit)
    return JSONResponse({"changes": [dataclasses.asdict(e) for e in entries]})


def api_articles(request: Request) -> Response:
    with reading(request) as store:
        rows = views.article_summaries(store, _settings(request), dt.datetime.now(dt.UTC))
    return JSONResponse({"articles": [dataclasses.asdict(r) for r in rows]})


def healthz(request: Request) -> Response:
    ok, reason = check_health(_settings(request))
    return PlainTextResponse(f"{'healthy' if ok else 'unhealthy'}: {reason}\n", status_code=200 if ok else 503)


def metrics(request: Request) -> Response:
    counter = request.app.state.cycles
    with reading(request) as store:
        text = metrics_text(store, counter() if counter else None)
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")
