# ruff: noqa: E501  (HTML template lines read best unbroken)
"""A second site end to end, through `monitor check`: a coalition member's blog on its own host, with its own Atom
feed, markup and topic rules, beside the replayed eff.org. Read with a `[sites."HOST"]` profile (selectors, noise,
a note marker) or, with no selectors, by the generic reader: on-topic posts announced, edits alerted, chrome quiet.
"""

from __future__ import annotations

import dataclasses
import html
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import run_monitor, write_config
from tests.receivers import JsonReceiver, squash
from tests.replay import ReplaySite
from tests.site import EFF

HOST = "www.rights.example"
BASE = f"https://{HOST}"


@dataclass
class Post:
    slug: str
    title: str
    published: str
    paragraphs: list[str]
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{BASE}/news/{self.slug}"


TREATY = Post("treaty-ratification", "Governments Should Not Ratify the UN Cybercrime Convention", "2026-01-12", [
    "The UN Cybercrime Convention opened for signature in Hanoi last year, and more than seventy states have signed it. Ratification debates are now starting in national parliaments.",
    "The convention requires states to create sweeping surveillance powers while leaving human rights safeguards to each government's discretion, which invites abuse against journalists and activists.",
    "Parliaments should refuse to ratify the treaty until binding safeguards are in place, including judicial authorization, notice to people affected and strict limits on data sharing.",
])
SPYWARE = Post("spyware-report", "New Report Documents Spyware Use Against Reporters", "2026-01-20", [
    "Our new report documents dozens of cases in which commercial spyware was used against reporters across three regions over the last two years.",
    "Victims described how the intrusions disrupted their work and exposed their sources, and few of them obtained any remedy from the authorities.",
])
NEW_ON_TOPIC = Post("cybercrime-treaty-protocol", "A Protocol to the Cybercrime Treaty Would Make Things Worse", "2026-02-03", [
    "States are now negotiating an additional protocol to the UN cybercrime treaty that would add even more offences to its scope.",
    "Every new offence widens the evidence-sharing obligations that already lack meaningful human rights protections under the convention.",
    "We urge delegations to pause the protocol talks until the convention's human rights gaps have been addressed in full.",
])
NEW_OFF_TOPIC = Post("annual-report", "Our Annual Report Is Out", "2026-02-04", [
    "This year we supported partner organisations in forty countries and published twelve research reports on digital rights.",
    "Thank you to everyone who made this work possible through their support, their time and their expertise.",
])


def page(p: Post, *, donate: str = "Give today so we can keep defending your rights.", sidebar: str = "Latest research",
         related: tuple[str, ...] = ("Digital ID Systems Need Safeguards", "Internet Shutdowns in 2025")) -> str:
    e = html.escape
    notes = "".join(f"<p><strong>{e(n)}</strong></p>" for n in p.notes)
    body = "".join(f"<p>{e(x)}</p>" for x in p.paragraphs)
    items = "".join(f'<li><a href="{BASE}/news/{i}">{e(t)}</a></li>' for i, t in enumerate(related))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(p.title)} – Rights Watchers</title>
<link rel="canonical" href="{p.url}"><meta property="og:title" content="{e(p.title)}"></head>
<body class="post-template">
<header class="masthead"><a href="/" class="brand">Rights Watchers</a><nav><a href="/news">News</a> <a href="/research">Research</a> <a href="/donate">Donate</a></nav></header>
<div class="layout">
  <div class="main-col">
    <div class="story">
      <h1 class="story-title">{e(p.title)}</h1>
      <p class="story-meta">By <span class="story-author">Ana Ruiz</span> on <time datetime="{p.published}">{p.published}</time></p>
      <div class="story-body">{notes}{body}
        <div class="donate-box"><p>{e(donate)} Rights Watchers is funded by people like you, never by governments.</p></div>
      </div>
      <div class="more-stories"><h3>More from us</h3><ul>{items}</ul></div>
    </div>
  </div>
  <aside class="side-col"><h2>{e(sidebar)}</h2><p>Read our reports on surveillance, shutdowns and digital identity in more than forty countries.</p></aside>
</div>
<div class="site-bottom"><p>© 2026 Rights Watchers. All rights reserved.</p></div>
</body></html>
"""


def atom(posts: list[Post]) -> str:
    e = html.escape
    entries = "".join(f"""<entry><title>{e(p.title)}</title><link href="{p.url}"/><id>{p.url}</id>
<updated>{p.published}T09:00:00Z</updated><summary>{e(p.paragraphs[0])}</summary></entry>""" for p in posts)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Rights Watchers</title><id>{BASE}/</id>
<updated>2026-02-04T09:00:00Z</updated>{entries}</feed>
"""


def publish(other: ReplaySite, posts: list[Post], **chrome: object) -> None:
    for p in posts:
        other.set(f"/news/{p.slug}", page(p, **chrome))  # type: ignore[arg-type]
    other.set("/feed.atom", atom(posts), content_type="application/atom+xml; charset=utf-8")


@pytest.fixture
def other() -> Iterator[ReplaySite]:
    with ReplaySite() as s:
        s.set("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
        yield s


PROFILES = {
    "selectors": '[sites."www.rights.example"]\nbody = [".story-body"]\ntitle = ["h1.story-title"]\n'
                 'byline = [".story-author"]\ndate = [".story-meta time"]\nnoise = [".donate-box"]\n'
                 'note_markers = ["Postscript"]\nfeeds = ["https://www.rights.example/feed.atom"]\n'
                 'keywords = ["cybercrime"]\ncategories = []\n',
    "generic": '[sites."www.rights.example"]\nfeeds = ["https://www.rights.example/feed.atom"]\n'
               'keywords = ["cybercrime"]\n',
}


def config(tmp_path: Path, site: ReplaySite, other: ReplaySite, receiver: JsonReceiver, profile: str) -> Path:
    cfg = write_config(tmp_path, site, [receiver.url()], rewrite={EFF: site.base_url, BASE: other.base_url})
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n" + PROFILES[profile], encoding="utf-8")
    return cfg


def check(cfg: Path) -> subprocess.CompletedProcess[str]:
    result = run_monitor("check", config=cfg)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert " 0 errors" in result.stdout, result.stdout + result.stderr
    return result


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_a_second_site_announces_on_topic_posts_alerts_edits_and_keeps_chrome_quiet(
    tmp_path: Path, site: ReplaySite, other: ReplaySite, receiver: JsonReceiver, profile: str
) -> None:
    cfg = config(tmp_path, site, other, receiver, profile)
    publish(other, [TREATY, SPYWARE])
    check(cfg)
    assert receiver.messages == [], "the posts already in the feed are the baseline"
    assert other.hits(f"/news/{TREATY.slug}") == 1 and other.hits(f"/news/{SPYWARE.slug}") == 0, "on topic only"

    publish(other, [NEW_OFF_TOPIC, NEW_ON_TOPIC, TREATY, SPYWARE])
    check(cfg)
    assert len(receiver.messages) == 1
    text = squash(receiver.messages[0]["title"] + " " + receiver.messages[0]["message"])
    assert NEW_ON_TOPIC.title in text and NEW_ON_TOPIC.url in text and "127.0.0.1" not in text

    posts = [NEW_OFF_TOPIC, NEW_ON_TOPIC, TREATY, SPYWARE]
    publish(other, posts, donate="Double your impact: a donor matches every gift this month.",
            sidebar="Most read this week", related=("Encryption Under Pressure", "Shutdown Tracker", "Press"))
    check(cfg)
    assert len(receiver.messages) == 1, [squash(m["message"])[:200] for m in receiver.messages[1:]]

    edited = dataclasses.replace(TREATY, paragraphs=[TREATY.paragraphs[0].replace("seventy", "eighty"),
                                                     *TREATY.paragraphs[1:]])
    publish(other, [NEW_OFF_TOPIC, NEW_ON_TOPIC, edited, SPYWARE])
    check(cfg)
    assert len(receiver.messages) == 2
    edit_text = squash(receiver.messages[1]["message"])
    assert "seventy" in edit_text and "eighty" in edit_text and TREATY.url in edit_text

    noted = dataclasses.replace(edited, notes=["Update (2/20/2026): The European Parliament voted against consent."])
    publish(other, [NEW_OFF_TOPIC, NEW_ON_TOPIC, noted, SPYWARE])
    check(cfg)
    assert len(receiver.messages) == 3 and "European Parliament voted" in squash(receiver.messages[2]["message"])


def test_a_site_profile_reads_what_its_selectors_name(tmp_path: Path) -> None:
    """`monitor extract --config`: the profile's selectors, noise and note marker, as the cycle reads them."""
    cfg = tmp_path / "sites.toml"
    cfg.write_text(PROFILES["selectors"], encoding="utf-8")
    post = dataclasses.replace(TREATY, notes=["Postscript (2/1/2026): Two more states signed."])
    path = tmp_path / "post.html"
    path.write_text(page(post), encoding="utf-8")
    result = run_monitor("extract", str(path), "--json", config=cfg)
    assert result.returncode == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    assert data["profile"] == "site" and data["title"] == TREATY.title and data["byline"] == "Ana Ruiz"
    assert data["published"] == TREATY.published and data["paragraphs"] == TREATY.paragraphs
    assert [n["text"] for n in data["notes"]] == post.notes and data["notes"][0]["date"] == "2026-02-01"


def test_the_coalition_example_config_runs_on_a_replay(
    tmp_path: Path, site: ReplaySite, other: ReplaySite, receiver: JsonReceiver
) -> None:
    """config/coalition.example.toml as shipped (only the state, the receiver and a replay for every host changed):
    it loads, and a cycle polls every site's feed and listing without an error."""
    from tests.conftest import REPO, SEEDS_DIR

    example = (REPO / "config" / "coalition.example.toml").read_text(encoding="utf-8")
    hosts = ["www.accessnow.org", "www.article19.org", "www.hrw.org", "privacyinternational.org"]
    assert all(f'[sites."{h}"]' in example for h in hosts)
    text = example.replace('seeds_dir = "../seeds"', f'seeds_dir = "{SEEDS_DIR}"').replace(
        "notify = []", f'notify = ["{receiver.url()}"]\ndatabase = "{tmp_path / "m.sqlite3"}"\nhost_delay = 0')
    rewrite = "\n".join(f'"https://{h}" = "{other.base_url}"' for h in hosts)
    cfg = tmp_path / "coalition.toml"
    cfg.write_text(f'{text}\n[rewrite]\n"{EFF}" = "{site.base_url}"\n{rewrite}\n[treaty]\nenabled = false\n',
                   encoding="utf-8")  # the treaty's status source reads treaties.un.org: off in tests
    publish(other, [TREATY])
    for path in ("/feed/", "/rss.xml"):  # one replay answers for every host: feeds without entries (their links
        other.set(path, atom([]), content_type="application/atom+xml")  # would name another host than theirs)
    other.set("/topic/technology-and-rights", f'<html><body><div class="views-row"><h3><a href="/news/{TREATY.slug}">'
                                              f"{TREATY.title}</a></h3></div></body></html>")
    result = check(cfg)
    assert "and 5 feeds" in result.stdout and "1 new posts" in result.stdout and receiver.messages == [], result.stdout
    assert other.hits(f"/news/{TREATY.slug}") == 1, "the listing's post is tracked and read"
