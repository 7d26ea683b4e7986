"""A database restored from a backup rejoins its archive: the records written since are indexed again.

The WARC files hold everything a version needs (the article's URL, the capture's date, the page as
sent, its digests), so each complete, verified response no row points to becomes the version it was —
read with the same profiles as a live check, compared with the article's latest version — and its
records are indexed in that version's transaction; `history`, `diff`, `export` and `verify` see it again.
No alert is made for a rejoined version: it was news when it was captured, and the database that sent
its alerts is the one that was lost; the next check compares the live page with it, so nothing already
told is told twice. A file no row points to at all is adopted only when its warcinfo names this
database; anything else is kept and reported (`status`, `verify`), never removed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

from monitor.config import Settings
from monitor.core.caps import cap_snapshot
from monitor.core.errors import ExtractError, FetchError
from monitor.core.kinds import Origin
from monitor.core.model import Snapshot
from monitor.decide.compare import compare
from monitor.sources.decoding import BodyDecoder
from monitor.sources.extract import read_article
from monitor.sources.fetch import decode_body
from monitor.store.archive import Archive
from monitor.store.database import Store
from monitor.store.recovery import foreign, index_record, record_owner, unindexed_of
from monitor.store.scan import Found, scan

log = logging.getLogger(__name__)
HEAD = 65_536  # a file's warcinfo is a few hundred bytes: enough to see whose file it is


def rejoin(store: Store, archive: Archive, settings: Settings) -> int:
    """Adopt every complete record of the folder no row points to; the number of versions rejoined."""
    versions = 0
    for path, start, size in unindexed_of(store, archive.directory):
        try:
            if start == 0:
                head = scan(path, 0, min(size, HEAD))
                if why := foreign(head.found, archive.database_id):
                    log.warning("archive: %s kept, not adopted: %s", path.name, why)
                    continue
            scanned = scan(path, start)
        except OSError as exc:
            log.warning("archive: cannot read %s (%s); kept, adopted later", path.name, exc.strerror or exc)
            continue
        if scanned.problem:
            log.warning("archive: %s: %s; kept, not adopted", path.name, scanned.problem)
        versions += _adopt(store, settings, scanned.found)
    if versions:
        log.warning("archive: %d versions rejoined from the WARC files (a database restored from a backup?)",
                    versions)
    return versions


def _adopt(store: Store, settings: Settings, records: list[Found]) -> int:
    """Index the records of one file, in order; each response as the version (or check) it was."""
    versions = 0
    waiting: list[Found] = []  # requests, until the response they go with
    for found in records:
        if found.record_type == "request":
            waiting.append(found)
        elif found.record_type == "response":
            partners = [r for r in waiting if r.concurrent_to == found.record_id]
            waiting = [r for r in waiting if r not in partners]
            versions += _adopt_response(store, settings, found, partners)
        elif found.record_type == "warcinfo":
            _index(store, [found], None, None, "file")
        elif found.record_type == "revisit":
            row = record_owner(store, found.refers_to)
            _index(store, [found], row[0] if row else _article_id(store, found),
                   row[1] if row else None, "unchanged" if row and row[1] else "adopted")
        else:
            _index(store, [found], _article_id(store, found), None, "adopted")
    for found in waiting:
        _index(store, [found], _article_id(store, found), None, "adopted")
    return versions


def _adopt_response(store: Store, settings: Settings, found: Found, requests: list[Found]) -> int:
    records = [*requests, found]
    article = store.article(found.target_uri) if found.target_uri.startswith(("http://", "https://")) else None
    latest = store.latest_version(article.id) if article else None
    reading = _read(found, settings, latest.snapshot if latest else None) if found.status == 200 else None
    if reading is None:
        _index(store, records, article.id if article else None, None, "adopted")
        return 0
    snapshot, layout = reading
    if article is None:
        article = store.track(found.target_uri, Origin.FEED, snapshot.title)
    change = compare(latest.snapshot, snapshot) if latest else None
    if latest is not None and (latest.content_hash == snapshot.content_hash() or change is None):
        _index(store, records, article.id, latest.id, "unchanged")
        return 0
    article_id = article.id

    def index(version_id: int) -> None:
        _rows(store, records, article_id, version_id, "version")

    store.record_version(article.id, snapshot, change_kind=change.kind if change else None,
                         minor=bool(change and change.minor), layout=layout, on_version=index)
    return 1


def _read(found: Found, settings: Settings, previous: Snapshot | None) -> tuple[Snapshot, str] | None:
    """The article as a live check would have read it from this response; None when it cannot be read."""
    try:
        decoder = BodyDecoder(found.content_encoding)
        body, size = [], 0
        for piece in decoder.feed(found.payload):
            size += len(piece)
            if size > settings.max_bytes:
                return None
            body.append(piece)
        decoder.finish()
        html = decode_body(b"".join(body), found.content_type)
        reading = read_article(html, found.target_uri, settings.sites, previous=previous)  # a redesign, as a check
    except (ExtractError, FetchError):
        return None
    captured = dt.datetime.fromisoformat(found.warc_date.replace("Z", "+00:00")).astimezone(dt.UTC)
    snapshot = replace(cap_snapshot(reading.snapshot), source="live",
                       captured_at=captured.isoformat(timespec="seconds"))
    return snapshot, reading.layout


def _article_id(store: Store, found: Found) -> int | None:
    if not found.target_uri.startswith(("http://", "https://")):
        return None
    article = store.article(found.target_uri)
    return article.id if article else None


def _index(store: Store, records: list[Found], article_id: int | None, version_id: int | None, role: str) -> None:
    with store.write():
        _rows(store, records, article_id, version_id, role)


def _rows(store: Store, records: list[Found], article_id: int | None, version_id: int | None, role: str) -> None:
    for found in records:
        index_record(store, found, article_id, version_id, role)
