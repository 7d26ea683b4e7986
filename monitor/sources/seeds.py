"""Seed files (markdown captures with front matter, or reader-mode text) → baseline Snapshots.

Captures carry the whole page as markdown; only the article is kept. A capture that
ends in "..." was cut: it is a partial baseline, and compare.py treats it so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

from monitor.core.errors import SeedError
from monitor.core.model import Snapshot
from monitor.core.text import canonical, clean_text, markdown_to_text
from monitor.sources.notes import parse_note

_DATE_LINE = re.compile(
    r"^(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}$"
)
_BYLINE = re.compile(r"^By\s+(.+)$")
_SKIP_LINE = re.compile(
    r"^(\[(Share on \w+|Copy link)\]\(.*|!\[[^\]]*\]\([^)]*\)\s*|\*\s+\[[^\]]+\]\([^)]*[?&]language=[^)]*\)\s*)$"
)
_TRAILING_CHROME = {"join eff lists", "related updates", "back to top", "share it"}
_ELLIPSIS = re.compile(r"(\.\.\.|…)\s*$")


@dataclass(frozen=True)
class Seed:
    """A parsed seed file: its snapshot, and when it was captured (or our best evidence of it)."""

    path: Path
    snapshot: Snapshot
    captured_at: dt.datetime
    capture_time_known: bool


@dataclass(frozen=True)
class SeedScan:
    """What a seeds directory held: the seeds read, the files that are not seeds, and the seeds that failed."""

    seeds: list[Seed]
    skipped: list[str]  # not seed files (a README, notes): one warning each, nothing else
    errors: list[str]  # seed files we could not read: one line each, naming the file


_MAX_SEED_BYTES = 5_000_000


def load_seeds(seeds_dir: Path) -> list[Seed]:
    """Every readable seed, or SeedError naming the first bad one (for callers that want all or nothing)."""
    scan = scan_seeds(seeds_dir)
    if scan.errors:
        raise SeedError(scan.errors[0])
    return scan.seeds


def scan_seeds(seeds_dir: Path) -> SeedScan:
    """Read the seed files of a directory, one at a time: a bad or foreign file never stops the others.

    A file is a seed by its content (front matter with a title or url, or the reader-mode shape),
    not by its name. URL-less seeds get the URL of the seed with the same title; all are ordered
    by capture time.
    """
    if not seeds_dir.is_dir():
        raise SeedError(f"seeds directory not found: {seeds_dir}")
    seeds: list[Seed] = []
    skipped: list[str] = []
    errors: list[str] = []
    for path in sorted(seeds_dir.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        try:
            raw = _read(path)
            if not is_seed_text(raw):
                skipped.append(f"{path.name}: not a seed file (no front matter, not reader-mode text): skipped")
                continue
            seeds.append(_parse(path, raw))
        except SeedError as exc:
            errors.append(str(exc))
    by_title = {canonical(s.snapshot.title).casefold(): s.snapshot.url for s in seeds if s.snapshot.url}
    matched: list[Seed] = []
    for seed in seeds:
        if not seed.snapshot.url:
            url = by_title.get(canonical(seed.snapshot.title).casefold(), "")
            if not url:
                errors.append(f"{seed.path.name}: no url and no other seed with the title {seed.snapshot.title!r}")
                continue
            seed = replace(seed, snapshot=replace(seed.snapshot, url=url))
        matched.append(seed)
    ordered = sorted(matched, key=lambda s: (s.snapshot.url, s.captured_at, s.path.name))
    return SeedScan(seeds=ordered, skipped=skipped, errors=errors)


_READER_MODE_BYLINE = re.compile(r"^\S.{0,200} : [^:\n]{1,40} : \d{1,2}/\d{1,2}/\d{4}\s*$", re.MULTILINE)


def is_seed_text(raw: str) -> bool:
    """A capture with front matter naming its article, or reader-mode text (title, then "Author : time : date")."""
    meta, _ = _split_front_matter(raw)
    if meta:
        return bool(meta.get("title") or meta.get("url"))
    blocks = _blocks(raw)
    return len(blocks) >= 3 and bool(_READER_MODE_BYLINE.match(blocks[1]))


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()[: _MAX_SEED_BYTES + 1]
    except OSError as exc:
        raise SeedError(f"{path.name}: cannot read seed ({exc.strerror})") from exc
    if len(data) > _MAX_SEED_BYTES:
        raise SeedError(f"{path.name}: larger than {_MAX_SEED_BYTES // 1_000_000} MB, not a seed")
    if b"\x00" in data:
        raise SeedError(f"{path.name}: binary data, not a seed text")
    return data.decode("utf-8", errors="replace")


def parse_seed_file(path: Path) -> Seed:
    """One seed file → Seed; a file we cannot read as an article is an error naming the file."""
    return _parse(path, _read(path))


def _parse(path: Path, raw: str) -> Seed:
    try:
        meta, body = _split_front_matter(raw)
        snapshot = _parse_capture(body, meta) if meta else _parse_reader_mode(body)
        if not snapshot.title or not snapshot.paragraphs:
            raise SeedError(f"{path.name}: no article title or body found")
        captured, known = _capture_time(meta, snapshot)
        captured = min(captured, dt.datetime.now(dt.UTC))  # a capture cannot come from the future
    except ValueError as exc:  # a date that does not exist ("2024-02-30", "yesterday")
        raise SeedError(f"{path.name}: {_date_problem(exc)}") from None
    snapshot = replace(snapshot, source=f"seed:{path.name}", captured_at=captured.isoformat())
    return Seed(path=path, snapshot=snapshot, captured_at=captured, capture_time_known=known)


def _date_problem(exc: ValueError) -> str:
    return f"unreadable date ({str(exc).splitlines()[0][:120]})"


def _split_front_matter(raw: str) -> tuple[dict[str, str], str]:
    """Flat `key: value` front matter (all our seeds use); titles may contain colons."""
    lines = raw.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, raw
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return meta, "\n".join(lines[i + 1 :])
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return {}, raw


def _blocks(markdown: str) -> list[str]:
    """Blank-line separated blocks, each joined into one line."""
    return [" ".join(b.split("\n")).strip() for b in re.split(r"\n\s*\n", markdown) if b.strip()]


def _parse_capture(body: str, meta: dict[str, str]) -> Snapshot:
    lines = body.splitlines()
    share = max((i for i, ln in enumerate(lines) if ln.strip() == "**Share It**"), default=-1)
    header = lines[:share] if share >= 0 else []
    article = lines[share + 1 :] if share >= 0 else _after_last_title(lines, meta.get("title", ""))
    byline = published = ""
    for line in header[-30:]:
        text = markdown_to_text(line)
        if m := _BYLINE.match(text):
            byline = m.group(1)
        elif _DATE_LINE.match(text):
            published = dt.datetime.strptime(text, "%B %d, %Y").date().isoformat()
    kept = [ln for ln in article if not _SKIP_LINE.match(ln.strip())]
    paragraphs = [markdown_to_text(b) for b in _blocks("\n".join(kept))]
    return _snapshot(meta.get("url", ""), clean_text(meta.get("title", "")), paragraphs, byline, published)


def _after_last_title(lines: list[str], title: str) -> list[str]:
    heading = f"# {title}".strip()
    last = max((i for i, ln in enumerate(lines) if ln.strip() == heading), default=-1)
    return lines[last + 1 :]


def _parse_reader_mode(body: str) -> Snapshot:
    """Reader-mode text: title line, "Author : N minutes : M/D/YYYY", then paragraphs."""
    blocks = _blocks(body)
    if len(blocks) < 2:
        return _snapshot("", "", [], "", "")
    title, rest = markdown_to_text(blocks[0]), blocks[1:]
    byline = published = ""
    parts = [p.strip() for p in rest[0].split(" : ")]
    if len(parts) >= 2 and re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", parts[-1]):
        byline = parts[0]
        published = dt.datetime.strptime(parts[-1], "%m/%d/%Y").date().isoformat()
        rest = rest[1:]
    return _snapshot("", title, [markdown_to_text(b) for b in rest], byline, published)


def _snapshot(url: str, title: str, paragraphs: list[str], byline: str, published: str) -> Snapshot:
    paragraphs = [p for p in paragraphs if p]
    while paragraphs and paragraphs[-1].casefold().rstrip(".") in _TRAILING_CHROME:
        paragraphs.pop()
    truncated = bool(paragraphs) and bool(_ELLIPSIS.search(paragraphs[-1]))
    if truncated:
        paragraphs[-1] = _ELLIPSIS.sub("", paragraphs[-1]).rstrip()
    notes = []
    body = []
    for p in paragraphs:
        note = parse_note(p, published)
        if note:
            notes.append(note)
        else:
            body.append(p)
    return Snapshot(
        url=url, title=title, notes=tuple(notes), paragraphs=tuple(body),
        byline=byline, published=published, truncated=truncated,
    )


def _capture_time(meta: dict[str, str], snapshot: Snapshot) -> tuple[dt.datetime, bool]:
    """fetch_date when the file says; otherwise the latest date the text proves it was written after."""
    if stamp := meta.get("fetch_date"):
        try:
            return _aware(dt.datetime.fromisoformat(stamp)), True
        except ValueError:
            pass
    evidence = [n.date for n in snapshot.notes if n.date]
    for value in (snapshot.published, meta.get("date", "")):
        if value:
            evidence.append(dt.date.fromisoformat(value[:10]))
    latest = max(evidence, default=dt.date(1970, 1, 1))
    return dt.datetime(latest.year, latest.month, latest.day, 23, 59, tzinfo=dt.UTC), False


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
