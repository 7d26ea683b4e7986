"""The five seed files read as article snapshots: chrome out, notes found, versions ordered."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.core.errors import SeedError
from monitor.sources.seeds import load_seeds, parse_seed_file
from tests.conftest import SEEDS_DIR

STILL_FLAWED = (
    "https://www.eff.org/deeplinks/2024/12/still-flawed-and-lacking-safeguards-un-cybercrime-treaty-goes-un-general-assembly"
)
CHROME_WORDS = ("Skip to main content", "Donate", "Share on Twitter", "Copy link", "Join EFF Lists", "Search form",
                "Privacy Badger", "DEEPLINKS BLOG", "العربية", "sitebanner", "Library of Everything")


def _seed(prefix: str) -> Path:
    return next(SEEDS_DIR.glob(prefix + "_*.txt"))


def test_all_five_seeds_parse_without_chrome() -> None:
    seeds = load_seeds(SEEDS_DIR)
    assert len(seeds) == 5
    for seed in seeds:
        snap = seed.snapshot
        text = "\n".join([*snap.paragraphs, *(n.text for n in snap.notes)])
        assert snap.url.startswith("https://www.eff.org/")
        assert snap.title and snap.paragraphs
        for word in CHROME_WORDS:
            assert word not in text, (seed.path.name, word)


def test_capture_seed_reads_title_byline_date_note_and_truncation() -> None:
    snap = parse_seed_file(_seed("001")).snapshot
    assert snap.title.startswith("Still Flawed and Lacking Safeguards")
    assert snap.byline == "Karen Gullo"
    assert snap.published == "2024-12-16"
    assert [n.label for n in snap.notes] == ["Update (1/6/2025)"]
    assert snap.notes[0].text.endswith("ratified by the 40th signatory.")
    assert snap.truncated
    assert snap.paragraphs[0].startswith("Most UN Member States, including the U.S., are expected")
    assert not snap.paragraphs[-1].endswith("...")


def test_messy_emphasis_note_is_one_clean_note() -> None:
    snap = parse_seed_file(_seed("000")).snapshot
    assert len(snap.notes) == 1
    note = snap.notes[0]
    assert note.label == "Note on the update"
    assert "*" not in note.text and "While the majority" in note.text
    assert snap.paragraphs[0].startswith("The final draft text of the United Nations Convention Against Cybercrime")


def test_translation_links_are_not_body() -> None:
    snap = parse_seed_file(_seed("002")).snapshot
    assert snap.notes[0].text.startswith("Update: This post has been updated")
    assert snap.paragraphs[0].startswith("The proposed UN Cybercrime Convention is an extensive surveillance pact.")


def test_mojibake_seed_is_repaired() -> None:
    snap = parse_seed_file(_seed("004")).snapshot
    assert snap.paragraphs[0].startswith("New York—On Wednesday, August 23")
    assert snap.published == "2023-08-18"
    assert not snap.notes


def test_reader_mode_seed_is_matched_by_title_and_ordered_before_the_later_capture() -> None:
    seeds = [s for s in load_seeds(SEEDS_DIR) if s.snapshot.url == STILL_FLAWED]
    assert [s.path.name[:3] for s in seeds] == ["003", "001"]
    reader = seeds[0]
    assert not reader.capture_time_known
    assert reader.snapshot.byline == "Karen Gullo"
    assert [n.label for n in reader.snapshot.notes] == ["Update (12/21/24)"]
    assert "postponed" in reader.snapshot.notes[0].text
    assert not reader.snapshot.truncated
    assert reader.snapshot.paragraphs[-1].endswith("might pay a high price.")


def test_seed_without_url_or_title_match_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("Some Other Title\n\nA : 1 minutes : 1/1/2025\n\nBody text here.\n")
    with pytest.raises(SeedError, match=r"x\.txt: no url"):
        load_seeds(tmp_path)


def test_missing_seeds_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="seeds directory not found"):
        load_seeds(tmp_path / "nope")
