"""When an edit is minor: a reader would not care, and we can show why — never a guess that hides meaning.

Minor is letter case, punctuation, or a misspelt word corrected. A swapped word counts as
a correction only when a dictionary proves it: the old spelling is no word at all and the new
one is, a few letters apart. However common a misspelling is on the web ("definately"), it is
not in the dictionary; a change between two dictionary words is never minor. A change of
polarity (likely/unlikely, legal/illegal, not/no/never), of digits or of a capitalised name
is never minor, however similar the letters.

The dictionary is pyspellchecker's English word list (160,000 words with their inflections,
common misspellings removed by its authors), loaded on first need: it replaced a frequency
ratio (wordfreq), which took a frequent misspelling for a word, and loads in about half the time.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from difflib import SequenceMatcher

from monitor.core.model import WordEdit
from monitor.core.text import canonical

MIN_LETTERS = 4
MAX_TYPOS = 2  # letters added, dropped, replaced or swapped with a neighbour: what a typing slip does
NEGATIONS = frozenset({"not", "no", "never", "none", "nor", "neither", "nothing", "nobody", "nowhere", "without",
                       "cannot", "can't", "won't", "don't", "doesn't", "isn't", "aren't", "wasn't", "weren't",
                       "shouldn't", "wouldn't", "couldn't", "mustn't", "hasn't", "haven't", "hadn't", "didn't"})
NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "non", "non-", "dis", "anti", "a")
_DIGIT = re.compile(r"\d")

IsWord = Callable[[str], bool]


def is_minor(edit: WordEdit, similarity: float, is_word: IsWord | None = None) -> bool:
    """Punctuation, letter case, or a proven spelling fix: recorded, but not worth waking anyone."""
    removed, added = " ".join(edit.removed), " ".join(edit.added)
    if _DIGIT.search(removed + added) or _polarity_changes(edit.removed, edit.added):
        return False
    if canonical(removed).casefold() == canonical(added).casefold():
        return True  # letter case only
    if not re.search(r"\w", removed + added):
        return True  # punctuation only
    if len(edit.removed) != len(edit.added):
        return False
    lookup = is_word or english_word
    return all(a == b or spelling_fix(a, b, similarity, lookup) for a, b in zip(edit.removed, edit.added,
                                                                                 strict=True))


def spelling_fix(removed: str, added: str, similarity: float, is_word: IsWord) -> bool:
    """One misspelt word for its correct spelling ("langauge" → "language"), and nothing else."""
    a, b = canonical(removed), canonical(added)
    if " " in a or " " in b or min(len(a), len(b)) < MIN_LETTERS:
        return False
    if a[:1].isupper() or b[:1].isupper():
        return False  # a name (or a sentence's first word): a changed name is news
    a, b = a.casefold(), b.casefold()
    if SequenceMatcher(None, a, b, autojunk=False).ratio() < similarity or typo_distance(a, b) > MAX_TYPOS:
        return False  # "misattributed" → "attributed" is near in letters, and another word
    return not is_word(a) and is_word(b)  # no word at all → a word; two words are two meanings


def typo_distance(a: str, b: str) -> int:
    """Edits between two spellings, a swap of neighbours counting one (optimal string alignment distance)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[len(b)]


def _polarity_changes(removed: tuple[str, ...], added: tuple[str, ...]) -> bool:
    """A negation added or removed, or a word swapped for its negated form (likely ↔ unlikely)."""
    gone = {canonical(w).casefold() for w in removed}
    new = {canonical(w).casefold() for w in added}
    if (gone ^ new) & NEGATIONS:
        return True
    return any(_negated_form(a, b) or _negated_form(b, a) for a in gone for b in new)


def _negated_form(word: str, other: str) -> bool:
    return any(other == prefix + word for prefix in NEGATING_PREFIXES if len(word) >= 3)


_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "mis", "non", "re", "pre", "over", "under", "anti", "de", "co")
_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "est", "ness", "ment", "ments", "able", "ity")


def english_word(word: str) -> bool:
    """Whether the (lower-case) word is in the dictionary, or is one of its words with a common prefix or suffix
    ("untrusted", "reratified"): a real word the list lacks must never pass for a misspelling."""
    words = _english_words()
    if word in words:
        return True
    stems = [word[len(p):] for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= MIN_LETTERS]
    stems += [word[:-len(s)] for s in _SUFFIXES if word.endswith(s) and len(word) - len(s) >= MIN_LETTERS]
    return any(stem in words for stem in stems)


@functools.cache
def _english_words() -> frozenset[str]:
    """pyspellchecker's English word list, read from its package data (not its checker, which we do not need)."""
    import gzip
    import json
    from importlib.resources import files

    data = files("spellchecker").joinpath("resources/en.json.gz").read_bytes()
    return frozenset(json.loads(gzip.decompress(data)))
