"""`monitor config check`: every problem at once, each a one-line error, a mistyped key with its likely meaning."""

from __future__ import annotations

import difflib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.config.check import check_config
from monitor.config.declare import declarations
from tests.conftest import REPO, run_monitor

BAD = """# a file with six mistakes (the route has no tags either)
databse = "x.sqlite3"
timeout = -1
host_dely = 2
[topic]
keywrds = ["x"]
[[route]]
tag = "x"
"""


def test_every_problem_at_once_with_did_you_mean(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(BAD)
    result = run_monitor("config", "check", config=cfg, extra_env={"MONITOR_TIMOUT": "3"})
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert all(line.startswith("error: ") for line in errors) and len(errors) == 7, result.stderr
    for wrong, meant in [("databse", "database"), ("host_dely", "host_delay"), ("topic.keywrds", "topic.keywords"),
                         ("route[1].tag", "route[1].tags"), ("MONITOR_TIMOUT", "MONITOR_TIMEOUT")]:
        assert any(wrong in e and f"did you mean '{meant}'?" in e for e in errors), (wrong, result.stderr)
    assert any("'timeout' must be" in e for e in errors) and any("must name at least one" in e for e in errors)
    assert result.stdout.strip() == f"{cfg}: 7 problems"


def test_the_shipped_example_turns_off_nothing_the_defaults_turn_on() -> None:
    from monitor.config import load_settings
    from monitor.core.kinds import ALERT_KINDS

    shipped = load_settings(REPO / "config" / "monitor.toml", env={})
    assert set(shipped.alert_kinds) == {k.value for k in ALERT_KINDS}
    defaults = {d.key: d.default for d in declarations()}
    assert (shipped.feed_interval, shipped.jitter) == (defaults["feed_interval"], defaults["jitter"])


def test_the_shipped_example_is_clean() -> None:
    result = run_monitor("config", "check", config=REPO / "config" / "monitor.toml")
    assert result.returncode == 0 and result.stdout.strip().endswith(": OK"), result.stderr


def test_a_syntax_error_is_one_problem(tmp_path: Path) -> None:
    cfg = tmp_path / "broken.toml"
    cfg.write_text('timeout = 3\nfeeds = ["unclosed"\n')
    result = run_monitor("config", "check", config=cfg)
    assert result.returncode == 1 and "not valid TOML" in result.stderr and result.stderr.count("\n") == 1


KEYS = sorted(d.key for d in declarations() if "." not in d.key and len(d.key) >= 6)


@settings(max_examples=60, deadline=None)
@given(key=st.sampled_from(KEYS), at=st.integers(0, 100), edit=st.sampled_from(["drop", "double", "swap"]))
def test_a_one_letter_slip_in_any_key_is_named_back(key: str, at: int, edit: str) -> None:
    i = at % (len(key) - 1)
    wrong = {"drop": key[:i] + key[i + 1:], "double": key[:i] + key[i] + key[i:],
             "swap": key[:i] + key[i + 1] + key[i] + key[i + 2:]}[edit]
    if wrong == key or wrong in KEYS:
        return
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "slip.toml"
        cfg.write_text(f"{wrong} = 1\n")
        _, problems = check_config(cfg, env={})
    assert len(problems) == 1 and f"unknown key {wrong!r}" in problems[0], problems
    suggested = problems[0].rpartition("did you mean '")[2].rstrip("'?")
    assert suggested in KEYS or suggested in {d.key for d in declarations()}, problems[0]
    ratio = difflib.SequenceMatcher(None, wrong, suggested).ratio()
    assert ratio >= difflib.SequenceMatcher(None, wrong, key).ratio() - 1e-9 or suggested == key, problems[0]
