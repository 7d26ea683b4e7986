"""The redesign guard end to end, through `monitor check`: eff.org's articles served as Drupal 7, then in a newer
Drupal theme or a non-Drupal one (tests/redesign.py), then rolled back; chrome learned across articles.

A redesign is no reader alert and one operator alert; what a reader would see change across it (a new note)
still alerts, an edit after it alerts as usual, a rollback is quiet, a blurb injected into every body is chrome.
"""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver, squash
from tests.redesign import THEMES
from tests.replay import ReplaySite
from tests.site import Article, add_note, article_page, edit, publish

NOTE = "Update (2/10/2026): The treaty was signed by 72 states at a ceremony in Hanoi."
BLURB = ("EFF is a member-supported nonprofit. Your donation funds our lawyers, technologists and activists who "
         "defend your rights online: become a member today.")


@pytest.fixture
def admin() -> Iterator[JsonReceiver]:
    r = JsonReceiver()
    yield r
    r.close()


@pytest.fixture
def cfg(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver, admin: JsonReceiver) -> Path:
    return write_config(tmp_path, site, [receiver.url()], notify_admin=[admin.url("admin")], quiet_days=1_000_000)


def check(cfg: Path) -> subprocess.CompletedProcess[str]:
    result = run_monitor("check", config=cfg)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def serve(site: ReplaySite, theme: str, *changed: Article) -> None:
    """Every seeded article in `theme` ("drupal7" is eff.org's own markup), `changed` ones swapped in by path."""
    by_path = {a.path: a for a in changed}
    articles = [by_path.get(a.path, a) for a in SEEDED]
    if theme == "drupal7":
        publish(site, articles)
        return
    for a in articles:
        site.set(a.path, THEMES[theme](a))


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_a_redesign_is_one_operator_alert_and_no_reader_alert(
    cfg: Path, site: ReplaySite, receiver: JsonReceiver, admin: JsonReceiver, theme: str
) -> None:
    check(cfg)
    serve(site, theme)
    result = check(cfg)
    assert receiver.messages == [], [squash(m["message"])[:300] for m in receiver.messages]
    assert len(admin.messages) == 1, result.stdout + result.stderr
    assert "www.eff.org" in admin.messages[0]["title"] + admin.messages[0]["message"]
    assert "4 articles" in squash(admin.messages[0]["message"])
    assert "error" not in result.stdout.split("errors")[0][-3:], result.stdout

    check(cfg)  # the new layout is the baseline now
    assert receiver.messages == [] and len(admin.messages) == 1

    serve(site, theme, edit(STILL_FLAWED, "over 100 countries", "over 120 countries"))
    check(cfg)
    assert len(receiver.messages) == 1, "an edit after the redesign is an ordinary alert"
    assert "120" in squash(receiver.messages[0]["message"])

    serve(site, "drupal7", edit(STILL_FLAWED, "over 100 countries", "over 120 countries"))
    check(cfg)
    assert len(receiver.messages) == 1 and len(admin.messages) == 1, "a rollback is quiet"


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_a_note_added_during_a_redesign_is_the_one_reader_alert(
    cfg: Path, site: ReplaySite, receiver: JsonReceiver, admin: JsonReceiver, theme: str
) -> None:
    check(cfg)
    serve(site, theme, add_note(STILL_FLAWED, NOTE))
    check(cfg)
    assert len(receiver.messages) == 1, [squash(m["message"])[:300] for m in receiver.messages]
    assert NOTE in squash(receiver.messages[0]["message"])
    assert len(admin.messages) == 1


def test_a_page_the_generic_reader_finds_another_article_on_stays_an_error(
    cfg: Path, site: ReplaySite, receiver: JsonReceiver, admin: JsonReceiver
) -> None:
    """A removed post redirected to another page: the EFF profile cannot read it and the generic reader finds
    something else: an error, never a version (and never a layout change)."""
    check(cfg)
    other = SEEDED[0]
    site.set(STILL_FLAWED.path, THEMES["plain"](dataclasses.replace(other, path=STILL_FLAWED.path)))
    result = check(cfg)
    assert receiver.messages == [] and admin.messages == []
    assert "not this article" in result.stdout + result.stderr


def test_the_same_shift_in_every_article_is_a_redesign(
    cfg: Path, site: ReplaySite, receiver: JsonReceiver, admin: JsonReceiver
) -> None:
    """Same markup, so the same layout fingerprint, but every title now carries the site's name: one shape of
    change across the host's articles in one cycle is the template's, not four retitlings."""
    check(cfg)
    serve(site, "drupal7", *(dataclasses.replace(a, title=f"{a.title} | EFF Deeplinks") for a in SEEDED))
    check(cfg)
    assert receiver.messages == [], [m["title"] for m in receiver.messages]
    assert len(admin.messages) == 1

    retitled = dataclasses.replace(STILL_FLAWED, title="Still Flawed: the UN Cybercrime Treaty Goes to the Vote")
    serve(site, "drupal7", retitled)
    check(cfg)
    assert len(receiver.messages) == 1, "one article retitled is news"


def test_a_blurb_injected_into_every_body_is_chrome_not_an_edit(
    cfg: Path, site: ReplaySite, receiver: JsonReceiver, admin: JsonReceiver
) -> None:
    check(cfg)
    appeal = [dataclasses.replace(a, paragraphs=[*a.paragraphs, BLURB]) for a in SEEDED]
    serve(site, "drupal7", *appeal)
    check(cfg)
    assert receiver.messages == [] and admin.messages == []

    with_edit = [edit(a, "over 100 countries", "over 120 countries") if a.path == STILL_FLAWED.path else a
                 for a in appeal]
    serve(site, "drupal7", *with_edit)
    check(cfg)
    assert len(receiver.messages) == 1 and BLURB[:30] not in squash(receiver.messages[0]["message"])

    serve(site, "drupal7", edit(STILL_FLAWED, "over 100 countries", "over 120 countries"))  # the appeal is gone
    check(cfg)
    assert len(receiver.messages) == 1, "chrome that goes away is no edit either"


def test_the_fallback_reads_a_page_the_same_way_each_time(site: ReplaySite) -> None:
    """Control: the D7 page is what the seeds were read from (the fixture is unchanged by the redesign module)."""
    assert "field--name-body" in article_page(STILL_FLAWED)
