"""The documentation holds together: README.md is the start page and docs/*.md the reference, so every relative link
in them must reach a file and a heading that exist, each generated table stands once, and the README's two
commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.config import settings_table
from tests.conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, markup and punctuation gone (word characters, spaces and hyphens
    kept), each space a hyphen."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading: its text
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading's anchor on a page (a repeated one gets -1, -2 … as on GitHub)."""
    seen: dict[str, int] = {}
    out = set()
    for line in _FENCE.sub("", page.read_text(encoding="utf-8")).splitlines():
        if match := re.match(r"#{1,6} +(.*)", line):
            base = anchor(match.group(1))
            out.add(base if base not in seen else f"{base}-{seen[base]}")
            seen[base] = seen.get(base, 0) + 1
    return out


def links(page: Path) -> list[str]:
    """The link targets of a page, code blocks and inline code left out."""
    text = re.sub(r"`[^`\n]*`", "", _FENCE.sub("", page.read_text(encoding="utf-8")))
    return _LINK.findall(text)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_reaches_a_file_and_a_heading(page: Path) -> None:
    broken = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto: …: not ours to check offline
            continue
        path, _, fragment = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no file {file}")
        elif fragment and file.suffix == ".md" and fragment not in anchors(file):
            broken.append(f"{target}: no heading #{fragment} in {file.relative_to(REPO)}")
    assert not broken, f"{page.relative_to(REPO)}: " + "; ".join(broken)


def test_the_checker_sees_a_broken_link(tmp_path: Path) -> None:
    """The rule above can fail: a page whose link names a missing heading is caught, a good one is not."""
    page = tmp_path / "a.md"
    page.write_text("# Top: one, two\n\n## Top: one, two\n\n[x](#top-one-two-1) [y](#nowhere) `[z](#no)`\n")
    assert anchors(page) == {"top-one-two", "top-one-two-1"}
    assert links(page) == ["#top-one-two-1", "#nowhere"]


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40))
def test_an_anchor_is_one_token_of_word_characters_and_hyphens(heading: str) -> None:
    made = anchor(heading)
    assert " " not in made and made == made.lower() and all(c.isalnum() or c in "-_" for c in made)


def test_every_generated_table_stands_once_in_the_docs() -> None:
    """The settings table and each `[[route]]` key row appear once across README.md and docs/ (the README once
    printed the route table five times)."""
    everything = "\n".join(p.read_text(encoding="utf-8") for p in PAGES).splitlines()
    rows = [line for line in settings_table().splitlines() if line.startswith("| `")]
    twice = [row[:60] for row in rows if everything.count(row) != 1]
    assert not twice, f"table rows not printed exactly once: {twice}"


def test_the_readme_is_a_start_page_with_the_two_commands_ci_runs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```", readme, re.M | re.S)
    assert blocks[0].strip() == "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/monitor check"
    assert blocks[1].strip() == ("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && "
                                 ".venv/bin/python -m pytest")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m venv .venv" in ci and ".venv/bin/pip install -q -e '.[test]'" in ci
    assert re.search(r"^\.venv/bin/python -m pytest$", ci, re.M), "CI runs the README's test command as it is"
    assert len(readme.splitlines()) < 150, "the README is a start page; reference goes to docs/"
    assert {link.partition("#")[0] for link in links(REPO / "README.md") if link.startswith("docs/")} == {
        f"docs/{p.name}" for p in PAGES[1:]}, "the README leads to every docs/ page"
