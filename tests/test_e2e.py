"""End to end: the real CLI in a subprocess, a replayed eff.org, real Apprise receivers, a real SQLite file.

Every cycle starts from the seeds in /work/main/seeds. The first `check` takes
the baseline (seed import, feed items already listed), so each test that wants
an alert changes the site only after a first check.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import OFF_TOPIC, ON_TOPIC, SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver, SmtpReceiver, message_text, squash
from tests.replay import ReplaySite
from tests.site import Article, add_note, edit, publish, retarget_links, swap_typography

NOTE = "Update (2/10/2026): The treaty was signed by 72 states at a ceremony in Hanoi."
ZERO_ALERTS = re.compile(r"\b0\s+(new\s+)?alerts?\b|\bno\s+(new\s+)?alerts?\b|\balerts?\W+0\b", re.I)


@pytest.fixture
def cfg(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> Path:
    return write_config(tmp_path, site, [receiver.url()])


def check(cfg: Path, *options: str) -> subprocess.CompletedProcess[str]:
    result = run_monitor("check", *options, config=cfg)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def serve(site: ReplaySite, *changed: Article, new: list[Article] | None = None, **page: Any) -> None:
    """Re-serve the seeded articles with `changed` ones swapped in (by path), plus `new` posts."""
    by_path = {a.path: a for a in changed}
    publish(site, [by_path.get(a.path, a) for a in SEEDED] + list(new or []), **page)


def alert_text(message: dict[str, Any]) -> str:
    return squash(f"{message.get('title') or ''}\n{message.get('message') or ''}")


def test_first_check_after_seed_import_is_quiet(
    tmp_path: Path, cfg: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    result = check(cfg)

    assert receiver.messages == []  # live == seeds + the text past their "..." cut: nothing to say
    assert all(site.hits(a.path) >= 1 for a in SEEDED), "every tracked article is fetched"
    assert (tmp_path / "monitor.sqlite3").is_file()
    assert re.search(r"\b4\b", result.stdout), "summary names the 4 articles (5 seed files, 003 is 001's older version)"
    assert ZERO_ALERTS.search(result.stdout), result.stdout


def test_relative_database_path_is_resolved_against_the_config_file(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    conf_dir = tmp_path / "conf"
    conf_dir.mkdir()
    cfg = write_config(conf_dir, site, [receiver.url()], database="monitor.sqlite3")
    result = run_monitor("check", config=cfg, cwd=tmp_path)  # started elsewhere on purpose
    assert result.returncode == 0, result.stderr
    assert (conf_dir / "monitor.sqlite3").is_file() and not (tmp_path / "monitor.sqlite3").exists()


def test_added_update_note_alerts_exactly_once(cfg: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    check(cfg)
    serve(site, add_note(STILL_FLAWED, NOTE))

    check(cfg)
    assert len(receiver.messages) == 1
    message = receiver.messages[0]
    assert NOTE in squash(message["message"]), "the new note, verbatim"
    assert STILL_FLAWED.url in message["message"], "the article's eff.org link"
    assert "127.0.0.1" not in alert_text(message), "fetch-only rewrite must not leak into alerts"

    check(cfg)
    assert len(receiver.messages) == 1, "same change, same dedup key: never sent twice"


def test_new_on_topic_post_alerts_and_off_topic_does_not(cfg: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    check(cfg)  # baseline: the posts already in the feed are not "new"
    serve(site, new=[ON_TOPIC, OFF_TOPIC])

    check(cfg)
    assert len(receiver.messages) == 1
    text = alert_text(receiver.messages[0])
    assert ON_TOPIC.title in text
    assert ON_TOPIC.url in text and "127.0.0.1" not in text
    assert OFF_TOPIC.title not in text

    check(cfg)
    assert len(receiver.messages) == 1, "a tracked new post is not new twice"


def test_chrome_only_changes_never_alert(cfg: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    check(cfg)
    fetched = {a.path: site.hits(a.path) for a in SEEDED}
    typography_and_links = [retarget_links(swap_typography(a), lambda href: href + "?utm_source=eff") for a in SEEDED]
    serve(
        site,
        *typography_and_links,
        banner="Take Action: Tell Congress Not to Break Encryption",
        dom_id="5d41402abc4b2a76b9719d911017c592",
        form_build_id="form-Zq81hXk0vGm3sLr2W9cTtYbNuPe4aFd6JiOo7Kw_QxE",
        related=["EFF Sues Over Secret Surveillance Contracts", "Podcast Episode: The Open Web Is Worth Fighting For"],
        share=False,
        extra_chrome='<div class="panel-pane pane-donate-cta"><p>Become a member today!</p></div>',
        reflow=True,
    )
    check(cfg)
    assert receiver.messages == []
    assert all(site.hits(a.path) > fetched[a.path] for a in SEEDED), "pages were re-fetched, not skipped"

    serve(
        site,
        banner="Podcast Episode: Digital Rights at the Border",
        dom_id="c4ca4238a0b923820dcc509a6f75849b",
        form_build_id="form-AAAbbbCCC",
        related=[],
        share=True,
    )
    check(cfg)
    assert receiver.messages == []


def test_edited_paragraph_alerts_with_removed_and_added_words(
    cfg: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    check(cfg)
    # this paragraph lies past seed 001's cut: it is compared against the first live fetch
    serve(site, edit(STILL_FLAWED, "over 100 countries", "over 120 countries"))

    check(cfg)
    assert len(receiver.messages) == 1
    text = alert_text(receiver.messages[0])
    assert "100" in text and "120" in text
    assert STILL_FLAWED.url in text


def test_history_orders_seed_versions_by_evidence_and_diff_shows_the_note_change(cfg: Path) -> None:
    check(cfg)

    history = run_monitor("history", STILL_FLAWED.url, config=cfg)
    assert history.returncode == 0, history.stderr
    out = history.stdout.lower()
    assert "postponed" in out and "adopted" in out, history.stdout
    assert out.index("postponed") < out.index("adopted"), "reader-mode 003 (older note) is listed before 001"

    diff = run_monitor("diff", STILL_FLAWED.url, "1", "2", config=cfg)
    assert diff.returncode == 0, diff.stderr
    assert "postponed" in diff.stdout.lower() and "adopted" in diff.stdout.lower(), diff.stdout


def test_note_alert_by_email(tmp_path: Path, site: ReplaySite, smtp: SmtpReceiver) -> None:
    cfg = write_config(tmp_path, site, [smtp.url()])
    check(cfg)
    assert smtp.messages == []
    serve(site, add_note(STILL_FLAWED, NOTE))

    check(cfg)
    assert len(smtp.messages) == 1
    assert NOTE in message_text(smtp.messages[0])


def test_dry_run_prints_and_sends_nothing_then_a_real_check_delivers_once(
    cfg: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    check(cfg)
    serve(site, add_note(STILL_FLAWED, NOTE))

    dry = check(cfg, "--dry-run")
    assert NOTE in squash(dry.stdout)
    assert receiver.messages == [] and receiver.attempts == 0

    check(cfg)
    assert len(receiver.messages) == 1
    assert NOTE in squash(receiver.messages[0]["message"])
