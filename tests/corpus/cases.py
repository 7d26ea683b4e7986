"""The labelled cases, built by code from the fixture articles and a few transformations.

Labels are what a reader of the old version would want to be told (never what the
product happens to say). Decisions that are not obvious:
- an image's src or alt is not read text → noise; its caption is reader-visible text → body_edited;
- paragraphs reordered → body_edited (the text reads differently); one paragraph split in two → noise;
- "body_edited:minor" = the body edit only changes spelling, punctuation or letter case, whatever
  else changed in the same step (a note added next to a comma fix is note_added + body_edited:minor);
- a truncated seed knows nothing past its cut: text there is neither added nor edited;
- a reader-mode seed (003) is just another rendering: only its words count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from tests.corpus.case import Case
from tests.corpus.transforms import (
    after_paragraph,
    drop_paragraph,
    figure,
    in_paragraph,
    insert_sentence,
    move_paragraph,
    nbsp,
    replace_once,
    split_paragraph,
    with_notes,
    with_paragraphs,
    with_title,
)
from tests.fixtures.articles import (
    CONCERNS,
    GENERAL_ASSEMBLY,
    MEDIA_BRIEFING,
    OFF_TOPIC,
    ON_TOPIC,
    STILL_FLAWED,
)
from tests.site import Article, add_note, article_page, edit, retarget_links, swap_typography

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NONE: frozenset[str] = frozenset()

NOTE_1_6 = STILL_FLAWED.notes[0]  # "Update (1/6/2025): The UN General Assembly on Dec. 24, 2024, adopted …"
NOTE_12_21 = (
    "Update (12/21/24): A vote on the UN Cybercrime Treaty by the UN General Assembly was postponed to a later "
    "date to allow time for a review of its budget implications. The new date for the vote was not set."
)
NOTE_HANOI = (
    "Update (10/27/2025): Sixty-five states signed the convention at the Hanoi ceremony on Oct. 25, 2025. Our "
    "analysis of what signing does and does not commit them to is [here](https://www.eff.org/deeplinks/2025/10/"
    "hanoi-signing-ceremony-states-sign-un-cybercrime-convention-still-fails-human-rights)."
)
NOTE_GA_TIMELINE = (
    "Update (12/24/2024): The General Assembly adopted the convention today without a vote. It opens for "
    "signature in 2025."
)
NOTE_GA_SIGNING = "Update (10/27/2025): The convention opened for signature in Hanoi on Oct. 25, 2025."
NOTE_EDITOR = (
    "Editor’s note: This post was written before the Ad Hoc Committee’s final session; see our later posts for "
    "the adopted text."
)
NOTE_CORRECTION = (
    "Correction: An earlier version of this release gave the wrong time for the briefing, which starts at "
    "2:00 pm Eastern Time."
)
SF_OLD = with_notes(STILL_FLAWED, [NOTE_12_21])  # the article as the reader-mode capture 003 saw it
SF_TWO = with_notes(STILL_FLAWED, [NOTE_1_6, NOTE_12_21])


def page(a: Article, **chrome: object) -> str:
    return article_page(a, **chrome)  # type: ignore[arg-type]


def seed(prefix: str) -> str:
    return str(next(SEEDS.glob(prefix + "_*.txt")))


def _html(
    name: str, old: str | None, new: str | None, expected: set[str], note: str, *, old_removed: bool = False
) -> Case:
    return Case(name, old, new, frozenset(expected), old_removed=old_removed, note=note)


def _seed(name: str, prefix: str, new: str | None, expected: set[str], note: str, *, old_removed: bool = False) -> Case:
    return Case(name, seed(prefix), new, frozenset(expected), old_kind="seed", old_removed=old_removed, note=note)


def _same(name: str, a: Article, change: Callable[[str], str], note: str, **chrome: object) -> Case:
    """Noise: the same article, the new page's HTML changed by `change` (and/or other chrome)."""
    old = page(a)
    return Case(name, old, change(page(a, **chrome)), NONE, note=note)


def keep(html: str) -> str:
    return html


def noise_cases() -> list[Case]:
    ga, sf, c, mb = GENERAL_ASSEMBLY, STILL_FLAWED, CONCERNS, MEDIA_BRIEFING
    pic = "https://www.eff.org/files/styles/resized_banner/public/banner_library/cybercrime-2024-2b.jpg"
    cap = "Delegates at the final session of the Ad Hoc Committee in New York."
    sf_fig = after_paragraph(page(sf), sf, 2, figure(pic + "?itok=04W6YhUz", "a globe", cap))
    newsletter = (
        '<div class="newsletter"><h3>Join EFF Lists</h3><p>Stay on top of the UN Cybercrime Treaty: email updates '
        "on news, actions, and events in your area, every week, straight to your inbox.</p></div>"
    )
    utm = "utm_source=rss&utm_medium=feed&utm_campaign=deeplinks"
    return [
        _html("noise_identical_page", page(ga), page(ga), set(), "the same page fetched twice"),
        _same("chrome_banner_rotated", sf, keep, "site banner promo rotates", banner="Donate to EFF Today"),
        _same("chrome_view_dom_id", ga, keep, "Drupal view-dom-id class", dom_id="9f2c1d0e8b7a6c5d4e3f2a1b0c9d8e7f"),
        _same("chrome_form_build_id", c, keep, "form_build_id of search/newsletter forms",
              form_build_id="form-Qx7pLr2mZk9_aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2u"),
        _html(
            "chrome_share_counts",
            replace_once(page(mb), "Share on Twitter</a>", 'Share on Twitter <span class="count">312</span></a>'),
            replace_once(page(mb), "Share on Twitter</a>", 'Share on Twitter <span class="count">1.2K</span></a>'),
            set(), "share counters tick",
        ),
        _same("chrome_share_block_gone", ga, keep, "share links not rendered", share=False),
        _same("chrome_related_posts", c, keep, "Related Updates teasers rotate",
              related=["Victory! Cybercrime Treaty Vote Delayed", "EFF at RightsCon 2025"]),
        _same("chrome_newsletter_in_body", sf, lambda h: after_paragraph(h, sf, 4, newsletter),
              "a newsletter box injected inside the body field (class newsletter)"),
        _same("chrome_newsletter_aside", mb, keep, "a newsletter aside beside the article",
              extra_chrome=f'<aside class="sidebar">{newsletter}</aside>'),
        _html("chrome_translation_links", page(c),
              page(dataclasses.replace(c, translations=[*c.translations, ("Español", "es")])),
              set(), "a translation link added"),
        _same("chrome_everything_at_once", ga, keep, "banner, ids, form ids, related and share all differ",
              banner="EFF Awards 2025", dom_id="aa" * 16, form_build_id="form-zz", related=["Other"], share=False),
        _same("chrome_modified_time_meta", ga,
              lambda h: replace_once(h, 'modified_time" content="2024-09-26T16:02:41',
                                     'modified_time" content="2025-02-01T09:00:00'),
              "article:modified_time bumped by a re-save"),
        _html("links_tracking_query", page(sf),
              page(retarget_links(sf, lambda u: u + ("&" if "?" in u else "?") + utm)), set(),
              "tracking query strings appended to every body link"),
        _html("links_retargeted_only", page(ga),
              page(retarget_links(ga, lambda u: "https://web.archive.org/web/2025/" + u)), set(),
              "link targets moved, link texts unchanged"),
        _html("typography_quotes_dashes", page(c), page(swap_typography(c)), set(),
              "curly<->straight quotes, en<->em dashes, in the note and the body"),
        _html("typography_title_apostrophe", page(c), page(with_title(c, c.title.replace("’", "'"))), set(),
              "title’s curly apostrophe straightened"),
        _html("typography_html_entities", page(sf),
              page(sf).replace("’", "&rsquo;").replace("–", "&#8211;").replace("“", "&ldquo;"), set(),
              "the same characters written as HTML entities"),
        _html("whitespace_reflow", page(sf), page(sf, reflow=True), set(), "HTML re-indented and re-wrapped"),
        _html("nbsp_in_paragraph", page(c), in_paragraph(page(c), c, 1, nbsp), set(),
              "every space of one paragraph as &nbsp;"),
        _html("mojibake_em_dash", page(mb), in_paragraph(page(mb), mb, 0, lambda p: p.replace("—", "â€”")),
              set(), "'New York—On' served as 'New Yorkâ€”On'"),
        _html("mojibake_apostrophe", page(ga), in_paragraph(page(ga), ga, 1, lambda p: p.replace("’", "â€™")),
              set(), "'treaty’s' served as 'treatyâ€™s'"),
        _html("image_src_changed", sf_fig, sf_fig.replace("itok=04W6YhUz", "itok=Zr81kQ2c"), set(),
              "only the image URL (image-style token) changed: nothing to read"),
        _html("image_alt_changed", sf_fig, sf_fig.replace('alt="a globe"', 'alt="an eye covers a globe"'), set(),
              "alt text is not body text"),
        _html("markup_emphasis_added", page(c),
              in_paragraph(page(c), c, 3, lambda p: p.replace("States should reject this draft.",
                                                                "<strong>States should reject this draft.</strong>")),
              set(), "bold added around a sentence"),
        _html("paragraph_split_in_two", page(ga),
              page(split_paragraph(ga, 1, "Every state that joins")), set(), "same words, one more <p>"),
        _html("still_gone", page(ga), None, set(), "404 again after a 404: already reported", old_removed=True),
    ]


def note_cases() -> list[Case]:
    ga, sf, c, mb = GENERAL_ASSEMBLY, STILL_FLAWED, CONCERNS, MEDIA_BRIEFING
    return [
        _html("note_added_on_top", page(ga), page(add_note(ga, NOTE_GA_TIMELINE)), {"note_added"},
              "a dated update above the older note"),
        _html("note_added_editors_note", page(c), page(add_note(c, NOTE_EDITOR)), {"note_added"},
              "Editor’s note label"),
        _html("note_added_correction_first_note", page(mb), page(add_note(mb, NOTE_CORRECTION)), {"note_added"},
              "first note on a press release (Correction label)"),
        _html("notes_second_added_above_first", page(SF_OLD), page(SF_TWO), {"note_added"},
              "1/6/2025 note added above the kept 12/21/24 note"),
        _html("notes_third_added", page(SF_TWO), page(add_note(SF_TWO, NOTE_HANOI)), {"note_added"},
              "three notes on one article"),
        _html("notes_two_added_at_once", page(ga), page(add_note(add_note(ga, NOTE_GA_TIMELINE), NOTE_GA_SIGNING)),
              {"note_added"}, "two notes appeared between checks"),
        _html("note_replaces_older_note", page(SF_OLD), page(sf), {"note_changed"},
              "the 12/21/24 note replaced by the 1/6/2025 note"),
        _html("note_reworded", page(sf),
              page(with_notes(sf, [NOTE_1_6.replace("in Hanoi, Viet Nam, in 2025", "in Hanoi, Viet Nam, on Oct. "
                                                    "25, 2025")])),
              {"note_changed"}, "the existing note's date of the ceremony made precise"),
        _html("notes_older_of_two_reworded", page(SF_TWO),
              page(with_notes(sf, [NOTE_1_6, NOTE_12_21.replace("was not set", "is Dec. 24")])),
              {"note_changed"}, "second of two notes reworded, first kept"),
    ]


def title_body_cases() -> list[Case]:
    ga, sf, c, mb, on, off = GENERAL_ASSEMBLY, STILL_FLAWED, CONCERNS, MEDIA_BRIEFING, ON_TOPIC, OFF_TOPIC
    pic = "https://www.eff.org/files/2024/08/ahc-session.jpg"
    sf_fig = after_paragraph(page(sf), sf, 2, figure(pic, "", "Delegates at the Ad Hoc Committee in New York."))
    off_typo = edit(off, "generic computer language", "generic computer langauge")
    sf_new_title = "Still Flawed and Lacking Safeguards, UN Cybercrime Treaty Adopted by the UN General Assembly"
    return [
        _html("title_changed", page(on), page(with_title(on, on.title.replace("States Sign", "65 States Sign"))),
              {"title_changed"}, "a number added to the headline"),
        _html("title_reworded", page(off),
              page(with_title(off, "Stupid Patent of the Month: A Troll Claims to Own the Online Shopping Cart")),
              {"title_changed"}, "headline rewritten"),
        _html("body_word_changed", page(ga), page(edit(ga, "after 40 states", "90 days after 40 states")),
              {"body_edited"}, "entry-into-force condition corrected"),
        _html("body_number_changed", page(off), page(edit(off, "more than 30 small", "more than 50 small")),
              {"body_edited"}, "a figure changed"),
        _html("sentence_added_in_middle", page(c),
              page(insert_sentence(c, 0, "four years in prison under domestic law.",
                                   "Nothing in the text limits that sharing to crimes committed with a computer.")),
              {"body_edited"}, "a new sentence inside the first paragraph"),
        _html("paragraphs_reordered", page(ga), page(move_paragraph(ga, 2, 1)), {"body_edited"},
              "paragraphs 2 and 3 swapped: same words, different reading order"),
        _html("paragraph_deleted", page(sf), page(drop_paragraph(sf, 10)), {"body_edited"},
              "the Jordan paragraph taken out"),
        _html("paragraph_appended", page(on),
              page(with_paragraphs(on, [*on.paragraphs, "We will keep tracking which states ratify, and what "
                                        "safeguards, if any, they adopt at home."])),
              {"body_edited"}, "a closing paragraph added at the end"),
        _html("caption_changed", sf_fig, sf_fig.replace("in New York.", "in Vienna, where the text was adopted."),
              {"body_edited"}, "a caption is text a reader reads"),
        _html("minor_comma_removed", page(ga), page(edit(ga, "open for signature, and", "open for signature and")),
              {"body_edited:minor"}, "punctuation only"),
        _html("minor_case_only", page(sf), page(edit(sf, "discretion of Member States", "discretion of member "
                                                     "states")), {"body_edited:minor"}, "letter case only"),
        _html("minor_hyphen_dropped", page(sf), page(edit(sf, "cross-border cooperation", "cross border "
                                                          "cooperation")), {"body_edited:minor"},
              "a hyphen removed"),
        _html("minor_spelling_fixed", page(off_typo), page(off), {"body_edited:minor"},
              "typo 'langauge' → 'language': spelling-level, per the issue's definition of minor"),
        _html("combined_note_added_and_body_edited", page(mb),
              page(add_note(edit(mb, "1:30 pm ET / 10:30 am PT", "2:00 pm ET / 11:00 am PT"), NOTE_CORRECTION)),
              {"note_added", "body_edited"}, "a correction note and the corrected text"),
        _html("combined_note_added_and_minor_fix", page(c),
              page(add_note(edit(c, "at a minimum commit", "at a minimum, commit"), NOTE_EDITOR)),
              {"note_added", "body_edited:minor"}, "a note, and a comma added in the body: the body part is minor"),
        _html("combined_title_and_note", page(sf), page(add_note(with_title(sf, sf_new_title), NOTE_HANOI)),
              {"title_changed", "note_added"}, "headline updated with a new note"),
        _html("combined_title_and_body", page(ga),
              page(with_title(edit(ga, "should vote against", "should have voted against"),
                              ga.title.replace("the Cybercrime", "the UN Cybercrime"))),
              {"title_changed", "body_edited"}, "title and a body sentence both changed"),
        _html("combined_note_changed_and_body", page(SF_OLD), page(edit(sf, "this week for a vote", "on Dec. 24 "
                                                                       "for a vote")),
              {"note_changed", "body_edited"}, "note replaced and the body brought in line"),
    ]


def lifecycle_cases() -> list[Case]:
    ga, c, mb, on, off = GENERAL_ASSEMBLY, CONCERNS, MEDIA_BRIEFING, ON_TOPIC, OFF_TOPIC
    return [
        _html("new_post_blog", None, page(on), {"new_post"}, "first sight of an on-topic post"),
        _html("new_post_other_blog", None, page(off), {"new_post"}, "first sight (topic filtering is not here)"),
        _html("new_post_press_release", None, page(mb), {"new_post"}, "first sight of a press release"),
        _html("removed_page", page(ga), None, {"removed"}, "the page now answers 404/410"),
        _seed("removed_seeded_article", "002", None, {"removed"}, "a seeded article gone at its first live check"),
        _html("restored_unchanged", page(ga), page(ga), {"restored"}, "back, same text", old_removed=True),
        _html("restored_with_note", page(c), page(add_note(c, NOTE_EDITOR)), {"restored", "note_added"},
              "back with a new note", old_removed=True),
        _seed("restored_seed_004", "004", page(mb), {"restored"}, "back; the seed was truncated and had mojibake",
              old_removed=True),
    ]


def seed_cases() -> list[Case]:
    ga, sf, c, mb = GENERAL_ASSEMBLY, STILL_FLAWED, CONCERNS, MEDIA_BRIEFING
    return [
        _seed("seed_000_truncated_vs_live", "000", page(ga), set(), "the rest of the article is past the cut"),
        _seed("seed_001_truncated_vs_live", "001", page(sf), set(), "note and two paragraphs, cut at 'evide...'"),
        _seed("seed_002_truncated_vs_live", "002", page(c), set(), "translation links in the capture, cut mid-word"),
        _seed("seed_004_truncated_mojibake_vs_live", "004", page(mb), set(), "'New Yorkâ€”On' in the capture"),
        _seed("seed_003_reader_mode_vs_live", "003", page(sf), {"note_changed"},
              "live page carries the 1/6/2025 note instead of 12/21/24"),
        _seed("seed_003_reader_mode_vs_same_version", "003", page(SF_OLD), set(),
              "reader-mode text vs the page it was taken from"),
        _seed("seed_001_edit_inside_capture", "001", page(edit(sf, "dangerous risks to human rights", "grave risks "
                                                               "to human rights")),
              {"body_edited"}, "an edit in the first paragraph, which the seed covers"),
        _seed("seed_001_edit_outside_capture", "001", page(edit(sf, "now seems to recognize", "now appears to "
                                                                "recognize")),
              set(), "an edit past the seed's cut: the seed cannot know"),
        _seed("seed_000_note_added", "000", page(add_note(ga, NOTE_GA_TIMELINE)), {"note_added"},
              "a new note above the one the truncated capture has"),
        _seed("seed_004_edit_inside_capture", "004", page(edit(mb, "four international allies", "five international "
                                                               "allies")),
              {"body_edited"}, "an edit in the part the press-release capture covers"),
    ]


def all_cases() -> list[Case]:
    return [*noise_cases(), *note_cases(), *title_body_cases(), *lifecycle_cases(), *seed_cases()]
