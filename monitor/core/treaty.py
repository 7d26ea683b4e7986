"""A treaty's status as the depositary records it: participants, the dates of their actions, and the count
toward entry into force. Plain data, shared by the parser (sources), the diff (decide), the store and the views.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from monitor.core.errors import MonitorError

# The action a suffix on a consent date names (UNTC's column label: "Acceptance(A), Ratification, Approval(AA),
# Accession(a)"). Letter case matters: "A" is acceptance, "a" accession. "d" (succession) is seen on other treaties.
CONSENT_KINDS: dict[str, str] = {"": "ratification", "A": "acceptance", "AA": "approval", "a": "accession",
                                 "d": "succession"}
# How an alert says it: "Qatar ratified …".
CONSENT_VERBS: dict[str, str] = {"ratification": "ratified", "acceptance": "accepted", "approval": "approved",
                                 "accession": "acceded to", "succession": "succeeded to", "unknown": "consented to"}
UNKNOWN = "unknown"


class TreatyUnavailable(MonitorError):
    """The fetched body is not a status document we can trust (maintenance page, another page, cut off, columns
    relabelled, rows lost): nothing is compared, nothing reaches readers, the operator is told once."""


@dataclass(frozen=True)
class Participant:
    """One row of the depositary's table, keyed by the name as the depositary spells it (footnotes apart)."""

    name: str
    signature: dt.date | None = None
    consent: dt.date | None = None
    consent_kind: str = ""  # ratification, acceptance, approval, accession, succession, unknown; "" without consent
    consent_suffix: str = ""  # the suffix as printed ("AA", "a", or an unknown one kept raw)
    withdrawn: bool = False  # the name (or an action) printed between [brackets]
    footnotes: tuple[str, ...] = ()
    signature_raw: str = ""  # the cells as read (whitespace collapsed), for a cell that is not a date
    consent_raw: str = ""

    @property
    def counts(self) -> bool:
        """Whether this row holds an instrument of consent in force (a date, not withdrawn)."""
        return self.consent is not None and not self.withdrawn


@dataclass(frozen=True)
class TreatyStatus:
    """What one reading of the status document says."""

    participants: tuple[Participant, ...]
    shape: str = "xml"  # "xml" (MTDSG) or "html" (ViewDetails)
    title: str = ""
    signatories_stated: int | None = None  # the document's own counts, where it prints them
    parties_stated: int | None = None
    eif_text: str = ""  # the entry-into-force paragraph: the art. 65(1) clause until a date replaces it
    as_at: str = ""  # "STATUS AS AT" of the HTML page, when there
    notes: tuple[str, ...] = field(default=(), compare=False)  # what the parser logged (unknown suffixes …)

    def by_name(self) -> dict[str, Participant]:
        return {p.name: p for p in self.participants}

    def content_key(self) -> str:
        """What a change is measured on: the rows and the stated facts, not the parser's notes."""
        data = asdict(self)
        data.pop("notes")
        return json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)


def counting(status: TreatyStatus, regional: frozenset[str]) -> list[Participant]:
    """The instruments that count toward entry into force, earliest first: consents in force, without those of a
    regional economic integration organisation (art. 65(1): not counted as additional to its member States')."""
    found = [p for p in status.participants if p.counts and p.name not in regional]
    return sorted(found, key=lambda p: (p.consent or dt.date.min, p.name))


def implied_entry_into_force(status: TreatyStatus, regional: frozenset[str], needed: int,
                             delay_days: int) -> dt.date | None:
    """The day the treaty's own clause implies: `delay_days` after the deposit of the `needed`-th counting
    instrument; None before there are that many."""
    found = counting(status, regional)
    if len(found) < needed or needed < 1:
        return None
    deposit = found[needed - 1].consent
    return deposit + dt.timedelta(days=delay_days) if deposit else None


def status_to_json(status: TreatyStatus) -> str:
    return json.dumps(asdict(status), default=str, ensure_ascii=False, sort_keys=True)


def status_from_json(text: str) -> TreatyStatus:
    data: dict[str, Any] = json.loads(text)

    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    people = tuple(Participant(**{**p, "signature": day(p.get("signature")), "consent": day(p.get("consent")),
                                  "footnotes": tuple(p.get("footnotes", ()))}) for p in data.pop("participants"))
    data["notes"] = tuple(data.get("notes", ()))
    return TreatyStatus(participants=people, **data)
