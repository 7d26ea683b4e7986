"""Hand-made status documents of a treaty in the two shapes the UN Treaty Collection serves: the MTDSG XML
(escaped `<superscript>` footnotes, ISO-8859-1) and the ViewDetails HTML grid (`<sup>` footnotes). Written from
the research note's description (shared/research/UNTC.md), not copied from any page."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

LABELS = ("Participant", "Signature", "Acceptance(A), Ratification, Approval(AA), Accession(a)")
EIF_CLAUSE = ("in accordance with article 65(1) which reads as follows: \"This Convention shall enter into force on "
              "the ninetieth day after the date of deposit of the fortieth instrument of ratification, acceptance, "
              "approval or accession.\"")
TITLE = "United Nations Convention against Cybercrime; Strengthening International Cooperation"


@dataclass(frozen=True)
class Row:
    """One participant as the depositary prints it: cells verbatim (name with its footnote marks, date cells)."""

    name: str
    signature: str = ""
    consent: str = ""
    marks: tuple[str, ...] = ()  # footnote numbers after the name


@dataclass
class Doc:
    rows: list[Row] = field(default_factory=list)
    labels: Sequence[str] = LABELS
    signatories: int | None = None  # the Status block's counts; None: counted from the rows
    parties: int | None = None
    stated: bool = True
    eif: str = EIF_CLAUSE


def cell_date(day: dt.date, suffix: str = "", *, tab: bool = True) -> str:
    """"25 Oct\\t 2025 " as the depositary writes it (a tab, blanks), with the action's suffix."""
    text = f"{day.day} {day:%b}{chr(9) + ' ' if tab else ' '}{day.year}"
    return f"{text} {suffix} " if suffix else text + " "


def _counts(doc: Doc) -> tuple[int, int]:
    signed = sum(1 for r in doc.rows if r.signature.strip())
    parties = sum(1 for r in doc.rows if r.consent.strip() and not r.name.startswith("["))
    return (doc.signatories if doc.signatories is not None else signed,
            doc.parties if doc.parties is not None else parties)


def xml_doc(doc: Doc, *, encoding: str = "ISO-8859-1") -> bytes:
    """The MTDSG XML: footnote markers are escaped markup inside each Entry's text."""
    signatories, parties = _counts(doc)

    def entry(text: str) -> str:
        return f"<Entry>{escape(text)}</Entry>" if text else "<Entry/>"

    rows = []
    for r in doc.rows:
        name = r.name + (f"<superscript>{','.join(r.marks)}</superscript>" if r.marks else "")
        rows.append("<Row>" + entry(name) + entry(r.signature) + entry(r.consent) + "</Row>")
    status = (f"<Status><Signatories>{signatories}</Signatories>"
              + (f"<Parties>{parties}</Parties>" if parties else "") + "</Status>") if doc.stated else ""
    text = (f'<?xml version="1.0" encoding="{encoding}"?>\n<Document><Chapter><Header>CHAPTER XVIII</Header>'
            f"<Name>PENAL MATTERS</Name></Chapter><Treaty><ExternalData><Titlesect>{escape(TITLE)}</Titlesect>"
            "<Conclusion>New York, 24 December 2024</Conclusion>"
            f"<EIF><Labeltext>{escape(doc.eif)}</Labeltext></EIF>{status}</ExternalData>"
            "<Participants><Table><TGroup><Thead><Row>" + "".join(entry(lb) for lb in doc.labels)
            + "</Row></Thead><Tbody><Rows>\n" + "\n".join(rows) + "\n</Rows></Tbody></TGroup></Table></Participants>"
            "<EndNotes><EndNote>1 A note of the depositary.</EndNote></EndNotes></Treaty></Document>\n")
    return text.encode(encoding)


def html_doc(doc: Doc, *, encoding: str = "utf-8", as_at: str = "07-12-2026") -> bytes:
    """The ViewDetails page: header divs with ASP.NET ids, the grid with `<sup>` footnotes, the closing tags."""
    signatories, parties = _counts(doc)

    def cell(text: str) -> str:
        return f"<td>{escape(text)}</td>"

    grid = ["<tr>" + "".join(f"<td><b>{escape(lb)}</b></td>" for lb in doc.labels) + "</tr>"]
    for r in doc.rows:
        sup = f"<sup>{' , '.join(r.marks)}</sup>" if r.marks else ""
        grid.append(f"<tr><td>{escape(r.name)}{sup}</td>{cell(r.signature)}{cell(r.consent)}</tr>")
    prefix = "ctl00_ctl00_ContentPlaceHolder1_ContentPlaceHolderInnerPage"
    status = f"Signatories : {signatories}. Parties : {parties}." if doc.stated else ""
    page = (f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>UNTC</title></head><body>'
            f"<div>STATUS AS AT : {as_at} 05:00:12 EDT</div>"
            f'<div id="{prefix}_rptTreaty_ctl00_tcTreaty">{escape(TITLE)}</div>'
            f'<div id="{prefix}_rptEIF_ctl00_tcText">{escape(doc.eif)}</div>'
            f'<div id="{prefix}_rptStatus_ctl00_tcText">{status}</div>'
            f'<div class="table-responsive"><table id="{prefix}_tblgrid">{"".join(grid)}</table></div>'
            "<p>Footnotes follow.</p></body></html>\n")
    return page.encode(encoding)


MAINTENANCE = (b"<!DOCTYPE html><html><head><title>United Nations Treaty Collection</title></head><body>"
               b"<h1>The site is undergoing urgent maintenance and is currently unavailable.</h1>"
               b"<p>Please try again later.</p></body></html>")


# -- the alerts the diff makes, one of each kind (goldens, notify samples) ---------------------------------------------
DOC_URL = "https://treaties.un.org/doc/Publication/MTDSG/Volume%20II/Chapter%20XVIII/XVIII-16.en.xml"
PAGE_URL = "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-16&chapter=18&clang=_en"


def treaty_samples() -> dict[str, object]:
    """kind → the first alert of that kind compare_status makes along a scripted history of the Convention."""
    from monitor.core.treaty import Participant, TreatyStatus
    from monitor.decide.treaty import TreatyRules, compare_status

    rules = TreatyRules(url=DOC_URL, page=PAGE_URL)
    hanoi = dt.date(2025, 10, 25)
    states = [Participant("Ruritania", signature=hanoi), Participant("Mali", signature=hanoi),
              *(Participant(f"State {i:02d}", signature=hanoi) for i in range(3, 72))]
    first = TreatyStatus(participants=(*states, Participant("European Union", signature=hanoi)))
    signed = TreatyStatus(participants=(*first.participants, Participant("Mauritius", signature=dt.date(2025, 11, 19))))
    qatar = dt.date(2026, 3, 12)
    ratified = TreatyStatus(participants=(
        *(Participant(p.name, p.signature, qatar, "ratification") if p.name == "Ruritania" else p
          for p in signed.participants),
        Participant("Qatar", qatar, qatar, "ratification")))
    corrected = TreatyStatus(participants=tuple(
        Participant(p.name, dt.date(2025, 10, 26)) if p.name == "Mali" else p for p in ratified.participants))
    withdrawn = TreatyStatus(participants=tuple(
        Participant(p.name, p.signature, p.consent, p.consent_kind, withdrawn=True) if p.name == "Ruritania" else p
        for p in corrected.participants))
    day = dt.date(2026, 6, 1)
    forty = TreatyStatus(participants=tuple(
        Participant(p.name, p.signature, p.consent or day, p.consent_kind or "accession", "a")
        if p.name <= "State 41" and p.name not in ("Ruritania", "Mali") else p for p in withdrawn.participants),
        notes=("State 30: unknown action suffix 'c' on 2026-06-01 (kept as it is)",))
    out: dict[str, object] = {}
    history = [first, signed, ratified, corrected, withdrawn, forty]
    for seq, (before, after) in enumerate(itertools.pairwise(history), start=2):
        change = compare_status(before, after, rules, seq=seq, now="")
        for alert in (*change.alerts, *change.operator):
            out.setdefault(alert.kind, alert)
    from monitor.core.model import Alert

    out["treaty_unavailable"] = Alert(
        kind="treaty_unavailable", url=DOC_URL, title="the UN Convention against Cybercrime", dedup_key="u",
        detail="The treaty's status document cannot be trusted now: the depositary's site answers with a maintenance "
               "page. Nothing was compared and readers were not told; it is read again at the next interval.")
    return out
