"""Canonical text: renderings of the same words compare equal; real word changes do not."""

from __future__ import annotations

import pytest

from monitor.text import canonical, clean_text, markdown_to_text, tokens


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
