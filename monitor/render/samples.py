"""Sample alerts of every kind, for `monitor notify-test`: see each rendering before a real change."""

from __future__ import annotations

from dataclasses import replace

from monitor.core.kinds import ALERT_KINDS
from monitor.core.model import Alert, Change, FeedEntry, UpdateNote, WordEdit

URL = "https://www.eff.org/deeplinks/2024/12/still-flawed-and-lacking-safeguards-un-cybercrime-treaty-goes-un-general-assembly"
TITLE = ("Still Flawed and Lacking Safeguards, UN Cybercrime Treaty Goes Before the UN General Assembly, "
         "then States for Adoption")
NOTE = UpdateNote(
    "Update (1/6/2025): The UN General Assembly on Dec. 24, 2024, adopted the UN Cybercrime Treaty without a vote.",
    "Update (1/6/2025)",
)
OLD_NOTE = UpdateNote(
    "Update (12/21/24): A vote on the UN Cybercrime Treaty by the UN General Assembly was postponed.",
    "Update (12/21/24)",
)
EDIT = WordEdit(
    before="The final draft, unanimously approved in August by over 100 countries, will permit intrusive surveillance.",
    after="The final draft, unanimously approved in August by over 120 countries, will permit intrusive surveillance.",
    removed=("100",),
    added=("120",),
)
FEED = "https://www.eff.org/rss/updates.xml"
TREATY_XML = "https://treaties.un.org/doc/Publication/MTDSG/Volume%20II/Chapter%20XVIII/XVIII-16.en.xml"
TREATY_PAGE = "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-16&chapter=18&clang=_en"
CONVENTION = "the UN Convention against Cybercrime"


def sample_alerts() -> list[Alert]:
    """One alert of each kind, titled as a test so nobody mistakes it for news."""
    base = Alert(kind="", url=URL, title=TITLE, dedup_key="sample", byline="Karen Gullo", published="2024-12-16")
    samples = {
        "new_post": replace(base, entry=FeedEntry(url=URL, title=TITLE, summary=(
            "Most UN Member States are expected to support adoption of the flawed UN Cybercrime Treaty."))),
        "note_added": replace(base, change=Change(kind="note_added", notes_added=(NOTE,))),
        "note_changed": replace(base, change=Change(kind="note_changed", notes_added=(NOTE,),
                                                    notes_removed=(OLD_NOTE,))),
        "title_changed": replace(base, change=Change(kind="title_changed", title_before=TITLE,
                                                     title_after=TITLE.replace("Still Flawed", "Flawed"))),
        "body_edited": replace(base, change=Change(kind="body_edited", edits=(EDIT,))),
        "removed": base,
        "restored": base,
        "feed_failing": replace(base, url=FEED, title=FEED, detail="failed 3 polls in a row; last error: HTTP 503"),
        "feed_quiet": replace(base, url=FEED, title=FEED, detail="no new entry for more than 7 days"),
        "feed_recovered": replace(base, url=FEED, title=FEED, detail="polls succeed again"),
        "feed_flooded": replace(base, url=FEED, title=FEED,
                                detail="29980 more new on-topic entries than max_new_posts (20) in one poll"),
        "layout_changed": replace(base, url="https://www.eff.org/", title="www.eff.org",
                                  detail="www.eff.org: articles are now read in a new page layout"),
        "site_wall": replace(base, url="https://www.eff.org/", title="www.eff.org",
                             detail="www.eff.org: 5 of the 6 tracked articles that answered this cycle show a page "
                                    "too short to be them (5 of them the same page: “Please enable cookies to "
                                    "continue.”)"),
        "treaty_signed": replace(base, url=TREATY_PAGE, title="Mauritius signed (73 signatories)", byline="",
                                 published="2025-11-19",
                                 detail=f"Mauritius signed {CONVENTION} on 19 November 2025 (73 signatories)."),
        "treaty_consent": replace(base, url=TREATY_PAGE, title="Qatar ratified (1 of 40 needed for entry into force)",
                                  byline="", published="2026-03-12",
                                  detail=f"Qatar ratified {CONVENTION} on 12 March 2026. 1 of the 40 instruments "
                                         "needed for entry into force."),
        "treaty_withdrawn": replace(base, url=TREATY_PAGE, title="Ruritania withdrew", byline="", published="",
                                    detail="The depositary now prints Ruritania between brackets, its mark of a "
                                           f"participant that has withdrawn from {CONVENTION}."),
        "treaty_corrected": replace(base, url=TREATY_PAGE, title="Mali: signature date corrected", byline="",
                                    published="", detail="The depositary corrected Mali's signature date: it read "
                                                         "25 October 2025, it now reads 26 October 2025."),
        "treaty_in_force": replace(base, url=TREATY_PAGE, title="40 of 40: in force on 30 August 2026", byline="",
                                   published="2026-08-30",
                                   detail=f"{CONVENTION[0].upper()}{CONVENTION[1:]} has the 40 instruments its "
                                          "entry-into-force clause needs: it enters into force on 30 August 2026."),
        "treaty_unavailable": replace(base, url=TREATY_XML, title=CONVENTION, byline="", published="",
                                      detail="The status document cannot be trusted now: a maintenance page."),
        "treaty_anomaly": replace(base, url=TREATY_XML, title="Mauritius no longer listed", byline="", published="",
                                  detail="Mauritius no longer appears in the depositary's table; readers were not "
                                         "told."),
    }
    assert set(samples) == set(ALERT_KINDS)
    return [replace(samples[kind], kind=kind, title=f"[test] {samples[kind].title}") for kind in ALERT_KINDS]
