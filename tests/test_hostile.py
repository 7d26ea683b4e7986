"""Hostile or broken input, one table: each case is a clear one-line error, never an alert, never a damaged state.

Every case starts from the same baseline (a quiet first `monitor check` over the seeded
articles, taken once per module and copied per case), makes the replayed site misbehave
in one way — or writes a bad config, or a bad database — runs `monitor check` as a
subprocess, and checks the contract:

(a) exit 0 when the cycle ran (a bad feed or page is a reported error), 1 with one
    `error: …` line when it could not (config, database, notification URLs);
(b) the expected message on stderr, every line short, never a traceback;
(c) no message at the JSON receiver (bad input never alerts);
(d) `PRAGMA integrity_check` is ok and the stored versions are unchanged;
(e) where it makes sense, a following check with the site restored is quiet;
(f) where a case says so, the hostile run ends within a bounded time (generous: it is a
    bound, not a speed target).
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import os
import random
import re
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROBOTS, SEEDS_DIR, run_monitor, write_config
from tests.encodings import deflate_bomb, encode, gzip_gzip_bomb
from tests.fixtures.articles import MEDIA_BRIEFING, ON_TOPIC, SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver
from tests.replay import ReplaySite
from tests.site import EFF, FEED_PATH, Article, add_note, article_page, edit, feed, publish

ARTICLE = STILL_FLAWED  # the page that misbehaves in the article cases
FEED_URL = EFF + FEED_PATH
SECRET = "Hunter2-s3cr3t-pass"
MAX_BYTES = 200_000
# Every case runs with these (plus its own): a small size cap, a fast retry, no "quiet feed" operator noise.
BASE: dict[str, Any] = {"max_bytes": MAX_BYTES, "retry_backoff": 0.1, "quiet_days": 100_000}
CAP_DAC_OVERRIDE, CAP_FOWNER, PR_CAPBSET_DROP = 1, 3, 24  # linux/capability.h, linux/prctl.h


# -- the context a case works on ------------------------------------------------------------------


@dataclass
class Ctx:
    """What a case may change before the hostile `monitor check`."""

    tmp: Path
    site: ReplaySite
    receiver: JsonReceiver
    db: Path
    config: dict[str, Any] = field(default_factory=dict)  # extra write_config keys
    notify: list[str] = field(default_factory=list)  # more notify URLs after the receiver's
    env: dict[str, str] = field(default_factory=dict)
    edit_config: Callable[[str], str] | None = None  # a raw edit of the written TOML
    preexec_fn: Callable[[], None] | None = None
    memo: dict[str, Any] = field(default_factory=dict)  # what a setup remembers for its checks

    def write_config(self, *, hostile: bool = True) -> Path:
        extra = {**BASE, **(self.config if hostile else {}), "database": self.db}
        cfg = write_config(self.tmp, self.site, [self.receiver.url(), *(self.notify if hostile else [])], **extra)
        if hostile and self.edit_config is not None:
            cfg.write_text(self.edit_config(cfg.read_text(encoding="utf-8")), encoding="utf-8")
        return cfg


Setup = Callable[[Ctx], None]
Check = Callable[[Ctx, subprocess.CompletedProcess[str]], None]


@dataclass(frozen=True)
class Case:
    id: str
    setup: Setup
    expect: tuple[str, ...] = ()  # substrings that must all be on stderr ((b))
    exit_code: int = 0
    forbid: tuple[str, ...] = ()  # never on stdout or stderr (secrets)
    clean: bool = False  # the cycle must report no error at all (a recovered or harmless oddity)
    fresh_db: bool = False  # no baseline: the case is about the first contact (robots.txt)
    alerts: int = 0
    new_versions: int = 0
    db_intact: bool = True  # False: the case hands the monitor a broken file on purpose
    followup: str = "quiet"  # "quiet", "blocked" (Retry-After still in force) or "none"
    after: Check | None = None  # case-specific assertions on the hostile run
    restore: Setup | None = None  # how to put the site back before the follow-up (default: the seeded site)
    after_followup: Check | None = None  # case-specific assertions on the follow-up run
    max_seconds: float | None = None  # (f) the hostile run must end within this
    args: tuple[str, ...] = ("check",)  # the command run (an edge of the command line instead of a cycle)
    untouched: bool = True  # exit 1 leaves the file byte for byte as it was (False: some steps committed first)
    cycle_ran: bool = False  # exit 1 after a whole cycle (none of its requests answered): its error lines, then one


# -- building blocks of hostile answers -------------------------------------------------------------


def serve(path: str, body: str | bytes, **kw: Any) -> Setup:
    return lambda ctx: ctx.site.set(path, body, **kw)


def redirect(location: str, status: int = 302, path: str = ARTICLE.path) -> Setup:
    return serve(path, "", status=status, headers={"Location": location} if location else {})


def with_config(setup: Setup | None = None, **config: Any) -> Setup:
    def apply(ctx: Ctx) -> None:
        ctx.config.update(config)
        if setup is not None:
            setup(ctx)

    return apply


def steps(*setups: Setup) -> Setup:
    def apply(ctx: Ctx) -> None:
        for s in setups:
            s(ctx)

    return apply


def page_bytes(a: Article = ARTICLE) -> bytes:
    """The article page, re-rendered (a new ETag, so the monitor cannot take a 304 for it)."""
    return article_page(a).replace("</html>", "</html>\n<!-- re-rendered -->").encode("utf-8")


def cp1252_page(meta: str | None) -> bytes:
    """The article page as Windows-1252 bytes (curly quotes become 0x91-0x94), with `meta` as its <meta charset>."""
    html = article_page(ARTICLE).replace('<meta charset="utf-8" />', f'<meta charset="{meta}" />' if meta else "")
    return html.encode("cp1252", errors="xmlcharrefreplace")


def utf8_without_charset() -> bytes:
    return article_page(ARTICLE).replace('<meta charset="utf-8" />', "").encode("utf-8")


def encoded(path: str, body: Callable[[], bytes], content_encoding: str) -> Setup:
    """Serve `body()` (built when the case runs: bombs take a moment) with that Content-Encoding header."""
    return lambda ctx: ctx.site.set(path, body(), headers={"Content-Encoding": content_encoding})


NOTE = "Update: this page changed, and its first answer was cut short."
CHANGED = add_note(ARTICLE, NOTE)


def huge_page() -> bytes:
    """A real article page padded past max_bytes with a comment: only the size makes it hostile."""
    return article_page(ARTICLE).replace("</body>", "<!-- " + "padding " * 40_000 + "--></body>").encode()


def feed_with_link(link: str) -> str:
    """The seeded feed plus an on-topic post whose <link> is `link` (file://, another host, …)."""
    return feed([ON_TOPIC, *SEEDED]).replace(f"<link>{ON_TOPIC.url}</link>", f"<link>{link}</link>")


def feed_with_title(title: str) -> str:
    """The seeded feed, well-formed, with `title` (raw XML, e.g. a bad character reference) as the channel title."""
    return feed(SEEDED).replace("<title>Deeplinks</title>", f"<title>{title}</title>", 1)


def truncated_feed() -> str:
    """The feed with a new on-topic post first, cut in the middle of the third item."""
    text = feed([ON_TOPIC, *SEEDED])
    third = [m.start() for m in re.finditer("<item>", text)][2]
    return text[: third + 200]


LOGIN_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8" />
<title>User account | Electronic Frontier Foundation</title></head>
<body class="html not-front not-logged-in page-user">
<div id="site_banner"><a href="/donate">Donate to EFF</a></div>
<div class="panel-pane pane-page-title"><h1 class="page-title">User account</h1></div>
<form id="user-login" action="/user/login?destination=deeplinks" method="post">
<label for="edit-name">Username or e-mail address</label><input type="text" id="edit-name" name="name" />
<label for="edit-pass">Password</label><input type="password" id="edit-pass" name="pass" />
<input type="hidden" name="form_build_id" value="form-abc" /><button type="submit">Log in</button></form>
<p>You must log in to read this page. Members get early access to our analysis of surveillance law, the
treaty negotiations, court cases and more, plus our newsletter and invitations to events near you.</p>
</body></html>"""

ACCESS_DENIED = Article(
    path=ARTICLE.path, title="Access denied", byline="", published=ARTICLE.published, node_id=ARTICLE.node_id,
    notes=[], paragraphs=["You are not authorized to access this page."],
)

GARBAGE = bytes(b for b in random.Random(20260101).randbytes(30_000) if b)  # no NUL: it passes as "text"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
OCTETS = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00\x01\x02\xff" * 2000


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_date_in(seconds: int) -> str:
    return format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds), usegmt=True)


# -- checks that only some cases need ----------------------------------------------------------------


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read the monitor's database without ever writing to it."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def tracked_urls(db: Path) -> set[str]:
    return {row[0] for row in query(db, "SELECT url FROM articles")}


def not_tracked(*needles: str) -> Check:
    def check(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
        urls = tracked_urls(ctx.db)
        assert not [u for u in urls if any(n in u for n in needles)], f"a refused link was tracked: {urls}"
        assert not [r for r in ctx.site.requests if any(n in r.path for n in needles)], "a refused link was fetched"

    return check


def never_fetched(path: str) -> Check:
    def check(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
        assert ctx.site.hits(path) == 0, f"{path} was fetched although robots.txt disallows it"
        live = query(ctx.db, "SELECT COUNT(*) FROM versions JOIN articles ON articles.id = versions.article_id"
                             " WHERE articles.url = ? AND versions.source = 'live'", EFF + path)
        assert live == [(0,)]

    return check


def all_fetched(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
    missing = [a.path for a in SEEDED if ctx.site.hits(a.path) == 0]
    assert not missing, f"monitoring stopped: {missing} never fetched"


def robots_asked_once(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
    asked = ctx.site.hits("/robots.txt")
    assert asked <= 2, (
        f"robots.txt timed out and was asked {asked} times in one cycle: a hanging robots.txt must cost one"
        " timeout (and its retry) per cycle, not one per page, or a cycle takes pages × 2 × timeout"
    )


def checks(*each: Check) -> Check:
    def check(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
        for c in each:
            c(ctx, result)

    return check


def fetched_twice(path: str) -> Check:
    def check(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
        assert ctx.site.hits(path) == 2, "one failed answer, one retry in the same cycle"

    return check


def tracks_the_complete_item(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
    assert ON_TOPIC.url in tracked_urls(ctx.db), "the complete item before the cut is used"
    assert ON_TOPIC.title in ctx.receiver.messages[0]["title"] + ctx.receiver.messages[0]["message"]


def stored_etag(db: Path) -> str | None:
    rows = query(db, "SELECT etag FROM articles WHERE url = ?", ARTICLE.url)
    return str(rows[0][0]) if rows and rows[0][0] is not None else None


def validators_kept(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
    etag = stored_etag(ctx.db)
    assert etag and etag == ctx.memo["etag"], "the cut-short answer's ETag must not be stored"


def asked_with_old_etag(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
    last = [r for r in ctx.site.requests if r.path == ARTICLE.path][-1]
    assert last.headers.get("If-None-Match") == stored_etag(ctx.db), "conditional on the last complete answer"


def truncated_change(ctx: Ctx) -> None:
    """The article changed, and its (new-ETag) answer is cut halfway; remember the ETag stored before."""
    ctx.memo["etag"] = stored_etag(ctx.db)
    ctx.site.set(ARTICLE.path, article_page(CHANGED), framing="truncate")


def secret_not_in_database(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
    assert SECRET.encode() not in ctx.db.read_bytes()


def seeded_and_on_topic(ctx: Ctx) -> None:
    publish(ctx.site, [*SEEDED, ON_TOPIC])


# -- bad databases ------------------------------------------------------------------------------------


def garbage_db(ctx: Ctx) -> None:
    ctx.db.write_bytes(bytes(random.Random(5).randbytes(64 * 1024)))


def truncated_db(ctx: Ctx) -> None:
    data = ctx.db.read_bytes()
    ctx.db.write_bytes(data[: 2 * 4096])  # the first two pages survive (header, schema), the rest is gone


def foreign_db(ctx: Ctx) -> None:
    """A real SQLite file from some other program, with a table named like ours."""
    ctx.db.unlink()
    with sqlite3.connect(ctx.db) as conn:
        conn.execute("CREATE TABLE articles (sku TEXT, price REAL)")
        conn.execute("INSERT INTO articles VALUES ('A-1', 9.5)")
    conn.close()


def directory_db(ctx: Ctx) -> None:
    ctx.db.unlink()
    ctx.db.mkdir()


def _without_write_override() -> None:
    """In the child, before exec: drop the capabilities that let root write files whose mode says no.

    (Switching to `nobody` would do too, but the interpreter may live under /root, which
    `nobody` cannot enter; root without CAP_DAC_OVERRIDE/CAP_FOWNER obeys a 0444 mode.)
    """
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def read_only_db(ctx: Ctx) -> None:
    """A database file (0444) the monitor may read but not write."""
    ctx.db.chmod(0o444)
    if os.geteuid() != 0:
        if os.access(ctx.db, os.W_OK):
            pytest.skip("not root and the 0444 database is still writable here: cannot make a read-only database")
        return
    try:
        probe = subprocess.run([sys.executable, "-c", f"open({str(ctx.db)!r}, 'ab')"],
                               preexec_fn=_without_write_override, capture_output=True, check=False)
    except (OSError, subprocess.SubprocessError):
        probe = None
    if probe is None or probe.returncode == 0:
        pytest.skip("running as root and cannot drop CAP_DAC_OVERRIDE here: a 0444 database stays writable")
    ctx.preexec_fn = _without_write_override


def fresh_robots(body: str | None, *, status: int = 200, delay: float = 0.0) -> Setup:
    def apply(ctx: Ctx) -> None:
        if body is None:
            ctx.site.set("/robots.txt", "oops", status=status, content_type="text/plain", delay=delay)
        else:
            ctx.site.set("/robots.txt", body, content_type="text/plain", delay=delay)

    return apply


# -- issue 13's inputs: invisible text, hidden content, cut-off pages, spellings, floods, sizes, edges -------

INVISIBLE = "\u200d\u200c\u2060\u200e\u202e\u202c\ufe0f\u200b"  # ZWJ, ZWNJ, word joiner, LRM, bidi, VS16, ZWSP


def sprinkle(text: str, chars: str = INVISIBLE) -> str:
    """`text` with an invisible character after every fifth character."""
    return "".join(c + (chars[i // 5 % len(chars)] if i % 5 == 4 else "") for i, c in enumerate(text))


def variant(**changes: Any) -> Setup:
    """The article served with fields changed (title, notes, paragraphs)."""
    return lambda ctx: ctx.site.set(ARTICLE.path, article_page(dataclasses.replace(ARTICLE, **changes)))


VIDEO = ("Watch the video: https://www.youtube-nocookie.com/embed/Xb2Ok6cM9Lo?autoplay=1%26rel%3D0 width 560 "
         "height 315 frameborder allowfullscreen")


def inject(fragment: str) -> Setup:
    """The article page with `fragment` (content a reader cannot see) at the top of its body."""
    anchor = '<div class="field__item even">'

    def apply(ctx: Ctx) -> None:
        page = article_page(ARTICLE)
        assert anchor in page
        ctx.site.set(ARTICLE.path, page.replace(anchor, anchor + fragment, 1))

    return apply


def cut_page(keep: float | int) -> Setup:
    """The article page cut off (Content-Length matches the cut, as a proxy would send it)."""
    whole = article_page(ARTICLE).encode()
    cut = whole[: int(len(whole) * keep)] if isinstance(keep, float) else whole[:keep]
    return serve(ARTICLE.path, cut)


def spellings_feed(ctx: Ctx) -> None:
    """One new post listed under five spellings of its link."""
    publish(ctx.site, [*SEEDED, ON_TOPIC])
    item = feed([ON_TOPIC])
    start, end = item.index("<item>"), item.index("</item>") + len("</item>")
    one = item[start:end]
    variants = [f"http://www.eff.org{ON_TOPIC.path}", f"https://eff.org{ON_TOPIC.path}",
                f"{ON_TOPIC.url}/", f"{ON_TOPIC.url}?utm_source=twitter&utm_medium=social&fbclid=abc123",
                ON_TOPIC.url]
    extra = "".join(one.replace(f"<link>{ON_TOPIC.url}</link>", f"<link>{v}</link>") for v in variants)
    whole = feed(SEEDED)
    ctx.site.set(FEED_PATH, whole.replace("<item>", extra + "<item>", 1), content_type="application/rss+xml")


def one_identity(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
    tracked = [u for u in tracked_urls(ctx.db) if ON_TOPIC.path in u]
    assert len(tracked) == 1, tracked


FLOOD, FLOOD_LIMIT = 30_000, 3


def flood_article(i: int) -> Article:
    return dataclasses.replace(ON_TOPIC, path=f"/deeplinks/2026/03/un-cybercrime-treaty-flood-{i}",
                               title=f"UN cybercrime treaty flood {i}", node_id=200_000 + i)


def flood_feed(ctx: Ctx) -> None:
    """30 000 on-topic entries in one feed (compact items, 4 MB); the first few exist as pages."""
    for i in range(FLOOD_LIMIT):
        ctx.site.set(flood_article(i).path, article_page(flood_article(i)))
    items = "".join(f"<item><title>UN cybercrime treaty flood {i}</title><link>{EFF}/deeplinks/2026/03/"
                    f"un-cybercrime-treaty-flood-{i}</link><guid isPermaLink=\"false\">flood-{i}</guid></item>"
                    for i in range(FLOOD))
    body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Deeplinks</title>'
            f"<link>{EFF}/deeplinks</link><description>EFF</description>{items}</channel></rss>")
    ctx.site.set(FEED_PATH, body, content_type="application/rss+xml")


def flood_bounded(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
    asked = [r for r in ctx.site.requests if r.path != "/robots.txt"]
    assert len(asked) <= 1 + len(SEEDED) + FLOOD_LIMIT, f"{len(asked)} requests for a flood"
    assert len([u for u in tracked_urls(ctx.db) if "flood" in u]) == FLOOD_LIMIT


def huge_title() -> str:
    words = random.Random(4).choices(["treaty", "cybercrime", "convention", "safeguards", "states", "rights"],
                                     k=600_000)
    return " ".join(words)  # about 4 MB, incompressible enough to show in the file


def db_stays_small(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
    grown = ctx.db.stat().st_size + (ctx.db.with_name(ctx.db.name + "-wal").stat().st_size
                                     if ctx.db.with_name(ctx.db.name + "-wal").exists() else 0)
    assert grown - ctx.memo["size"] < 1_000_000, f"a 4 MB title grew the database by {grown - ctx.memo['size']} bytes"


def remember_size(setup: Setup) -> Setup:
    def apply(ctx: Ctx) -> None:
        ctx.memo["size"] = ctx.db.stat().st_size
        setup(ctx)

    return apply


def nested_divs(depth: int) -> Setup:
    """The body's paragraphs inside `depth` nested <div>s (closed again before the body ends)."""
    anchor = '<div class="field__item even">'

    def apply(ctx: Ctx) -> None:
        page = article_page(ARTICLE)
        start = page.index(anchor) + len(anchor)
        end = page.index("</div></div></div>", start)
        ctx.site.set(ARTICLE.path, page[:start] + "<div>" * depth + page[start:end] + "</div>" * depth + page[end:])

    return apply


def bad_seed(date: str) -> Setup:
    """A seeds directory: the real seeds and one whose date does not exist."""
    def apply(ctx: Ctx) -> None:
        seeds = ctx.tmp / "seeds"
        shutil.copytree(SEEDS_DIR, seeds)
        (seeds / "900_bad_date.txt").write_text(
            f"---\ntitle: A Seed With A Bad Date\nurl: {EFF}/deeplinks/2026/01/a-seed-with-a-bad-date\n"
            f"source: Deeplinks\ndate: {date}\n---\n\n# A Seed With A Bad Date\n\n"
            + "The UN cybercrime treaty text, as captured on a day that never was. " * 20 + "\n", encoding="utf-8")
        ctx.config["seeds_dir"] = seeds

    return apply


def future_entry(ctx: Ctx) -> None:
    text = feed(SEEDED)
    ctx.site.set(FEED_PATH, re.sub(r"<pubDate>(\w+), (\d+) (\w+) \d{4}", r"<pubDate>\1, \2 \3 2099", text, count=1),
                 content_type="application/rss+xml")


def newest_not_future(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
    rows = query(ctx.db, "SELECT newest_entry FROM feeds")
    assert rows and all(r[0] is None or r[0] < "2027" for r in rows), rows


def db_under_a_file(ctx: Ctx) -> None:
    blocker = ctx.tmp / "state"
    blocker.write_text("a file where the database directory should be\n")
    ctx.db = blocker / "monitor.sqlite3"


def db_in_read_only_dir(ctx: Ctx) -> None:
    """The database in a directory (0555) where the cycle lock cannot be created."""
    folder = ctx.tmp / "ro"
    folder.mkdir()
    shutil.move(ctx.db, folder / "monitor.sqlite3")
    ctx.db = folder / "monitor.sqlite3"
    folder.chmod(0o555)
    if os.geteuid() == 0:
        read_only_db(ctx)  # root: drop the capabilities that ignore the mode (or skip where that is impossible)
    ctx.db.chmod(0o644)


def missing_count(expected: int) -> Check:
    def check(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
        assert query(ctx.db, "SELECT missing_count FROM articles WHERE url = ?", ARTICLE.url) == [(expected,)]

    return check


def hold_lock(ctx: Ctx) -> None:
    """Another program holds the database's write lock for the whole run."""
    ctx.config["lock_wait"] = 2
    release, taken = threading.Event(), threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(ctx.db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        taken.set()
        release.wait(120)
        conn.execute("ROLLBACK")
        conn.close()

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(10)
    ctx.memo["release"] = release


def release_lock(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
    ctx.memo["release"].set()


def disk_fills(ctx: Ctx) -> None:
    """No file may grow past 48 KB: the cycle's writes fill the 'disk' after it opened the database."""
    ctx.config["archive_enabled"] = False
    add = add_note(ARTICLE, "Update (3/3/2026): Written to a disk that is full.")
    ctx.site.set(ARTICLE.path, article_page(add))
    ctx.preexec_fn = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (48 * 1024, 48 * 1024))


def health_says_overran(ctx: Ctx, result: subprocess.CompletedProcess[str]) -> None:
    assert "left for the next cycle" in result.stdout, result.stdout
    health = run_monitor("health", config=ctx.write_config())
    assert health.returncode == 1 and "overran" in health.stderr, health.stdout + health.stderr


REVERSED = edit(ARTICLE, "is unlikely to sign", "is likely to sign")
VERSION_ARGS = ("diff", ARTICLE.url, "²", "1")

MORE_CASES = [
    # what a reader cannot see is not a change
    Case("note-and-title-invisible-format-chars",
         variant(title=sprinkle(ARTICLE.title), notes=[sprinkle(n) for n in ARTICLE.notes]), clean=True),
    Case("body-invisible-format-chars",  # (not inside the fixture's [text](url) link syntax)
         variant(paragraphs=[p if "](" in p else sprinkle(p) for p in ARTICLE.paragraphs]), clean=True),
    Case("title-bidi-override", variant(title="\u202a" + ARTICLE.title + "\u202c\u200e"), clean=True),
    Case("note-label-case", variant(notes=[n.replace("Update", "UPDATE", 1) for n in ARTICLE.notes]), clean=True),
    Case("hidden-attribute-embed", inject(f"<div hidden>{VIDEO}</div>"), clean=True),
    Case("aria-hidden-embed", inject(f'<span aria-hidden="true">{VIDEO}</span>'), clean=True),
    Case("display-none-embed", inject(f'<div style="display: none !important">{VIDEO}</div>'), clean=True),
    Case("noscript-embed", inject(f"<noscript><p>{VIDEO}</p></noscript>"), clean=True),
    Case("template-embed", inject(f"<template><p>{VIDEO}</p></template>"), clean=True),
    # pages cut off by a proxy: an error, never an edit
    Case("page-cut-mid-body", cut_page(0.5), expect=("incomplete page",)),
    Case("page-cut-before-closing-tags", cut_page(len(article_page(ARTICLE).encode()) - 40),
         expect=("incomplete page",)),
    # one identity per article
    Case("feed-one-post-five-spellings", spellings_feed, alerts=1, new_versions=1, after=one_identity,
         restore=seeded_and_on_topic),
    # floods and sizes
    Case("feed-30000-on-topic-entries", with_config(flood_feed, max_new_posts=FLOOD_LIMIT, max_bytes=20_000_000),
         alerts=FLOOD_LIMIT, new_versions=FLOOD_LIMIT, after=flood_bounded, max_seconds=60),
    Case("title-4-mb", remember_size(with_config(variant(title=huge_title()), max_bytes=60_000_000)),
         alerts=1, new_versions=1, after=db_stays_small, restore=variant(title=huge_title())),
    Case("body-50000-nested-divs", with_config(nested_divs(50_000), max_bytes=2_000_000), clean=True,
         max_seconds=60),
    # seeds, dates
    Case("seed-date-2024-02-30", bad_seed("2024-02-30"), expect=("900_bad_date.txt",)),
    Case("seed-date-yesterday", bad_seed("yesterday"), expect=("900_bad_date.txt",)),
    Case("feed-entry-dated-2099", future_entry, clean=True, after=newest_not_future),
    # "in a row" means in a row
    Case("article-isolated-404-then-good-answer", serve(ARTICLE.path, "gone", status=404, content_type="text/plain"),
         after=missing_count(1), after_followup=missing_count(0)),
    # a reversal of meaning is never minor
    Case("edit-unlikely-to-likely", variant(paragraphs=REVERSED.paragraphs), alerts=1, new_versions=1,
         restore=variant(paragraphs=REVERSED.paragraphs)),
    # the database's directory, lock and disk
    Case("db-dir-is-a-file", db_under_a_file, expect=("cannot create the cycle lock",), exit_code=1,
         db_intact=False),
    Case("db-dir-read-only", db_in_read_only_dir, expect=("cannot create the cycle lock",), exit_code=1),
    Case("db-locked-by-another-program", hold_lock, expect=("locked",), exit_code=1, after=release_lock,
         max_seconds=30),
    Case("db-disk-full-mid-cycle", disk_fills, expect=("cannot write the database",), exit_code=1,
         untouched=False),
    # a cycle past its budget leaves the rest for the next one, and health says so
    Case("cycle-over-its-budget", with_config(serve(ARTICLE.path, page_bytes(), delay=3.0), cycle_budget=1),
         clean=True, after=health_says_overran, max_seconds=30),
    # numbers at the edges of the command line and the config
    Case("cli-replay-superscript-two", lambda ctx: None, args=("notify", "--replay", "²"),
         expect=("--replay takes an alert id",), exit_code=1),
    Case("cli-replay-25-digits", lambda ctx: None, args=("notify", "--replay", "9" * 25),
         expect=("--replay takes an alert id",), exit_code=1),
    Case("cli-replay-arabic-indic-digit", lambda ctx: None, args=("notify", "--replay", "٣"),
         expect=("--replay takes an alert id",), exit_code=1),
    Case("cli-diff-superscript-version", lambda ctx: None, args=VERSION_ARGS, expect=("a version number",),
         exit_code=1),
    Case("cli-run-grace-superscript", lambda ctx: None, args=("run", "--grace", "²"), expect=("--grace takes",),
         exit_code=1),
    Case("cli-export-since-2024-02-30", lambda ctx: None, args=("export", "--wacz", "out.wacz", "--since",
                                                                 "2024-02-30"),
         expect=("--since takes a date",), exit_code=1),
    Case("env-timeout-arabic-indic-digit", lambda ctx: ctx.env.update(MONITOR_TIMEOUT="٣"),
         expect=("'timeout' must be",), exit_code=1),
    Case("config-web-bind-superscript-port", with_config(web_bind="127.0.0.1:²"), expect=("'web_bind' must be",),
         exit_code=1),
]


# -- the table -----------------------------------------------------------------------------------------

PASSWORD_URL = f"json://user:{SECRET}@"  # a known scheme, no host: Apprise cannot use it

CASES = [
    # feeds
    Case("feed-malformed-xml",
         serve(FEED_PATH, '<?xml version="1.0"?><rss version="2.0"><channel><title>Deeplinks</titl>'
                          "<item><title>x</item></channel></rss>", content_type="application/rss+xml"),
         expect=(f"feed {FEED_URL}: ",)),
    Case("feed-truncated-mid-item", steps(seeded_and_on_topic, serve(FEED_PATH, truncated_feed(),
                                                                      content_type="application/rss+xml")),
         alerts=1, new_versions=1, after=tracks_the_complete_item, restore=seeded_and_on_topic),
    Case("feed-surrogate-char-reference", serve(FEED_PATH, feed_with_title("Deeplinks &#xD800;"),
                                                content_type="application/rss+xml"),
         expect=(f"feed {FEED_URL}: ",)),
    Case("feed-out-of-range-char-reference", serve(FEED_PATH, feed_with_title("Deeplinks &#x110000;"),
                                                   content_type="application/rss+xml"),
         expect=(f"feed {FEED_URL}: ",), followup="none"),
    Case("feed-html-maintenance-page",
         serve(FEED_PATH, "<!DOCTYPE html><html><head><title>Site under maintenance</title></head><body>"
                          "<h1>We'll be back soon</h1><p>eff.org is down for maintenance.</p></body></html>"),
         expect=("not an RSS or Atom feed",)),
    Case("feed-empty-200", serve(FEED_PATH, "", content_type="application/rss+xml"), expect=("empty feed body",),
         followup="none"),
    Case("feed-binary-png", serve(FEED_PATH, PNG, content_type="image/png"), expect=("binary response",),
         followup="none"),
    Case("feed-link-file-url", serve(FEED_PATH, feed_with_link("file:///etc/passwd"),
                                     content_type="application/rss+xml"),
         expect=("refused file URL",), after=not_tracked("passwd")),
    Case("feed-link-off-host", serve(FEED_PATH, feed_with_link("https://evil.example.net/deeplinks/phish"),
                                     content_type="application/rss+xml"),
         expect=("refused host 'evil.example.net'",), after=not_tracked("evil.example.net", "phish")),
    Case("feed-http-500", serve(FEED_PATH, "Internal Server Error", status=500, content_type="text/plain"),
         expect=("HTTP 500",)),
    Case("feed-503-retry-after-seconds",
         serve(FEED_PATH, "busy", status=503, content_type="text/plain", headers={"Retry-After": "3600"}),
         expect=("HTTP 503",), followup="blocked"),
    # article pages that are not the article
    Case("article-login-page-200", serve(ARTICLE.path, LOGIN_PAGE), expect=("no article body found",)),
    Case("article-access-denied-stub", serve(ARTICLE.path, article_page(ACCESS_DENIED)),
         expect=("article body too short",)),
    Case("article-garbage-bytes-as-html", serve(ARTICLE.path, GARBAGE, content_type="text/html"),
         expect=("no article body found",), followup="none"),
    Case("article-octet-stream", serve(ARTICLE.path, OCTETS, content_type="application/octet-stream"),
         expect=("binary response",)),
    Case("article-nul-bytes-as-html", serve(ARTICLE.path, b"\x00" * 32 + page_bytes()),
         expect=("binary response",), followup="none"),
    # size
    Case("article-huge-content-length", serve(ARTICLE.path, huge_page()), expect=("response too large (",)),
    Case("article-huge-chunked", serve(ARTICLE.path, huge_page(), framing="chunked"),
         expect=("response too large (over max_bytes",), followup="none"),
    Case("article-huge-no-length-close", serve(ARTICLE.path, huge_page(), framing="close"),
         expect=("response too large (over max_bytes",), followup="none"),
    Case("article-connection-dropped-mid-body", serve(ARTICLE.path, page_bytes(), framing="truncate"),
         expect=(f"incomplete response: got {len(page_bytes()) // 2} of {len(page_bytes())} bytes",),
         after=fetched_twice(ARTICLE.path)),
    Case("article-chunked-cut-mid-chunk", serve(ARTICLE.path, page_bytes(), framing="cut-chunk"),
         expect=("incomplete response: got ",), after=fetched_twice(ARTICLE.path)),
    Case("article-304-after-truncated-200", truncated_change, expect=("incomplete response: got ",),
         after=validators_kept, after_followup=asked_with_old_etag),
    # content encodings
    Case("article-gzip-gzip-bomb", encoded(ARTICLE.path, gzip_gzip_bomb, "gzip, gzip"),
         expect=(f"response too large (over max_bytes {MAX_BYTES})",), max_seconds=30),
    Case("article-deflate-bomb", encoded(ARTICLE.path, deflate_bomb, "deflate"),
         expect=(f"response too large (over max_bytes {MAX_BYTES})",), max_seconds=30),
    Case("article-triple-gzip", encoded(ARTICLE.path, lambda: encode(page_bytes(), ["gzip"] * 3)[0],
                                        "gzip, gzip, gzip"),
         expect=("refused response with 3 stacked content encodings (at most 2)",)),
    Case("article-unknown-encoding", encoded(ARTICLE.path, lambda: encode(page_bytes(), ["gzip"])[0], "compress"),
         expect=("unsupported content encoding 'compress'",)),
    Case("article-gzip-cut-inside-the-stream",
         encoded(ARTICLE.path, lambda: encode(page_bytes(), ["gzip"])[0][:-40], "gzip"),
         expect=("incomplete response: the gzip stream ends early",)),
    # charsets
    Case("charset-cp1252-bytes-declared-utf8",
         serve(ARTICLE.path, cp1252_page("utf-8"), content_type="text/html; charset=utf-8")),
    Case("charset-utf8-bytes-declared-latin1",
         serve(ARTICLE.path, page_bytes(), content_type="text/html; charset=iso-8859-1")),
    Case("charset-cp1252-meta-only", serve(ARTICLE.path, cp1252_page("windows-1252"), content_type="text/html"),
         clean=True),
    Case("charset-missing-utf8", serve(ARTICLE.path, utf8_without_charset(), content_type="text/html"),
         clean=True),
    # redirects
    Case("redirect-off-host-lookalike", redirect("https://www.eff.org.evil.example.net/phish"),
         expect=("refused host 'www.eff.org.evil.example.net'",)),
    Case("redirect-userinfo-trick", redirect("https://www.eff.org@evil.example.net/phish"),
         expect=("refused host 'evil.example.net'",), followup="none"),
    Case("redirect-to-file-url", redirect("file:///etc/passwd"), expect=("refused file URL",), followup="none"),
    Case("redirect-with-credentials-and-token", redirect(f"file://me:{SECRET}@localhost/etc/passwd?token={SECRET}"),
         expect=("refused file URL (only http and https): file://localhost/",), forbid=(SECRET,),
         followup="none"),
    Case("redirect-loop", steps(redirect("/loop-b"), redirect(ARTICLE.path, 301, path="/loop-b")),
         expect=("too many redirects",)),
    Case("redirect-chain-7-hops",
         steps(redirect("/hop/1"), *(redirect(f"/hop/{i + 1}", path=f"/hop/{i}") for i in range(1, 7)),
              redirect("/final", path="/hop/7"), serve("/final", page_bytes())),
         expect=("too many redirects",), followup="none"),
    Case("redirect-without-location", redirect("", 301), expect=("without a Location",), followup="none"),
    # status codes
    Case("article-http-502-html", serve(ARTICLE.path, "<html><body><h1>502 Bad Gateway</h1></body></html>",
                                        status=502), expect=("HTTP 502",), followup="none"),
    Case("article-429-retry-after-http-date",
         lambda ctx: ctx.site.set(ARTICLE.path, "slow down", status=429, content_type="text/plain",
                                  headers={"Retry-After": http_date_in(3600)}),
         expect=("HTTP 429",), followup="blocked"),
    Case("article-429-retry-after-a-year",
         serve(ARTICLE.path, "slow down", status=429, content_type="text/plain",
               headers={"Retry-After": str(365 * 24 * 3600)}),
         expect=("HTTP 429",), followup="blocked", max_seconds=30),
    # time and network
    Case("article-read-timeout", with_config(serve(ARTICLE.path, page_bytes(), delay=2.5), timeout=1),
         expect=("timed out after 1s",)),
    Case("article-trickles-a-byte-a-second", with_config(serve(ARTICLE.path, page_bytes(), trickle=1.0), timeout=2),
         expect=("timed out after 2s",), after=fetched_twice(ARTICLE.path), max_seconds=30),
    Case("article-500-once-then-ok", lambda ctx: ctx.site.fail_next(ARTICLE.path, 500), clean=True,
         after=fetched_twice(ARTICLE.path)),
    Case("article-timeout-once-then-ok",
         with_config(lambda ctx: ctx.site.fail_next(ARTICLE.path, 500, delay=2.0), timeout=1), clean=True,
         after=fetched_twice(ARTICLE.path)),
    # Nothing answers at all: the cycle runs, lists each failure by its cause, and exits 1 (cron must notice).
    Case("connect-refused", lambda ctx: ctx.config.update(rewrite={EFF: f"http://127.0.0.1:{closed_port()}"}),
         expect=("network error (connection refused by 127.0.0.1:",), exit_code=1, cycle_ran=True, untouched=False),
    Case("dns-failure", with_config(rewrite={EFF: "http://nonexistent.invalid"}),
         expect=("network error (host name nonexistent.invalid not found (DNS))",), exit_code=1, cycle_ran=True,
         untouched=False),
    # robots.txt (first contact: robots.txt is cached for a day, so these start without the baseline)
    Case("robots-disallows-our-agent",
         fresh_robots(f"User-agent: deeplinks-monitor\nDisallow: {ARTICLE.path.rsplit('/', 1)[0]}/\n\n"
                      "User-agent: *\nDisallow: /search/\n"),
         expect=("disallowed by robots.txt",), fresh_db=True, followup="none", after=never_fetched(ARTICLE.path)),
    Case("robots-disallows-everyone", fresh_robots("User-agent: *\nDisallow: /press/\n"),
         expect=("disallowed by robots.txt",), fresh_db=True, followup="none",
         after=never_fetched(MEDIA_BRIEFING.path)),
    Case("robots-500", fresh_robots(None, status=500), clean=True, fresh_db=True, after=all_fetched),
    Case("robots-timeout", with_config(fresh_robots(ROBOTS, delay=1.2), timeout=0.6), clean=True, fresh_db=True,
         after=checks(all_fetched, robots_asked_once)),
    # configuration
    Case("config-unknown-table-key", with_config(topic={"keyword": ["treaty"]}),
         expect=("unknown key 'topic.keyword'",), exit_code=1),
    Case("config-unknown-env-setting", lambda ctx: ctx.env.update(MONITOR_TIMEOUTS="3"),
         expect=("MONITOR_TIMEOUTS", "timeouts"), exit_code=1),
    Case("config-wrong-type-string-for-int", with_config(max_bytes="5MB"),
         expect=("'max_bytes' must be a whole number",), exit_code=1),
    Case("config-rewrite-not-a-url", with_config(rewrite={EFF: "127.0.0.1:8765"}),
         expect=(f"'rewrite.{EFF}' must be an http(s) URL",), exit_code=1),
    Case("config-not-toml", lambda ctx: setattr(ctx, "edit_config", lambda text: text + "feeds = [\n"),
         expect=("not valid TOML",), exit_code=1),
    Case("config-feed-file-url", with_config(feeds=["file:///etc/passwd"]),
         expect=("'feeds' has an entry that is not an http(s) URL",), exit_code=1),
    Case("config-apprise-url-with-password", lambda ctx: ctx.notify.append(PASSWORD_URL),
         expect=("notify entry #2", "not a valid Apprise URL"), exit_code=1, forbid=(SECRET,),
         after=secret_not_in_database),
    Case("env-admin-apprise-url-with-password", lambda ctx: ctx.env.update(MONITOR_NOTIFY_ADMIN=PASSWORD_URL),
         expect=("notify_admin entry #1", "not a valid Apprise URL"), exit_code=1, forbid=(SECRET,)),
    # the database
    Case("db-random-bytes", garbage_db, expect=("cannot use database",), exit_code=1, db_intact=False),
    Case("db-truncated-sqlite", truncated_db, expect=("cannot use database",), exit_code=1, db_intact=False),
    Case("db-another-programs-sqlite", foreign_db, expect=("cannot use database",), exit_code=1, db_intact=False),
    Case("db-is-a-directory", directory_db, expect=("cannot use database",), exit_code=1, db_intact=False),
    Case("db-read-only", read_only_db, expect=("cannot use database",), exit_code=1),
    *MORE_CASES,
]


# -- the suite ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def baseline_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One quiet first check over the seeded site; each case starts from a copy of its database."""
    root = tmp_path_factory.mktemp("baseline")
    with ReplaySite() as s:
        s.set("/robots.txt", ROBOTS, content_type="text/plain")
        publish(s, SEEDED)
        cfg = write_config(root, s, [], **BASE)
        result = run_monitor("check", config=cfg)
    assert result.returncode == 0, result.stderr
    assert " 0 alerts created" in result.stdout and " 0 errors" in result.stdout, result.stdout
    db = root / "monitor.sqlite3"
    assert not db.with_name(db.name + "-wal").exists(), "the baseline must be one self-contained file to copy"
    return db


@pytest.fixture
def ctx(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> Ctx:
    return Ctx(tmp=tmp_path, site=site, receiver=receiver, db=tmp_path / "monitor.sqlite3")


def versions(db: Path) -> list[tuple[Any, ...]]:
    return query(db, "SELECT article_id, seq, source, content_hash FROM versions ORDER BY id")


def integrity(db: Path) -> str:
    return str(query(db, "PRAGMA integrity_check")[0][0])


def check(ctx: Ctx, cfg: Path, *, hostile: bool = True, args: tuple[str, ...] = ("check",)
          ) -> subprocess.CompletedProcess[str]:
    if not hostile:
        return run_monitor("check", config=cfg)
    return run_monitor(*args, config=cfg, extra_env=ctx.env, preexec_fn=ctx.preexec_fn)


def assert_short_lines(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    long = [line for line in result.stderr.splitlines() if len(line) >= 300]
    assert not long, f"an error line is not one short line: {long[0][:400]}"


def article_hits(site: ReplaySite) -> int:
    return sum(site.hits(a.path) for a in SEEDED)


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 90 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: Case, ctx: Ctx, baseline_db: Path) -> None:
    if not case.fresh_db:
        shutil.copy(baseline_db, ctx.db)
    before = versions(ctx.db) if not case.fresh_db else []
    case.setup(ctx)
    original = ctx.db.read_bytes() if case.exit_code and case.untouched and ctx.db.is_file() else None

    started = time.monotonic()
    result = check(ctx, ctx.write_config(), args=case.args)
    took = time.monotonic() - started

    # (a) exit status, (b) the message
    assert result.returncode == case.exit_code, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert_short_lines(result)
    for text in case.expect:
        assert text in result.stderr, f"{text!r} not on stderr:\n{result.stderr}"
    for secret in case.forbid:
        assert secret not in result.stdout + result.stderr
    if case.cycle_ran:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines[-1].startswith("error: none of the ") and "requests got an answer" in lines[-1], result.stderr
        assert all(line.startswith("  ! ") for line in lines if case.expect[0] in line), result.stderr
    elif case.exit_code:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    elif case.clean:
        assert " 0 errors" in result.stdout and "  ! " not in result.stderr, result.stdout + result.stderr
    elif case.expect:
        assert re.search(r"\b[1-9]\d* errors\b", result.stdout), f"the error is not counted: {result.stdout}"
        error_lines = [line for line in result.stderr.splitlines() if case.expect[0] in line]
        assert all(line.startswith("  ! ") for line in error_lines), result.stderr

    # (c) no alert from bad input
    assert len(ctx.receiver.messages) == case.alerts, [m.get("title") for m in ctx.receiver.messages]

    # (d) state intact
    if original is not None:
        assert ctx.db.read_bytes() == original, "a database the monitor could not use is left as it was"
    if case.db_intact:
        assert integrity(ctx.db) == "ok"
        if not case.fresh_db:
            after = versions(ctx.db)
            assert after[: len(before)] == before, "stored versions were rewritten"
            assert len(after) - len(before) == case.new_versions, "a version was recorded from a bad answer"
    if case.after is not None:
        case.after(ctx, result)
    # (f) bounded time
    if case.max_seconds is not None:
        assert took < case.max_seconds, f"the hostile check took {took:.0f} s"

    # (e) the site restored, the next check is quiet (or still polite); a run that exited 1 touched nothing
    if case.followup == "none" or case.exit_code:
        return
    (case.restore or (lambda c: publish(c.site, SEEDED)))(ctx)
    settled = versions(ctx.db)
    hits = article_hits(ctx.site)
    again = check(ctx, ctx.write_config(hostile=False), hostile=False)
    assert again.returncode == 0, again.stderr
    assert_short_lines(again)
    assert len(ctx.receiver.messages) == case.alerts, "restoring the site must not alert"
    assert versions(ctx.db) == settled and integrity(ctx.db) == "ok"
    if case.followup == "blocked":
        assert article_hits(ctx.site) == hits, "the host asked us to wait: no article page is requested before then"
        assert "retrying after" in again.stderr or "asked us to wait" in again.stderr, again.stderr
    else:
        assert " 0 changes" in again.stdout and " 0 errors" in again.stdout, again.stdout + again.stderr
    if case.after_followup is not None:
        case.after_followup(ctx, again)


def test_a_change_first_seen_cut_short_is_still_seen_when_it_arrives_whole(
    ctx: Ctx, baseline_db: Path
) -> None:
    """A truncated 200 stores nothing, not even its ETag: had it been kept, the complete page (same ETag)
    would be answered 304 and the change never seen."""
    shutil.copy(baseline_db, ctx.db)
    before = versions(ctx.db)
    truncated_change(ctx)
    cut = check(ctx, ctx.write_config())
    assert cut.returncode == 0 and "incomplete response" in cut.stderr, cut.stderr
    assert versions(ctx.db) == before and stored_etag(ctx.db) == ctx.memo["etag"] and not ctx.receiver.messages

    ctx.site.set(ARTICLE.path, article_page(CHANGED))
    whole = check(ctx, ctx.write_config())
    assert whole.returncode == 0 and " 0 errors" in whole.stdout, whole.stdout + whole.stderr
    assert len(versions(ctx.db)) == len(before) + 1 and integrity(ctx.db) == "ok"
    assert len(ctx.receiver.messages) == 1 and NOTE in ctx.receiver.messages[0]["message"]
