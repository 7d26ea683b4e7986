"""The treaty's status: the parser (both shapes, fail closed), the diff (one alert per depositary action, the count
toward entry into force with the EU's instrument excluded, the implied date), proven on generated histories."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.core.treaty import Participant, TreatyStatus, TreatyUnavailable, counting, implied_entry_into_force
from monitor.decide.treaty import TreatyRules, compare_status, sharp_drop
from monitor.sources.treaty import parse_action, parse_status, participant_name
from tests.treaty_docs import DOC_URL, LABELS, MAINTENANCE, PAGE_URL, Doc, Row, cell_date, html_doc, xml_doc

HANOI = dt.date(2025, 10, 25)
RULES = TreatyRules(url=DOC_URL, page=PAGE_URL)
EU = frozenset({"European Union"})


def every_case() -> Doc:
    """One document with every case the depositary prints: footnotes (one, several), tab-and-blank dates, each
    suffix, an empty consent cell, the EU, a withdrawn (bracketed) name, names outside ASCII."""
    return Doc(rows=[
        Row("Algeria", cell_date(HANOI)),  # signed only: the consent cell is empty
        Row("Belarus", cell_date(HANOI), cell_date(dt.date(2026, 3, 1)), marks=("3",)),  # ratification, 1 footnote
        Row("China", cell_date(HANOI), cell_date(dt.date(2026, 3, 2), "A"), marks=("4", "7", "8")),  # acceptance
        Row("Côte d'Ivoire", cell_date(HANOI), cell_date(dt.date(2026, 3, 3), "AA")),  # approval
        Row("Türkiye", "", cell_date(dt.date(2026, 3, 4), "a")),  # accession without a signature
        Row("European Union", cell_date(HANOI), cell_date(dt.date(2026, 3, 5), "AA")),
        Row("[Ruritania]", cell_date(HANOI), cell_date(dt.date(2026, 1, 5))),  # withdrawn
        Row("São Tomé and Príncipe", cell_date(dt.date(2025, 11, 19), tab=False)),
    ])


@pytest.mark.parametrize("shape", ["xml", "html", "html-latin1"])
def test_every_case_reads_the_same_in_both_shapes(shape: str) -> None:
    doc = every_case()
    body = {"xml": lambda: xml_doc(doc), "html": lambda: html_doc(doc),
            "html-latin1": lambda: html_doc(doc, encoding="iso-8859-1")}[shape]()
    if shape == "xml":
        assert b'encoding="ISO-8859-1"' in body and "Côte".encode("latin-1") in body  # bytes as the UN serves them
    status = parse_status(body, "text/xml" if shape == "xml" else "text/html")
    people = status.by_name()
    assert list(people) == ["Algeria", "Belarus", "China", "Côte d'Ivoire", "Türkiye", "European Union", "Ruritania",
                            "São Tomé and Príncipe"]
    assert people["Algeria"] == Participant("Algeria", HANOI, signature_raw="25 Oct 2025")
    assert people["Belarus"].footnotes == ("3",) and people["Belarus"].consent_kind == "ratification"
    assert people["China"].footnotes == ("4", "7", "8") and people["China"].consent_kind == "acceptance"
    assert people["Côte d'Ivoire"].consent_kind == "approval" and people["Côte d'Ivoire"].consent_suffix == "AA"
    assert people["Türkiye"].consent_kind == "accession" and people["Türkiye"].signature is None
    assert people["Ruritania"].withdrawn and not people["Ruritania"].counts
    assert people["São Tomé and Príncipe"].signature == dt.date(2025, 11, 19)
    assert [p.name for p in counting(status, EU)] == ["Belarus", "China", "Côte d'Ivoire", "Türkiye"]
    assert status.signatories_stated == 7 and status.parties_stated == 5
    assert not status.notes


def test_letter_case_of_a_suffix_is_a_different_action_and_an_unknown_one_is_kept_and_noted() -> None:
    assert parse_action("25 Oct\t 2025 A ")[:2] == (HANOI, "A")
    assert parse_action("25 Oct\t 2025 a ")[:2] == (HANOI, "a")
    assert parse_action("[20 Jan\t 2021 A]") == (dt.date(2021, 1, 20), "A", True, "[20 Jan 2021 A]")
    assert parse_action("  ") == (None, "", False, "")
    assert parse_action("pending")[0] is None
    doc = Doc(rows=[Row("Holy See", cell_date(HANOI), cell_date(dt.date(2026, 5, 1), "c"))])
    status = parse_status(xml_doc(doc))
    (holy,) = status.participants
    assert holy.consent_kind == "unknown" and holy.consent_suffix == "c" and holy.counts
    assert status.notes == ("Holy See: unknown action suffix 'c' on 2026-05-01 (kept as it is)",)


def test_names_keep_their_footnotes_apart() -> None:
    assert participant_name("China<superscript>4,7,8</superscript>") == ("China", ("4", "7", "8"), False)
    assert participant_name("United Kingdom of Great Britain and Northern Ireland 6 , 18 , 19 ,") == (
        "United Kingdom of Great Britain and Northern Ireland", ("6", "18", "19"), False)
    assert participant_name("[Ruritania]<superscript>2</superscript>") == ("Ruritania", ("2",), True)
    assert participant_name("Iran (Islamic Republic of)") == ("Iran (Islamic Republic of)", (), False)


FAIL_CLOSED = {
    "maintenance page": lambda: MAINTENANCE,
    "another page": lambda: b"<!DOCTYPE html><html><body><h1>Welcome to the UN Treaty Collection</h1></body></html>",
    "empty body": lambda: b"",
    "truncated XML": lambda: xml_doc(every_case())[: len(xml_doc(every_case())) * 2 // 3],
    "truncated HTML": lambda: html_doc(every_case())[: len(html_doc(every_case())) * 2 // 3],
    "relabelled columns (XML)": lambda: xml_doc(replace(every_case(), labels=(
        "Participant", "Signature", "Provisional application"))),
    "an extra column (HTML)": lambda: html_doc(replace(every_case(), labels=(*LABELS, "Declaration"))),
    "no participant column": lambda: xml_doc(replace(every_case(), labels=("State", *LABELS[1:]))),
    "no rows": lambda: xml_doc(Doc()),
    "a DTD": lambda: xml_doc(every_case()).replace(b"?>\n", b'?>\n<!DOCTYPE x [<!ENTITY e "x">]>\n', 1),
}


@pytest.mark.parametrize("case", sorted(FAIL_CLOSED))
def test_what_is_not_the_document_fails_closed(case: str) -> None:
    with pytest.raises(TreatyUnavailable):
        parse_status(FAIL_CLOSED[case]())


# -- the diff ------------------------------------------------------------------------------------------------------
def status(*people: Participant, **facts: object) -> TreatyStatus:
    return TreatyStatus(participants=people, **facts)  # type: ignore[arg-type]


def test_the_eus_instrument_is_told_but_not_counted() -> None:
    before = status(Participant("Qatar", HANOI, dt.date(2026, 1, 2), "ratification"),
                    Participant("European Union", HANOI))
    after = status(before.participants[0], Participant("European Union", HANOI, dt.date(2026, 2, 1), "approval", "AA"))
    (alert,) = compare_status(before, after, RULES, seq=2, now="").alerts
    assert alert.kind == "treaty_consent"
    assert alert.title == "European Union approved (still 1 of 40 needed for entry into force)"
    assert "does not count on top of its member States'" in alert.detail


def test_a_renamed_state_is_matched_by_its_dates_and_a_vanished_one_tells_only_the_operator() -> None:
    czech = Participant("Czech Republic", HANOI, dt.date(2026, 4, 1), "ratification")
    mali = Participant("Mali", dt.date(2025, 10, 26))
    before = status(czech, mali, Participant("Qatar", HANOI))
    after = status(replace(czech, name="Czechia"), Participant("Qatar", HANOI))
    change = compare_status(before, after, RULES, seq=5, now="")
    assert change.alerts == ()
    (gone,) = change.operator
    assert gone.kind == "treaty_anomaly" and "Mali no longer appears" in gone.detail
    assert "Czech Republic is now listed as Czechia" in change.lines


def test_a_sharp_drop_is_a_broken_reading_not_withdrawals() -> None:
    before = status(*(Participant(f"State {i}", HANOI) for i in range(72)))
    assert sharp_drop(before, status(*before.participants[:69])) is None  # three gone: each told to the operator
    assert "lost 10 of its 72" in (sharp_drop(before, status(*before.participants[:62])) or "")


def test_the_documents_own_counts_are_checked_once_per_disagreement() -> None:
    after = status(Participant("Qatar", HANOI), signatories_stated=73)
    (one,) = compare_status(None, after, RULES, seq=1, now="").operator
    (again,) = compare_status(after, after, RULES, seq=2, now="").operator
    assert "states 73 signatories, its table lists 1" in one.detail and one.dedup_key == again.dedup_key


def test_a_correction_of_a_date_is_its_own_alert() -> None:
    before = status(Participant("Mali", HANOI, dt.date(2026, 2, 1), "ratification"))
    after = status(Participant("Mali", dt.date(2025, 10, 26), dt.date(2026, 2, 1), "accession", "a"))
    kinds = [a.title for a in compare_status(before, after, RULES, seq=2, now="").alerts]
    assert kinds == ["Mali: signature date corrected", "Mali: instrument corrected"]


# -- generated histories -------------------------------------------------------------------------------------------
NAMES = st.lists(st.from_regex(r"[A-Z][a-zôüé]{2,9}( [A-Z][a-z]{2,8})?", fullmatch=True), min_size=1, max_size=12,
                 unique=True)
# (what, who, days after the previous action, suffix, whether the depositary's document is read after it)
ACTION = st.tuples(st.sampled_from(["sign", "consent", "withdraw"]), st.integers(0, 20), st.integers(0, 30),
                   st.sampled_from(["", "A", "AA", "a"]), st.booleans())
VERBS = {"sign": "treaty_signed", "consent": "treaty_consent", "withdraw": "treaty_withdrawn"}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=NAMES, with_eu=st.booleans(), actions=st.lists(ACTION, min_size=1, max_size=25),
       needed=st.integers(1, 6), shape=st.sampled_from(["xml", "html"]))
def test_every_depositary_action_is_one_alert_with_the_right_count_and_date(
        names: list[str], with_eu: bool, actions: list[tuple[str, int, int, str, bool]], needed: int,
        shape: str) -> None:
    """Random participants, random actions in time order, read back (after one action or several) from a document
    of either shape: one alert per action, the count toward `needed` excluding the EU, in date order within one
    reading, and the entry-into-force date it implies."""
    pool = [*names, *(["European Union"] * max(1, len(names) // 2) if with_eu else [])]  # the EU often
    rules = replace(RULES, needed=needed)
    rows: dict[str, dict[str, object]] = {"Seed State": {"signature": HANOI, "consent": None, "suffix": "",
                                                         "withdrawn": False}}
    previous = parse(rows, shape)
    day, seq, done = HANOI, 1, []
    for n, (verb, who, days, suffix, read) in enumerate(actions):
        name = pool[who % len(pool)]
        day += dt.timedelta(days=days)
        row = rows.get(name)
        if (row is not None and row["withdrawn"]) or any(name == d[1] for d in done):
            pass  # one action per participant and reading: two would read as one change plus a correction
        elif verb == "sign" and (row is None or row["signature"] is None):
            rows.setdefault(name, {"consent": None, "suffix": "", "withdrawn": False})["signature"] = day
            done.append((verb, name))
        elif verb == "consent" and (row is None or row["consent"] is None):
            rows.setdefault(name, {"signature": None, "withdrawn": False}).update(consent=day, suffix=suffix)
            done.append((verb, name))
        elif verb == "withdraw" and row is not None:
            row["withdrawn"] = True
            done.append((verb, name))
        if not (read or n == len(actions) - 1) or not done:
            continue
        seq += 1
        current = parse(rows, shape)
        change = compare_status(previous, current, rules, seq=seq, now="")
        total = len(counting(current, EU))
        crossed = len(counting(previous, EU)) < needed <= total
        expected = sorted([VERBS[v] for v, _ in done] + (["treaty_in_force"] if crossed else []))
        assert sorted(a.kind for a in change.alerts) == expected, (done, change.lines)
        assert change.operator == ()
        fresh = sorted((rows[w]["consent"], w) for v, w in done  # type: ignore[type-var]
                       if v == "consent" and w != "European Union" and not rows[w]["withdrawn"])
        consents = {a.title.split(" ")[0]: a.title for a in change.alerts if a.kind == "treaty_consent"}
        for v, w in done:
            if v != "consent":
                continue
            title = next(t for t in (a.title for a in change.alerts if a.kind == "treaty_consent")
                         if t.startswith(w + " "))
            count = (f"still {total} of {needed}" if w == "European Union"
                     else f"{total - len(fresh) + fresh.index((rows[w]['consent'], w)) + 1} of {needed}")
            assert f"({count} needed for entry into force)" in title, (title, consents)
        if crossed:
            deposits = sorted((r["consent"], n) for n, r in rows.items()  # type: ignore[type-var]
                              if r["consent"] and not r["withdrawn"] and n != "European Union")
            implied = deposits[needed - 1][0] + dt.timedelta(days=90)  # type: ignore[operator]
            assert implied_entry_into_force(current, EU, needed, 90) == implied
            assert [a.published for a in change.alerts if a.kind == "treaty_in_force"] == [implied.isoformat()]
        previous, done = current, []


def parse(rows: dict[str, dict[str, object]], shape: str) -> TreatyStatus | None:
    if not rows:
        return None
    doc = Doc(rows=[Row(f"[{n}]" if r["withdrawn"] else n,
                        cell_date(r["signature"]) if r.get("signature") else "",  # type: ignore[arg-type]
                        cell_date(r["consent"], str(r["suffix"])) if r.get("consent") else "")  # type: ignore[arg-type]
                    for n, r in rows.items()])
    return parse_status(xml_doc(doc) if shape == "xml" else html_doc(doc))


def test_due_at_most_once_per_interval_and_a_clock_set_back_is_due() -> None:
    from monitor.app.treaty import due
    from monitor.store.treaty import TreatySource

    at = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
    read = TreatySource("u", last_fetched=(at - dt.timedelta(hours=2)).isoformat())
    assert not due(read, 6 * 3600, at) and due(read, 3600, at) and due(read, 0, at)
    assert due(TreatySource("u"), 6 * 3600, at)
    assert due(TreatySource("u", last_fetched=(at + dt.timedelta(days=3)).isoformat()), 6 * 3600, at)


def test_a_participant_first_seen_withdrawn_is_told_both_what_it_did_and_that_it_withdrew() -> None:
    before = status(Participant("Qatar", HANOI))
    after = status(Participant("Qatar", HANOI), Participant("Ruritania", HANOI, dt.date(2026, 1, 2), "ratification",
                                                            withdrawn=True))
    titles = [a.title for a in compare_status(before, after, RULES, seq=2, now="").alerts]
    assert titles == ["Ruritania signed (2 signatories)", "Ruritania ratified (0 of 40 needed for entry into force)",
                      "Ruritania withdrew"]


def test_a_treaty_alert_for_readers_is_replayed_to_readers_not_to_the_operator(tmp_path: Path) -> None:
    from monitor.store.database import open_store

    reader = compare_status(status(Participant("Qatar", HANOI)), status(Participant("Qatar", HANOI),
                                                                       Participant("Mali", HANOI)),
                            RULES, seq=2, now="").alerts
    with open_store(tmp_path / "m.sqlite3") as store:
        store.record_treaty_version(DOC_URL, status(Participant("Mali", HANOI)), ("Mali signed",), validators=None,
                                    alerts=reader, targets=("old-reader",))
        (orphan,) = store.orphaned(["new-reader", "ops"])
        assert not orphan.operator
        assert store.replay(readers=["new-reader"], admins=["ops"]) == 1
        assert [p.target for p in store.pending(["new-reader", "ops"])] == ["new-reader"]
        assert [a.alert.kind for a in store.article_alerts()] == ["treaty_signed"]  # in the Atom feed and JSON
