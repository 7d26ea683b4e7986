"""The web view over a database a real cycle filled: pages, Atom, JSON, health, metrics, the token, and `monitor serve`.

The database comes from the real CLI against the replay site (baseline check; then a
note, an edit and a hostile new post; then a hostile note), so every route reads what
production writes. Article text carrying markup must come out as text everywhere.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest
from starlette.testclient import TestClient

from monitor.config import Settings, load_settings
from monitor.core.errors import ConfigError
from monitor.render import render
from monitor.store.database import open_store
from monitor.web import create_app, web_address
from monitor.web.security import CSP
from tests.conftest import REPO, run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver
from tests.replay import ReplaySite
from tests.site import UN_TREATY, Article, add_note, edit, publish

NOTE = "Update (2/10/2026): The treaty was signed by 72 states at a ceremony in Hanoi."
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = Article(
    path="/deeplinks/2026/02/hostile-cybercrime-treaty-post",
    title=f"Cybercrime treaty {SCRIPT} and {IMG}",
    byline="Mallory",
    published="2026-02-11",
    node_id=113001,
    categories=[UN_TREATY],
    notes=[],
    paragraphs=[
        f"The UN cybercrime treaty text quoted {SCRIPT} in a paragraph about safeguards and oversight.",
        f"A second paragraph about the cybercrime convention with an attribute breaker {IMG} inside it.",
    ],
)
HOSTILE_NOTE = f"Update (2/12/2026): Editors added {SCRIPT} and {IMG} to this note."


@dataclasses.dataclass(frozen=True)
class Filled:
    """A database after three real cycles, and what the receiver got from them."""

    config: Path
    settings: Settings
    messages: list[dict[str, Any]]


def check(cfg: Path) -> None:
    result = run_monitor("check", config=cfg)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


def fill_database(tmp: Path) -> Filled:
    """Baseline; then a note and an edit on a seeded article and a hostile new post; then a hostile note."""
    receiver = JsonReceiver()
    try:
        with ReplaySite() as site:
            site.set("/robots.txt", "User-agent: *\n", content_type="text/plain")
            publish(site, SEEDED)
            cfg = write_config(tmp, site, [receiver.url()], web_bind="")
            check(cfg)
            changed = edit(add_note(STILL_FLAWED, NOTE), "over 100 countries", "over 120 countries")
            publish(site, [changed if a.path == STILL_FLAWED.path else a for a in SEEDED] + [HOSTILE])
            check(cfg)
            publish(site, [changed if a.path == STILL_FLAWED.path else a for a in SEEDED]
                    + [add_note(HOSTILE, HOSTILE_NOTE)])
            check(cfg)
        messages = list(receiver.messages)
    finally:
        receiver.close()
    return Filled(cfg, load_settings(cfg, env={}), messages)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Filled:
    return fill_database(tmp_path_factory.mktemp("web"))


@pytest.fixture
def client(filled: Filled) -> Iterator[TestClient]:
    with TestClient(create_app(filled.settings)) as c:
        yield c


def article_id(filled: Filled, url: str) -> int:
    with open_store(filled.settings.database, read_only=True) as store:
        row = store.article(url)
    assert row is not None
    return row.id


def reader_alerts(filled: Filled) -> list[Any]:
    with open_store(filled.settings.database, read_only=True) as store:
        return [r.alert for r in store.alerts() if not r.alert.kind.startswith("feed_")]


def assert_inert(page: str) -> None:
    """Hostile text shows as text: no element it could open, the escaped form present."""
    assert "<script>alert" not in page and "<img src=x" not in page.lower() and "<img" not in page.lower()
    assert html.escape(SCRIPT, quote=False) in page or html.escape(SCRIPT) in page


# -- pages -------------------------------------------------------------------------------
def test_index_lists_tracked_articles_newest_change_first(client: TestClient, filled: Filled) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    page = response.text
    assert STILL_FLAWED.title in html.unescape(page)
    assert '<script src="/static/filter.js" defer></script>' in page
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == [], "no inline scripts"
    assert " style=" not in page, "no inline styles (the CSP forbids them)"
    rows = re.findall(r'<a href="/article/(\d+)">', page)
    assert len(rows) == len(SEEDED) + 1
    assert int(rows[0]) == article_id(filled, HOSTILE.url), "the newest change (hostile note) comes first"
    assert "Update note" in page
    assert client.get("/static/filter.js").status_code == 200
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")


def test_article_page_shows_the_timeline_with_kinds_and_added_notes(client: TestClient, filled: Filled) -> None:
    aid = article_id(filled, STILL_FLAWED.url)
    page = client.get(f"/article/{aid}").text
    text = html.unescape(page)
    assert NOTE in text, "the note the live change added"
    assert "seeded" in text and "Update note" in text
    diffs = re.findall(rf'href="/article/{aid}/diff/(\d+)/(\d+)"', page)
    assert diffs and all(int(b) == int(a) + 1 for a, b in diffs)
    assert client.get("/article/99999").status_code == 404


def test_diff_page_strikes_removed_and_highlights_added_words(client: TestClient, filled: Filled) -> None:
    aid = article_id(filled, STILL_FLAWED.url)
    page = client.get(f"/article/{aid}").text
    a, b = re.findall(rf'href="/article/{aid}/diff/(\d+)/(\d+)"', page)[0]  # newest first
    diff = client.get(f"/article/{aid}/diff/{a}/{b}")
    assert diff.status_code == 200
    assert "<del>100</del>" in diff.text and "<ins>120</ins>" in diff.text
    assert f"<ins>{html.escape(NOTE)}</ins>" in diff.text
    assert client.get(f"/article/{aid}/diff/1/999").status_code == 404


# -- feed and API ------------------------------------------------------------------------
def test_atom_feed_has_one_entry_per_alert_with_the_alert_text_and_stable_ids(
    client: TestClient, filled: Filled
) -> None:
    first = client.get("/changes.atom")
    assert first.status_code == 200 and first.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(first.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    alerts = reader_alerts(filled)
    assert len(feed.entries) == len(alerts) == len(filled.messages) >= 3
    assert {e.title for e in feed.entries} == {render(a).title for a in alerts} == {m["title"] for m in filled.messages}
    contents = [e.content[0].value for e in feed.entries]
    assert any(NOTE in c for c in contents) and any(HOSTILE_NOTE in c for c in contents)
    assert all(e.id.startswith("urn:uuid:") and e.updated_parsed and e.link for e in feed.entries)
    assert feed.feed.id and any(link.rel == "self" for link in feed.feed.links)

    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == len(ids)
    assert [e.id for e in feedparser.parse(client.get("/changes.atom").content).entries] == ids
    with TestClient(create_app(filled.settings)) as restarted:
        assert [e.id for e in feedparser.parse(restarted.get("/changes.atom").content).entries] == ids


def feed_of(client: TestClient, query: str) -> Any:
    response = client.get("/changes.atom" + query)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    assert response.headers["content-security-policy"] == CSP
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def ids(feed: Any) -> list[str]:
    return [e.id for e in feed.entries]


def test_a_feed_per_subscription_selects_as_routes_do(client: TestClient, filled: Filled) -> None:
    everything = feed_of(client, "")
    notes = feed_of(client, "?kind=note_added")
    assert notes.entries and {e.tags[0].term for e in notes.entries} == {"note_added"}
    assert set(ids(notes)) < set(ids(everything))
    posts = feed_of(client, "?kind=new_post")
    assert posts.entries and {e.tags[0].term for e in posts.entries} == {"new_post"}
    assert sorted(ids(feed_of(client, "?kind=note_added,new_post"))) == sorted(ids(notes) + ids(posts))
    hanoi = feed_of(client, "?q=hanoi")  # any letter case, in a note or the changed text
    assert hanoi.entries and all("Hanoi" in e.content[0].value for e in hanoi.entries)
    assert ids(feed_of(client, "?kind=new_post&q=hanoi")) == [], "every filter must hold"
    assert ids(feed_of(client, "?site=eff.org")) == ids(everything), "a host covers its subdomains"
    assert ids(feed_of(client, "?site=www.accessnow.org")) == []
    article = feed_of(client, "?article=" + STILL_FLAWED.url)
    assert article.entries and {e.link for e in article.entries} == {STILL_FLAWED.url}
    pattern = feed_of(client, "?article=https://www.eff.org/deeplinks/2026/*")
    assert {e.link for e in pattern.entries} == {HOSTILE.url}

    assert everything.feed.id != notes.feed.id != hanoi.feed.id, "each subscription is a feed of its own"
    assert feed_of(client, "?q=hanoi").feed.id == hanoi.feed.id, "and keeps its id"
    assert "(q hanoi)" in hanoi.feed.title
    self_link = next(link.href for link in hanoi.feed.links if link.rel == "self")
    assert self_link.endswith("/changes.atom?q=hanoi")
    bad = client.get("/changes.atom?kind=gossip")
    assert bad.status_code == 400 and "'gossip'" in bad.text and bad.text.count("\n") == 1


def test_each_article_page_links_its_own_feed(client: TestClient, filled: Filled) -> None:
    aid = article_id(filled, STILL_FLAWED.url)
    page = client.get(f"/article/{aid}").text
    found = re.search(r'<a class="feed" href="([^"]+)"', page)
    assert found is not None
    href = html.unescape(found.group(1))
    head = '<link rel="alternate" type="application/atom+xml" title="changes to this article" href="'
    assert head + found.group(1) + '"' in page, "feed readers find it from the page too"
    feed = feed_of(client, href.removeprefix("/changes.atom"))
    about = [a for a in reader_alerts(filled) if a.url == STILL_FLAWED.url]
    assert len(feed.entries) == len(about) >= 1 and {e.link for e in feed.entries} == {STILL_FLAWED.url}


def test_a_subscription_feed_never_publishes_the_token(filled: Filled) -> None:
    settings = dataclasses.replace(filled.settings, web_token="s3cret-token")
    with TestClient(create_app(settings)) as c:
        response = c.get("/changes.atom?q=Hanoi&token=s3cret-token")
        assert response.status_code == 200 and "s3cret-token" not in response.text
        assert "changes.atom?q=Hanoi" in response.text


def test_json_api_lists_articles_and_changes(client: TestClient, filled: Filled) -> None:
    articles = client.get("/api/articles").json()["articles"]
    assert {a["url"] for a in articles} == {a.url for a in [*SEEDED, HOSTILE]}
    assert all({"id", "title", "versions", "last_change", "last_change_kind", "next_check"} <= a.keys()
               for a in articles)
    changes = client.get("/api/changes").json()["changes"]
    assert len(changes) == len(reader_alerts(filled))
    assert any(NOTE in c["notes"] for c in changes)
    assert client.get("/api/changes?limit=1").json()["changes"] == changes[:1]


def test_healthz_and_metrics(client: TestClient, filled: Filled) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200 and health.text.startswith("healthy")
    metrics = client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = metrics.text
    assert f"monitor_tracked_articles {len(SEEDED) + 1}" in text
    assert re.search(r"^monitor_last_cycle_finished_timestamp_seconds \d+", text, re.M)
    assert re.search(r'^monitor_deliveries\{status="sent"\} [1-9]', text, re.M)
    assert 'monitor_deliveries{status="failed"} 0' in text
    assert re.search(r'^monitor_alerts_total\{audience="reader",kind="note_added"\} [1-9]', text, re.M)


def test_no_secret_appears_on_any_route(client: TestClient, filled: Filled) -> None:
    hook = filled.settings.notify[0]
    port = hook.rsplit(":", 1)[-1].split("/")[0]
    for path in ["/", "/changes.atom", "/api/changes", "/api/articles", "/metrics", "/healthz",
                 f"/article/{article_id(filled, STILL_FLAWED.url)}"]:
        body = client.get(path).text
        assert hook not in body and f":{port}/" not in body, path


# -- hostile article text ----------------------------------------------------------------
def test_markup_in_article_text_renders_as_text_everywhere(client: TestClient, filled: Filled) -> None:
    aid = article_id(filled, HOSTILE.url)
    assert_inert(client.get("/").text)
    article_page = client.get(f"/article/{aid}").text
    assert_inert(article_page)
    assert HOSTILE_NOTE in html.unescape(article_page)
    a, b = re.findall(rf'href="/article/{aid}/diff/(\d+)/(\d+)"', article_page)[0]
    assert_inert(client.get(f"/article/{aid}/diff/{a}/{b}").text)

    raw = client.get("/changes.atom").content
    assert b"<script" not in raw and b"<img" not in raw
    entries = feedparser.parse(raw).entries
    assert any(SCRIPT in e.title and IMG in e.title for e in entries), "feedparser sees the literal text"
    assert any(HOSTILE_NOTE in e.content[0].value for e in entries)

    api = client.get("/api/changes")
    assert api.headers["content-type"] == "application/json"
    assert any(HOSTILE_NOTE in c["notes"] for c in api.json()["changes"])
    assert any(SCRIPT in a["title"] for a in client.get("/api/articles").json()["articles"])

    hostile = [a for a in reader_alerts(filled) if a.url == HOSTILE.url]
    assert {a.kind for a in hostile} >= {"new_post", "note_added"}
    for alert in hostile:
        body = render(alert, "html").body
        assert "<script" not in body and "<img" not in body
        assert html.escape(SCRIPT) in body


# -- access token ------------------------------------------------------------------------
def test_token_is_required_when_configured(filled: Filled) -> None:
    settings = dataclasses.replace(filled.settings, web_token="s3cret-token")
    with TestClient(create_app(settings)) as c:
        refused = c.get("/api/articles")
        assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
        assert c.get("/api/articles", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/articles", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        assert c.get("/healthz").status_code == 200, "liveness probes need no token"
        first = c.get("/?token=s3cret-token")
        assert first.status_code == 200 and "s3cret-token" not in first.text
        assert c.get("/changes.atom").status_code == 200, "the cookie set by ?token= carries on"
        assert "token=" not in c.get("/changes.atom").text, "the published self link holds no token"


def test_non_loopback_bind_needs_a_token() -> None:
    base = Settings(database=Path("/nonexistent.sqlite3"))
    assert web_address(base) == ("127.0.0.1", 8650)
    assert web_address(dataclasses.replace(base, web_bind="")) is None
    assert web_address(base, "[::1]:9000") == ("::1", 9000)
    with pytest.raises(ConfigError, match="web_token"):
        web_address(base, "0.0.0.0:8650")
    assert web_address(dataclasses.replace(base, web_token="t"), "0.0.0.0:8650") == ("0.0.0.0", 8650)


def test_web_bind_config_is_validated(tmp_path: Path) -> None:
    cfg = tmp_path / "monitor.toml"
    cfg.write_text('web_bind = "nonsense"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="web_bind"):
        load_settings(cfg, env={})
    cfg.write_text('web_bind = ""\nweb_token = "abc"\n', encoding="utf-8")
    settings = load_settings(cfg, env={})
    assert settings.web_bind == "" and settings.web_token == "abc" and "abc" not in repr(settings)
    assert load_settings(None, env={"MONITOR_WEB_BIND": "127.0.0.1:9999"}).web_bind == "127.0.0.1:9999"


# -- `monitor serve` over real HTTP ------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_serve(config: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "serve", "--bind", f"127.0.0.1:{port}", "--config", str(config)],
        cwd=config.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_until_up(url: str, proc: subprocess.Popen[str], timeout: float = 15.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url, timeout=2, trust_env=False)
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server not up (exit {proc.poll()}): {proc.communicate()[1][-2000:]}") from None
            time.sleep(0.1)


@contextlib.contextmanager
def serving(config: Path) -> Iterator[str]:
    """`monitor serve` on a free port for `config`; its base URL. Stopped with SIGTERM, which must exit 0."""
    port = free_port()
    proc = start_serve(config, port)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        code = proc.wait(10)
        assert code == 0, proc.communicate()[1][-2000:]


@pytest.fixture
def served(filled: Filled) -> Iterator[str]:
    with serving(filled.config) as url:
        yield url


def test_monitor_serve_answers_over_real_http(served: str) -> None:
    health = httpx.get(f"{served}/healthz", trust_env=False)
    assert health.status_code == 200 and health.text.startswith("healthy")
    index = httpx.get(f"{served}/", trust_env=False)
    assert index.status_code == 200 and index.headers["content-security-policy"] == CSP


def test_monitor_serve_refuses_a_public_bind_without_token(filled: Filled) -> None:
    result = run_monitor("serve", "--bind", f"0.0.0.0:{free_port()}", config=filled.config)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "web_token" in lines[0], result.stderr


# -- inside `monitor run` ----------------------------------------------------------------
def test_monitor_run_serves_the_web_view_and_stops_it_on_sigterm(tmp_path: Path) -> None:
    from tests.test_service import Service

    port = free_port()
    with ReplaySite() as site:
        site.set("/robots.txt", "User-agent: *\n", content_type="text/plain")
        publish(site, SEEDED)
        cfg = write_config(tmp_path, site, [], web_bind=f"127.0.0.1:{port}", feed_interval=3600, jitter=0)
        service = Service(cfg)
        try:
            service.wait_for("web.started")
            service.wait_for("cycle.finished")
            base = f"http://127.0.0.1:{port}"
            assert httpx.get(f"{base}/healthz", trust_env=False).status_code == 200
            assert "monitor_cycles_total 1" in httpx.get(f"{base}/metrics", trust_env=False).text
            code, took = service.terminate(timeout=10)
        finally:
            service.kill()
    assert code == 0 and took < 5, "\n".join(service.lines)
    assert service.records()[-1]["event"] == "service.stopped"
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{base}/healthz", trust_env=False, timeout=2)


def test_monitor_run_refuses_a_public_bind_without_token(tmp_path: Path) -> None:
    with ReplaySite() as site:
        cfg = write_config(tmp_path, site, [], web_bind="0.0.0.0:8650")
        result = run_monitor("run", config=cfg)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "web_token" in result.stderr, result.stderr
