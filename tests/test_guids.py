"""An identity is only as good as its uniqueness: a feed guid two links share identifies neither, end to end.

A CMS that reuses ids, or a copy-pasted item, gives a new post the guid of another entry still in the feed, or
two new posts one guid between them: each is its own post, tracked and announced once, with a log line saying
why. A post whose link changed while its guid stayed (a new slug, the old link gone from the feed) is still the
same post.
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest

from monitor.store.database import open_store
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import ON_TOPIC, SEEDED
from tests.receivers import JsonReceiver, squash
from tests.replay import ReplaySite
from tests.site import EFF, Article, publish


@pytest.fixture
def cfg(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> Path:
    return write_config(tmp_path, site, [receiver.url()])


def check(cfg: Path) -> subprocess.CompletedProcess[str]:
    result = run_monitor("-v", "check", config=cfg)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def post(slug: str, title: str, node_id: int) -> Article:
    return dataclasses.replace(ON_TOPIC, path=f"/deeplinks/2026/03/{slug}", title=title, node_id=node_id)


def tracked(cfg: Path) -> set[str]:
    with open_store(cfg.parent / "monitor.sqlite3") as store:
        return {r[0] for r in store.conn.execute("SELECT url FROM articles")}


def test_a_guid_reused_while_its_first_post_is_still_in_the_feed_is_a_new_post(
        cfg: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    publish(site, [*SEEDED, ON_TOPIC])
    check(cfg)
    assert ON_TOPIC.url in tracked(cfg) and receiver.messages == []
    reused = post("states-ratify-un-cybercrime-convention", "States Begin to Ratify the UN Cybercrime Convention",
                  ON_TOPIC.node_id)
    publish(site, [*SEEDED, ON_TOPIC, reused])
    result = check(cfg)
    assert reused.url in tracked(cfg), result.stdout + result.stderr
    assert len(receiver.messages) == 1 and reused.title in squash(receiver.messages[0]["message"]) + squash(
        receiver.messages[0]["title"])
    assert "shared by 2 links" in result.stderr, "a log line says why"
    check(cfg)
    assert len(receiver.messages) == 1, "announced once"


def test_two_new_posts_sharing_one_guid_are_two_posts(cfg: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    publish(site, list(SEEDED))
    check(cfg)
    first = post("un-cybercrime-convention-vote", "The UN Cybercrime Convention Goes to a Vote", 990001)
    second = post("un-cybercrime-convention-parliaments", "Parliaments Debate the UN Cybercrime Convention", 990001)
    publish(site, [*SEEDED, first, second])
    result = check(cfg)
    assert {first.url, second.url} <= tracked(cfg), result.stderr
    titles = " ".join(squash(m["title"]) + squash(m["message"]) for m in receiver.messages)
    assert len(receiver.messages) == 2 and first.title in titles and second.title in titles
    assert "shared by 2 links" in result.stderr


def test_a_post_whose_link_changed_under_the_same_guid_is_the_same_post(
        cfg: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    publish(site, [*SEEDED, ON_TOPIC])
    check(cfg)
    moved = dataclasses.replace(ON_TOPIC, path=ON_TOPIC.path + "-0")
    publish(site, [*SEEDED, moved])
    result = check(cfg)
    assert receiver.messages == [], "a new slug is not a new post"
    assert "under a new link" in result.stderr
    assert f"{EFF}{moved.path}" not in tracked(cfg)


def test_a_guid_reused_after_its_first_post_left_the_feed_is_a_new_post(
        cfg: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    publish(site, [*SEEDED, ON_TOPIC])
    check(cfg)
    reused = dataclasses.replace(post("un-cybercrime-convention-enters-into-force",
                                      "Forty States Ratified: the UN Cybercrime Convention Enters Into Force",
                                      ON_TOPIC.node_id), published="2026-03-20")
    publish(site, [*SEEDED, reused])  # the first post left the feed; a CMS gave its id to a new one
    result = check(cfg)
    assert reused.url in tracked(cfg), result.stderr
    assert len(receiver.messages) == 1 and reused.title in squash(receiver.messages[0]["title"]) + squash(
        receiver.messages[0]["message"])
    assert "tracked by its link" in result.stderr
