"""Routes without the network: the schedule as a table (zone, last run, clock → due or not), what a route selects,
which targets an alert is written for, and the config errors (one line each, naming the key, no secret)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from monitor.config import load_settings
from monitor.core.errors import ConfigError
from monitor.core.kinds import Kind
from monitor.core.model import Alert, Change, FeedEntry, UpdateNote, WordEdit
from monitor.decide.routes import Match, is_due, next_run, parse_schedule
from monitor.notify.routing import Routing, describe, settings_targets

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    """An ISO time; without an offset it is UTC."""
    when = dt.datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# -- the schedule: a pure function of (schedule, zone, last, now) ---------------------------------------------
SCHEDULE_TABLE = [
    # schedule, zone, last (the oldest alert the digest holds), now, due?
    ("daily 08:00", UTC, "2026-03-01T09:00", "2026-03-02T07:59", False),
    ("daily 08:00", UTC, "2026-03-01T09:00", "2026-03-02T08:00", True),
    ("daily 08:00", UTC, "2026-03-02T07:00", "2026-03-02T08:01", True),
    ("daily 08:00", UTC, "2026-03-02T08:00", "2026-03-02T09:00", False),  # made at 08:00 sharp: the next day's
    ("daily 08:00", UTC, "2026-03-02T08:00", "2026-03-03T08:00", True),
    ("daily 08:00", UTC, "2026-02-20T10:00", "2026-03-02T06:00", True),  # missed runs (the service was down)
    ("daily 08:00", BERLIN, "2026-03-02T06:00", "2026-03-02T06:59", False),  # 08:00 in Berlin is 07:00 UTC
    ("daily 08:00", BERLIN, "2026-03-02T06:00", "2026-03-02T07:00", True),
    ("daily 08:00", BERLIN, "2026-07-02T05:00", "2026-07-02T05:59", False),  # summer: 06:00 UTC
    ("daily 08:00", BERLIN, "2026-07-02T05:00", "2026-07-02T06:00", True),
    ("daily 02:30", BERLIN, "2026-03-28T12:00", "2026-03-29T00:59", False),  # 02:30 does not exist on 29 March
    ("daily 02:30", BERLIN, "2026-03-28T12:00", "2026-03-29T01:30", True),  # read as the zone reads it (03:30)
    ("daily 23:30", NEW_YORK, "2026-03-02T12:00", "2026-03-03T04:29", False),  # the day before, in UTC terms
    ("daily 23:30", NEW_YORK, "2026-03-02T12:00", "2026-03-03T04:30", True),
    ("weekly mon 09:00", UTC, "2026-03-02T09:30", "2026-03-08T23:59", False),  # 2 March 2026 is a Monday
    ("weekly mon 09:00", UTC, "2026-03-02T09:30", "2026-03-09T09:00", True),
    ("weekly mon 09:00", UTC, "2026-03-02T08:59", "2026-03-02T09:00", True),
    ("weekly friday 17:15", BERLIN, "2026-03-02T00:00", "2026-03-06T16:14", False),
    ("weekly friday 17:15", BERLIN, "2026-03-02T00:00", "2026-03-06T16:15", True),
]


@pytest.mark.parametrize(("text", "zone", "last", "now", "due"), SCHEDULE_TABLE)
def test_when_a_digest_is_due(text: str, zone: dt.tzinfo, last: str, now: str, due: bool) -> None:
    schedule = parse_schedule(text, zone)
    assert schedule is not None
    assert is_due(schedule, at(last), at(now)) is due
    assert next_run(schedule, at(last)) > at(last)


def test_now_is_no_schedule_and_bad_ones_say_what_they_must_be() -> None:
    assert parse_schedule("now", UTC) is None and parse_schedule(" NOW ", UTC) is None
    for bad in ("daily", "daily 8", "daily 24:00", "daily 08:60", "weekly 09:00", "weekly xyz 09:00", "hourly",
                "monthly 1 08:00"):
        with pytest.raises(ValueError, match="must be"):
            parse_schedule(bad, UTC)


# -- what a route selects ------------------------------------------------------------------------------------------
NOTE = Alert(kind=Kind.NOTE_ADDED, url="https://www.eff.org/deeplinks/2024/12/still-flawed", title="Still Flawed",
             dedup_key="a", change=Change(kind=Kind.NOTE_ADDED, notes_added=(UpdateNote(
                 "Update (5/5/2026): Ten states have now ratified the treaty.", "Update (5/5/2026)"),)))
EDIT = Alert(kind=Kind.BODY_EDITED, url="https://www.accessnow.org/press-release/treaty", title="Treaty vote",
             dedup_key="b", change=Change(kind=Kind.BODY_EDITED, edits=(WordEdit(
                 "Over 100 countries signed.", "Over 120 countries signed in Hanoi.", ("100",),
                 ("120", "in", "Hanoi")),)))
POST = Alert(kind=Kind.NEW_POST, url="https://www.eff.org/deeplinks/2026/01/new", title="A new post", dedup_key="c",
             entry=FeedEntry(url="https://www.eff.org/deeplinks/2026/01/new", title="A new post",
                             summary="On the Convention against Cybercrime"))
FAILING = Alert(kind=Kind.FEED_FAILING, url="https://www.eff.org/rss/updates.xml", title="feed", dedup_key="d",
                detail="failed 3 polls in a row")

MATCH_TABLE = [
    (Match(), {"note", "edit", "post"}),  # everything a reader gets, never the operator's alerts
    (Match(kinds=frozenset({"note_added"})), {"note"}),
    (Match(kinds=frozenset({"feed_failing", "new_post"})), {"failing", "post"}),
    (Match(sites=("eff.org",)), {"note", "post"}),  # a host covers its subdomains
    (Match(sites=("www.accessnow.org",)), {"edit"}),
    (Match(sites=("ff.org",)), set()),  # …but not another host that merely ends the same
    (Match(articles=("https://www.eff.org/deeplinks/2024/*",)), {"note"}),
    (Match(articles=("https://www.eff.org/deeplinks/2024/12/still-flawed/",)), {"note"}),  # the URL itself
    (Match(articles=("https://www.eff.org/deeplinks/2024",)), set()),  # …not a prefix of it
    (Match(keywords=("RATIFIED",)), {"note"}),  # any letter case, in a note
    (Match(keywords=("hanoi",)), {"edit"}),  # in the changed text
    (Match(keywords=("convention against",)), {"post"}),  # in a new post's summary
    (Match(keywords=("failed",), kinds=frozenset({"feed_failing"})), {"failing"}),
    (Match(sites=("eff.org",), keywords=("ratified",)), {"note"}),  # every criterion must hold
    (Match(sites=("www.accessnow.org",), keywords=("ratified",)), set()),
]


@pytest.mark.parametrize(("match", "selected"), MATCH_TABLE)
def test_what_a_route_selects(match: Match, selected: set[str]) -> None:
    alerts = {"note": NOTE, "edit": EDIT, "post": POST, "failing": FAILING}
    assert {name for name, alert in alerts.items() if match.selects(alert)} == selected


# -- which targets an alert is written for --------------------------------------------------------------------------
def routed(tmp_path: Path, routes: str, notify: str, admin: str = "[]") -> Routing:
    cfg = tmp_path / "monitor.toml"
    cfg.write_text(f"notify = {notify}\nnotify_admin = {admin}\n{routes}", encoding="utf-8")
    settings = load_settings(cfg, env={})
    readers, admins = settings_targets(settings)
    return Routing.build(settings, readers, admins, strict=True)


def labels(routing: Routing, alert: Alert) -> list[str]:
    by_key = {t.key: t for t in (*routing.readers, *routing.admins)}
    return sorted(by_key[k].label.split()[0] for k in routing.keys_for(alert))


def test_an_alert_goes_to_every_route_that_selects_it_each_target_once(tmp_path: Path) -> None:
    routing = routed(tmp_path, """
[[route]]
tags = ["phone"]
kinds = ["note_added"]
[[route]]
tags = ["phone", "partner"]
keywords = ["ratified"]
[[route]]
tags = ["ops"]
kinds = ["feed_failing"]
""", '["phone=json://127.0.0.1:9/a", "partner=json://127.0.0.1:9/b", "json://127.0.0.1:9/c"]',
                     '["ops=json://127.0.0.1:9/o", "json://127.0.0.1:9/admin"]')
    assert labels(routing, NOTE) == ["json://127.0.0.1:9/…", "partner", "phone"]  # both routes, phone once
    assert routing.keys_for(NOTE).count(next(t.key for t in routing.readers if "phone" in t.tags)) == 1
    assert labels(routing, EDIT) == ["json://127.0.0.1:9/…"]  # no route: the default route only
    assert labels(routing, FAILING) == ["json://127.0.0.1:9/…", "ops"]  # the operator route + notify_admin
    assert [t.label.split()[0] for t in routing.operator_targets()] == ["json://127.0.0.1:9/…", "ops"]


def test_without_routes_every_target_gets_what_it_got_before(tmp_path: Path) -> None:
    routing = routed(tmp_path, "", '["json://127.0.0.1:9/a", "b=json://127.0.0.1:9/b"]', '["json://127.0.0.1:9/o"]')
    assert len(routing.keys_for(NOTE)) == 2 and len(routing.keys_for(FAILING)) == 1
    assert routing.schedules_for(NOTE, routing.readers[0].key) is None


def test_a_scheduled_route_holds_and_a_now_route_wins(tmp_path: Path) -> None:
    routing = routed(tmp_path, """
[[route]]
tags = ["r"]
kinds = ["body_edited", "note_added"]
delivery = "daily 08:00"
timezone = "Europe/Berlin"
[[route]]
tags = ["r"]
kinds = ["note_added"]
""", '["r=json://127.0.0.1:9/a"]')
    key = routing.readers[0].key
    (schedule,) = routing.schedules_for(EDIT, key) or ()
    assert schedule.words == "daily at 08:00 (Europe/Berlin)"
    assert routing.schedules_for(NOTE, key) is None, "a note is also on a 'now' route: at once, once"


def test_monitor_routes_describes_who_gets_what_without_a_secret(tmp_path: Path) -> None:
    text = tmp_path / "apprise.txt"
    text.write_text("research = json://user:SecretPassw0rd@127.0.0.1:9/digest?token=SecretTok3n\n", encoding="utf-8")
    routing = routed(tmp_path, """notify_config = ["apprise.txt"]
[[route]]
name = "morning digest"
tags = ["research"]
kinds = ["body_edited"]
sites = ["eff.org"]
delivery = "weekly mon 09:00"
timezone = "Europe/Berlin"
""", '["json://127.0.0.1:9/a"]')
    words = describe(routing)
    assert "morning digest: tags research get Edited on eff.org, as one digest weekly on Mon at 09:00" in words
    assert "json://127.0.0.1:9/… [id-" in words and "(tags: research)" in words
    assert "every reader alert, at once" in words
    assert "Secret" not in words


# -- config errors: one line each, naming the key ---------------------------------------------------------------
BAD_ROUTES = [
    ('[[route]]\ntags = ["reserch"]', "'route[1].tags' names 'reserch', a tag no notification target carries"),
    ('[[route]]\ntags = ["research"]\n[[route]]\ntags = ["research"]\ndelivery = "dayly 08:00"',
     "'route[2].delivery' must be \"now\", \"daily HH:MM\" or \"weekly DAY HH:MM\""),
    ('[[route]]\ntags = ["research"]\nkinds = ["edited"]', "'route[1].kinds' has unknown kind 'edited'"),
    ('[[route]]\ntags = ["research"]\ndelivery = "weekly someday 09:00"', "'route[1].delivery' must be"),
    ('[[route]]\ntags = ["research"]\ndelivery = "daily 08:00"\ntimezone = "Mars/Olympus"',
     "'route[1].timezone' must be an IANA time zone"),
    ('[[route]]\nkinds = ["note_added"]', "'route[1].tags' must name at least one Apprise tag"),
    ('[[route]]\ntags = ["research"]\nkind = ["note_added"]', "unknown key 'route[1].kind'"),
    ("route = 3", "'route' must be tables written [[route]]"),
    ('notify_config = ["missing.yml"]', "missing.yml: no such file"),
]


@pytest.mark.parametrize(("toml", "said"), BAD_ROUTES)
def test_a_bad_route_is_one_line_naming_the_key(tmp_path: Path, toml: str, said: str) -> None:
    cfg = tmp_path / "monitor.toml"
    cfg.write_text('notify = ["research=json://user:SecretPassw0rd@127.0.0.1:9/x"]\n' + toml + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        settings_targets(load_settings(cfg, env={}))
    message = str(caught.value)
    assert said in message and "\n" not in message and "SecretPassw0rd" not in message
