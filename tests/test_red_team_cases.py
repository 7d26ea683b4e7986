"""Red-team cases for "no news lost to a noise rule": cases a reviewer drew to break the rule, that the rule's own
tests did not pick; kept as regressions once they held. (Cases where the rule chooses an honest alert over silence
on a layout-only change, such as a per-article bio brought into the body by a redesign, are not here: that alert
is the rule working.)

End to end where it matters: HTML served by a loopback site, read by the real reader, judged by `decide` in one
real `run_cycle` against a real SQLite file (as tests/test_news_kept.py does).
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.app.cycle import run_cycle
from monitor.config.load import load_settings
from monitor.core.model import Snapshot
from monitor.decide.compare import compare
from monitor.sources.extract import read_article
from monitor.store.database import open_store
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import ON_TOPIC, SEEDED, STILL_FLAWED
from tests.newsroom import BASE, host_config
from tests.receivers import JsonReceiver, squash
from tests.redesign import THEMES
from tests.replay import ReplaySite
from tests.site import publish

# Prose of three different stories (each its own sentences).
STORIES = {
    "/vote": [
        "Delegates from forty states met in Vienna on Tuesday to debate the draft convention on cybercrime.",
        "Civil society groups warned that the text requires states to share evidence with foreign police.",
        "The committee will vote on the amendments next week, after two years of negotiations between ministers.",
        "Several delegations said they would not sign a text without stronger safeguards for journalists.",
    ],
    "/courts": [
        "Judges in three countries have ruled that bulk data requests under the treaty need a warrant.",
        "The rulings came after police agencies sought subscriber records from companies abroad.",
        "Lawyers for the companies argued that the convention gives no power to bypass domestic courts.",
        "Government lawyers said they would appeal the decisions before the end of the month.",
    ],
    "/ratify": [
        "Parliaments in Europe have begun debating whether to ratify the convention this year.",
        "Ministers told lawmakers that ratification would speed up cross-border investigations.",
        "Opposition members criticised the lack of oversight and the broad definition of computer crimes.",
        "A final vote is expected in the spring, after a committee publishes its report on the text.",
    ],
}
TITLES = {"/vote": "Delegates Debate the Draft Convention", "/courts": "Courts Push Back on Data Requests",
          "/ratify": "Parliaments Weigh Ratification"}
BYLINES = {"/vote": "Jane Doe", "/courts": "Sam Smith", "/ratify": "Karen Gullo"}


def page(path: str, paragraphs: list[str], *, layout: str = "old", title: str | None = None, head: str = "",
         tail: str = "", h1: bool = True, list_items: list[str] | None = None, sep: str = "|") -> str:
    """A news page. `layout` "old" and "new" differ in the body container's structure (a redesign); `head` and
    `tail` are raw HTML placed inside the container before and after the article's paragraphs."""
    e = html.escape
    title = title or TITLES[path]
    body = "".join(f"<p>{e(p)}</p>" for p in paragraphs)
    if list_items is not None:
        body += "<ul>" + "".join(f"<li>{e(i)}</li>" for i in list_items) + "</ul>"
    heading = f"<h1>{e(title)}</h1>" if h1 else ""
    if layout == "old":
        inner = f'<div class="content"><article class="post">{heading}<div class="post-body">{head}{body}{tail}' \
                f"</div></article></div>"
    else:
        inner = f'<main class="site-main"><section class="story-wrap"><article class="story">{heading}' \
                f'<div class="story-text">{head}{body}{tail}</div></article></section></main>'
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(title)} {sep} News Example</title>
<link rel="canonical" href="{BASE}{path}">
<meta property="article:published_time" content="2026-03-02T10:00:00Z"></head>
<body><div class="site-top"><a href="/">News Example</a> <a href="/donate">Donate</a></div>{inner}
<div class="site-bottom"><p>Copyright News Example. All rights reserved.</p></div></body></html>"""


@pytest.fixture(scope="module")
def newsroom() -> Iterator[ReplaySite]:
    with ReplaySite() as site:
        yield site


class Host:
    """One watched host: a config tracking `paths`, checked one real cycle at a time."""

    def __init__(self, folder: Path, site: ReplaySite, paths: list[str]) -> None:
        self.site = site
        self.config = host_config(folder, site.base_url, paths)

    def check(self, pages: dict[str, str]) -> dict[str, list[str]]:
        """Serve `pages`, run one cycle; the reader alerts it wrote, by path."""
        for path, text in pages.items():
            self.site.set(path, text)
        settings_ = load_settings(self.config)
        with open_store(settings_.database) as store:
            before = store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM alerts").fetchone()[0]
            report = asyncio.run(run_cycle(settings_, store, []))
            rows = store.conn.execute(
                "SELECT articles.url, alerts.kind FROM alerts JOIN articles ON articles.id = alerts.article_id "
                "WHERE alerts.id > ?", (before,)).fetchall()
        assert not report.errors, report.errors
        out: dict[str, list[str]] = {}
        for url, kind in rows:
            out.setdefault(url.removeprefix(BASE), []).append(kind)
        return out


def unique(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


def prefixed(prefix: str) -> dict[str, list[str]]:
    """The three stories under their own paths (a fresh set of URLs per test: the site is shared)."""
    return {f"/{prefix}{p}": list(v) for p, v in STORIES.items()}


def orig(path: str) -> str:
    return "/" + path.rsplit("/", 1)[-1]


def serve_all(stories: dict[str, list[str]], **kw: object) -> dict[str, str]:
    return {p: page(p, paras, title=TITLES[orig(p)], **kw) for p, paras in stories.items()}  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------------
# 1. Missed news: a closing list changed while the site is redesigned. List items are short and have no full stop,
#    so at the body's edge they "read as chrome" (labels); the peel walks inward through the whole list.
# ---------------------------------------------------------------------------------------------------------------
DEMANDS = ["Protect journalists and security researchers", "Require judicial authorization for every data request",
           "Limit the treaty to crimes committed against computer systems"]


@pytest.mark.parametrize("edit", ["added", "negated", "removed"])
def test_a_closing_list_item_edited_during_a_redesign_alerts(tmp_path: Path, newsroom: ReplaySite, edit: str) -> None:
    stories = prefixed(f"list-{edit}")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    lists = dict.fromkeys(stories, DEMANDS)
    intro = "The coalition demands that states:"

    def pages(layout: str) -> dict[str, str]:
        return {p: page(p, [*paras, intro], title=TITLES[orig(p)], layout=layout, list_items=lists[p])
                for p, paras in stories.items()}

    assert host.check(pages("old")) == {}
    target = next(iter(stories))
    if edit == "added":
        lists[target] = [*DEMANDS, "Withdraw from the treaty if safeguards are not adopted by the end of the year"]
    elif edit == "negated":
        lists[target] = [*DEMANDS[:2], "Do not limit the treaty to crimes committed against computer systems"]
    else:
        lists[target] = DEMANDS[:2]
    assert host.check(pages("new")) == {target: ["body_edited"]}, \
        "a demand added, negated or removed is news, whatever the layout did"


# ---------------------------------------------------------------------------------------------------------------
# 2. Missed news: a short closing sentence that uses one of the "page phrases" in its news sense ("copyright",
#    "sponsored", "donate", "cookies", "newsletter") added during a redesign reads as chrome and is peeled.
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("closing", [
    "The committee dropped the copyright chapter from the final text on Friday.",
    "Senator Vega, who sponsored the ratification bill, withdrew her support on Friday.",
    "The ruling also bans tracking cookies on government websites.",
    "Three companies said they would donate their data to the police task force.",
])
def test_a_closing_sentence_added_during_a_redesign_alerts_whatever_its_words(
        tmp_path: Path, newsroom: ReplaySite, closing: str) -> None:
    stories = prefixed(f"closing-{abs(hash(closing)) % 10**8}")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories)) == {}
    target = next(iter(stories))
    stories[target] = [*stories[target], closing]
    assert host.check(serve_all(stories, layout="new")) == {target: ["body_edited"]}


# ---------------------------------------------------------------------------------------------------------------
# 3. Noise: a redesign whose body container now holds a sentence of boilerplate at its edge that differs per
#    article (an author bio, a lead photo's caption): a layout-only change, yet each article alerts.
# ---------------------------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------------------------
# 4. Noise: a gradual rollout (one article per cycle moves to the new template) that brings the same sentence of
#    site boilerplate into the body: with one article re-read in the new layout, no "host context" forms.
# ---------------------------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------------------------
# 5. Noise: the template stops rendering the <h1> (a rollout reaching one article first): the reader falls back
#    to <title>, which carries the site's name; with one article re-read no "shared affix" forms.
# ---------------------------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------------------------
# 6. Missed news on hosts whose articles share their text (untranslated language versions, syndicated copies,
#    named in the issue): the copies are edited together, as one edit propagates to all of them.
# ---------------------------------------------------------------------------------------------------------------
COPIES = ("/en", "/fr", "/de")


def copies(prefix: str, paragraphs: list[str], **kw: object) -> dict[str, str]:
    return {f"/{prefix}{c}/vote": page("/vote", paragraphs, **kw).replace(  # type: ignore[arg-type]
        f"{BASE}/vote", f"{BASE}/{prefix}{c}/vote") for c in COPIES}


def test_a_short_paragraph_rewritten_in_place_in_every_language_copy_alerts(
        tmp_path: Path, newsroom: ReplaySite) -> None:
    """'A paragraph edited in place is an edit, never a movement' (decide.chrome): a short status line rewritten
    shares under half its words with the old one, so it is tallied as a paragraph arriving in three bodies."""
    paras = [*STORIES["/vote"], "The vote is set for Friday."]
    pages = copies("langs", paras)
    host = Host(unique(tmp_path, "h"), newsroom, list(pages))
    assert host.check(pages) == {}
    paras[-1] = "The vote was postponed until after the summer."
    heard = host.check(copies("langs", paras))
    assert heard == {p: ["body_edited"] for p in pages}, "each copy's readers hear of the postponement"


def test_a_negation_in_the_first_paragraph_of_every_copy_during_a_redesign_alerts(
        tmp_path: Path, newsroom: ReplaySite) -> None:
    """'Never a sentence whose words changed': the edited first paragraph stands at the same edge of three
    articles in the new layout, so it is taken for the layout's edge text (HostContext.edge_chrome)."""
    paras = ["The safeguards will be applied to every request, the chair said."] + STORIES["/vote"]
    pages = copies("langneg", paras)
    host = Host(unique(tmp_path, "h"), newsroom, list(pages))
    assert host.check(pages) == {}
    paras[0] = "The safeguards will not be applied to every request, the chair said."
    assert host.check(copies("langneg", paras, layout="new")) == {p: ["body_edited"] for p in pages}


def test_a_shared_closing_paragraph_removed_from_one_article_during_a_redesign_alerts(
        tmp_path: Path, newsroom: ReplaySite) -> None:
    """A series sharing a closing sentence (a standing line of the series): removing it from one article, in a
    cycle where the site also changed its layout, is that article's edit; only the others keep it."""
    shared = "Our coalition of forty organisations has opposed the convention since the first round of talks."
    stories = {p: [*paras, shared] for p, paras in prefixed("series").items()}
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories)) == {}
    target = next(iter(stories))
    stories[target] = stories[target][:-1]
    assert host.check(serve_all(stories, layout="new")) == {target: ["body_edited"]}


# ---------------------------------------------------------------------------------------------------------------
# 7. Minor edits: a misspelling corrected at a sentence's start (capitalised, so taken for a name).
# ---------------------------------------------------------------------------------------------------------------
def snap(*paragraphs: str) -> Snapshot:
    return Snapshot(url=f"{BASE}/x", title="T", notes=(), paragraphs=paragraphs)


@pytest.mark.parametrize(("before", "after"), [
    ("The quote was misattributed to the minister by several outlets.",
     "The quote was attributed to the minister by several outlets."),
    ("Police may share the data with untrusted third parties abroad.",
     "Police may share the data with entrusted third parties abroad."),
])
def test_a_real_word_missing_from_the_dictionary_changed_to_another_word_is_not_minor(before: str, after: str) -> None:
    """'misattributed' and 'untrusted' are words (pyspellchecker's list lacks them): the edit flips the meaning."""
    change = compare(snap("Delegates met in Vienna.", before), snap("Delegates met in Vienna.", after))
    assert change is not None and not change.minor


# ---------------------------------------------------------------------------------------------------------------
# 8. Embeds of other shapes: player parameters must not reach body text.
# ---------------------------------------------------------------------------------------------------------------
def _vimeo(width: int, padding: str) -> str:
    """Vimeo's default embed code as a 'copy the embed code' box shows it (escaped markup)."""
    return html.escape(
        f'<div style="padding:{padding} 0 0 0;position:relative;"><iframe src="https://player.vimeo.com/video/76979871'
        f'?h=8272103f6e&badge=0" width="{width}" style="position:absolute;top:0;left:0;width:100%;height:100%;" '
        f'frameborder="0" allow="autoplay; fullscreen" title="Treaty debate"></iframe></div>'
        f'<script src="https://player.vimeo.com/api/player.js"></script>')


def _tweet(width: int) -> str:
    return html.escape(f'<blockquote class="twitter-tweet" data-width="{width}" data-dnt="true"><p lang="en">'
                       f"Vote today</p>&mdash; EFF (@EFF) </blockquote>"
                       f'<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>')


def _double_escaped(width: int) -> str:
    iframe = f'<iframe src="https://www.youtube.com/embed/abc123?rel=0" width="{width}" height="315"></iframe>'
    return html.escape(html.escape(iframe))


def _amp(width: int) -> str:
    return html.escape(f'<amp-youtube data-videoid="abc123" layout="responsive" width="{width}" height="270">'
                       f"</amp-youtube>")


@pytest.mark.parametrize("shape", [_vimeo, _tweet, _double_escaped, _amp], ids=["vimeo-div", "tweet", "double",
                                                                                  "amp"])
def test_an_embed_pasted_again_with_other_parameters_reads_the_same(shape: object) -> None:
    def read(code: str) -> tuple[str, ...]:
        paras = STORIES["/vote"]
        body = (f"<p>{html.escape(paras[0])}</p><p>{html.escape(paras[1])}</p><div class=\"embed-code\">{code}</div>"
                f"<p>{html.escape(paras[2])}</p><p>{html.escape(paras[3])}</p>")
        text = page("/vote", []).replace('<div class="post-body">', f'<div class="post-body">{body}')
        return read_article(text, f"{BASE}/vote").snapshot.paragraphs

    make = shape
    one = read(make(560, "56.25%") if make is _vimeo else make(560))  # type: ignore[operator]
    two = read(make(640, "75%") if make is _vimeo else make(640))  # type: ignore[operator]
    assert one == two, [p for p in one + two if p not in STORIES["/vote"]]


# ---------------------------------------------------------------------------------------------------------------
# Controls (pass on main): the harness does alert where the failing cases above stay silent, so each failure is
# the rule's, not the harness's.
# ---------------------------------------------------------------------------------------------------------------
def test_control_a_closing_list_item_added_without_a_redesign_alerts(tmp_path: Path, newsroom: ReplaySite) -> None:
    stories = prefixed("ctl-list")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    intro = "The coalition demands that states:"
    lists = dict.fromkeys(stories, DEMANDS)

    def pages(layout: str) -> dict[str, str]:
        return {p: page(p, [*paras, intro], title=TITLES[orig(p)], layout=layout, list_items=lists[p])
                for p, paras in stories.items()}

    assert host.check(pages("old")) == {}
    target = next(iter(stories))
    lists[target] = [*DEMANDS, "Withdraw from the treaty if safeguards are not adopted by the end of the year"]
    assert host.check(pages("old")) == {target: ["body_edited"]}


def test_control_a_plain_closing_sentence_added_during_a_redesign_alerts(tmp_path: Path, newsroom: ReplaySite) -> None:
    stories = prefixed("ctl-closing")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories)) == {}
    target = next(iter(stories))
    stories[target] = [*stories[target], "The chair adjourned the session until Monday without a vote."]
    assert host.check(serve_all(stories, layout="new")) == {target: ["body_edited"]}


def test_control_a_short_paragraph_rewritten_in_two_copies_alerts(tmp_path: Path, newsroom: ReplaySite) -> None:
    paras = [*STORIES["/vote"], "The vote is set for Friday."]
    pages = dict(list(copies("ctl-langs", paras).items())[:2])
    host = Host(unique(tmp_path, "h"), newsroom, list(pages))
    assert host.check(pages) == {}
    paras[-1] = "The vote was postponed until after the summer."
    heard = host.check(dict(list(copies("ctl-langs", paras).items())[:2]))
    assert heard == {p: ["body_edited"] for p in pages}


def test_control_a_redesign_alone_is_quiet(tmp_path: Path, newsroom: ReplaySite) -> None:
    stories = prefixed("ctl-redesign")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories)) == {}
    assert host.check(serve_all(stories, layout="new")) == {}


# ---------------------------------------------------------------------------------------------------------------
# 9. Identity: a guid reused by the CMS after its first post left the feed (the first post still online at its
#    own link, under its own title). Today it is taken for the first post under a new link: never tracked.
# ---------------------------------------------------------------------------------------------------------------
def test_a_guid_reused_after_its_first_post_left_the_feed_is_a_new_post(
        tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()])
    publish(site, [*SEEDED, ON_TOPIC])
    first = run_monitor("-v", "check", config=cfg)
    assert first.returncode == 0, first.stderr
    reused = dataclasses.replace(ON_TOPIC, path="/deeplinks/2026/03/states-begin-to-ratify-un-cybercrime-convention",
                                 title="States Begin to Ratify the UN Cybercrime Convention", published="2026-03-02")
    # The first post is still online; only the feed moved on (it lists the newest posts) and the CMS reused its id.
    publish(site, [*SEEDED, ON_TOPIC, reused], feed_items=[reused, *SEEDED])
    result = run_monitor("-v", "check", config=cfg)
    assert result.returncode == 0, result.stderr
    with open_store(cfg.parent / "monitor.sqlite3") as store:
        urls = {r[0] for r in store.conn.execute("SELECT url FROM articles")}
    assert reused.url in urls, "a post with its own link, title and page is a new post, whatever its guid\n" + \
        "\n".join(line for line in result.stderr.splitlines() if "guid" in line)
    assert len(receiver.messages) == 1


# ---------------------------------------------------------------------------------------------------------------
# 10. Missed news: an update line in a headline style the note reader does not know ("UPDATE 3/2: ...", no year,
#     no full stop) added at the top of the body while the site is redesigned: short, no sentence end, a "label".
# ---------------------------------------------------------------------------------------------------------------
def test_an_update_line_added_at_the_top_during_a_redesign_alerts(tmp_path: Path, newsroom: ReplaySite) -> None:
    stories = prefixed("updline")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories)) == {}
    target = next(iter(stories))
    stories[target] = ["UPDATE 3/4: Vote postponed after twelve states walk out", *stories[target]]
    heard = host.check(serve_all(stories, layout="new"))
    assert target in heard, heard


def test_control_the_same_update_line_without_a_redesign_alerts(tmp_path: Path, newsroom: ReplaySite) -> None:
    stories = prefixed("ctl-updline")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories)) == {}
    target = next(iter(stories))
    stories[target] = ["UPDATE 3/4: Vote postponed after twelve states walk out", *stories[target]]
    assert target in host.check(serve_all(stories))


# ---------------------------------------------------------------------------------------------------------------
# 11. Noise (acceptable by the "alert and say so"?): a redesign that sets the dateline inside the first
#     paragraph ("VIENNA, March 2 — Delegates ...").
# ---------------------------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------------------------
# 12. Missed news for as long as an A/B test lasts: one article is served the two known layouts in turn (the
#     operator is rightly not told again), and each flip is judged "across a layout", so each closing edit whose
#     words read as a page's is lost, not once but at every flip.
# ---------------------------------------------------------------------------------------------------------------
def test_closing_edits_during_an_ab_test_alert(tmp_path: Path, newsroom: ReplaySite) -> None:
    stories = prefixed("abtest")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    target = next(iter(stories))
    layouts = dict.fromkeys(stories, "old")

    def pages() -> dict[str, str]:
        return {p: page(p, paras, title=TITLES[orig(p)], layout=layouts[p]) for p, paras in stories.items()}

    assert host.check(pages()) == {}
    layouts[target] = "new"
    assert host.check(pages()) == {}, "the B layout alone"
    layouts[target] = "old"
    assert host.check(pages()) == {}, "back to A"
    missed = []
    for closing in ("The copyright chapter was dropped from the final text.",
                    "Senator Vega, who sponsored the bill, withdrew her support.",
                    "Read more: the full text of the amendment was leaked on Friday."):
        layouts[target] = "new" if layouts[target] == "old" else "old"
        stories[target] = [*stories[target], closing]
        if host.check(pages()) != {target: ["body_edited"]}:
            missed.append(closing)
    assert missed == [], f"{len(missed)} of 3 closing edits never told"


# ---------------------------------------------------------------------------------------------------------------
# 13. Missed news: a standfirst (dek) under the headline, a line without a full stop, rewritten while the site is
#     redesigned. At the body's head it reads as a label, so it is peeled with the layout's text.
# ---------------------------------------------------------------------------------------------------------------
def test_a_standfirst_rewritten_during_a_redesign_alerts(tmp_path: Path, newsroom: ReplaySite) -> None:
    stories = {p: ["Forty states have signed the convention; none has ratified it yet", *paras]
               for p, paras in prefixed("dek").items()}
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories)) == {}
    target = next(iter(stories))
    stories[target][0] = "Forty states have signed the convention; two have now ratified it"
    assert host.check(serve_all(stories, layout="new")) == {target: ["body_edited"]}


# ---------------------------------------------------------------------------------------------------------------
# 14. Missed news: the same sentence added to a small host's articles one per cycle (an editor working through
#     them). Each arrival is its own edit, days apart; the tally still reaches "moved in 3 articles" at the third,
#     which is taken for chrome arriving "at once".
# ---------------------------------------------------------------------------------------------------------------
def test_the_same_sentence_added_to_three_articles_one_per_cycle_alerts_each_time(
        tmp_path: Path, newsroom: ReplaySite) -> None:
    stories = prefixed("onebyone")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories)) == {}
    line = "This article was corrected: the convention needs forty ratifications, not thirty, to enter into force."
    told = []
    for p in stories:
        stories[p] = [*stories[p], line]
        told.append(host.check(serve_all(stories)))
    assert told == [{p: ["body_edited"]} for p in stories]


# ---------------------------------------------------------------------------------------------------------------
# 15. Noise for as long as an A/B test lasts: variant B closes the body with the site's appeal (a sentence with
#     none of the page phrases); one article served A and B in turn alerts at every flip.
# ---------------------------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------------------------
# 16. Noise: a redesign drops the <h1> on every article; the title is read from <title>, whose site name is set off
#     by WordPress's long-time default separator "«" (or "›"), which the affix rule does not know.
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sep", ["«", "›"])
def test_a_redesign_reading_titles_from_a_wordpress_title_tag_is_not_news(
        tmp_path: Path, newsroom: ReplaySite, sep: str) -> None:
    stories = prefixed(f"wp{ord(sep)}")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories, sep=sep)) == {}
    assert host.check(serve_all(stories, sep=sep, h1=False)) == {}, "the site's name is not the article's title"


def test_control_the_same_redesign_with_a_pipe_is_quiet(tmp_path: Path, newsroom: ReplaySite) -> None:
    stories = prefixed("wp-pipe")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories)) == {}
    assert host.check(serve_all(stories, h1=False)) == {}


# ---------------------------------------------------------------------------------------------------------------
# 17. Probe (holds on main): the site's appeal, learned as chrome when it arrived in every body, is reworded in every
#     body at once. Stored versions hold no chrome, so the reworded appeal "arrives" and is learned in turn.
# ---------------------------------------------------------------------------------------------------------------
def test_the_sites_appeal_reworded_in_every_body_is_not_news(tmp_path: Path, newsroom: ReplaySite) -> None:
    stories = prefixed("appeal")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories)) == {}
    appeal = ("We are a member-supported newsroom and depend on readers like you to keep reporting on digital "
              "rights around the world.")
    assert host.check(serve_all({p: [*v, appeal] for p, v in stories.items()})) == {}, "chrome arriving"
    reworded = appeal.replace("around the world.", "around the world in 2027.")
    assert host.check(serve_all({p: [*v, reworded] for p, v in stories.items()})) == {}, "chrome reworded"


# ---------------------------------------------------------------------------------------------------------------
# 18. Missed news: one update line added to every article of a story's coverage at once (news sites do this when an
#     event overtakes several posts), in a form the note reader does not know (a yearless numeric date; a
#     day-month date). Not a note, so it is a paragraph arriving in many bodies at once: chrome, told to no one.
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line", ["UPDATE 3/4: The vote has been postponed until June.",
                                  "Update 4 March 2026: The vote has been postponed until June."])
def test_one_update_line_added_to_every_article_at_once_alerts(
        tmp_path: Path, newsroom: ReplaySite, line: str) -> None:
    stories = prefixed(f"update-all-{len(line)}")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories)) == {}
    assert host.check(serve_all({p: [line, *v] for p, v in stories.items()})) == {
        p: ["note_added"] for p in stories}, "read as the update note it is, in every article"


def test_control_an_eff_style_update_note_added_to_every_article_at_once_alerts(
        tmp_path: Path, newsroom: ReplaySite) -> None:
    stories = prefixed("ctl-update-all")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))
    assert host.check(serve_all(stories)) == {}
    line = "Update (3/4/2026): The vote has been postponed until June."
    assert host.check(serve_all({p: [line, *v] for p, v in stories.items()})) == {p: ["note_added"] for p in stories}


# ---------------------------------------------------------------------------------------------------------------
# 19. Missed news on every deploy: a CSS-in-JS site (styled-components) whose generated class names carry no digit
#     ("sc-AxjAm bJCmFu") gets new ones with each build. The fingerprint keeps them, so each deploy is "a new
#     layout", and each closing edit the layout rules peel is lost that cycle, with no redesign at all.
# ---------------------------------------------------------------------------------------------------------------
def test_a_closing_edit_in_the_cycle_of_a_css_in_js_deploy_alerts(tmp_path: Path, newsroom: ReplaySite) -> None:
    stories = prefixed("cssinjs")
    host = Host(unique(tmp_path, "h"), newsroom, list(stories))

    def pages(build: str) -> dict[str, str]:
        return {p: text.replace('class="post-body"', f'class="post-body sc-{build}"').replace(
            'class="post"', f'class="post {build[::-1]}"') for p, text in serve_all(stories).items()}

    assert host.check(pages("AxjAm bJCmFu")) == {}
    target = next(iter(stories))
    stories[target] = [*stories[target], "The committee dropped the copyright chapter from the final text."]
    assert host.check(pages("AxirZ hQvXWN")) == {target: ["body_edited"]}


# ---------------------------------------------------------------------------------------------------------------
# 20. The project's own site: eff.org redesigned (the two themes of tests/redesign.py) in the cycle a post gains a
#     short closing sentence about copyright (a subject EFF covers weekly). `monitor check` as a user runs it.
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", sorted(THEMES))
def test_eff_redesigned_while_a_post_gains_a_closing_sentence_about_copyright_alerts(
        tmp_path: Path, site: ReplaySite, receiver: JsonReceiver, theme: str) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()], quiet_days=1_000_000)
    assert run_monitor("check", config=cfg).returncode == 0
    closing = "The final text also drops the copyright chapter that rights holders had sought."
    changed = dataclasses.replace(STILL_FLAWED, paragraphs=[*STILL_FLAWED.paragraphs, closing])
    for a in SEEDED:
        site.set(a.path, THEMES[theme](changed if a.path == changed.path else a))
    result = run_monitor("check", config=cfg)
    assert result.returncode == 0, result.stderr
    assert len(receiver.messages) == 1 and "copyright" in squash(receiver.messages[0]["message"]), \
        [squash(m["message"])[:200] for m in receiver.messages]


def test_control_eff_redesign_with_a_plain_closing_sentence_alerts(
        tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()], quiet_days=1_000_000)
    assert run_monitor("check", config=cfg).returncode == 0
    closing = "The final text also drops the chapter that rights holders had sought."
    changed = dataclasses.replace(STILL_FLAWED, paragraphs=[*STILL_FLAWED.paragraphs, closing])
    for a in SEEDED:
        site.set(a.path, THEMES["plain"](changed if a.path == changed.path else a))
    assert run_monitor("check", config=cfg).returncode == 0
    assert len(receiver.messages) == 1


# ---------------------------------------------------------------------------------------------------------------
# 21. Noise (an honest "layout changed" alert by the rule?): a redesign sets headlines in <h2 class=
#     "headline"> instead of <h1>; the reader falls back to og:title, which the site words for social media.
# ---------------------------------------------------------------------------------------------------------------
