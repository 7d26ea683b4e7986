"""Multi-step cases: runs of checks of one article, where de-duplication and counting can go wrong.

Labels are what a reader should hear at each step. The rules they hold the product to:
a recurrence is news (a note re-added, a value flipping back, a second return online);
"in a row" means in a row (any good answer resets the 404 count); a repeated poll is silent.
"""

from __future__ import annotations

from tests.corpus.case import GONE, NOT_MODIFIED, SERVER_ERROR, Sequence
from tests.corpus.cases import NOTE_12_21, NOTE_EDITOR, NOTE_GA_TIMELINE, page
from tests.corpus.transforms import with_notes, with_title
from tests.fixtures.articles import CONCERNS, GENERAL_ASSEMBLY, MEDIA_BRIEFING, STILL_FLAWED
from tests.site import add_note, edit

NOTHING: frozenset[str] = frozenset()


def _seq(name: str, steps: list[str | None], expected: list[set[str]], note: str) -> Sequence:
    assert len(expected) == len(steps) - 1, name
    return Sequence(name, tuple(steps), tuple(frozenset(e) for e in expected), note)


def sequence_cases() -> list[Sequence]:
    ga, sf, c, mb = GENERAL_ASSEMBLY, STILL_FLAWED, CONCERNS, MEDIA_BRIEFING
    ga_note = page(add_note(ga, NOTE_GA_TIMELINE))
    c_note = page(add_note(c, NOTE_EDITOR))
    forty, fifty = page(ga), page(edit(ga, "after 40 states", "after 50 states"))
    sf_a, sf_b = page(with_notes(sf, [NOTE_12_21])), page(sf)
    renamed = page(with_title(mb, "UN Member States Sign the Cybercrime Convention in Hanoi"))
    removed, restored = {"removed"}, {"restored"}
    return [
        _seq("note_added_removed_readded", [page(c), c_note, page(c), c_note],
             [{"note_added"}, {"note_changed"}, {"note_added"}], "the same note coming back is news again"),
        _seq("value_flips_back_and_forth", [forty, fifty, forty, fifty, forty],
             [{"body_edited"}] * 4, "40 → 50 → 40 → 50 → 40: every flip is an edit a reader would want"),
        _seq("isolated_404s_between_good_answers", [forty, GONE, forty, GONE, forty],
             [set(), set(), set(), set()], "two separate 404s are not two in a row"),
        _seq("304_resets_the_404_count", [forty, GONE, NOT_MODIFIED, GONE, NOT_MODIFIED],
             [set(), set(), set(), set()], "a 304 is a good answer"),
        _seq("removed_restored_removed_restored", [forty, GONE, GONE, forty, GONE, GONE, forty],
             [set(), removed, restored, set(), removed, restored], "the second return is told too"),
        _seq("restored_by_a_304", [forty, GONE, GONE, NOT_MODIFIED, GONE, GONE, NOT_MODIFIED],
             [set(), removed, restored, set(), removed, restored], "back unchanged, twice"),
        _seq("removed_then_back_with_a_note", [page(c), GONE, GONE, c_note],
             [set(), removed, {"restored", "note_added"}], "back with a note: both are news"),
        _seq("repeated_polls_are_silent", [page(ga), ga_note, ga_note, NOT_MODIFIED, ga_note],
             [{"note_added"}, set(), set(), set()], "one note, told once"),
        _seq("note_replaced_then_original_back", [sf_a, sf_b, sf_a, sf_b],
             [{"note_changed"}] * 3, "12/21 note ↔ 1/6 note, each swap is news"),
        _seq("title_flips", [page(mb), renamed, page(mb), renamed],
             [{"title_changed"}] * 3, "a headline rewritten, reverted, rewritten"),
        _seq("chrome_noise_then_a_note", [page(ga), page(ga, banner="Donate to EFF Today"),
                                          page(ga, dom_id="0a1b2c3d4e5f60718293a4b5c6d7e8f9"), ga_note],
             [set(), set(), {"note_added"}], "chrome changes stay silent; the note is heard"),
        _seq("still_gone_stays_one_alert", [forty, GONE, GONE, GONE, GONE, forty],
             [set(), removed, set(), set(), restored], "a page that stays gone is one alert, not one per check"),
        _seq("server_errors_neither_count_nor_reset", [forty, GONE, SERVER_ERROR, GONE, forty],
             [set(), set(), removed, restored], "a 503 says nothing about the article: 404, 503, 404 is two 404s"),
        _seq("one_404_then_back_with_an_edit", [forty, GONE, fifty],
             [set(), {"body_edited"}], "never told it was gone, so no 'Back online', only the edit"),
        _seq("note_added_during_304_streak", [page(ga), NOT_MODIFIED, NOT_MODIFIED, ga_note, NOT_MODIFIED],
             [set(), set(), {"note_added"}, set()], "304s are silent, the change is heard once"),
        _seq("edit_reverted_while_removed", [forty, fifty, GONE, GONE, forty],
             [{"body_edited"}, set(), removed, {"restored", "body_edited"}],
             "back online with the old value: the return and the reverted edit are both news"),
        _seq("alternating_notes_many_times", [page(c), c_note, page(c), c_note, page(c), c_note],
             [{"note_added"}, {"note_changed"}, {"note_added"}, {"note_changed"}, {"note_added"}],
             "every re-add is told; nothing swallowed however often it recurs"),
    ]
