"""decide, the pure step: what a check means given what the monitor knew (milliseconds, no I/O)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.core.kinds import Kind
from monitor.core.model import Snapshot, UpdateNote
from monitor.decide.article import (
    Failed,
    Fetched,
    Gone,
    Known,
    NotModified,
    Rules,
    Seen,
    Verdict,
    after,
    decide,
    headline,
    needs_latest,
)
from monitor.decide.compare import compare
from monitor.decide.layout import HostContext

URL = "https://www.eff.org/deeplinks/2025/01/example"
NOW = "2026-01-01T00:00:00+00:00"
BODY = ("The convention opens for signature next year.", "Forty ratifications bring it into force.")


def page(variant: int) -> Snapshot:
    """Variant 0 has no note; variant n carries one note of its own (so any two variants differ visibly)."""
    notes = () if variant == 0 else (UpdateNote(f"Update ({variant}/6/2025): Event number {variant} happened.",
                                                "Update"),)
    return Snapshot(url=URL, title="Example", notes=notes, paragraphs=BODY, source="live")


def baseline(variant: int = 0) -> Known:
    known = Known(url=URL)
    return after(known, decide(known, Fetched(page(variant)), Rules(), now=NOW))


def test_first_capture_is_a_quiet_baseline() -> None:
    outcome = decide(Known(url=URL), Fetched(page(1)), Rules(), now=NOW)
    assert outcome.verdict == Verdict.FIRST and outcome.version == page(1) and outcome.alerts == ()


def test_same_content_is_unchanged_without_loading_the_latest_version() -> None:
    known = Known(url=URL, latest_hash=page(0).content_hash(), missing_count=1)
    assert not needs_latest(known, Fetched(page(0)), Rules())
    outcome = decide(known, Fetched(page(0)), Rules(), now=NOW)
    assert outcome.verdict == Verdict.UNCHANGED and outcome.missing_count == 0 and outcome.version is None


def test_a_change_needs_the_latest_version_and_raises_without_it() -> None:
    known = Known(url=URL, latest_hash=page(0).content_hash())
    assert needs_latest(known, Fetched(page(1)), Rules())
    with pytest.raises(ValueError, match="needs_latest"):
        decide(known, Fetched(page(1)), Rules(), now=NOW)


def test_note_added_is_one_alert_with_the_change() -> None:
    outcome = decide(baseline(0), Fetched(page(1)), Rules(), now=NOW)
    assert outcome.verdict == Verdict.CHANGED
    assert [a.kind for a in outcome.alerts] == [Kind.NOTE_ADDED]
    assert outcome.alerts[0].change is not None and outcome.alerts[0].change.notes_added == page(1).notes


def test_unwanted_kind_is_recorded_quietly() -> None:
    rules = Rules(alert_kinds=frozenset({Kind.REMOVED}))
    outcome = decide(baseline(0), Fetched(page(1)), rules, now=NOW)
    assert outcome.verdict == Verdict.QUIET and outcome.version == page(1) and outcome.alerts == ()


def test_404s_count_only_in_a_row() -> None:
    known = baseline()
    first = decide(known, Gone("HTTP 404"), Rules(), now=NOW)
    assert first.verdict == Verdict.MISSING and first.missing_count == 1 and not first.alerts
    known = after(known, first)
    for good in (NotModified(), Fetched(page(0))):
        assert decide(known, good, Rules(), now=NOW).missing_count == 0
    second = decide(known, Gone("HTTP 410"), Rules(), now=NOW)
    assert second.verdict == Verdict.REMOVED and [a.kind for a in second.alerts] == [Kind.REMOVED]


def test_a_failure_neither_counts_nor_resets() -> None:
    known = after(baseline(), decide(baseline(), Gone("HTTP 404"), Rules(), now=NOW))
    failed = decide(known, Failed("HTTP 503"), Rules(), now=NOW)
    assert failed.verdict == Verdict.FAILED and failed.missing_count == 1 and failed.error == "HTTP 503"


def test_restored_by_a_304_uses_the_latest_version_for_its_title() -> None:
    known = Known(url=URL, title="", latest_hash=page(0).content_hash(), removed=True, missing_count=2)
    assert needs_latest(known, NotModified(), Rules())
    outcome = decide(Known(**{**known.__dict__, "latest": page(0)}), NotModified(), Rules(), now=NOW)
    assert outcome.verdict == Verdict.RESTORED and outcome.alerts[0].title == "Example" and not outcome.removed


def test_minor_edit_is_quiet_unless_asked_for() -> None:
    typo = Snapshot(url=URL, title="Example", notes=(), source="live",
                    paragraphs=("The convention opens for signature next year.", "Forty ratificatoins bring it "
                                                                                  "into force."))
    known = after(Known(url=URL), decide(Known(url=URL), Fetched(typo), Rules(), now=NOW))
    assert decide(known, Fetched(page(0)), Rules(), now=NOW).verdict == Verdict.QUIET
    loud = decide(known, Fetched(page(0)), Rules(alert_minor=True), now=NOW)
    assert [a.kind for a in loud.alerts] == [Kind.BODY_EDITED]


def test_headline_prefers_the_note_and_respects_alert_kinds() -> None:
    change = compare(page(0), Snapshot(url=URL, title="Renamed", notes=page(1).notes, paragraphs=BODY))
    assert headline(change, Rules()) == Kind.NOTE_ADDED
    assert headline(change, Rules(alert_kinds=frozenset({Kind.TITLE_CHANGED}))) == Kind.TITLE_CHANGED
    assert headline(None, Rules()) is None


def test_the_same_check_decided_twice_gives_the_same_keys() -> None:
    """A crash before commit re-runs the same check: same transition, same key (the outbox drops the copy)."""
    known = baseline(0)
    keys = {a.dedup_key for a in decide(known, Fetched(page(1)), Rules(), now=NOW).alerts}
    assert keys == {a.dedup_key for a in decide(known, Fetched(page(1)), Rules(), now="later").alerts}


# -- the rule with a "never": a reader hears every transition, none twice ------------------------------------

STEP = st.one_of(
    st.integers(min_value=0, max_value=3).map(lambda v: ("page", v)),
    st.just(("404", 0)),
    st.just(("304", 0)),
    st.just(("503", 0)),
)


def _seen(step: tuple[str, int]) -> Seen:
    kind, variant = step
    if kind == "page":
        return Fetched(page(variant))
    return {"404": Gone("HTTP 404"), "304": NotModified(), "503": Failed("HTTP 503")}[kind]


def _expected(steps: list[tuple[str, int]], removed_after: int) -> list[str]:
    """An independent model of what a reader should hear: content changes, removals, returns."""
    told: list[str] = []
    content, removed, missing = 0, False, 0
    for kind, variant in steps:
        if kind == "404":
            missing += 1
            if not removed and missing >= removed_after:
                removed = True
                told.append("removed")
            continue
        if kind == "503":
            continue
        missing = 0
        if removed:
            removed = False
            told.append("restored")
        if kind == "page" and variant != content:
            told.append("change")
            content = variant
    return told


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(STEP, max_size=25), removed_after=st.integers(min_value=1, max_value=3))
def test_every_transition_is_heard_once_and_nothing_else(steps: list[tuple[str, int]], removed_after: int) -> None:
    rules = Rules(removed_after=removed_after)
    known = baseline(0)
    delivered: list[str] = []
    keys: set[str] = set()
    for step in steps:
        seen = _seen(step)
        if needs_latest(known, seen, rules):
            raise AssertionError("after() keeps the latest version loaded")
        outcome = decide(known, seen, rules, now=NOW)
        for alert in outcome.alerts:
            assert alert.dedup_key not in keys, f"a new transition reused an old key at {step}"
            keys.add(alert.dedup_key)
            delivered.append(alert.kind if alert.kind in (Kind.REMOVED, Kind.RESTORED) else "change")
        known = after(known, outcome)
    assert delivered == _expected(steps, removed_after)


def test_across_a_new_layout_only_what_a_reader_sees_alerts() -> None:
    """Text gained at the body's edge in a new layout is the layout's; the same in the old layout is an edit."""
    known = replace(baseline(0), layout="L1", closed=True)
    chrome = Snapshot(url=URL, title="Example | EFF", notes=(), source="live",
                      paragraphs=(*BODY, "Share this post and sign up for our newsletter today."))
    site = HostContext(title_affixes=frozenset({"eff"}))  # the host's other titles carry "| EFF" too
    relaid = decide(known, Fetched(chrome, layout="L2", host=site), Rules(), now=NOW)
    assert relaid.verdict == Verdict.QUIET and relaid.relayout and relaid.version == chrome
    same = decide(known, Fetched(chrome, layout="L1"), Rules(), now=NOW)
    assert same.verdict == Verdict.CHANGED and not same.relayout
    noted = Snapshot(url=URL, title="Example | EFF", notes=page(2).notes, paragraphs=chrome.paragraphs)
    assert [a.kind for a in decide(known, Fetched(noted, layout="L2", host=site), Rules(), now=NOW).alerts] == [
        Kind.NOTE_ADDED]
    alone = decide(known, Fetched(chrome, layout="L2"), Rules(), now=NOW)
    assert [a.kind for a in alone.alerts] == [Kind.TITLE_CHANGED], "a site name no other title shows is news"
    assert alone.alerts[0].change is not None and alone.alerts[0].change.layout_changed


def test_a_page_cut_off_is_a_failed_check_once_its_pages_were_whole() -> None:
    known = replace(baseline(0), closed=True)
    cut = decide(known, Fetched(page(1), closed=False), Rules(), now=NOW)
    assert cut.verdict == Verdict.FAILED and "incomplete" in (cut.error or "") and cut.version is None
    never_closed = decide(replace(known, closed=False, latest=page(0)), Fetched(page(1), closed=False), Rules(),
                          now=NOW)
    assert never_closed.verdict == Verdict.CHANGED  # a site that never sends closing tags is still read


# -- site-level judgements: chrome, a shift many articles share, the same article read another way ---------------
TREATY_BODY = ("The treaty was adopted by the General Assembly after years of talks in Vienna and New York.",
        "Its safeguards are left to each state, which invites abuse against journalists and activists.",
        "States should decline to ratify it until binding protections for human rights are in place.")
APPEAL = "Donate today: we are member-supported and every gift helps defend digital rights."


def _snap(title: str = "Treaty adopted", paragraphs: tuple[str, ...] = TREATY_BODY, notes: tuple[UpdateNote, ...] = ()
          ) -> Snapshot:
    return Snapshot(url="https://example.org/a", title=title, notes=notes, paragraphs=paragraphs)


def test_a_paragraph_that_arrives_in_many_articles_at_once_is_chrome_on_both_sides_of_a_comparison() -> None:
    from monitor.decide.chrome import chrome_of, movements, paragraph_key, paragraph_keys, tally

    before = {i: _snap(paragraphs=(f"Article {i} has its own words here, and more of them.", *TREATY_BODY))
              for i in range(4)}
    after = {i: replace(s, paragraphs=(*s.paragraphs, APPEAL)) for i, s in before.items()}
    moves = {i: movements(before[i], after[i])[:2] for i in range(4)}
    assert all(m == (frozenset({paragraph_key(APPEAL)}), frozenset()) for m in moves.values())
    tallies = tally(moves, {i: paragraph_keys(a) for i, a in after.items()})
    chrome = chrome_of(tallies, articles=3, share=0.5)
    assert chrome == {paragraph_key(APPEAL)}
    assert chrome_of(tally(dict(list(moves.items())[:2]), {}), articles=3) == frozenset()
    shared = chrome_of(tally({}, {i: paragraph_keys(b) for i, b in before.items()}), articles=3)
    assert shared == frozenset(), "text the articles held when first read is theirs, however many share it"
    old = _snap(paragraphs=(*TREATY_BODY, APPEAL))  # stored before the appeal was known as chrome
    known = replace(baseline(0), latest_hash=old.content_hash(), latest=old, layout="L", closed=True)
    new = _snap()
    assert decide(known, Fetched(new, layout="L", chrome=chrome), Rules(), now=NOW).alerts == ()
    assert decide(known, Fetched(new, layout="L"), Rules(), now=NOW).alerts, "without the chrome it is an edit"


def test_a_paragraph_edited_in_place_is_an_edit_not_a_movement() -> None:
    from monitor.decide.chrome import movements, without_shared_rewrites

    edited = _snap(paragraphs=(TREATY_BODY[0].replace("Vienna", "Geneva"), *TREATY_BODY[1:]))
    assert movements(_snap(), edited)[:2] == (frozenset(), frozenset())
    rewritten = _snap(paragraphs=(*TREATY_BODY[:2], "A completely different closing paragraph about nothing alike."))
    came, went, rewrites = movements(_snap(), rewritten)
    assert len(came) == len(went) == len(rewrites) == 1, "rewritten where it stood by an unlike paragraph"
    alike = without_shared_rewrites({1: (came, went, rewrites), 2: (came, went, rewrites)})
    assert alike == {1: (frozenset(), frozenset()), 2: (frozenset(), frozenset())}, "shared text edited alike"
    assert without_shared_rewrites({1: (came, went, rewrites)}) == {1: (came, went)}


def test_a_title_affix_the_host_shares_is_the_template_and_an_extension_is_news() -> None:
    from monitor.decide.layout import same_title, title_core

    affixes = frozenset({"eff deeplinks"})
    assert same_title("Treaty adopted", "Treaty adopted | EFF Deeplinks", affixes)
    assert title_core("EFF Deeplinks - Treaty adopted", affixes) == "treaty adopted"
    assert not same_title("Treaty adopted", "Treaty adopted | EFF Deeplinks", frozenset()), "no other title has it"
    assert not same_title("The Treaty", "The Treaty Is Over: Forty States Ratified It", affixes)
    known = replace(baseline(0), latest_hash=_snap().content_hash(), latest=_snap(), layout="L")
    templated = decide(known, Fetched(_snap("Treaty adopted | EFF Deeplinks"), layout="L",
                                      host=HostContext(title_affixes=affixes)), Rules(), now=NOW)
    assert templated.alerts == () and templated.verdict == Verdict.QUIET
    extended = decide(known, Fetched(_snap("Treaty adopted and ratified by forty states"), layout="L",
                                     host=HostContext(title_affixes=affixes)), Rules(), now=NOW)
    assert [a.kind for a in extended.alerts] == [Kind.TITLE_CHANGED]


def test_the_same_article_read_another_way_is_recognised_and_another_page_is_not() -> None:
    from monitor.decide.layout import plausibly_same

    stored = _snap()
    assert plausibly_same(stored, _snap("Treaty adopted | EFF", ("Share this", *TREATY_BODY, "Related posts")))
    assert plausibly_same(stored, _snap("Deeplinks", TREATY_BODY)), "all its sentences: whatever the title"
    listing = _snap("Deeplinks Blog", (TREATY_BODY[0], "Another post's teaser, of another article entirely here."))
    assert not plausibly_same(stored, listing)
    assert not plausibly_same(stored, _snap("Treaty adopted", ("Page not found. Try searching our site.",)))
