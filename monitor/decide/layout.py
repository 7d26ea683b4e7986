"""Layout is not content: across a change of the page's layout, everything a reader would see change alerts.

When the body is found in a different place of the page (a redesign, a template change, an A/B test), the
extracted text may shift at its *outer edges*: a byline, a share bar or a "related posts" list comes into the
body or leaves it, notes move in or out of it, the title gains or loses the site's name. Only those are the
layout's. The interior of the body, a sentence whose words changed, a title beyond an affix the host's other
titles share, and a note are a reader's news whatever the layout; and an alert made across a layout change says
so (`Change.layout_changed`), so a reader knows what is uncertain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from monitor.core.kinds import Kind
from monitor.core.model import Change, Snapshot
from monitor.core.text import canonical
from monitor.decide.chrome import looks_like_update, paragraph_key, similar_to_any
from monitor.decide.compare import MINOR_SIMILARITY, compare

# A paragraph at the body's edge "reads as chrome" when it is short and either is no sentence (a label: a byline,
# a date, a list of links) or speaks of the page rather than the story, in a phrase article prose hardly uses
# ("share this", "sign up", "filed under" ...): single words such as "share" or "support" are news in a treaty story.
SHORT_WORDS = 24
LABEL_WORDS = 8  # a byline, a date line, a tag list: longer lines without a full stop are a list's items
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_PAGE_PHRASES = re.compile(
    r"\b(?:share this|share on|sign up|subscribe (?:to|today|now|for)|our newsletter|filed under|posted (?:in|under)"
    r"|tagged (?:with|as|in)|tags:|follow us|related (?:posts|articles|stories|content)|leave a comment"
    r"|all rights reserved|donate (?:now|today)|support our (?:work|journalism))\b")
_WORD = re.compile(r"[\w'’-]+")
# Title affixes: the site's name is set off by a separator with white space on both sides ("X | EFF").
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|·•»«›‹~/\\:–—\"-]+|::)\s+")  # canonical text folds « » into "


@dataclass(frozen=True)
class HostContext:
    """What a host's other articles show this cycle, for judging one article read in a new layout.

    `edge_chrome`: paragraph keys at the same edge of many of the host's articles read in this layout (or, for
    text the layout took away, in the layout before), `held`: keys that articles read in the new layout hold.
    `title_affixes`: title prefixes/suffixes (canonical, folded) that several of the host's titles carry.
    """

    edge_chrome: frozenset[str] = frozenset()
    title_affixes: frozenset[str] = frozenset()
    held: frozenset[str] = frozenset()  # paragraph keys some article read in the new layout still holds


def reads_as_chrome(paragraph: str) -> bool:
    """A short label, or a short sentence about the page itself: what a template puts at a body's edge. A line
    that opens like an update note ("Updated March 3:", "Correction") never is, whatever its shape."""
    text = canonical(paragraph).casefold()
    words = _WORD.findall(text)
    if not words:
        return True
    if looks_like_update(text):
        return False
    if len(words) <= LABEL_WORDS and not _SENTENCE_END.search(paragraph.strip()):
        return True  # no sentence: a byline, a date, a link list's item
    return len(words) <= SHORT_WORDS and _PAGE_PHRASES.search(canonical(paragraph).casefold()) is not None


def title_core(title: str, affixes: Iterable[str]) -> str:
    """The title without the leading and trailing segments that are a shared affix ("X | EFF" → "x")."""
    affixes = frozenset(affixes)
    parts = _TITLE_SEPARATOR.split(canonical(title).casefold())
    while len(parts) > 1 and parts[-1].strip() in affixes:
        parts.pop()
    while len(parts) > 1 and parts[0].strip() in affixes:
        parts.pop(0)
    return " ".join(p.strip() for p in parts)


def title_affixes_of(title: str) -> tuple[str, ...]:
    """The first and last separator-delimited segments of a title: the places a site's name goes."""
    parts = [p.strip() for p in _TITLE_SEPARATOR.split(canonical(title).casefold()) if p.strip()]
    return (parts[0], parts[-1]) if len(parts) > 1 else ()


def same_title(a: str, b: str, affixes: Iterable[str]) -> bool:
    """One title in two templates: equal once the affixes the host's titles share are set aside."""
    if canonical(a) == canonical(b):
        return True
    affixes = frozenset(affixes)
    return bool(affixes) and title_core(a, affixes) == title_core(b, affixes)


def edge_paragraphs(snapshot: Snapshot, depth: int = 3) -> tuple[tuple[str, str], ...]:
    """(edge, paragraph) for the first and last `depth` paragraphs: where a template adds its text."""
    paras = snapshot.paragraphs
    head = tuple(("head", p) for p in paras[:depth])
    tail = tuple(("tail", p) for p in paras[-depth:])
    return head + tail


def across_layout(old: Snapshot, new: Snapshot, context: HostContext | None = None, *,
                  minor_similarity: float = MINOR_SIMILARITY) -> Change | None:
    """What a reader would see change between `old` (one layout) and `new` (another): everything but the text a
    layout explains at the body's outer edges and a shared title affix. None when nothing else changed."""
    context = context or HostContext()
    old_page, new_page = _page_text(old), _page_text(new)

    old_texts = {canonical(p).casefold() for p in old.paragraphs}
    new_texts = {canonical(p).casefold() for p in new.paragraphs}
    lost = [p for p in old.paragraphs if canonical(p).casefold() not in new_texts]
    gained = [p for p in new.paragraphs if canonical(p).casefold() not in old_texts]

    def explained(paragraph: str, other_side: str, *, came: bool) -> bool:
        if similar_to_any(paragraph, lost if came else gained):
            return False  # its words were edited in place: a sentence whose words changed is news
        text = canonical(paragraph).casefold()
        key = paragraph_key(paragraph)
        shared = key in context.edge_chrome and (came or key not in context.held)
        return shared or reads_as_chrome(paragraph) or (len(text) > 0 and text in other_side)

    old_body, new_body = _peel_edges(list(old.paragraphs), list(new.paragraphs), explained,
                                     _titles_and_notes(old), _titles_and_notes(new))
    title = old.title if same_title(old.title, new.title, context.title_affixes) else new.title
    change = compare(replace(old, paragraphs=tuple(old_body)), replace(new, title=title, paragraphs=tuple(new_body)),
                     minor_similarity=minor_similarity)
    if change is None:
        return None
    added = tuple(n for n in change.notes_added if canonical(n.text).casefold() not in old_page)
    removed = tuple(n for n in change.notes_removed if canonical(n.text).casefold() not in new_page)
    has_title = bool(change.title_before or change.title_after)
    kinds = [k for k, present in ((Kind.NOTE_ADDED, bool(added) and not removed),
                                  (Kind.NOTE_CHANGED, bool(removed)), (Kind.TITLE_CHANGED, has_title),
                                  (Kind.BODY_EDITED, bool(change.edits))) if present]
    if not kinds:
        return None
    return replace(change, kind=kinds[0], extra_kinds=tuple(kinds[1:]), notes_added=added, notes_removed=removed,
                   layout_changed=True)


def _peel_edges(old: list[str], new: list[str], explained: Callable[..., bool], old_other: str, new_other: str
                ) -> tuple[list[str], list[str]]:
    """Both bodies without the whole paragraphs at their outer edges that the layout explains.

    Peeling stops at the first paragraph both sides share that is the article's own (a label both show, such as a
    date line, or the headline repeated in the body, is passed over), at the head and at the tail alike: the
    interior is never the layout's. A paragraph gained is explained against the old page's title and notes (moved
    into the body), one lost against the new page's (moved out of it).
    """
    old_keys = {canonical(p).casefold() for p in old}
    new_keys = {canonical(p).casefold() for p in new}
    for end in (0, -1):
        while old or new:
            if old and new and canonical(old[end]).casefold() == canonical(new[end]).casefold():
                same = canonical(old[end]).casefold()
                if not (reads_as_chrome(old[end]) or same in old_other or same in new_other):
                    break  # the article's own text: the interior starts here
                old.pop(end)  # a label both layouts show (a date line): the edge goes on past it
                new.pop(end)
                continue
            if new and canonical(new[end]).casefold() not in old_keys and explained(new[end], old_other, came=True):
                new.pop(end)
            elif old and canonical(old[end]).casefold() not in new_keys and explained(old[end], new_other,
                                                                                         came=False):
                old.pop(end)
            else:
                break
    return old, new


def _titles_and_notes(snapshot: Snapshot) -> str:
    return canonical(" ".join([snapshot.title, *(n.text for n in snapshot.notes)])).casefold()


def _page_text(snapshot: Snapshot) -> str:
    parts: list[str] = [snapshot.title, *(n.text for n in snapshot.notes), *snapshot.paragraphs]
    return canonical(" ".join(parts)).casefold()


# A stored version and another reading are one article when its title reads the same and this share of its
# sentences is on the new page, or, whatever the title, when this larger share is.
SAME_WITH_TITLE = 0.5
SAME_WITHOUT_TITLE = 0.8
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_MIN_SENTENCE_WORDS = 4


def plausibly_same(old: Snapshot, new: Snapshot) -> bool:
    """Whether `new` (read some other way) is plausibly the article `old` was: its title matches closely and half
    of `old`'s sentences are on the page, or most of them are. A listing page, a search page or a consent page a
    removed post redirects to holds a teaser at most: never the same article."""
    sentences = [s for p in old.paragraphs for s in _SENTENCE.split(canonical(p).casefold())
                 if len(s.split()) >= _MIN_SENTENCE_WORDS]
    if not sentences:
        return False
    page = _page_text(new)
    share = sum(s in page for s in sentences) / len(sentences)
    return share >= SAME_WITHOUT_TITLE or (share >= SAME_WITH_TITLE and _close_title(old.title, new.title))


def _close_title(a: str, b: str) -> bool:
    x, y = canonical(a).casefold(), canonical(b).casefold()
    return bool(x and y) and (x in y or y in x or SequenceMatcher(None, x, y).ratio() >= 0.9)
