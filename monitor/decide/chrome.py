"""Boilerplate learned across articles: a paragraph that *arrives* in many of one site's articles' bodies at once
(a donation appeal, a newsletter blurb, a "more on this topic" list injected into bodies), or leaves many at once,
is the site's chrome, never an article's edit.

Text an article held when it was read before is the article's, however many other articles share it: a series of
near-identical posts, syndicated copies, a press-release template are never chrome for what they have in common.
What counts is movement: a paragraph that came in (or went) since the last reading, in many articles in one cycle
("at once"), while few of the articles re-read in that cycle did not. The same paragraph added to articles one by
one, cycle after cycle, is an edit each time. A paragraph edited in place is an edit, never a movement.

Pure: the cycle passes the readings and the tallies kept so far; `decide` drops chrome from both sides of a
comparison, so a paragraph that becomes chrome is not a removal either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from monitor.core.model import Snapshot
from monitor.core.text import canonical, digest

CHROME_ARTICLES = 3  # a paragraph that moved in at least this many of a host's articles in one cycle …
CHROME_SHARE = 0.5  # … and in at least this share of those re-read in that cycle, is chrome
IN, OUT = "in", "out"
_SAME_PARAGRAPH = 0.5  # word overlap at which a replaced paragraph is the same one edited, not another one


def paragraph_key(text: str) -> str:
    """A paragraph's identity across articles: its canonical words, letter case folded."""
    return digest("paragraph", canonical(text).casefold())[:16]


def paragraph_keys(snapshot: Snapshot) -> frozenset[str]:
    return frozenset(paragraph_key(p) for p in snapshot.paragraphs)


def movements(old: Snapshot, new: Snapshot) -> tuple[frozenset[str], frozenset[str], frozenset[tuple[str, str]]]:
    """(keys that came into the body, keys that left it, one-for-one rewrites among them) between two readings.

    A paragraph replaced by a similar one (words edited in place) is neither: that is the article's edit. A
    paragraph replaced where it stood by an unlike one is both, and also a rewrite (old key, new key): the caller
    takes the same rewrite made in several articles for an edit of text they share, never for chrome.
    """
    a, b = list(old.paragraphs), list(new.paragraphs)
    ka, kb = [paragraph_key(p) for p in a], [paragraph_key(p) for p in b]
    came: set[str] = set()
    went: set[str] = set()
    rewrites: set[tuple[str, str]] = set()
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if tag in ("insert", "replace"):
            came.update(kb[j] for j in range(j1, j2) if not similar_to_any(b[j], a[i1:i2])
                        and not looks_like_update(b[j]))
        if tag in ("delete", "replace"):
            went.update(ka[i] for i in range(i1, i2) if not similar_to_any(a[i], b[j1:j2])
                        and not looks_like_update(a[i]))
        if tag == "replace" and i2 - i1 == j2 - j1:
            rewrites.update((ka[i1 + k], kb[j1 + k]) for k in range(i2 - i1))
    return frozenset(came - set(ka)), frozenset(went - set(kb)), frozenset(rewrites)


def without_shared_rewrites(moves: Mapping[int, tuple[frozenset[str], frozenset[str], frozenset[tuple[str, str]]]]
                            ) -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    """Each article's movements, less the rewrites several articles made alike: text they share (language copies,
    a series) rewritten in each is an edit of each, never a paragraph arriving."""
    counts: dict[tuple[str, str], int] = {}
    for _, _, rewrites in moves.values():
        for pair in rewrites:
            counts[pair] = counts.get(pair, 0) + 1
    out = {}
    for article, (came, went, rewrites) in moves.items():
        alike = [pair for pair in rewrites if counts[pair] > 1]
        out[article] = (came - {new for _, new in alike}, went - {old for old, _ in alike})
    return out


_UPDATE_LIKE = re.compile(r"\W*(?:update|updated|updates|correction|corrected|clarification|editor'?s note|note"
                          r"|breaking|ed\.? note)\b")


def looks_like_update(paragraph: str) -> bool:
    """A line that opens like an update note, in whatever shape the note reader may not know ("UPDATE 3/4: …"):
    never chrome, never the layout's."""
    return _UPDATE_LIKE.match(canonical(paragraph).casefold()) is not None


def similar_to_any(paragraph: str, others: list[str]) -> bool:
    """Whether the paragraph shares most of its words with one of `others`: the same paragraph, edited."""
    words = set(canonical(paragraph).casefold().split())
    for other in others:
        theirs = set(canonical(other).casefold().split())
        if words and theirs and len(words & theirs) / len(words | theirs) >= _SAME_PARAGRAPH:
            return True
    return False


@dataclass(frozen=True)
class Tally:
    """Of the host's articles re-read this cycle, those a paragraph moved in (one way), and those it did not."""

    moved: frozenset[int] = frozenset()
    stayed: frozenset[int] = frozenset()


Tallies = dict[tuple[str, str], Tally]  # (paragraph key, IN or OUT) → tally


def tally(moves: Mapping[int, tuple[frozenset[str], frozenset[str]]], reread: Mapping[int, frozenset[str]]) -> Tallies:
    """This cycle's tallies. `moves`: article → (came in, went out) for the articles whose body changed;
    `reread`: article → its current paragraph keys, for every article re-read this cycle (changed or not).

    An article re-read without the paragraph coming in (it does not hold it) or going out (it still holds it)
    counts against the paragraph being the site's: a real edit that adds a paragraph to one article of many
    never becomes chrome.
    """
    moved: dict[tuple[str, str], set[int]] = {}
    for article, (came, went) in moves.items():
        for key, way in [*((k, IN) for k in came), *((k, OUT) for k in went)]:
            moved.setdefault((key, way), set()).add(article)
    return {(key, way): Tally(frozenset(ids), frozenset(a for a, keys in reread.items()
                                                          if a not in ids and (key in keys) == (way == OUT)))
            for (key, way), ids in moved.items()}


def chrome_of(tallies: Mapping[tuple[str, str], Tally], *, articles: int = CHROME_ARTICLES,
              share: float = CHROME_SHARE) -> frozenset[str]:
    """The keys that moved in at least `articles` articles and in at least `share` of those re-read since."""
    return frozenset(key for (key, _), t in tallies.items()
                     if len(t.moved) >= articles and len(t.moved) >= share * (len(t.moved) + len(t.stayed)))


def strip_chrome(snapshot: Snapshot, chrome: Iterable[str] | frozenset[str]) -> Snapshot:
    """The snapshot without its chrome paragraphs (title and notes are never chrome); itself when it has none."""
    chrome = chrome if isinstance(chrome, frozenset) else frozenset(chrome)
    if not chrome:
        return snapshot
    kept = tuple(p for p in snapshot.paragraphs if paragraph_key(p) not in chrome)
    return snapshot if len(kept) == len(snapshot.paragraphs) else replace(snapshot, paragraphs=kept)
