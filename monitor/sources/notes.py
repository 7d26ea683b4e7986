"""Recognise EFF's update notes ("Update (1/6/2025): …") and read their dates."""

from __future__ import annotations

import datetime as dt
import functools
import re

from monitor.core.model import UpdateNote

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE_WORDS = rf"(?:on\s+)?{_MONTH}\s+\d{{1,2}}(?:,?\s*\d{{4}})?"
_DAY_MONTH = rf"\d{{1,2}}\s+{_MONTH}(?:,?\s*\d{{4}})?"  # "Update 4 March 2026:"
_LABELS = r"updated?|note on the update|editor['’]s note|correction|clarification"


@functools.lru_cache(maxsize=64)
def _note_pattern(labels: str) -> re.Pattern[str]:
    return re.compile(
        r"^\W{0,3}(?P<label>"
        r"(?:" + labels + r")"
        r"(?:\s*\((?P<paren>[^)]{1,40})\)|,?\s+(?P<words>" + _DATE_WORDS + r"|" + _DAY_MONTH
        + r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?))?"
        r")\s*[:.\u2014\u2013-]\s+(?P<rest>\S.*)$",
        re.IGNORECASE | re.DOTALL,
    )


_NOTE = _note_pattern(_LABELS)
_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%d %B %Y",
            "%d %b %Y")


def parse_note(paragraph: str, published: str = "", markers: tuple[str, ...] = ()) -> UpdateNote | None:
    """An UpdateNote when the paragraph opens with a note label and a colon, else None.

    `published` (ISO date) supplies the year of a yearless date ("Update, Dec. 24:"): the
    first such date on or after publication. `markers`: a site's own labels, besides the built-in ones.
    """
    pattern = _note_pattern("|".join([_LABELS, *(re.escape(m.strip()) for m in markers if m.strip())])) if markers \
        else _NOTE
    match = pattern.match(paragraph)
    if not match:
        return None
    label = match.group("label").strip()
    if match.group(0)[match.start("rest") - 2 : match.start("rest")].strip() not in {":", ""} and not (
        match.group("paren") or match.group("words")
    ):
        # "Update - foo" without a date is too weak a signal; only a colon makes a bare label a note.
        return None
    when = match.group("paren") or match.group("words") or ""
    return UpdateNote(text=paragraph.strip(), label=label, date=parse_note_date(when, published))


def parse_note_date(words: str, published: str = "") -> dt.date | None:
    """Read "1/6/2025", "12/21/24", "Dec. 24, 2024", "2025-01-06", or "Dec. 24" with the year of
    publication (the next year when that would precede it); None when absent or unreadable."""
    cleaned = re.sub(r"^(?:on|updated|as of)\s+", "", words.strip(), flags=re.IGNORECASE)
    cleaned = re.sub(r"\.(?=\s)", "", cleaned).replace("Sept ", "Sep ")
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    try:
        base = dt.date.fromisoformat(published[:10])
    except ValueError:
        return None
    for fmt in ("%B %d", "%b %d", "%d %B", "%d %b", "%m/%d"):
        try:
            # Parse with the year attached (a bare "%b %d" defaults to 1900, where Feb 29 fails).
            day = dt.datetime.strptime(f"{cleaned} {base.year}", f"{fmt} %Y").date()
        except ValueError:
            continue
        if day >= base:
            return day
        try:
            return day.replace(year=base.year + 1)
        except ValueError:  # Feb 29 with no leap year after it
            return day
    return None
