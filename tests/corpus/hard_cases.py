"""Labelled cases for the rules a hostile or merely sloppy web tests: a reversal of meaning in one word,
invisible characters, hidden embeds, a page cut off in transit, and a redesign of the page's layout.
"""

from __future__ import annotations

from tests.corpus.case import Case, Sequence
from tests.corpus.cases import NOTE_GA_TIMELINE, page
from tests.corpus.transforms import after_paragraph, replace_once, with_notes, with_title
from tests.fixtures.articles import CONCERNS, GENERAL_ASSEMBLY, STILL_FLAWED
from tests.site import add_note, edit

HEADED = "is now headed to the UN General Assembly"
# EFF's click-to-play video: the player's URL sits URL-encoded in a hidden element until clicked.
EMBED = ('<div class="mytube" style="width: 560px;"><div class="mytubetrigger" tabindex="0">'
         '<div hidden class="mytubeembedcode">%3Ciframe%20src%3D%22https%3A//www.youtube.com/embed/{video}%3F'
         'autoplay%3D1%26rel%3D0%22%3E%3C/iframe%3E</div><img src="/files/mytube/{video}.jpg" alt=""></div></div>')


def cut(html: str, marker: str) -> str:
    """The page as a proxy that dropped the connection would hand it over: everything before `marker`."""
    return html[: html.index(marker)]


def redesigned(html: str) -> str:
    """The same article in a new template: its container sits in another wrapper (the layout changes)."""
    wrapped = replace_once(html, '<article role="article" class="node node--blog node--full node--blog--full">',
                           '<main class="site-2026"><section class="story"><article role="article" class="node '
                           'node--blog node--full node--blog--full">')
    return wrapped.replace("</article>", "</article></section></main>", 1)  # the full article closes first


def hard_pairs() -> list[Case]:
    ga, sf, c = GENERAL_ASSEMBLY, STILL_FLAWED, CONCERNS
    unlikely = page(edit(ga, HEADED, "is unlikely to go to the UN General Assembly"))
    likely = page(edit(ga, HEADED, "is likely to go to the UN General Assembly"))
    note = sf.notes[0]
    return [
        Case("reversal_unlikely_to_likely", unlikely, likely, frozenset({"body_edited"}),
             note="one word reverses the meaning (character similarity 0.86): never a typo fix"),
        Case("reversal_legal_to_illegal", page(edit(ga, HEADED, "is legal under the UN General Assembly")),
             page(edit(ga, HEADED, "is illegal under the UN General Assembly")), frozenset({"body_edited"}),
             note="a negating prefix"),
        Case("invisible_zwj_in_note", page(sf), page(with_notes(sf, [note.replace("adopted", "ado\u200dpted")])),
             frozenset(), note="a zero-width joiner inside a word of the note"),
        Case("invisible_bidi_in_title", page(sf), page(with_title(sf, "\u202a" + sf.title + "\u202c\u200e")),
             frozenset(), note="bidi embedding and LRM around the title"),
        Case("invisible_word_joiner_in_body", page(ga), page(edit(ga, "UN General", "UN\u2060 General")),
             frozenset(), note="a word joiner"),
        Case("note_label_upper_case", page(sf), page(with_notes(sf, [note.replace("Update", "UPDATE", 1)])),
             frozenset(), note="the label's letter case alone"),
        Case("hidden_embed_added", page(c), after_paragraph(page(c), c, 1, EMBED.format(video="a1B2c3D4e5F")),
             frozenset(), note="a click-to-play video: its parameters are in a hidden element"),
        Case("hidden_embed_repasted", after_paragraph(page(c), c, 1, EMBED.format(video="a1B2c3D4e5F")),
             after_paragraph(page(c), c, 1, EMBED.format(video="a1B2c3D4e5F").replace("rel%3D0", "rel%3D0%26t%3D5")),
             frozenset(), note="the same video pasted again with other hidden parameters"),
        Case("truncated_mid_body", page(ga), cut(page(ga), "Those attempts"), frozenset(),
             note="a proxy cut the page mid-body: an error, never 'Removed …'"),
        Case("truncated_with_a_note", page(ga), cut(page(add_note(ga, NOTE_GA_TIMELINE)), "Those attempts"),
             frozenset(), note="cut off: nothing is believed, not even the note (the whole page tells it next time)"),
        Case("redesign_same_text", page(ga), redesigned(page(ga)), frozenset(),
             note="a new template around the same article"),
        Case("redesign_adds_boilerplate_in_the_body",
             page(ga), redesigned(after_paragraph(page(ga), ga, len(ga.paragraphs) - 1,
                                                  "<p>Filed under: International, UN Cybercrime Treaty. Share this "
                                                  "post with your friends and sign up for EFFector.</p>")),
             frozenset(), note="the new template puts tags and a share line inside the body: the layout's"),
        Case("same_layout_adds_a_paragraph", page(ga),
             after_paragraph(page(ga), ga, len(ga.paragraphs) - 1,
                             "<p>Filed under: International, UN Cybercrime Treaty. Share this post with your friends "
                             "and sign up for EFFector.</p>"),
             frozenset({"body_edited"}), note="without a layout change, a new paragraph is an edit"),
        Case("redesign_with_a_note", page(ga), redesigned(page(add_note(ga, NOTE_GA_TIMELINE))),
             frozenset({"note_added"}), note="a redesign does not hide a new note"),
        Case("redesign_with_an_edit", page(ga), redesigned(page(edit(ga, "after 40 states", "after 50 states"))),
             frozenset({"body_edited"}), note="nor a changed number"),
    ]


def hard_sequences() -> list[Sequence]:
    ga = GENERAL_ASSEMBLY
    whole, cut_page = page(ga), cut(page(ga), "Those attempts")
    noted = page(add_note(ga, NOTE_GA_TIMELINE))
    return [
        Sequence("truncated_then_whole", (whole, cut_page, whole, cut_page, noted),
                 (frozenset(), frozenset(), frozenset(), frozenset({"note_added"})),
                 "a page cut off twice is two failed checks; the note after them is heard once"),
        Sequence("redesign_then_changes", (whole, redesigned(whole), redesigned(noted), redesigned(whole)),
                 (frozenset(), frozenset({"note_added"}), frozenset({"note_changed"})),
                 "after a quiet re-baseline, the new layout is the baseline"),
    ]
