"""decide: what a "removed" alert born of a stub tells readers. Pure: no I/O.

A stub is only our reading of a page (decide.article.Stub), so the alert says what was seen and what is uncertain,
and quotes the page's first words, never the page.
"""

from __future__ import annotations

STUB_QUOTE = 200  # characters of a stub quoted in its "removed" alert: its first words, never a page


def removal_detail(words: int, before: int, text: str, checks: int, *, wall: bool = False) -> str:
    """The alert's detail: the stub's `words` where the article had `before`, after `checks` in a row without it,
    its `text` quoted; `wall`: the site shows it in place of all its few tracked articles (decide.walls.SMALL_HOST)."""
    shows = f"{words} words" if words else "no text"
    if wall:
        lead = (f"The page now shows {shows} where the article had {before} ({checks} checks in a row without the "
                "article), and the site shows it in place of all its few articles we track: they may all have been "
                "taken down, or the site may now keep us out (a consent, login or rate-limit wall).")
    else:
        lead = (f"The page now shows {shows} where the article had {before} ({checks} checks in a row without the "
                "article): it may have been taken down, put behind a login, or replaced by an error page.")
    return f"{lead} The page reads: “{_clip_words(text, STUB_QUOTE)}”" if text else lead


def _clip_words(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.rfind(" ")  # at a word's end; a run with no space is cut where the limit falls
    return (head[:cut] if cut > 0 else head).rstrip() + " …"
