"""compare(): notes, titles and body edits are found; renderings and truncation are not changes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.core.model import Snapshot, UpdateNote, WordEdit
from monitor.decide.compare import compare
from monitor.sources.notes import parse_note
from monitor.sources.seeds import load_seeds
from tests.conftest import SEEDS_DIR

BODY = (
    "The final draft, unanimously approved in August by over 100 countries, will permit intrusive surveillance.",
    "It’s hard to imagine that governments will voluntarily revise cybercrime laws as they ratify and implement the "
    "treaty; what’s more realistic is that the treaty normalizes such frameworks.",
    "Meanwhile, we urge states to vote against adoption this week and not ratify the treaty at home.",
)


def _snap(paragraphs: tuple[str, ...] = BODY, notes: tuple[str, ...] = (), **kw: object) -> Snapshot:
    parsed = tuple(n for n in (parse_note(t) for t in notes) if n is not None)
    return Snapshot(url="https://www.eff.org/x", title="Still Flawed", notes=parsed, paragraphs=paragraphs, **kw)  # type: ignore[arg-type]


def test_identical_snapshots_have_no_change() -> None:
    assert compare(_snap(), _snap()) is None


def test_typography_and_paragraph_splits_are_not_changes() -> None:
    split = (
        BODY[0],
        "It's hard to imagine that governments will voluntarily revise cybercrime laws as they ratify "
        "and implement the",
        "treaty; what's more realistic is that the treaty normalizes such frameworks.",
        BODY[2],
    )
    assert compare(_snap(), _snap(split)) is None


def test_added_note_is_note_added_and_quoted() -> None:
    note = "Update (2/10/2026): The treaty was signed by 72 states in Hanoi."
    change = compare(_snap(), _snap(notes=(note,)))
    assert change is not None and change.kind == "note_added"
    assert change.notes_added[0].text == note
    assert not change.edits


def test_replaced_note_is_note_changed() -> None:
    old = _snap(notes=("Update (12/21/24): A vote was postponed.",))
    new = _snap(notes=("Update (1/6/2025): The treaty was adopted.",))
    change = compare(old, new)
    assert change is not None and change.kind == "note_changed"
    assert change.notes_removed[0].label == "Update (12/21/24)"
    assert change.notes_added[0].date is not None and change.notes_added[0].date.isoformat() == "2025-01-06"


def test_body_edit_names_removed_and_added_words_with_the_sentence() -> None:
    edited = (BODY[0].replace("over 100", "over 120"), *BODY[1:])
    change = compare(_snap(), _snap(edited))
    assert change is not None and change.kind == "body_edited" and not change.minor
    (edit,) = change.edits
    assert edit.removed == ("100",) and edit.added == ("120",)
    assert edit.after.startswith("The final draft") and "120" in edit.after and "Meanwhile" not in edit.after


def test_sentence_added_in_the_middle() -> None:
    added = (BODY[0], "EFF will follow the ratification process closely.", *BODY[1:])
    change = compare(_snap(), _snap(added))
    assert change is not None
    assert change.edits[0].added == ("EFF will follow the ratification process closely.",)


def test_punctuation_only_edit_is_minor() -> None:
    edited = (BODY[0].replace("countries,", "countries"), *BODY[1:])
    change = compare(_snap(), _snap(edited))
    assert change is not None and change.minor


def test_title_change() -> None:
    change = compare(_snap(), replace(_snap(), title="Still Flawed, and Now Adopted"))
    assert change is not None and change.kind == "title_changed"
    assert change.title_after == "Still Flawed, and Now Adopted"


def test_truncated_baseline_is_compared_only_as_far_as_it_reaches() -> None:
    partial = _snap((BODY[0], "It’s hard to imagine that governments will volun"), truncated=True)
    assert compare(partial, _snap()) is None
    edited = (BODY[0].replace("intrusive", "sweeping"), *BODY[1:])
    change = compare(partial, _snap(edited))
    assert change is not None and change.edits[0].removed == ("intrusive",) and change.edits[0].added == ("sweeping",)
    assert "Meanwhile" not in change.edits[0].after


def test_truncated_newer_capture_does_not_remove_the_rest() -> None:
    partial = _snap((BODY[0],), truncated=True)
    assert compare(_snap(), partial) is None


def test_seeded_versions_of_still_flawed_differ_only_by_their_note() -> None:
    seeds = [s.snapshot for s in load_seeds(SEEDS_DIR) if "still-flawed" in s.snapshot.url]
    change = compare(seeds[0], seeds[1])
    assert change is not None and change.kind == "note_changed" and not change.edits
    assert "postponed" in change.notes_removed[0].text and "adopted" in change.notes_added[0].text


@pytest.mark.parametrize(
    ("text", "label", "date"),
    [
        ("Update (1/6/2025): x", "Update (1/6/2025)", "2025-01-06"),
        ("Update (12/21/24): x", "Update (12/21/24)", "2024-12-21"),
        ("Updated December 24, 2024: x", "Updated December 24, 2024", "2024-12-24"),
        ("Note on the update: x", "Note on the update", None),
        ("Editor’s note: x", "Editor’s note", None),
        ("Correction: x", "Correction", None),
    ],
)
def test_note_labels_and_dates(text: str, label: str, date: str | None) -> None:
    note = parse_note(text)
    assert isinstance(note, UpdateNote) and note.label == label
    assert (note.date.isoformat() if note.date else None) == date


@pytest.mark.parametrize("text", ["Updates to the law were made: none", "Most UN Member States", "Update - nope"])
def test_ordinary_paragraphs_are_not_notes(text: str) -> None:
    assert parse_note(text) is None


@pytest.mark.parametrize(
    ("text", "published", "date"),
    [
        ("Update, Dec. 24: adopted without a vote.", "2024-12-16", "2024-12-24"),
        ("Update, Jan. 6: signing set for Hanoi.", "2024-12-16", "2025-01-06"),
        ("Update (Dec. 24): adopted.", "2024-12-16", "2024-12-24"),
        ("Update, Dec. 24: no publication date known.", "", None),
    ],
)
def test_yearless_note_dates_take_the_year_of_publication(text: str, published: str, date: str | None) -> None:
    note = parse_note(text, published)
    assert note is not None
    assert (note.date.isoformat() if note.date else None) == date


def _minor(old: str, new: str) -> bool:
    """Whether BODY with `old` (put there first when BODY has `new` instead) → `new` is a minor edit."""
    before = (BODY[0] if old in BODY[0] else BODY[0].replace(new, old, 1), *BODY[1:])
    edited = (before[0].replace(old, new, 1), *BODY[1:])
    assert before[0] != edited[0]
    change = compare(_snap(before), _snap(edited))
    assert change is not None
    return change.minor


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("intrusive", "unintrusive"),     # polarity by prefix, similarity 0.9
        ("intrusive", "nonintrusive"),
        ("will permit", "will never permit"),
        ("The final", "The not final"),
        ("intrusive", "Intrusive Inc"),   # a name
    ],
)
def test_polarity_and_names_are_never_minor(old: str, new: str) -> None:
    assert _minor(old, new) is False


def test_unlikely_to_likely_is_never_minor() -> None:
    """Similarity 0.857 passed the old rule: a reversal of meaning recorded as a typo fix and never alerted."""
    from monitor.core.model import WordEdit
    from monitor.decide.minor import is_minor

    assert not is_minor(WordEdit("unlikely to sign", "likely to sign", ("unlikely",), ("likely",)), 0.85)
    assert not is_minor(WordEdit("likely to sign", "unlikely to sign", ("likely",), ("unlikely",)), 0.85)
    assert is_minor(WordEdit("recieve", "receive", ("recieve",), ("receive",)), 0.85)  # a common misspelling
    assert is_minor(WordEdit("langauge", "language", ("langauge",), ("language",)), 0.85)
    assert not is_minor(WordEdit("legal", "illegal", ("legal",), ("illegal",)), 0.5)
    assert not is_minor(WordEdit("Hanio", "Hanoi", ("Hanio",), ("Hanoi",)), 0.5)  # a name fixed is news


@pytest.mark.parametrize(
    ("old", "new", "minor"),
    [
        ("intrusivee", "intrusive", True),          # a typo fixed (not a word → a word)
        ("intrusive", "intrusivee", False),         # a typo made: cannot be proven harmless
        ("intrusive", "intrusiv", False),           # the same, a letter dropped
        ("countries,", "countries", True),          # punctuation
        ("The final", "THE final", True),           # letter case
        ("over 100", "over 120", False),            # numbers always matter
        ("will permit", "will not permit", False),  # a word added is never spelling
        ("intrusive", "invasive", False),           # another word
        ("will", "wall", False),                    # too short to call a typo
    ],
)
def test_minor_means_punctuation_case_or_spelling(old: str, new: str, minor: bool) -> None:
    assert _minor(old, new) is minor


def test_a_minor_fix_beside_a_new_note_keeps_the_note_and_marks_the_body_minor() -> None:
    note = "Update (2/10/2026): signed."
    change = compare(_snap(), _snap((BODY[0].replace("countries,", "countries"), *BODY[1:]), notes=(note,)))
    assert change is not None and change.kind == "note_added" and change.minor


LONG = tuple(
    f"Paragraph {i} says the treaty needs safeguard number {i}. It says so twice, in {i} ways." for i in range(12)
)


@pytest.mark.parametrize(
    ("where", "before", "after"),
    [(0, "Paragraph 0 says", "Paragraph zero says"), (5, "safeguard number 5", "safeguard number five"),
     (11, "in 11 ways", "in eleven ways")],
)
def test_an_edit_at_the_start_middle_or_end_of_a_long_body_is_found_once(where: int, before: str, after: str) -> None:
    edited = list(LONG)
    edited[where] = edited[where].replace(before, after)
    change = compare(_snap(LONG), _snap(tuple(edited)))
    assert change is not None and len(change.edits) == 1
    (edit,) = change.edits
    assert edit.before in LONG[where] and edit.after in edited[where]
    assert set(edit.removed) < set(before.split()) and set(edit.added) < set(after.split())


def test_edits_at_both_ends_are_two_passages_and_the_equal_middle_is_not_quoted() -> None:
    edited = (LONG[0].replace("treaty", "convention"), *LONG[1:-1], LONG[-1].replace("twice", "thrice"))
    change = compare(_snap(LONG), _snap(edited))
    assert change is not None
    assert [(e.removed, e.added) for e in change.edits] == [(("treaty",), ("convention",)), (("twice",), ("thrice",))]
    assert all("Paragraph 5" not in e.before + e.after for e in change.edits)


def test_a_quoted_sentence_keeps_its_closing_quote_in_the_alert() -> None:
    old = _snap(('The minister said “we will not ratify.” Others disagreed.', *BODY))
    new = _snap(('The minister said “we will ratify.” Others disagreed.', *BODY))
    change = compare(old, new)
    assert change is not None
    assert change.edits[0].before == "The minister said “we will not ratify.”"
    assert change.edits[0].removed == ("not",) and not change.edits[0].added


@pytest.mark.parametrize("label", ["UPDATE", "update", "UpDaTe"])
def test_the_case_of_a_note_label_alone_is_no_change(label: str) -> None:
    """"Update" → "UPDATE" in the label alerted "Update note changed"; the words after it still count."""
    note = "Update (1/6/2025): The treaty was adopted without a vote."
    shouted = note.replace("Update", label, 1)
    assert compare(_snap(notes=(note,)), _snap(notes=(shouted,))) is None
    changed = compare(_snap(notes=(note,)), _snap(notes=(shouted.replace("without", "with"),)))
    assert changed is not None and changed.kind == "note_changed"


def test_a_common_misspelling_fixed_is_minor_and_a_word_for_another_word_never() -> None:
    from monitor.decide.minor import is_minor

    for wrong, right in (("definately", "definitely"), ("seperate", "separate"), ("accomodate", "accommodate"),
                         ("goverment", "government"), ("thier", "their")):
        assert is_minor(WordEdit(wrong, right, (wrong,), (right,)), 0.8), (wrong, right)
    for old, new in (("affect", "effect"), ("ratified", "ratifies"), ("signed", "singed"), ("casual", "causal"),
                     ("their", "there"), ("form", "from")):
        assert not is_minor(WordEdit(old, new, (old,), (new,)), 0.5), (old, new)


_DICTIONARY_WORDS = st.sampled_from(("treaty", "states", "signed", "ratified", "adopted", "rejected", "approved",
                                     "delayed", "weeks", "months", "member", "members", "police", "policy"))


@given(word=_DICTIONARY_WORDS, at=st.integers(0, 20), letter=st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
       how=st.sampled_from(("swap", "drop", "add", "replace")))
def test_a_word_changed_into_another_dictionary_word_is_never_minor(word: str, at: int, letter: str, how: str) -> None:
    from monitor.decide.minor import english_word, is_minor

    i = at % len(word)
    other = {"swap": word[:i] + word[i + 1:i + 2] + word[i:i + 1] + word[i + 2:], "drop": word[:i] + word[i + 1:],
             "add": word[:i] + letter + word[i:], "replace": word[:i] + letter + word[i + 1:]}[how]
    if other == word:
        return
    minor = is_minor(WordEdit(word, other, (word,), (other,)), 0.5)
    back = is_minor(WordEdit(other, word, (other,), (word,)), 0.5)
    if english_word(other):
        assert not minor and not back, (word, other)
    else:
        assert not minor, "a word made into no word is no correction"
        if how in ("swap", "replace"):  # ("add" may spell a negated form: "atreaty" is no correction)
            assert back, "no word made into its word is a correction"
