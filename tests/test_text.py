"""Canonical text: renderings of the same words compare equal; real word changes do not."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.core.model import Snapshot
from monitor.core.text import (
    _INVISIBLE,
    _INVISIBLE_RANGES,
    _QUOTES,
    _drop_invisible,
    _fold_quotes,
    canonical,
    clean_text,
    digest,
    has_words,
    markdown_to_text,
    token_keys,
    tokens,
    word_count,
)


def test_mojibake_is_repaired_for_display_and_comparison() -> None:
    assert clean_text("New Yorkâ€”On Wednesday") == "New York—On Wednesday"
    assert tokens("New Yorkâ€”On") == tokens("New York—On")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("it’s scheduled", "it's scheduled"),
        ("partners–along with", "partners—along with"),
        ("“shares the legitimate concerns”", '"shares the legitimate concerns"'),
        ("the  U.S.,\n are", "the U.S., are"),
        ("non\u00a0breaking", "non breaking"),
        ("applied.Please note", "applied. Please note"),
        ("wait…", "wait..."),
    ],
)
def test_typographic_variants_fold_to_the_same_tokens(a: str, b: str) -> None:
    assert tokens(a) == tokens(b)


@pytest.mark.parametrize(("a", "b"), [("over 100 countries", "over 120 countries"), ("must", "may")])
def test_word_changes_stay_visible(a: str, b: str) -> None:
    assert tokens(a) != tokens(b)


def test_markdown_links_reduce_to_their_text_whatever_the_target() -> None:
    a = markdown_to_text("Most states, [including the U.S](https://usun.usmission.gov/x?y=(1))., are")
    b = markdown_to_text("Most states, [including the U.S.](#), are")
    assert a == "Most states, including the U.S., are"
    assert tokens(a) == tokens(b)


def test_markdown_emphasis_and_images_are_dropped() -> None:
    text = markdown_to_text("***Note on the update:** The text W*hile ![cloud](x.png)**in how.***Please*")
    assert text == "Note on the update: The text While in how.Please"


def test_canonical_keeps_case_and_words() -> None:
    assert canonical("The  UN\tTreaty") == "The UN Treaty"


# Characters that stress the one-pass body hash: combining marks, compatibility forms, characters
# NFKC maps to spaces or that canonical text drops (zero-width space, soft hyphen, BOM), white space.
_TRICKY = st.sampled_from(list("a Z9_.…’“\u0301\u0308\u00a8\u00b4\u00a0\u200b\u00ad\ufeff\u2003\u3000ﬁ①\t"))


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.lists(st.text(alphabet=_TRICKY, max_size=12), max_size=6))
def test_the_one_pass_body_hash_equals_the_per_paragraph_hash(paragraphs: list[str]) -> None:
    """Stored hashes were made paragraph by paragraph: the faster path must give the same value,
    or every tracked article would record a new version on upgrade."""
    snap = Snapshot(url="u", title="t", notes=(), paragraphs=tuple(paragraphs))
    per_paragraph = " ".join(" ".join(token_keys(p)) for p in paragraphs)
    assert snap.content_hash() == digest(canonical("t"), "", per_paragraph, "full")


@pytest.mark.parametrize("raw", ["a  b\n\tc", "x\u00a0y", " edge ", "A &amp; B", "caf\u0065\u0301", "Yorkâ€”On"])
def test_clean_text_fast_paths_match_the_full_repair(raw: str) -> None:
    import ftfy

    expected = re.sub(r"\s+", " ", ftfy.fix_text(raw, uncurl_quotes=False, normalization="NFC")).strip()
    assert clean_text(raw) == expected


_REFERENCE_TOKEN = re.compile(r"\.{2,}|\w+|[^\w\s]")  # the definition: words, dot runs, single marks


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40)
       | st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40))
def test_token_keys_split_as_the_definition_says(text: str) -> None:
    """The faster patterns (an ASCII one among them) must find the tokens the plain definition finds."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    assert token_keys(text) == _REFERENCE_TOKEN.findall(folded)


_FOLDED = "".join(chr(k) for k in _QUOTES)
_INVISIBLES = "".join(chr(a) + chr(b) for a, b in _INVISIBLE_RANGES)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)) | st.sampled_from(_FOLDED + _INVISIBLES),
               max_size=60))
def test_the_fast_folds_do_what_the_tables_say(text: str) -> None:
    """The regex-driven folds (quotes, invisible characters) give exactly what the translate table and the whole
    character class give, astral characters and folds next to each other included."""
    assert _fold_quotes(text) == text.translate(_QUOTES)
    assert _drop_invisible(text) == _INVISIBLE.sub("", text)


def test_every_format_character_and_variation_selector_is_invisible() -> None:
    """The hard-coded ranges cover this Python's whole Cf category (a newer Unicode adds some: extend them)."""
    import sys

    hidden = [c for c in range(sys.maxunicode + 1)
              if unicodedata.category(chr(c)) == "Cf" or 0xFE00 <= c <= 0xFE0F or 0xE0100 <= c <= 0xE01EF]
    missed = [f"U+{c:04X}" for c in hidden if not _INVISIBLE.fullmatch(chr(c))]
    assert not missed, f"format characters not folded: {missed[:10]}"


INVISIBLE_SAMPLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c",
                     "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff", "\u00ad", "\ufe0f",
                     "\U000e0041"]


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
       inserts=st.lists(st.tuples(st.integers(min_value=0, max_value=80), st.sampled_from(INVISIBLE_SAMPLES)),
                        max_size=6))
def test_invisible_characters_never_change_the_canonical_text(text: str, inserts: list[tuple[int, str]]) -> None:
    from monitor.core.text import canonical

    spiked = text
    for at, char in inserts:
        spiked = spiked[:at] + char + spiked[at:]
    assert canonical(spiked) == canonical(text)


def test_invisible_characters_spelt_as_entities_are_dropped_too() -> None:
    from monitor.core.text import canonical

    assert canonical("un&#8203;likely to sign") == canonical("un&zwj;likely to sign") == "unlikely to sign"
    assert canonical("Update\u200d (1/6/2025):\u202e note") == "Update (1/6/2025): note"


@settings(max_examples=300)
@given(st.lists(st.text(alphabet=" \n\u3000ab日本한,"), max_size=6), st.integers(min_value=-1, max_value=12))
def test_has_words_is_word_count_reaching_the_bound(texts: list[str], at_least: int) -> None:
    assert has_words(texts, at_least) == (word_count(texts) >= at_least)
