"""`monitor add` / `list` / `remove`: the config file stays valid, and every comment and blank line in it survives."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.config.edit import add_article, listed, remove_article
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import ON_TOPIC, SEEDED
from tests.replay import ReplaySite
from tests.site import publish

COMMENTED = '''
# Articles we follow by hand (the feed finds the rest).
articles = [
    # the press release the coalition cites
    "{first}",  # pinned for the vote
]

# Notification: alerts print to stdout.
'''


def _commented(tmp_path: Path, site: ReplaySite) -> Path:
    cfg = write_config(tmp_path, site, [])
    text = cfg.read_text().replace("articles = []\n", "")
    cfg.write_text("# my monitor, edited by hand\n" + text.replace("\n[rewrite]", COMMENTED.format(
        first=SEEDED[3].url) + "\n[rewrite]", 1))
    return cfg


def test_add_list_remove_keep_the_file_and_its_comments(tmp_path: Path, site: ReplaySite) -> None:
    publish(site, [*SEEDED, ON_TOPIC])
    cfg = _commented(tmp_path, site)
    original = cfg.read_text()

    added = run_monitor("add", ON_TOPIC.url.replace("https://www.", "www."), config=cfg)
    assert added.returncode == 0 and f"added to {cfg}" in added.stdout, added.stderr
    edited = cfg.read_text()
    assert [line for line in original.splitlines() if line not in edited.splitlines()] == [], edited
    assert ON_TOPIC.url in edited
    again = run_monitor("add", ON_TOPIC.url.replace("https://", "http://") + "/", config=cfg)
    assert again.returncode == 0 and "already listed" in again.stdout and cfg.read_text() == edited

    before = run_monitor("list", config=cfg)
    assert "(not read yet)" in before.stdout and ON_TOPIC.url in before.stdout, before.stdout
    assert run_monitor("check", config=cfg).returncode == 0
    rows = {line.split()[-1]: line.split()[0] for line in run_monitor("list", config=cfg).stdout.splitlines()[:-1]}
    assert rows[ON_TOPIC.url].isdigit() and "not read yet" not in run_monitor("list", config=cfg).stdout

    removed = run_monitor("remove", rows[ON_TOPIC.url], config=cfg)
    assert removed.returncode == 0 and "removed from" in removed.stdout, removed.stderr
    assert cfg.read_text() == original, "add then remove gives back the very same file"

    not_listed = run_monitor("remove", rows[SEEDED[0].url], config=cfg)
    assert not_listed.returncode == 1 and "not in the `articles` list" in not_listed.stderr
    for bad in ("ftp://example.org/x", "not a url"):
        refused = run_monitor("add", bad, config=cfg)
        assert refused.returncode == 1 and refused.stderr.startswith("error: ") and cfg.read_text() == original


def test_an_edit_that_would_break_the_config_is_not_written(tmp_path: Path, site: ReplaySite) -> None:
    cfg = _commented(tmp_path, site)
    cfg.write_text("quiet_days = -7\n" + cfg.read_text())  # already invalid: no edit may hide that or make it worse
    original = cfg.read_text()
    result = run_monitor("add", ON_TOPIC.url, config=cfg)
    assert result.returncode == 1 and "'quiet_days'" in result.stderr and "left unchanged" in result.stderr
    assert cfg.read_text() == original and [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


_comment = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30)
_slug = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(top=_comment, inner=_comment, trailing=_comment, listed_first=st.booleans(), slugs=st.lists(_slug, min_size=1,
       max_size=4, unique=True), multiline=st.booleans())
def test_add_then_remove_is_the_identity_on_any_commented_file(
    tmp_path: Path, top: str, inner: str, trailing: str, listed_first: bool, slugs: list[str], multiline: bool
) -> None:
    first = '"https://www.eff.org/deeplinks/2024/01/kept"'
    body = (f"[\n    # {inner}\n    {first},  # {trailing}\n]" if multiline
            else f"[{first if listed_first else ''}]  # {trailing}")
    cfg = tmp_path / "edit.toml"
    cfg.write_text(f"# {top}\ndatabase = \"x.sqlite3\"\n\n# {inner}\narticles = {body}\n\n[topic]\n# {top}\n"
                   'keywords = ["cybercrime"]\n', encoding="utf-8")
    original = cfg.read_text(encoding="utf-8")
    urls = [f"https://www.eff.org/deeplinks/2025/{slug}" for slug in slugs]
    for url in urls:
        assert add_article(cfg, url).changed
    assert all(u in listed(cfg) for u in urls)
    assert all(line in cfg.read_text(encoding="utf-8").splitlines() for line in original.splitlines()
               if "articles" not in line and "kept" not in line)
    for url in reversed(urls):
        remove_article(cfg, url)
    assert cfg.read_text(encoding="utf-8") == original
