"""When an edit is minor: a reader would not care, and we can show why — never a guess that hides meaning.

Minor is letter case, punctuation, or a misspelt word corrected. A swapped word counts as
a correction only when the language's word list proves it: the old spelling is not a word at
all and the new one is, or the old is rare (under one in a million words) and the new at least
a hundred times more common (common misspellings such as "recieve" appear in web text). A change of
polarity (likely/unlikely, legal/illegal, not/no/never), of digits or of a capitalised name
is never minor, however similar the letters.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from difflib import SequenceMatcher

from monitor.core.model import WordEdit
from monitor.core.text import canonical

LANGUAGE = "en"
RARE_ZIPF = 3.0  # zipf 3 = once per million words: below it, a spelling may be a typo
MORE_COMMON_BY = 2.0  # zipf is log10: the correction must be 100× more frequent than what it replaces
MIN_LETTERS = 4
NEGATIONS = frozenset({"not", "no", "never", "none", "nor", "neither", "nothing", "nobody", "nowhere", "without",
                       "cannot", "can't", "won't", "don't", "doesn't", "isn't", "aren't", "wasn't", "weren't",
                       "shouldn't", "wouldn't", "couldn't", "mustn't", "hasn't", "haven't", "hadn't", "didn't"})
NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "non", "non-", "dis", "anti", "a")
_DIGIT = re.compile(r"\d")

Frequency = Callable[[str], float]


def is_minor(edit: WordEdit, similarity: float, frequency: Frequency | None = None) -> bool:
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
    lookup = frequency or english_frequency
    return all(a == b or spelling_fix(a, b, similarity, lookup) for a, b in zip(edit.removed, edit.added,
                                                                                 strict=True))


def spelling_fix(removed: str, added: str, similarity: float, frequency: Frequency) -> bool:
    """One misspelt word for its correct spelling ("langauge" → "language"), and nothing else."""
    a, b = canonical(removed), canonical(added)
    if " " in a or " " in b or min(len(a), len(b)) < MIN_LETTERS:
        return False
    if a[:1].isupper() or b[:1].isupper():
        return False  # a name (or a sentence's first word): a changed name is news
    a, b = a.casefold(), b.casefold()
    if SequenceMatcher(None, a, b, autojunk=False).ratio() < similarity:
        return False
    old, new = frequency(a), frequency(b)
    if old == 0:
        return new > 0  # not a word at all → a word
    return old < RARE_ZIPF and new >= old + MORE_COMMON_BY  # a common misspelling → its spelling


def _polarity_changes(removed: tuple[str, ...], added: tuple[str, ...]) -> bool:
    """A negation added or removed, or a word swapped for its negated form (likely ↔ unlikely)."""
    gone = {canonical(w).casefold() for w in removed}
    new = {canonical(w).casefold() for w in added}
    if (gone ^ new) & NEGATIONS:
        return True
    return any(_negated_form(a, b) or _negated_form(b, a) for a in gone for b in new)


def _negated_form(word: str, other: str) -> bool:
    return any(other == prefix + word for prefix in NEGATING_PREFIXES if len(word) >= 3)


@functools.cache
def english_frequency(word: str) -> float:
    """Zipf frequency in the language's word list (wordfreq, loaded on first need: ~0.1 s once)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, LANGUAGE))
