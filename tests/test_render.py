"""render(): every kind in every body format against golden files; hostile text stays text; cuts keep the link.

Regenerate the golden files after an intended change with `UPDATE_GOLDEN=1 python -m pytest tests/test_render.py`
and read the diff before committing it.
"""

from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import apprise
import pytest
from apprise.conversion import convert_between
from hypothesis import given
from hypothesis import strategies as st

from monitor.core.kinds import KIND_LABELS
from monitor.core.model import ALERT_KINDS, Alert, Change, FeedEntry, UpdateNote, WordEdit
from monitor.core.text import tokens
from monitor.notify.delivery import build_targets
from monitor.render import FORMATS, Mark, Message, inline_marks, render
from monitor.render.marks import trim_context
from tests.treaty_docs import treaty_samples

GOLDEN = Path(__file__).parent / "golden"
EXTENSIONS = {"text": "txt", "markdown": "md", "html": "html", "matrix": "matrix.html", "slack": "slack.md"}
URL = "https://www.eff.org/deeplinks/2025/01/un-cybercrime-treaty-still-flawed"
FEED = "https://www.eff.org/rss/updates.xml"
TITLE = "The UN Cybercrime Treaty Is Still Flawed"
NOTE = "Update (1/6/2025): The UN General Assembly adopted the Convention on December 24, 2024."
OLD_NOTE = "Update (12/20/2024): The General Assembly vote has been postponed to late December."
META = {"byline": "Katitza Rodriguez", "published": "2024-12-20T10:00:00+00:00"}

EDIT_REPLACE = WordEdit(
    before="States were expected to vote on the treaty in early December, delegates said.",
    after="States voted on the treaty on December 24, delegates said, without a recorded vote.",
    removed=("were expected to vote", "in early December"),
    added=("voted", "on December 24", ", without a recorded vote"),
)
EDIT_DROP = WordEdit(
    before="The Ad Hoc Committee will meet again in January.", after="", removed=("The Ad Hoc Committee will meet "
    "again in January.",), added=(),
)
EDIT_ADD = WordEdit(
    before="", after="Ratification now moves to national parliaments.", removed=(),
    added=("Ratification now moves to national parliaments.",),
)


def sample(kind: str) -> Alert:
    """One fixed alert of `kind`, as the cycle would build it (no timestamps: goldens are deterministic)."""
    article = {"url": URL, "title": TITLE, "dedup_key": kind, **META}
    if kind == "new_post":
        entry = FeedEntry(url=URL, title=TITLE, author=META["byline"], published="Fri, 20 Dec 2024 10:00:00 +0000",
                          summary="The UN Cybercrime Convention heads to a vote with its surveillance powers intact.")
        return Alert(kind=kind, url=URL, title=TITLE, dedup_key=kind, entry=entry, byline=entry.author,
                     published=entry.published)
    changes = {
        "note_added": Change(kind=kind, notes_added=(UpdateNote(NOTE, "Update"),)),
        "note_changed": Change(kind=kind, notes_added=(UpdateNote(NOTE, "Update"),),
                               notes_removed=(UpdateNote(OLD_NOTE, "Update"),), edits=(EDIT_REPLACE,)),
        "title_changed": Change(kind=kind, title_before="The UN Cybercrime Treaty Is Flawed", title_after=TITLE),
        "body_edited": Change(kind=kind, edits=(EDIT_REPLACE, EDIT_DROP, EDIT_ADD)),
    }
    if kind in changes:
        return Alert(kind=kind, change=changes[kind], **article)  # type: ignore[arg-type]
    if kind in ("removed", "restored"):
        return Alert(kind=kind, **article)  # type: ignore[arg-type]
    if kind.startswith("treaty_"):  # what the treaty diff itself writes (tests/treaty_docs.py)
        treaty = treaty_samples()[kind]
        assert isinstance(treaty, Alert)
        return treaty
    details = {
        "feed_failing": "The feed failed 3 polls in a row; last error: HTTP 500.",
        "feed_quiet": "The feed has had no new entry for more than 7 days.",
        "feed_recovered": "The feed answers again after 3 failed polls.",
        "feed_flooded": "40 more new on-topic entries than max_new_posts (20) in one poll were not tracked.",
        "layout_changed": "www.eff.org: articles are now read in a new page layout.",
        "site_wall": "www.eff.org: 3 of the 3 tracked articles that answered this cycle show a page too short to be "
                     "them (3 of them the same page: “Please enable cookies to continue.”).",
    }
    return Alert(kind=kind, url=FEED, title=FEED, dedup_key=kind, detail=details[kind])


def golden_text(message: Message) -> str:
    return f"{message.title}\n\n{message.body}\n"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ALERT_KINDS)
def test_rendering_matches_its_golden_file(kind: str, fmt: str) -> None:
    path = GOLDEN / f"{kind}.{EXTENSIONS[fmt]}"
    got = golden_text(render(sample(kind), fmt))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with UPDATE_GOLDEN=1 to write it"
    assert got == path.read_text(encoding="utf-8"), f"{path} differs (UPDATE_GOLDEN=1 rewrites it after review)"


def test_every_kind_and_format_has_a_golden_file_and_nothing_else_is_there() -> None:
    expected = {f"{k}.{EXTENSIONS[f]}" for k in ALERT_KINDS for f in FORMATS}
    assert {p.name for p in GOLDEN.iterdir() if p.is_file()} == expected
    assert set(KIND_LABELS) == set(ALERT_KINDS)


@pytest.mark.parametrize("kind", ALERT_KINDS)
def test_title_names_the_kind_and_the_article_and_the_body_ends_with_the_link(kind: str) -> None:
    alert = sample(kind)
    for fmt in FORMATS:
        message = render(alert, fmt)
        assert message.format == {"matrix": "html", "slack": "markdown"}.get(fmt, fmt)
        assert message.title.startswith(KIND_LABELS[kind] + ":")
        assert alert.url in html.unescape(message.body)  # an & in a link is &amp; in HTML
        body = html.unescape(message.body) if fmt == "matrix" else message.body  # & is &amp; in Matrix's HTML
        assert body.rstrip().endswith(
            {"text": alert.url, "markdown": f"<{alert.url}>", "html": "</div>", "matrix": f"{alert.url}</a></p>",
             "slack": f"<{alert.url}>"}[fmt]
        )


def test_the_note_leads_verbatim_in_every_format() -> None:
    alert = sample("note_added")
    assert render(alert).body.startswith(NOTE)
    assert render(alert, "markdown").body.startswith("> " + NOTE)
    page = render(alert, "html").body
    assert page.startswith("<div ") and "<blockquote " in page and NOTE in html.unescape(page)


def test_rich_formats_mark_the_words_inside_the_sentence_as_it_now_reads() -> None:
    md = render(sample("body_edited"), "markdown").body
    assert "States ~~were expected to vote~~ **voted** on the treaty" in md
    assert "~~The Ad Hoc Committee will meet again in January.~~" in md
    page = render(sample("body_edited"), "html").body
    assert re.search(r'<del style="[^"]*color:#b00020[^"]*">were expected to vote</del>', page)
    assert re.search(r'<ins style="[^"]*background:#e6f4ea[^"]*">voted</ins>', page)


def test_plain_text_keeps_its_removed_and_added_lines() -> None:
    body = render(sample("body_edited")).body
    assert "Removed: “were expected to vote” · “in early December”" in body
    assert "Added: “voted” · “on December 24” · “, without a recorded vote”" in body
    assert "Now reads: States voted on the treaty on December 24" in body


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown body format 'rtf'"):
        render(sample("removed"), "rtf")


# -- hostile article text -------------------------------------------------------------------------
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
MD_TRAP = "[click here](https://evil.example/) **loud** _x_ `code` # heading"


def hostile() -> Alert:
    evil = f"Treaty {SCRIPT} text {IMG} end {MD_TRAP}."
    change = Change(
        kind="note_changed",
        notes_added=(UpdateNote(f"Update (1/6/2025): {evil}", "Update"),),
        notes_removed=(UpdateNote(f"Update: {SCRIPT}", "Update"),),
        title_before=f"Old {IMG}", title_after=f"New {SCRIPT}",
        edits=(WordEdit(before=f"It said {IMG} once.", after=f"It said {SCRIPT} {MD_TRAP} twice.",
                        removed=(IMG,), added=(SCRIPT, MD_TRAP)),),
    )
    return Alert(kind="note_changed", url=URL, title=f"{SCRIPT}{IMG}{MD_TRAP}", dedup_key="x", change=change,
                 byline=f"<b>{IMG}</b>", published="2025-01-06")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_html_escapes_every_piece_of_article_text() -> None:
    body = render(hostile(), "html").body
    parser = _Tags()
    parser.feed(body)
    assert {t for t, _ in parser.tags} <= {"div", "p", "blockquote", "del", "ins", "a", "br"}
    for tag, attrs in parser.tags:
        assert {name for name, _ in attrs} <= ({"style", "href"} if tag == "a" else {"style"}), (tag, attrs)
        assert all(value == URL for name, value in attrs if name == "href")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<script" not in body and "<img" not in body and "<b>" not in body


def test_markdown_article_text_is_inert() -> None:
    message = render(hostile(), "markdown")
    assert message.body.endswith(f"\n<{URL}>"), "the article's own URL, shown as an autolink"
    for text in (message.title, message.body.removesuffix(f"<{URL}>")):
        assert not re.search(r"(?<!\\)<", text), "every < of the article is escaped"
        assert "[click here](" not in text and "**loud**" not in text
        as_html = str(convert_between(apprise.NotifyFormat.MARKDOWN, apprise.NotifyFormat.HTML, text))  # type: ignore[no-untyped-call]
        tags = _Tags()
        tags.feed(as_html)
        names = {t for t, _ in tags.tags}
        assert not names & {"script", "img", "code", "h1", "h2"}, as_html
        assert "<strong>loud</strong>" not in as_html and "<em>x</em>" not in as_html
        assert "https://evil.example" not in " ".join(str(v) for _, a in tags.tags for _, v in a)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in as_html, "shown as text, not dropped"


def test_a_non_web_url_is_never_a_link() -> None:
    alert = Alert(kind="removed", url="javascript:alert(1)", title="x", dedup_key="x")
    assert "href" not in render(alert, "html").body
    assert "](" not in render(alert, "markdown").body


# -- long diffs and size limits ---------------------------------------------------------------------
def long_diff(n: int = 12) -> Alert:
    edits = tuple(
        WordEdit(before=f"Paragraph {i} said the treaty was bad for rights in many ways. It goes on.",
                 after=f"Paragraph {i} said the treaty was terrible for human rights in many ways. It goes on.",
                 removed=("bad",), added=("terrible", "human"))
        for i in range(n)
    )
    return Alert(kind="body_edited", url=URL, title=TITLE, dedup_key="x", change=Change("body_edited", edits=edits),
                 **META)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
def test_more_than_five_edits_are_summed_up_with_the_link_kept(fmt: str) -> None:
    body = render(long_diff(12), fmt).body
    assert "…and 7 more changes" in body
    assert body.count("Paragraph") == 5
    assert URL in body


LIMITS = [(fmt, limit) for fmt in FORMATS for limit in (250, 400, 700, 1000, 1500, 2000, 3000)
          if fmt != "html" or limit >= 700]  # an HTML body with its link and styles needs ~600 characters


@pytest.mark.parametrize(("fmt", "limit"), LIMITS)
def test_a_limit_is_respected_at_a_block_boundary_and_the_link_survives(fmt: str, limit: int) -> None:
    body = render(long_diff(12), fmt, limit=limit).body
    assert len(body) <= limit
    assert URL in body
    left_out = re.search(r"…and (\d+) more changes", body)
    assert left_out, body
    shown = len(set(re.findall(r"Paragraph (\d+)", body)))
    assert int(left_out.group(1)) + shown == 12, "every edit is shown or counted"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_single_huge_note_is_shortened_at_a_sentence_and_keeps_the_link(fmt: str) -> None:
    note = "Update (1/6/2025): " + " ".join(f"Sentence number {i} explains the treaty." for i in range(400))
    alert = Alert(kind="note_added", url=URL, title=TITLE, dedup_key="x",
                  change=Change("note_added", notes_added=(UpdateNote(note, "Update"),)))
    body = render(alert, fmt, limit=3000).body
    assert 2000 < len(body) <= 3000, "shortened to the room there is, not much less"
    assert URL in body and "Update (1/6/2025): Sentence number 0 explains the treaty." in body
    assert "treaty. …" in body, "cut after a full sentence, marked"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_link_is_kept_even_when_nothing_else_fits(fmt: str) -> None:
    body = render(long_diff(3), fmt, limit=10).body
    assert URL in body


def test_a_body_within_the_limit_is_not_cut() -> None:
    body = render(long_diff(3), "text").body
    assert "more changes" not in body and body.count("Paragraph") == 3


# -- inline marks ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("a b c", "a c", [("same", "a "), ("del", "b"), ("same", " c")]),
        ("a c", "a b c", [("same", "a "), ("ins", "b"), ("same", " c")]),
        ("the vote was postponed today", "the vote was held today",
         [("same", "the vote was "), ("del", "postponed"), ("same", " "), ("ins", "held"), ("same", " today")]),
        ("treaty, which", "treaty which", [("same", "treaty"), ("del", ","), ("same", " which")]),
        ("treaty, which", "treaty; which", [("same", "treaty"), ("del", ","), ("ins", ";"), ("same", " which")]),
        ("old start here", "here", [("del", "old start"), ("same", " here")]),
        ("end here", "end here now.", [("same", "end here"), ("same", " "), ("ins", "now.")]),
        ("said “yes” twice", 'said "yes" once', [("same", 'said "yes" '), ("del", "twice"), ("same", " "),
                                                  ("ins", "once")]),
        ("", "All new.", [("ins", "All new.")]),
        ("All gone.", "", [("del", "All gone.")]),
    ],
)
def test_inline_marks_put_removed_words_where_they_stood(before: str, after: str, expected: list[tuple[str, str]]
                                                       ) -> None:
    merged: list[tuple[str, str]] = []
    for op, text in expected:  # the helper merges neighbouring runs of one kind
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    assert [(m.op, m.text) for m in inline_marks(before, after)] == merged


WORDS = st.lists(st.sampled_from(["the", "treaty", "vote", "was", ",", ".", "adopted", "“rights”", "(UN)", "2024"]),
                 max_size=12)


@given(WORDS, WORDS)
def test_inline_marks_read_as_after_without_deletions_and_as_before_without_insertions(
    a: list[str], b: list[str]
) -> None:
    before, after = " ".join(a), " ".join(b)
    marks = inline_marks(before, after)
    assert tokens("".join(m.text for m in marks if m.op != "del")) == tokens(after)
    assert tokens("".join(m.text for m in marks if m.op != "ins")) == tokens(before)
    assert all(m.text.strip() == m.text for m in marks if m.op != "same"), "no run is padded with spaces"


def test_trim_context_keeps_the_words_near_a_change() -> None:
    left = " ".join(f"left{i}" for i in range(60))
    right = " ".join(f"right{i}" for i in range(60))
    marks = inline_marks(f"{left} old {right}", f"{left} new {right}")
    trimmed = trim_context(marks, context=40, longest=100)
    text = "".join(m.text for m in trimmed)
    assert len(text) < 120 and text.startswith("… ") and text.endswith(" …")
    assert Mark("del", "old") in trimmed and Mark("ins", "new") in trimmed
    assert "left59 " in text and " right0" in text


# -- each target's format ---------------------------------------------------------------------------
def test_targets_record_the_format_and_size_each_service_reads() -> None:
    urls = (
        "json://127.0.0.1:9/hook",
        "mailto://127.0.0.1:9?from=a@example.com&to=b@example.com&mode=insecure",
        "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general",
        "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
        "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js?format=text",
        "tgram://123456789:abcdefg_hijklmnop/12345",
        "json://127.0.0.1:9/hook?format=markdown",
    )
    got = [(t.fmt, t.limit, t.title_in_body) for t in build_targets(urls)]
    assert got == [
        ("text", 3500, False),  # a generic webhook: Apprise's default, plain
        ("html", 20000, False),  # email
        ("slack", 3500, False),  # Markdown with Slack's own strike
        ("markdown", 1800, False),  # Discord takes 2000 characters with the title
        ("text", 1800, False),  # the URL's own ?format= wins
        ("html", 3896, True),  # Telegram: Apprise's native HTML, title inside the body
        ("markdown", 3500, False),
    ]
    assert build_targets(())[0].fmt == "text", "standard output"
