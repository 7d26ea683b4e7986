"""Boilerplate learned across articles: a paragraph many of one site's articles hold (a donation appeal, a
newsletter blurb, a "more on this topic" list injected into bodies) is the site's chrome, never an article's edit.

Pure: the cycle counts each host's paragraph keys (stored and just read) and passes the chrome in; `decide`
drops it from both sides of a comparison, so a paragraph that becomes chrome is not a removal either.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace

from monitor.core.model import Snapshot
from monitor.core.text import canonical, digest

CHROME_ARTICLES = 3  # a paragraph in at least this many of a host's articles …
CHROME_SHARE = 0.5  # … and in at least this share of them is chrome


def paragraph_key(text: str) -> str:
    """A paragraph's identity across articles: its canonical words, letter case folded."""
    return digest("paragraph", canonical(text).casefold())[:16]


def paragraph_keys(snapshot: Snapshot) -> frozenset[str]:
    return frozenset(paragraph_key(p) for p in snapshot.paragraphs)


def learn_chrome(readings: Mapping[int, frozenset[str]], *, articles: int = CHROME_ARTICLES,
                 share: float = CHROME_SHARE) -> frozenset[str]:
    """The keys found in at least `articles` of the readings and in at least `share` of them."""
    needed = max(articles, math.ceil(share * len(readings)))
    counts = Counter(key for keys in readings.values() for key in keys)
    return frozenset(key for key, count in counts.items() if count >= needed)


def strip_chrome(snapshot: Snapshot, chrome: Iterable[str] | frozenset[str]) -> Snapshot:
    """The snapshot without its chrome paragraphs (title and notes are never chrome); itself when it has none."""
    chrome = chrome if isinstance(chrome, frozenset) else frozenset(chrome)
    if not chrome:
        return snapshot
    kept = tuple(p for p in snapshot.paragraphs if paragraph_key(p) not in chrome)
    return snapshot if len(kept) == len(snapshot.paragraphs) else replace(snapshot, paragraphs=kept)
