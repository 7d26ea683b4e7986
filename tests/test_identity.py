"""One identity per article: every spelling of a link maps to one key; different pages never share one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.core.identity import fetch_url, identity_key

ARTICLE = "https://www.eff.org/deeplinks/2024/12/still-flawed-and-lacking-safeguards"


@pytest.mark.parametrize("spelling", [
    ARTICLE,
    ARTICLE + "/",
    ARTICLE.replace("https://", "http://"),
    ARTICLE.replace("www.", ""),
    ARTICLE.replace("https://www.eff.org", "HTTPS://WWW.EFF.ORG"),
    ARTICLE.replace("www.eff.org", "www.eff.org:443"),
    ARTICLE + "?utm_source=rss&utm_medium=feed&utm_campaign=deeplinks",
    ARTICLE + "/?fbclid=IwAR0abc",
    ARTICLE + "?gclid=xyz&mc_cid=1&mc_eid=2",
    ARTICLE + "#main-content",
    ARTICLE.replace("https://", "http://").replace("www.", "") + "/?utm_source=twitter#comments",
])
def test_spellings_of_one_article_share_one_identity(spelling: str) -> None:
    assert identity_key(spelling) == identity_key(ARTICLE) == ARTICLE.removeprefix("https://www.")


@pytest.mark.parametrize("other", [
    ARTICLE + "-part-2",
    ARTICLE.replace("2024/12", "2024/11"),
    ARTICLE + "?page=2",
    ARTICLE.replace("eff.org", "eff.org.example.net"),
    ARTICLE.replace("www.eff.org", "www.eff.org:8443"),
    ARTICLE.replace("still-flawed", "Still-Flawed"),  # paths are case-sensitive on most servers
])
def test_different_pages_never_share_an_identity(other: str) -> None:
    assert identity_key(other) != identity_key(ARTICLE)


def test_fetch_url_drops_only_what_no_server_reads() -> None:
    assert fetch_url(ARTICLE + "?utm_source=rss&page=2#x") == ARTICLE + "?page=2"
    assert fetch_url("HTTP://Example.ORG:80/a/") == "http://example.org/a/"


@settings(max_examples=200, deadline=None)
@given(
    scheme=st.sampled_from(["http", "https", "HTTPS"]),
    www=st.booleans(),
    slash=st.booleans(),
    tracking=st.lists(st.sampled_from(["utm_source=rss", "utm_campaign=x", "fbclid=1", "gclid=2", "mc_cid=3"]),
                      max_size=3),
    fragment=st.sampled_from(["", "#top", "#comments"]),
    segments=st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12),
                      min_size=1, max_size=4),
)
def test_random_spellings_of_one_article_map_to_one_identity(
    scheme: str, www: bool, slash: bool, tracking: list[str], fragment: str, segments: list[str]
) -> None:
    path = "/" + "/".join(segments)
    plain = f"https://www.eff.org{path}"
    spelled = (f"{scheme}://{'www.' if www else ''}eff.org{path}{'/' if slash else ''}"
               f"{'?' + '&'.join(tracking) if tracking else ''}{fragment}")
    assert identity_key(spelled) == identity_key(plain)
