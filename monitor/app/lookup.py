"""Naming an article on the command line: by its short id (shown by `status`), by its URL in any spelling, or by a
unique part of its slug; a miss suggests the nearest names instead of a bare "not found".

The id is the database's own article id: short, never reused for another article, the same in `status`, the
web view and the JSON API.
"""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

from monitor.core.errors import MonitorError
from monitor.store.database import ArticleRow, Store

_ID = re.compile(r"#?(\d{1,12})")
_HOSTLIKE = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?(/|$)")  # www.eff.org/deeplinks/… without a scheme


def slug_of(url: str) -> str:
    """The last segment of a URL's path: what people call an article by ("still-flawed-and-dangerous")."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    return path.rstrip("/").rpartition("/")[2]


def looks_like_url(name: str) -> bool:
    """A URL rather than an id or a slug: a scheme, or a host name and a path (www.eff.org/deeplinks/…)."""
    return "://" in name or bool(_HOSTLIKE.match(name.strip()))


def find_article(store: Store, name: str) -> ArticleRow:
    """The one tracked article `name` names; MonitorError saying what it could mean otherwise."""
    name = name.strip()
    if not name:
        raise MonitorError("name an article: its id (see `monitor status`), its URL or a part of its slug")
    if match := _ID.fullmatch(name):
        row = store.article_by_id(int(match.group(1)))
        if row is None:
            raise MonitorError(f"no article with id {match.group(1)}{_hint([], name)}")
        return row
    rows = store.articles()
    if looks_like_url(name):
        row = store.article(name if "://" in name else "https://" + name)
        if row is None:
            raise MonitorError(f"not a tracked article: {name}{_hint(rows, slug_of(name) or name)}")
        return row
    wanted = name.strip("/").casefold()
    exact = [r for r in rows if slug_of(r.url).casefold() == wanted]
    partial = exact or [r for r in rows if wanted in slug_of(r.url).casefold()]
    if len(partial) == 1:
        return partial[0]
    if partial:
        shown = "; ".join(f"{r.id} {slug_of(r.url)}" for r in partial[:5])
        more = f" and {len(partial) - 5} more" if len(partial) > 5 else ""
        raise MonitorError(f"{name!r} matches {len(partial)} articles ({shown}{more}): name one by its id")
    raise MonitorError(f"no tracked article matches {name!r}{_hint(rows, name)}")


def _hint(rows: list[ArticleRow], name: str) -> str:
    """ "; did you mean 3 still-flawed…?" from the slugs and titles nearest to `name`, or where to look."""
    wanted = name.casefold()
    scored = []
    for r in rows:
        slug = slug_of(r.url)
        folded = slug.casefold()
        score = max(difflib.SequenceMatcher(None, wanted, folded).ratio(),
                    difflib.SequenceMatcher(None, wanted, folded[:len(wanted)]).ratio() if len(wanted) > 5 else 0.0,
                    difflib.SequenceMatcher(None, wanted, r.title.casefold()).ratio(),
                    0.9 if wanted and (wanted in folded or (folded and folded in wanted)) else 0.0)
        scored.append((score, r.id, slug or r.url))
    near = [f"{rid} {slug}" for score, rid, slug in sorted(scored, reverse=True)[:3] if score >= 0.5]
    if near:
        return f"; did you mean {' or '.join(near)}?"
    return "; `monitor status` lists the tracked articles with their ids"
