"""Reading a treaty's status document: the UN Treaty Collection's MTDSG XML, or its ViewDetails HTML grid.

Pure: bytes in, a TreatyStatus out, or TreatyUnavailable. The bytes are read in the encoding the document
declares (the XML says ISO-8859-1), columns are found by their labels, never by position, and anything that is
not plainly the document (a maintenance page, another page, a cut-off body, relabelled columns) fails closed.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import unicodedata
from typing import TYPE_CHECKING

from monitor.core.treaty import CONSENT_KINDS, UNKNOWN, Participant, TreatyStatus, TreatyUnavailable

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

log = logging.getLogger(__name__)

GRID_ID = "ctl00_ctl00_ContentPlaceHolder1_ContentPlaceHolderInnerPage_tblgrid"
MAINTENANCE = ("urgent maintenance", "currently unavailable", "under maintenance", "temporarily unavailable")
MAX_ROWS = 2000  # every state in the world, several times over: more is not a status table

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}
_DATE = re.compile(r"^(\d{1,2}) ([A-Za-z]{3})[a-z]*\.? (\d{4})(?: ([A-Za-z]{1,3}))?$")
_FOOTNOTE = re.compile(r"<\s*(?:superscript|sup)\s*>(.*?)<\s*/\s*(?:superscript|sup)\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_TRAILING_MARKS = re.compile(r"(?:\s*,?\s*\d{1,3})+\s*,?\s*$")  # "Denmark 1", "North Macedonia 4 ," (tags gone)


# -- the cells ---------------------------------------------------------------------------------------------------
def _spaces(text: str) -> str:
    """Tabs, NBSP and runs of blanks read as one space; NFC, so "Côte" is one spelling."""
    return unicodedata.normalize("NFC", " ".join(text.replace("\xa0", " ").split()))


def split_footnotes(text: str) -> tuple[str, tuple[str, ...]]:
    """The text without its footnote markers (escaped `<superscript>` in the XML, `<sup>` in HTML), and the markers
    ("China<superscript>4,7,8</superscript>" → "China", ("4", "7", "8"))."""
    text = html.unescape(text)
    marks: list[str] = []
    for found in _FOOTNOTE.findall(text):
        marks += [m for m in (_spaces(x) for x in _TAG.sub("", found).split(",")) if m]
    return _TAG.sub("", _FOOTNOTE.sub(" ", text)), tuple(marks)


def participant_name(text: str, extra_marks: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...], bool]:
    """(name as the depositary spells it, footnote markers, printed between [brackets] = withdrawn)."""
    bare, marks = split_footnotes(text)
    name = _spaces(bare)
    if not marks and not extra_marks and (trailing := _TRAILING_MARKS.search(name)) and trailing.start() > 0:
        marks = tuple(m.strip() for m in trailing.group(0).split(",") if m.strip())  # markup already stripped
        name = name[: trailing.start()].rstrip()
    withdrawn = name.startswith("[") and name.endswith("]")
    if withdrawn:
        name = _spaces(name[1:-1])
    return name, (*extra_marks, *marks), withdrawn


def parse_action(text: str) -> tuple[dt.date | None, str, bool, str]:
    """A date cell such as "25 Oct\\t 2025 " or "[20 Jan 2021 A]": (date, suffix, bracketed, the cell as read).
    An empty cell is (None, "", False, ""); a cell that is not a date keeps its text and has no date."""
    bare, _ = split_footnotes(text)
    raw = _spaces(bare)
    cell = raw
    bracketed = cell.startswith("[") and cell.endswith("]")
    if bracketed:
        cell = _spaces(cell[1:-1])
    if not cell:
        return None, "", bracketed, raw
    match = _DATE.match(cell)
    month = _MONTHS.get(match.group(2).lower()) if match else None
    if not match or month is None:
        return None, "", bracketed, raw
    try:
        day = dt.date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None, "", bracketed, raw
    return day, match.group(4) or "", bracketed, raw


# -- the columns -------------------------------------------------------------------------------------------------
def map_columns(labels: list[str]) -> dict[str, int]:
    """Column index of `participant`, `signature` and `consent`, found by their labels; any other column, or one
    of these missing, means the table is not the one we know: TreatyUnavailable."""
    found: dict[str, int] = {}
    for i, label in enumerate(labels):
        low = _spaces(label).lower()
        role = ("participant" if low.startswith("participant") else "signature" if low.startswith("signature")
                else "consent" if "ratification" in low or "accession" in low else None)
        if role is None or role in found:
            shown = " | ".join(_spaces(x) for x in labels)[:200]
            raise TreatyUnavailable(f"the table's column labels changed ({shown!r})")
        found[role] = i
    missing = {"participant", "signature", "consent"} - set(found)
    if missing:
        raise TreatyUnavailable(f"the table has no {', '.join(sorted(missing))} column "
                                f"(labels: {' | '.join(_spaces(x) for x in labels)[:200]!r})")
    return found


def _row(cells: list[str], columns: dict[str, int], notes: list[str], extra_marks: tuple[str, ...] = ()) -> Participant:
    if len(cells) > len(columns):
        raise TreatyUnavailable(f"a row has {len(cells)} cells, the header {len(columns)}")
    cells = cells + [""] * (len(columns) - len(cells))
    name, marks, withdrawn = participant_name(cells[columns["participant"]], extra_marks)
    if not name:
        raise TreatyUnavailable("a row has no participant name")
    signed, sig_suffix, sig_brackets, sig_raw = parse_action(cells[columns["signature"]])
    consent, suffix, con_brackets, con_raw = parse_action(cells[columns["consent"]])
    if sig_raw and signed is None:
        notes.append(f"{name}: signature cell is not a date: {sig_raw!r}")
    if con_raw and consent is None:
        notes.append(f"{name}: consent cell is not a date: {con_raw!r}")
    if sig_suffix:
        notes.append(f"{name}: signature date has a suffix {sig_suffix!r}")
    kind = ""
    if consent is not None:
        kind = CONSENT_KINDS.get(suffix, UNKNOWN)
        if kind == UNKNOWN:
            notes.append(f"{name}: unknown action suffix {suffix!r} on {consent.isoformat()} (kept as it is)")
    return Participant(name=name, signature=signed, consent=consent, consent_kind=kind, consent_suffix=suffix,
                       withdrawn=withdrawn or sig_brackets or con_brackets, footnotes=marks,
                       signature_raw=sig_raw, consent_raw=con_raw)


def _finish(rows: list[Participant], notes: list[str], **facts: object) -> TreatyStatus:
    if not rows:
        raise TreatyUnavailable("the participants table has no rows")
    names = [p.name for p in rows]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise TreatyUnavailable(f"a participant is listed twice ({', '.join(twice)[:120]})")
    for note in notes:
        log.warning("treaty status: %s", note)
    return TreatyStatus(participants=tuple(rows), notes=tuple(notes), **facts)  # type: ignore[arg-type]


# -- the two shapes ----------------------------------------------------------------------------------------------
def parse_status(body: bytes, content_type: str = "") -> TreatyStatus:
    """The status in either shape, told apart by the body itself; TreatyUnavailable for anything else."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    sample = body[:20000].lower()
    if head.startswith(b"<?xml") and b"<html" not in head:
        return parse_xml(body)
    if GRID_ID.lower().encode() in body.lower():
        return parse_html(body, content_type)
    if any(m.encode() in sample for m in MAINTENANCE):
        raise TreatyUnavailable("the depositary's site answers with a maintenance page")
    if head.startswith(b"<") and (b"<participants" in body.lower() or b"<treaty" in head):
        return parse_xml(body)
    raise TreatyUnavailable("the body is not a treaty status document (neither the MTDSG XML nor the HTML grid)")


def _entry_text(entry: ET.Element) -> tuple[str, tuple[str, ...]]:
    """An Entry's whole text. Footnote markers are escaped text in the live XML; if they ever come as real
    `<superscript>` elements, they are kept apart the same way."""
    parts = [entry.text or ""]
    marks: list[str] = []
    for child in entry:
        if child.tag.lower() in ("superscript", "sup"):
            marks += [m.strip() for m in "".join(child.itertext()).split(",") if m.strip()]
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts), tuple(marks)


def parse_xml(body: bytes) -> TreatyStatus:
    """The MTDSG XML, parsed from bytes so the declared encoding (ISO-8859-1) applies; no DTD is accepted."""
    import xml.etree.ElementTree as ET  # only when a treaty's status is read: not on every start

    if re.search(rb"<!(?:DOCTYPE|ENTITY)", body, re.IGNORECASE):
        raise TreatyUnavailable("the XML declares a DTD or entities; not read")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise TreatyUnavailable(f"the XML does not parse; cut off or broken ({exc})") from None
    groups = [g for p in root.iter("Participants") for g in p.findall("Table/TGroup")]
    if len(groups) != 1:
        raise TreatyUnavailable(f"the XML has {len(groups)} participants tables, not one")
    group = groups[0]
    labels = [_entry_text(e)[0] for e in group.findall("Thead/Row/Entry")]
    columns = map_columns(labels)
    notes: list[str] = []
    rows = group.findall("Tbody/Rows/Row")
    if len(rows) > MAX_ROWS:
        raise TreatyUnavailable(f"the participants table has {len(rows)} rows, more than {MAX_ROWS}")
    people = []
    for row in rows:
        texts = [_entry_text(e) for e in row.findall("Entry")]
        marks = texts[columns["participant"]][1] if len(texts) > columns["participant"] else ()
        people.append(_row([t for t, _ in texts], columns, notes, marks))

    def text(path: str) -> str:
        found = root.find(path)
        return _spaces(split_footnotes(_entry_text(found)[0])[0]) if found is not None else ""

    return _finish(people, notes, shape="xml", title=text(".//Titlesect"),
                   signatories_stated=_count(text(".//Status/Signatories")),
                   parties_stated=_count(text(".//Status/Parties")), eif_text=text(".//EIF/Labeltext"))


def _count(text: str) -> int | None:
    match = re.search(r"\d+", text)
    return int(match.group(0)) if match else None


def parse_html(body: bytes, content_type: str = "") -> TreatyStatus:
    """The ViewDetails page: the grid's first row is the header, `<sup>` marks footnotes; the page must end."""
    from selectolax.lexbor import LexborHTMLParser

    from monitor.sources.fetch import decode_body

    text = decode_body(body, content_type)
    at = text.lower().find(GRID_ID.lower())
    if at < 0 or "</table" not in text.lower()[at:] or "</html" not in text.lower()[-4096:]:
        raise TreatyUnavailable("the HTML page is cut off or has no participants grid")
    tree = LexborHTMLParser(text)
    grid = tree.css_first(f"table#{GRID_ID}")
    if grid is None:
        raise TreatyUnavailable("the HTML page has no participants grid")
    trs = grid.css("tr")
    if not trs or len(trs) > MAX_ROWS:
        raise TreatyUnavailable(f"the participants grid has {len(trs)} rows")
    labels = [c.text(deep=True, separator=" ") for c in trs[0].css("th, td")]
    columns = map_columns(labels)
    notes: list[str] = []
    people = []
    for tr in trs[1:]:
        cells = tr.css("td")
        if not cells:
            continue
        people.append(_row([c.html.partition(">")[2].rpartition("<")[0] if c.html else "" for c in cells],
                           columns, notes))
    page = tree.body.text(deep=True, separator=" ") if tree.body else ""
    as_at = re.search(r"STATUS AS AT\s*:\s*(\d{1,2}-\d{1,2}-\d{4})", page, re.IGNORECASE)
    signatories = re.search(r"Signatories\s*:\s*(\d+)", page)
    parties = re.search(r"Parties\s*:\s*(\d+)", page)
    eif = tree.css_first("[id$='_rptEIF_ctl00_tcText']")
    title = tree.css_first("[id$='_rptTreaty_ctl00_tcTreaty']")
    return _finish(people, notes, shape="html",
                   title=_spaces(title.text(deep=True, separator=" ")) if title else "",
                   signatories_stated=int(signatories.group(1)) if signatories else None,
                   parties_stated=int(parties.group(1)) if parties else None,
                   eif_text=_spaces(eif.text(deep=True, separator=" ")) if eif else "",
                   as_at=as_at.group(1) if as_at else "")
