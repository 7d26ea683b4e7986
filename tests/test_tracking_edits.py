"""`monitor add` / `list` / `remove`: the config file stays valid with every comment kept, and a removed article is
never fetched again (its history kept) until `add` resumes it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.config.edit import add_article, listed, remove_article
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import ON_TOPIC, SEEDED
from tests.receivers import JsonReceiver
from tests.replay import ReplaySite
from tests.site import add_note, publish

COMMENTED = '''
# Articles we follow by hand (the feed finds the rest).
articles = [
    # the press release the coalition cites
    "{first}",  # pinned for the vote
]

# Notification: alerts print to stdout.
'''


def _commented(tmp_path: Path, site: ReplaySite, notify: list[str] | None = None) -> Path:
    cfg = write_config(tmp_path, site, notify or [])
    text = cfg.read_text().replace("articles = []\n", "")
    cfg.write_text("# my monitor, edited by hand\n" + text.replace("\n[rewrite]", COMMENTED.format(
        first=SEEDED[3].url) + "\n[rewrite]", 1))
    return cfg


def test_add_list_remove_keep_the_file_and_its_comments(tmp_path: Path, site: ReplaySite) -> None:
    publish(site, [*SEEDED, ON_TOPIC])
    cfg = _commented(tmp_path, site)
    original = cfg.read_text()

    added = run_monitor("add", ON_TOPIC.url.replace("https://www.", "www."), config=cfg)
    assert added.returncode == 0 and f"added to {cfg}" in added.stdout, added.stderr
    edited = cfg.read_text()
    assert [line for line in original.splitlines() if line not in edited.splitlines()] == [], edited
    assert ON_TOPIC.url in edited
    again = run_monitor("add", ON_TOPIC.url.replace("https://", "http://") + "/", config=cfg)
    assert again.returncode == 0 and "already listed" in again.stdout and cfg.read_text() == edited

    before = run_monitor("list", config=cfg)
    assert "(not read yet)" in before.stdout and ON_TOPIC.url in before.stdout, before.stdout
    assert run_monitor("check", config=cfg).returncode == 0
    rows = {line.split()[-1]: line.split()[0] for line in run_monitor("list", config=cfg).stdout.splitlines()[:-1]}
    assert rows[ON_TOPIC.url].isdigit() and "not read yet" not in run_monitor("list", config=cfg).stdout

    removed = run_monitor("remove", rows[ON_TOPIC.url], config=cfg)
    assert removed.returncode == 0 and "removed from" in removed.stdout, removed.stderr
    assert cfg.read_text() == original, "add then remove gives back the very same file"

    for bad in ("ftp://example.org/x", "not a url"):
        refused = run_monitor("add", bad, config=cfg)
        assert refused.returncode == 1 and refused.stderr.startswith("error: ") and cfg.read_text() == original


def _ids(cfg: Path) -> dict[str, str]:
    """URL → id, from `monitor list` as a person reads it."""
    lines = run_monitor("list", config=cfg).stdout.splitlines()[:-1]
    return {line.split()[2]: line.split()[0] for line in lines}


def test_remove_stops_the_checks_keeps_the_evidence_and_add_resumes(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    """A feed-found article and a configured seed, removed by id and by slug: the next check sends the site no
    request for either (counted at the server), even with the feed still listing one and both edited meanwhile;
    their versions stay; a second remove is a no-op; `add` resumes one, and the edit it missed is then told."""
    publish(site, [*SEEDED, ON_TOPIC])
    configured = SEEDED[3]
    cfg = _commented(tmp_path, site, [receiver.url()])
    assert run_monitor("check", config=cfg).returncode == 0
    ids = _ids(cfg)
    found, pinned = ids[ON_TOPIC.url], ids[configured.url]
    assert found.isdigit() and pinned.isdigit(), ids

    by_id = run_monitor("remove", found, config=cfg)
    assert by_id.returncode == 0 and f"#{found} " in by_id.stdout and "no longer checked" in by_id.stdout, by_id
    assert "`articles` list" not in by_id.stdout  # it was never in the config: the file is not touched
    slug = configured.path.rstrip("/").rsplit("/", 1)[1]
    by_slug = run_monitor("remove", slug, config=cfg)
    assert by_slug.returncode == 0 and "removed from" in by_slug.stdout and "no longer checked" in by_slug.stdout
    assert configured.url not in cfg.read_text() and "# pinned for the vote" not in cfg.read_text()
    config_after = cfg.read_text()

    hits = {a.path: site.hits(a.path) for a in [*SEEDED, ON_TOPIC]}
    publish(site, [*SEEDED[:3], add_note(configured, "Update (2/2/2026): moved."),
                   add_note(ON_TOPIC, "Update (2/2/2026): the vote is postponed.")])
    receiver.messages.clear()
    assert run_monitor("check", config=cfg).returncode == 0
    assert site.hits(ON_TOPIC.path) == hits[ON_TOPIC.path], "a removed article was fetched"
    assert site.hits(configured.path) == hits[configured.path], "a removed article was fetched"
    assert all(site.hits(a.path) > hits[a.path] for a in SEEDED[:3]), "the others are still checked"
    assert not any("postponed" in m["message"] or "moved" in m["message"] for m in receiver.messages)

    status = json.loads(run_monitor("status", "--json", config=cfg).stdout)
    stopped = {str(a["id"]): a for a in status["articles"] if a["next_check"] == "stopped"}
    assert set(stopped) == {found, pinned} and all(a["versions"] >= 1 for a in stopped.values())
    assert "2 stopped by `monitor remove`" in run_monitor("status", config=cfg).stdout
    listing = run_monitor("list", config=cfg).stdout
    assert listing.count("by `monitor remove`: not checked") == 2 and "2 stopped" in listing, listing
    history = run_monitor("history", found, config=cfg)  # its history is there, without the note it missed
    assert history.returncode == 0 and ON_TOPIC.title[:30] in history.stdout and "postponed" not in history.stdout

    again = run_monitor("remove", ON_TOPIC.url.replace("https://www.", "http://"), config=cfg)
    assert again.returncode == 0 and "already stopped" in again.stdout and cfg.read_text() == config_after
    unknown = run_monitor("remove", "https://www.eff.org/deeplinks/2020/01/never-seen", config=cfg)
    assert unknown.returncode == 1 and unknown.stderr.startswith("error: not a tracked article")

    resumed = run_monitor("add", ON_TOPIC.url, config=cfg)
    assert resumed.returncode == 0 and f"#{found} is tracked again" in resumed.stdout, resumed
    assert run_monitor("check", config=cfg).returncode == 0
    assert site.hits(ON_TOPIC.path) > hits[ON_TOPIC.path] and site.hits(configured.path) == hits[configured.path]
    assert any("postponed" in m["message"] for m in receiver.messages), "the edit made while stopped is told"
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as db:  # nothing was deleted, and one row per article
        rows = db.execute("SELECT COUNT(*), COUNT(untracked) FROM articles").fetchone()
    assert rows == (len(SEEDED) + 1, 1)


def test_an_edit_that_would_break_the_config_is_not_written(tmp_path: Path, site: ReplaySite) -> None:
    cfg = _commented(tmp_path, site)
    cfg.write_text("quiet_days = -7\n" + cfg.read_text())  # already invalid: no edit may hide that or make it worse
    original = cfg.read_text()
    result = run_monitor("add", ON_TOPIC.url, config=cfg)
    assert result.returncode == 1 and "'quiet_days'" in result.stderr and "left unchanged" in result.stderr
    assert cfg.read_text() == original and [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


_comment = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30)
_slug = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(top=_comment, inner=_comment, trailing=_comment, listed_first=st.booleans(), slugs=st.lists(_slug, min_size=1,
       max_size=4, unique=True), multiline=st.booleans())
def test_add_then_remove_is_the_identity_on_any_commented_file(
    tmp_path: Path, top: str, inner: str, trailing: str, listed_first: bool, slugs: list[str], multiline: bool
) -> None:
    first = '"https://www.eff.org/deeplinks/2024/01/kept"'
    body = (f"[\n    # {inner}\n    {first},  # {trailing}\n]" if multiline
            else f"[{first if listed_first else ''}]  # {trailing}")
    cfg = tmp_path / "edit.toml"
    cfg.write_text(f"# {top}\ndatabase = \"x.sqlite3\"\n\n# {inner}\narticles = {body}\n\n[topic]\n# {top}\n"
                   'keywords = ["cybercrime"]\n', encoding="utf-8")
    original = cfg.read_text(encoding="utf-8")
    urls = [f"https://www.eff.org/deeplinks/2025/{slug}" for slug in slugs]
    for url in urls:
        assert add_article(cfg, url).changed
    assert all(u in listed(cfg) for u in urls)
    assert all(line in cfg.read_text(encoding="utf-8").splitlines() for line in original.splitlines()
               if "articles" not in line and "kept" not in line)
    for url in reversed(urls):
        remove_article(cfg, url)
    assert cfg.read_text(encoding="utf-8") == original
