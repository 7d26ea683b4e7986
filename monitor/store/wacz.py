"""`monitor export --wacz`: our WARC records packed as a WACZ 1.1.1 (replays in pywb and ReplayWeb.page).

The package holds `archive/data.warc.gz` (the records copied byte for byte, so each keeps the
SHA-256 our index has), `indexes/index.cdx` (CDXJ, sorted), `pages/pages.jsonl` (one page per
captured version) and `datapackage.json` with the SHA-256 of each file, plus its digest file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from monitor import __version__
from monitor.core.errors import StoreError
from monitor.store.archive import has_tables
from monitor.store.database import Store
from monitor.store.owner import check_owner

WACZ_VERSION = "1.1.1"
WARC_NAME = "data.warc.gz"
_COLUMNS = ("file, byte_offset, byte_length, sha256, record_type, record_id, target_uri, warc_date, payload_digest,"
            " status, mime, role")


@dataclass(frozen=True)
class Exported:
    records: int
    pages: int
    bytes: int


@dataclass(frozen=True)
class _Row:
    file: str
    offset: int
    length: int
    sha256: str
    record_type: str
    record_id: str
    uri: str
    date: str
    digest: str | None
    status: int | None
    mime: str
    role: str
    title: str
    seq: int | None


def export_wacz(store: Store, directory: Path, out: Path, *, url: str | None = None,
                since: str | None = None) -> Exported:
    """Write the WACZ; StoreError when there is nothing to export or a record no longer matches its index."""
    check_owner(directory, store.path, store.conn)
    rows = _select(store.conn, url, since)
    if not rows:
        which = (f" {url}" if url else "") + (f" since {since}" if since else "")
        raise StoreError(f"no archived captures match{which}")
    warc, index = bytearray(), []
    for row in rows:
        data = _read(directory, row)
        if row.record_type in ("response", "revisit"):
            index.append(_cdxj(row, len(warc), len(data)))
        warc += data
    pages = [{"format": "json-pages-1.0", "id": "pages", "title": "Captured versions"}]
    pages += [{"id": row.record_id.strip("<>").removeprefix("urn:uuid:"), "url": row.uri, "ts": _iso(row.date),
               "title": f"{row.title or row.uri} (version {row.seq})"}
              for row in rows if row.role == "version" and row.record_type == "response"]
    files = {
        f"archive/{WARC_NAME}": bytes(warc),
        "indexes/index.cdx": "".join(sorted(index)).encode("utf-8"),
        "pages/pages.jsonl": "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pages).encode("utf-8"),
    }
    package = json.dumps(_datapackage(files, url, rows), indent=2).encode("utf-8")
    digest = json.dumps({"path": "datapackage.json", "hash": _sha256(package)}, indent=2).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    with zipfile.ZipFile(partial, "w") as z:
        for name, data in files.items():
            # WARCs are stored uncompressed in the ZIP (readers seek into them); the rest is deflated.
            z.writestr(name, data, zipfile.ZIP_STORED if name.endswith(".gz") else zipfile.ZIP_DEFLATED)
        z.writestr("datapackage.json", package, zipfile.ZIP_DEFLATED)
        z.writestr("datapackage-digest.json", digest, zipfile.ZIP_DEFLATED)
    partial.replace(out)
    return Exported(records=len(rows), pages=len(pages) - 1, bytes=out.stat().st_size)


def version_warc(store: Store, directory: Path, version_id: int) -> bytes | None:
    """One version's capture as a small .warc.gz (its file's warcinfo, the request, the response); None if none."""
    conn = store.conn
    if not has_tables(conn):
        return None
    rows = [_Row(*r) for r in conn.execute(
        f"SELECT {_COLUMNS}, '', NULL FROM warc_records WHERE (version_id = ? AND role = 'version') OR (role = 'file'"
        " AND file IN (SELECT file FROM warc_records WHERE version_id = ? AND role = 'version'))"
        " ORDER BY file, byte_offset", (version_id, version_id))]
    if not any(r.role == "version" for r in rows):
        return None
    return b"".join(_read(directory, row) for row in rows)


def archived_versions(store: Store, article_id: int) -> set[int]:
    """Ids of the article's versions that have a response record."""
    if not has_tables(store.conn):
        return set()
    rows = store.conn.execute("SELECT version_id FROM warc_records WHERE article_id = ? AND role = 'version'"
                              " AND record_type = 'response'", (article_id,))
    return {r[0] for r in rows}


def _select(conn: sqlite3.Connection, url: str | None, since: str | None) -> list[_Row]:
    if not has_tables(conn):
        return []
    sql = ("SELECT w.file, w.byte_offset, w.byte_length, w.sha256, w.record_type, w.record_id, w.target_uri,"
           " w.warc_date, w.payload_digest, w.status, w.mime, w.role, COALESCE(a.title, ''), v.seq"
           " FROM warc_records w LEFT JOIN articles a ON a.id = w.article_id"
           " LEFT JOIN versions v ON v.id = w.version_id"
           " WHERE w.role != 'file' AND (? IS NULL OR a.url = ?) AND (? IS NULL OR w.warc_date >= ?)"
           " ORDER BY w.file, w.byte_offset")
    rows = [_Row(*r) for r in conn.execute(sql, (url, url, since, since))]
    if not rows:
        return []
    files = sorted({r.file for r in rows})
    marks = ",".join("?" * len(files))
    infos = [_Row(*r) for r in conn.execute(
        f"SELECT {_COLUMNS}, '', NULL FROM warc_records WHERE role = 'file' AND file IN ({marks})", files)]
    return sorted([*infos, *rows], key=lambda r: (r.file, r.offset))  # each file's warcinfo before its records


def _read(directory: Path, row: _Row) -> bytes:
    path = directory / row.file
    try:
        with path.open("rb") as f:
            f.seek(row.offset)
            data = f.read(row.length)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read archived record ({exc.strerror}); run `monitor verify`") from None
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise StoreError(f"{row.file}@{row.offset}: record does not match its index; run `monitor verify`")
    return data


def _cdxj(row: _Row, offset: int, length: int) -> str:
    fields = {"url": row.uri, "mime": "warc/revisit" if row.record_type == "revisit" else row.mime,
              "status": str(row.status or "-"), "digest": row.digest or "-", "length": str(length),
              "offset": str(offset), "filename": WARC_NAME}
    return f"{surt(row.uri)} {_timestamp(row.date)} {json.dumps(fields)}\n"


def surt(url: str) -> str:
    """The SURT sort key CDX indexes use (as the `surt` library makes it for ordinary http(s) URLs)."""
    parts = urlsplit(url.strip())
    host = re.sub(r"^www\d*\.", "", (parts.hostname or "").lower().rstrip("."))
    key = ",".join(reversed(host.split(".")))
    if parts.port and parts.port != {"http": 80, "https": 443}.get(parts.scheme.lower()):
        key += f":{parts.port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return (f"{key}){path}" + (f"?{query}" if query else "")).lower()


def _timestamp(warc_date: str) -> str:
    return re.sub(r"\D", "", warc_date)[:14]


def _iso(warc_date: str) -> str:
    return warc_date if warc_date.endswith("Z") else warc_date + "Z"


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _datapackage(files: dict[str, bytes], url: str | None, rows: list[_Row]) -> dict[str, object]:
    package: dict[str, object] = {
        "profile": "data-package",
        "resources": [{"name": Path(name).name, "path": name, "hash": _sha256(data), "bytes": len(data)}
                      for name, data in files.items()],
        "title": f"deeplinks-monitor captures of {url}" if url else "deeplinks-monitor captures",
        "description": "Each captured version of the monitored articles: request and response WARC records "
                       "as exchanged with the server, with the warcinfo of the files they come from.",
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "wacz_version": WACZ_VERSION,
        "software": f"deeplinks-monitor {__version__}",
    }
    if url:
        package["mainPageURL"] = url
        dates = [r.date for r in rows if r.record_type == "response"]
        if dates:
            package["mainPageDate"] = _iso(max(dates))
    return package
