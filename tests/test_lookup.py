"""Naming an article: its short id, its URL in any spelling, or a unique part of its slug, wherever one is named;
a miss suggests the nearest names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.app.lookup import find_article, slug_of
from monitor.core.errors import MonitorError
from monitor.core.kinds import Origin
from monitor.store.database import Store, open_store
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.replay import ReplaySite

SLUG = slug_of(STILL_FLAWED.url)


def test_ids_are_shown_and_accepted_wherever_an_article_is_named(tmp_path: Path, site: ReplaySite) -> None:
    cfg = write_config(tmp_path, site, [])
    assert run_monitor("check", config=cfg).returncode == 0
    data = json.loads(run_monitor("status", "--json", config=cfg).stdout)
    ids = {a["url"]: a["id"] for a in data["articles"]}
    assert set(ids) == {a.url for a in SEEDED} and len(set(ids.values())) == len(SEEDED)
    table = run_monitor("status", config=cfg).stdout
    assert table.splitlines()[0].startswith("id  "), table
    number = ids[STILL_FLAWED.url]
    assert any(line.startswith(f"{number} ") and "Still Flawed" in line for line in table.splitlines()), table

    spelled = STILL_FLAWED.url.replace("https://www.", "http://") + "/?utm_source=newsletter"
    names = [str(number), f"#{number}", STILL_FLAWED.url, spelled, SLUG, "still-flawed", SLUG.upper(),
             STILL_FLAWED.url.removeprefix("https://")]
    outputs = {name: run_monitor("history", name, config=cfg) for name in names}
    assert all(r.returncode == 0 for r in outputs.values()), {n: r.stderr for n, r in outputs.items()}
    assert len({r.stdout for r in outputs.values()}) == 1, "every name gives the same history"
    assert run_monitor("diff", SLUG, "1", "2", config=cfg).returncode == 0


def test_a_miss_says_what_was_meant(tmp_path: Path, site: ReplaySite) -> None:
    cfg = write_config(tmp_path, site, [])
    assert run_monitor("check", config=cfg).returncode == 0
    typo = run_monitor("history", SLUG.replace("flawed", "flawd"), config=cfg)
    assert typo.returncode == 1 and "did you mean" in typo.stderr and SLUG in typo.stderr, typo.stderr
    assert typo.stderr.count("\n") == 1 and typo.stderr.startswith("error: ")
    ambiguous = run_monitor("history", "cybercrime", config=cfg)
    assert ambiguous.returncode == 1 and "matches 4 articles" in ambiguous.stderr, ambiguous.stderr
    assert "name one by its id" in ambiguous.stderr
    missing = run_monitor("diff", "999", config=cfg)
    assert missing.returncode == 1 and "no article with id 999" in missing.stderr, missing.stderr
    unknown_url = run_monitor("history", "https://www.eff.org/deeplinks/2024/12/still-flawed-and-lacking", config=cfg)
    assert unknown_url.returncode == 1 and "not a tracked article" in unknown_url.stderr
    assert "did you mean" in unknown_url.stderr, unknown_url.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = open_store(tmp_path_factory.mktemp("lookup") / "db.sqlite3")
    for a in SEEDED:
        s.track(a.url, Origin.SEED, a.title)
    return s


def _spellings() -> st.SearchStrategy[str]:
    """Every way a person or a mail client writes one link: scheme, www, case of the host, a trailing slash,
    tracking parameters, a fragment, no scheme at all."""
    path = STILL_FLAWED.path
    return st.builds(
        lambda scheme, www, upper, slash, utm, frag: (
            f"{scheme}{('WWW.' if upper else 'www.') if www else ''}{'EFF.ORG' if upper else 'eff.org'}{path}"
            f"{'/' if slash else ''}{utm}{frag}"),
        st.sampled_from(["https://", "http://", ""]), st.booleans(), st.booleans(), st.booleans(),
        st.sampled_from(["", "?utm_source=x", "?utm_medium=email&utm_campaign=y", "?fbclid=abc"]),
        st.sampled_from(["", "#comments", "#"]),
    )


@settings(max_examples=60, deadline=None)
@given(spelling=_spellings())
def test_any_spelling_of_a_tracked_url_names_it(store: Store, spelling: str) -> None:
    assert find_article(store, spelling).url == STILL_FLAWED.url


@settings(max_examples=60, deadline=None)
@given(name=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40))
def test_any_other_name_is_one_article_or_a_one_line_error(store: Store, name: str) -> None:
    """Whatever is typed: the one article it names, or one line saying why not, never a traceback."""
    try:
        row = find_article(store, name)
    except MonitorError as exc:
        assert "\n" not in str(exc).strip(" \n") or "\n" in name
        return
    wanted = name.strip().lstrip("#").strip("/").casefold()
    assert wanted == str(row.id) or wanted in slug_of(row.url).casefold() or "://" in name or "." in name
