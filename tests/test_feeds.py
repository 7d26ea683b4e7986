"""Feed parsing and the topic filter, on fixture feeds and on a real 2017 eff.org feed (no treaty posts)."""

from __future__ import annotations

import pytest

from monitor.config import TopicRules
from monitor.core.errors import FeedError
from monitor.core.model import FeedEntry
from monitor.sources.feeds import matches_topic, parse_feed
from tests.conftest import SHARED, needs_shared
from tests.fixtures.articles import SEEDED
from tests.site import EFF, feed

REAL_FEED = SHARED / "real" / "eff-updates-2017.rss"


def test_fixture_feed_entries_are_read_and_on_topic() -> None:
    entries = parse_feed(feed(SEEDED).encode("utf-8"), EFF + "/rss/updates.xml")
    assert [e.url for e in entries] == [EFF + a.path for a in SEEDED]
    assert all(matches_topic(e, TopicRules()) for e in entries)
    assert entries[0].entry_id and entries[0].summary


@needs_shared()
def test_real_2017_feed_has_fifty_entries_and_none_on_topic() -> None:
    entries = parse_feed(REAL_FEED.read_bytes(), EFF + "/rss/updates.xml", "application/rss+xml")
    assert len(entries) == 50
    assert entries[0].title == "Stupid Patent of the Month: Storing Files in Folders"
    assert "https://www.eff.org/issues/stupid-patent-month" in entries[0].category_domains
    assert entries[0].author == "Daniel Nazer" and entries[0].published.startswith("2017-03-31")
    assert [e.title for e in entries if matches_topic(e, TopicRules())] == []


@pytest.mark.parametrize(
    ("title", "summary", "domains", "expected"),
    [
        ("UN Cybercrime Treaty Signed in Hanoi", "", (), True),
        ("Signing ceremony", "The UN Convention against Cybercrime opens for signature.", (), True),
        ("Signing ceremony", "The cybercrime-treaty vote", (), True),
        ("A post", "nothing", ("https://www.eff.org/issues/un-cybercrime-treaty",), True),
        ("Marrakesh Treaty for the blind", "a treaty the UN negotiators finalized", (), False),
        ("Cybercrime laws in Jordan", "the cybercrime law is used against journalists", (), False),
    ],
)
def test_topic_rules(title: str, summary: str, domains: tuple[str, ...], expected: bool) -> None:
    entry = FeedEntry(url="u", title=title, summary=summary, category_domains=domains)
    assert matches_topic(entry, TopicRules()) is expected


@pytest.mark.parametrize(
    "body",
    [b"", b"<html><body><p>Not a feed</p></body></html>", b"\x89PNG\r\n\x1a\n\x00\x00"],
)
def test_non_feeds_are_feed_errors(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(body, EFF + "/rss/updates.xml")


def test_truncated_feed_still_yields_its_complete_entries() -> None:
    text = feed(SEEDED)
    cut = text[: text.rfind("<item>")]
    entries = parse_feed(cut.encode("utf-8"), EFF + "/rss/updates.xml")
    assert 1 <= len(entries) < len(SEEDED)
