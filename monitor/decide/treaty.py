"""What changed in a treaty's status between two readings, as alerts a person reads at a glance.

Pure: the previous status and the new one in, alerts out. One alert per depositary action (a signature, an
instrument of ratification, acceptance, approval or accession, a withdrawal, a corrected date), the count toward
entry into force on each instrument (a regional organisation's instrument excluded, art. 65(1)), and when the
needed count is reached, the entry-into-force date it implies. A participant that vanishes is the operator's
business (a renaming is matched by its dates first), and a reading that lost many rows is not compared at all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from monitor.core.kinds import Kind
from monitor.core.model import Alert
from monitor.core.text import digest
from monitor.core.treaty import CONSENT_VERBS, UNKNOWN, Participant, TreatyStatus, counting, implied_entry_into_force

SHARP_DROP_SHARE = 0.05  # a reading that lost more than this share of the rows (and more than SHARP_DROP_ROWS) …
SHARP_DROP_ROWS = 3  # … is not the document's news but a broken reading: "source unavailable"
_SHORT_VERBS = {"ratification": "ratified", "acceptance": "accepted", "approval": "approved",
                "accession": "acceded", "succession": "succeeded", UNKNOWN: "deposited an instrument"}


@dataclass(frozen=True)
class TreatyRules:
    """What the diff needs to know of the treaty (from `[treaty]`)."""

    url: str  # the status document: the identity of its alerts
    page: str  # the link a reader follows
    name: str = "the UN Convention against Cybercrime"
    needed: int = 40
    delay_days: int = 90
    regional: frozenset[str] = frozenset({"European Union"})


@dataclass(frozen=True)
class StatusChange:
    """The alerts one new reading makes: for readers, for the operator, and one line per change for history."""

    alerts: tuple[Alert, ...]
    operator: tuple[Alert, ...]
    lines: tuple[str, ...]


def long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "no date"


def sharp_drop(before: TreatyStatus | None, after: TreatyStatus) -> str | None:
    """Why a reading must not be compared: it lost many participants at once (a cut or broken document, never
    "every state withdrew"); None when it may be."""
    if before is None:
        return None
    lost = set(before.by_name()) - set(after.by_name())
    if len(lost) > max(SHARP_DROP_ROWS, SHARP_DROP_SHARE * len(before.participants)):
        return (f"the table lost {len(lost)} of its {len(before.participants)} participants at once; "
                "read as a broken document, not compared")
    return None


def _renames(gone: list[Participant], came: list[Participant]) -> dict[str, str]:
    """Old name → new name for rows that vanished and appeared with the same dates (a state renamed, "Czech
    Republic" → "Czechia"); of several candidates, the most similar name, when one is."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for old in gone:
        if old.signature is None and old.consent is None:
            continue
        same = [new for new in came if new.name not in taken and (new.signature, new.consent, new.consent_kind,
                                                                    new.withdrawn) ==
                (old.signature, old.consent, old.consent_kind, old.withdrawn)]
        if not same:
            continue
        scored = sorted(((difflib.SequenceMatcher(None, old.name.lower(), n.name.lower()).ratio(), n.name)
                         for n in same), reverse=True)
        if len(scored) > 1 and scored[0][0] == scored[1][0]:
            continue  # two equally likely: not guessed
        out[old.name] = scored[0][1]
        taken.add(scored[0][1])
    return out


def compare_status(before: TreatyStatus | None, after: TreatyStatus, rules: TreatyRules, *, seq: int,
                   now: str) -> StatusChange:
    """The alerts for the reading numbered `seq` of the document (`before` is the previous one; None: the first,
    a baseline that alerts readers of nothing)."""
    operator = list(_anomalies(after, rules, now))
    if before is None:
        return StatusChange((), tuple(operator), ())
    old, new = before.by_name(), after.by_name()
    gone = [p for n, p in old.items() if n not in new]
    came = [p for n, p in new.items() if n not in old]
    renamed = _renames(gone, came)
    pairs: list[tuple[Participant | None, Participant]] = [(old[n], p) for n, p in new.items() if n in old]
    pairs += [(old[o], new[n]) for o, n in renamed.items()]
    pairs += [(None, p) for p in came if p.name not in renamed.values()]
    lines = [f"{o} is now listed as {n}" for o, n in renamed.items()]
    for p in gone:
        if p.name in renamed:
            continue
        detail = (f"{p.name} no longer appears in the depositary's table (it had {_facts(p)}); readers were not "
                  "told. A renaming not matched by its dates, or an error in the document: please check it.")
        lines.append(f"{p.name} no longer listed")
        operator.append(_alert(Kind.TREATY_ANOMALY, rules, f"{p.name} no longer listed", detail, now,
                               key=(p.name, "gone", seq)))
    alerts: list[Alert] = []
    regional = rules.regional
    total = len(counting(after, regional))
    newly = sorted(((b, a) for b, a in pairs if a.consent is not None and (b is None or b.consent is None)),
                   key=lambda pair: (pair[1].consent or dt.date.min, pair[1].name))
    new_counting = [a for _, a in newly if a.counts and a.name not in regional]
    base = total - len(new_counting)
    signatories = sum(1 for p in after.participants if p.signature is not None)
    for b, a in sorted(pairs, key=lambda pair: (pair[1].signature or dt.date.min, pair[1].name)):
        if a.signature is not None and (b is None or b.signature is None):
            lines.append(f"{a.name} signed ({long_date(a.signature)})")
            alerts.append(_alert(
                Kind.TREATY_SIGNED, rules, f"{a.name} signed ({signatories} signatories)",
                f"{a.name} signed {rules.name} on {long_date(a.signature)} ({signatories} signatories).", now,
                day=a.signature, key=(a.name, "signed", b.signature if b else None, a.signature, seq)))
    for _, a in newly:
        assert a.consent is not None
        verb, short = CONSENT_VERBS.get(a.consent_kind, CONSENT_VERBS[UNKNOWN]), _SHORT_VERBS.get(
            a.consent_kind, _SHORT_VERBS[UNKNOWN])
        how = f" (the depositary marks it {a.consent_suffix!r})" if a.consent_kind == UNKNOWN else ""
        if a.name in regional:
            count = f"still {total} of {rules.needed}"
            tail = (f"Under its entry-into-force clause (art. 65(1)) a regional organisation's instrument does not "
                    f"count on top of its member States': {total} of {rules.needed} needed for entry into force.")
        elif not a.counts:
            count = f"{total} of {rules.needed}"
            tail = f"It is printed as withdrawn, so it does not count: {total} of {rules.needed} needed."
        else:
            n = base + new_counting.index(a) + 1
            count = f"{n} of {rules.needed}"
            tail = f"{n} of the {rules.needed} instruments needed for entry into force."
        lines.append(f"{a.name} {short} ({long_date(a.consent)}; {count})")
        alerts.append(_alert(
            Kind.TREATY_CONSENT, rules, f"{a.name} {short} ({count} needed for entry into force)",
            f"{a.name} {verb} {rules.name} on {long_date(a.consent)}{how}. {tail}", now, day=a.consent,
            key=(a.name, "consent", a.consent, a.consent_kind, seq)))
    for b, a in pairs:
        if a.withdrawn and (b is None or not b.withdrawn):  # a new row may already be printed withdrawn
            lines.append(f"{a.name} withdrew")
            alerts.append(_alert(
                Kind.TREATY_WITHDRAWN, rules, f"{a.name} withdrew",
                f"The depositary now prints {a.name} between brackets, its mark of a participant that has withdrawn "
                f"from {rules.name}. Instruments counting toward entry into force now: {total} of {rules.needed}.",
                now, key=(a.name, "withdrawn", seq)))
        for what, was, now_is in _corrections(b, a) if b is not None else ():
            lines.append(f"{a.name}: {what} corrected ({was} → {now_is})")
            alerts.append(_alert(
                Kind.TREATY_CORRECTED, rules, f"{a.name}: {what} corrected",
                f"The depositary corrected {a.name}'s {what} for {rules.name}: it read {was}, it now reads "
                f"{now_is}.", now, key=(a.name, what, was, now_is, seq)))
    alerts += _entry_into_force(before, after, rules, now, seq, lines)
    return StatusChange(tuple(alerts), tuple(operator), tuple(lines))


def _corrections(b: Participant, a: Participant) -> list[tuple[str, str, str]]:
    """Changes to an action already recorded: a date or a kind of instrument that reads differently, an action
    that is no longer printed, brackets taken away."""
    out = []
    if b.signature is not None and a.signature != b.signature:
        out.append(("signature date", long_date(b.signature), long_date(a.signature) if a.signature
                    else f"no signature date ({a.signature_raw or 'empty'})"))
    if b.consent is not None and (a.consent, a.consent_kind, a.consent_suffix) != (b.consent, b.consent_kind,
                                                                                     b.consent_suffix):
        out.append(("instrument", f"{b.consent_kind} of {long_date(b.consent)}",
                    f"{a.consent_kind} of {long_date(a.consent)}" if a.consent
                    else f"no instrument ({a.consent_raw or 'empty'})"))
    if b.withdrawn and not a.withdrawn:
        out.append(("withdrawal", "withdrawn (between brackets)", "not withdrawn"))
    return out


def _entry_into_force(before: TreatyStatus, after: TreatyStatus, rules: TreatyRules, now: str, seq: int,
                      lines: list[str]) -> list[Alert]:
    out = []
    was = implied_entry_into_force(before, rules.regional, rules.needed, rules.delay_days)
    implied = implied_entry_into_force(after, rules.regional, rules.needed, rules.delay_days)
    if implied is not None and was is None:
        last = counting(after, rules.regional)[rules.needed - 1]
        lines.append(f"{rules.needed} instruments: entry into force implied on {long_date(implied)}")
        out.append(_alert(
            Kind.TREATY_IN_FORCE, rules, f"{rules.needed} of {rules.needed}: in force on {long_date(implied)}",
            f"With {last.name}'s instrument of {long_date(last.consent)}, {rules.name} has the {rules.needed} "
            f"instruments its entry-into-force clause needs. It enters into force on the {_ordinal(rules.delay_days)} "
            f"day after that deposit: {long_date(implied)} (implied by the clause; the depositary's own date is "
            "alerted when its record prints one).", now, day=implied, key=("implied", implied, seq)))
    dated = re.match(r"^\d{1,2} [A-Z][a-z]+ \d{4}", after.eif_text)
    if dated and after.eif_text != before.eif_text:
        lines.append(f"the depositary records entry into force: {after.eif_text[:120]}")
        out.append(_alert(
            Kind.TREATY_IN_FORCE, rules, f"the depositary records entry into force: {dated.group(0)}",
            f"The depositary's record of {rules.name} now reads, for entry into force: \u201c{after.eif_text}\u201d",
            now, key=("recorded", after.eif_text, seq)))
    return out


def _anomalies(after: TreatyStatus, rules: TreatyRules, now: str) -> list[Alert]:
    """What the operator should look at in a reading we still trust: its own counts disagreeing with its rows, an
    action mark we do not know. Each distinct one is told once."""
    out = []
    signed = sum(1 for p in after.participants if p.signature is not None)
    consents = sum(1 for p in after.participants if p.counts)
    for what, stated, counted in (("signatories", after.signatories_stated, signed),
                                  ("parties", after.parties_stated, consents)):
        if stated is not None and stated != counted:
            detail = (f"the document states {stated} {what}, its table lists {counted}; readers' counts follow the "
                      "table. Please check the document.")
            out.append(_alert(Kind.TREATY_ANOMALY, rules, f"{what}: {stated} stated, {counted} listed", detail, now,
                              key=("stated", what, stated, counted)))
    for note in after.notes:
        out.append(_alert(Kind.TREATY_ANOMALY, rules, note[:80], f"The status document reads oddly: {note}", now,
                          key=("note", note)))
    return out


def _ordinal(n: int) -> str:
    words = {90: "ninetieth", 30: "thirtieth", 60: "sixtieth"}
    if n in words:
        return words[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _facts(p: Participant) -> str:
    parts = []
    if p.signature:
        parts.append(f"signed on {long_date(p.signature)}")
    if p.consent:
        parts.append(f"a {p.consent_kind} of {long_date(p.consent)}")
    return " and ".join(parts) or "no dated action"


def _alert(kind: Kind, rules: TreatyRules, title: str, detail: str, now: str, *, key: tuple[object, ...],
           day: dt.date | None = None) -> Alert:
    operator = kind.audience == "operator"
    return Alert(kind=kind, url=rules.url if operator else rules.page, title=title, detail=detail,
                 published=day.isoformat() if day else "", created_at=now,
                 dedup_key=digest(rules.url, kind, *(str(k) for k in key)))
