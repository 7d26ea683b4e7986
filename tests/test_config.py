"""Settings: declared once (monitor/config/declare.py), read from TOML and MONITOR_*, every bad value one line.

docs/configuration.md's table is the declarations' own rendering; a table of bad configs and a property test hold
the error contract: ConfigError, one line, the key and its file or variable named, never a notification URL or token.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.config import Settings, declarations, load_settings, settings_table
from monitor.config.declare import DEFAULT_POLICY, TopicRules
from monitor.core.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
SECRET_URL = "slack://TokenA/TokenB/TokenC"
SECRET = "TokenA"
NUMERIC = [d for d in declarations() if d.kind in ("number", "count")]


def toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml(k)} = {toml(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "monitor.toml"
    path.write_text(text, encoding="utf-8")
    return path


def assert_one_line_error(exc: ConfigError, *named: str) -> str:
    message = str(exc)
    assert "\n" not in message and len(message) < 600, message  # an unknown kind lists the known ones (19)
    assert SECRET not in message, message
    for name in named:
        assert name in message, f"{name!r} not in {message!r}"
    return message


# -- the docs (docs/configuration.md) --------------------------------------------------------------------------
def test_the_readme_table_is_the_declarations() -> None:
    """Adding, changing or removing a setting without documenting it fails here."""
    readme = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    table = settings_table()
    missing = [line for line in table.splitlines() if line not in readme.splitlines()]
    assert not missing, ("docs/configuration.md's settings table is out of date; replace it with the output of\n"
                         "  python -c 'from monitor.config import settings_table; print(settings_table())'\n"
                         "rows missing or different:\n" + "\n".join(missing))
    rows = [line for line in readme.splitlines() if line.startswith("| `") and "| `MONITOR_" in line]
    assert len(rows) == len(declarations()), "docs/configuration.md documents a setting that is no longer declared"


def test_every_declaration_is_documented_with_its_default() -> None:
    for d in declarations():
        assert d.spec.doc, f"{d.key} has no doc line"
        row = next(line for line in settings_table().splitlines() if line.startswith(f"| `{d.key}` |"))
        if isinstance(d.default, float | int) and not isinstance(d.default, bool):
            shown = str(int(d.default)) if float(d.default).is_integer() else repr(d.default)
            assert f"| `{shown}` |" in row, row


def test_a_file_of_every_default_loads_to_the_defaults(tmp_path: Path) -> None:
    """Each declared default passes its own declaration's check."""
    top: list[str] = []
    tabled: dict[str, list[str]] = {}
    for d in declarations():
        if d.default is None or d.key in ("database", "seeds_dir"):
            continue
        table, _, key = d.key.rpartition(".")
        value = dict(d.default) if d.kind == "map" else d.default
        (tabled.setdefault(table, []) if table else top).append(f"{key} = {toml(value)}")
    text = "\n".join(top) + "".join(f"\n[{t}]\n" + "\n".join(lines) for t, lines in tabled.items())
    loaded = load_settings(write(tmp_path, text), env={})
    defaults = Settings(database=loaded.database, seeds_dir=loaded.seeds_dir, source=loaded.source,
                        templates=loaded.templates)
    assert loaded == defaults
    assert loaded.topic == TopicRules() and loaded.recheck == DEFAULT_POLICY


def test_the_shipped_config_loads() -> None:
    settings = load_settings(REPO / "config" / "monitor.toml", env={})
    assert settings.seeds_dir == REPO / "seeds" and settings.notify == ()


# -- what the callers read --------------------------------------------------------------------------------------
def test_types_the_callers_expect(tmp_path: Path) -> None:
    cfg = write(tmp_path, f'notify = ["{SECRET_URL}"]\ndatabase = "state/m.sqlite3"\ntimeout = 5\n'
                          '[rewrite]\n"https://www.eff.org/" = "http://127.0.0.1:8765/"\n'
                          '[templates]\ntitle = "{{ title }}"\n')
    s = load_settings(cfg, env={"MONITOR_WEB_TOKEN": "tok-secret"})
    assert s.notify == (SECRET_URL,) and isinstance(s.notify[0], str)
    assert s.database == tmp_path / "state" / "m.sqlite3"
    assert s.timeout == 5.0 and isinstance(s.timeout, float) and isinstance(s.max_bytes, int)
    assert s.rewrite == (("https://www.eff.org", "http://127.0.0.1:8765"),)
    assert s.templates is not None and s.templates.fmt == "text" and s.web_token == "tok-secret"
    for shown in (repr(s), str(s)):
        assert SECRET not in shown and "tok-secret" not in shown


def test_environment_formats_as_documented() -> None:
    s = load_settings(None, env={
        "MONITOR_NOTIFY": "json://127.0.0.1/a,json://127.0.0.1/b mailto://x@example.com?to=a@example.com,b@example.com",
        "MONITOR_ALERT_KINDS": "note_added, note_changed new_post",
        "MONITOR_RECHECK_TIERS": "2:0,30:3600",
        "MONITOR_REWRITE": "https://a.example=http://127.0.0.1:1/",
        "MONITOR_TOPIC_KEYWORDS": "cybercrime treaty, un convention",
        "MONITOR_ALLOWED_HOSTS": "a.example,b.example c.example",
        "MONITOR_DIGEST": "on", "MONITOR_ALERT_MINOR": "No", "MONITOR_MAX_BYTES": "1e3",
        "MONITOR_STATE_DIR": "/tmp/state-x", "MONITOR_FAULT": "",  # not settings: no "unknown setting"
    })
    assert s.notify == ("json://127.0.0.1/a", "json://127.0.0.1/b",
                        "mailto://x@example.com?to=a@example.com,b@example.com")
    assert s.alert_kinds == ("note_added", "note_changed", "new_post")
    assert s.recheck.tiers == ((2.0, 0.0), (30.0, 3600.0))
    assert s.rewrite == (("https://a.example", "http://127.0.0.1:1"),)
    assert s.topic.keywords == ("cybercrime treaty", "un convention")
    assert s.allowed_hosts == ("a.example", "b.example", "c.example")
    assert s.digest is True and s.alert_minor is False and s.max_bytes == 1000
    assert s.database == Path("/tmp/state-x/monitor.sqlite3")


def test_the_environment_overrides_the_file_key_by_key(tmp_path: Path) -> None:
    cfg = write(tmp_path, "host_delay = 5\n[topic]\nkeywords = [\"from file\"]\ncategories = [\"c\"]\n")
    s = load_settings(cfg, env={"MONITOR_HOST_DELAY": "0.5", "MONITOR_TOPIC_KEYWORDS": "from env"})
    assert s.host_delay == 0.5 and s.topic == TopicRules(keywords=("from env",), categories=("c",))


def test_admin_urls_never_leak_into_notify() -> None:
    """pydantic-settings' nested-delimiter split turns MONITOR_NOTIFY_ADMIN into notify.admin; ours does not."""
    s = load_settings(None, env={"MONITOR_NOTIFY_ADMIN": SECRET_URL})
    assert s.notify == () and s.notify_admin == (SECRET_URL,)


def test_help_never_imports_pydantic() -> None:
    """The validator is imported by load_settings only: `--help` and modules naming Settings stay cheap."""
    code = ("import sys, monitor.cli, monitor.service, monitor.config\n"
            "assert 'pydantic' not in sys.modules, 'pydantic imported at start-up'\n"
            "monitor.config.load_settings(env={})\nassert 'pydantic' in sys.modules")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr


# -- bad configs: one line, the key and its place named, no secret ------------------------------------------
@dataclass(frozen=True)
class Bad:
    name: str
    toml: str = ""  # the file (a notify URL with a token is always added to it)
    env: dict[str, str] = field(default_factory=dict)  # MONITOR_NOTIFY with a token is always added
    named: tuple[str, ...] = ()  # besides the file or variable


BAD = [
    Bad("nan", "timeout = nan", named=("'timeout'", "finite", "(got nan)")),
    Bad("inf hangs a check", "host_delay = inf", named=("'host_delay'", "finite number ≥ 0", "(got inf)")),
    Bad("1e999 is inf", "retry_backoff = 1e999", named=("'retry_backoff'", "(got inf)")),
    Bad("negative", "jitter = -1", named=("'jitter'", "≥ 0", "(got -1)")),
    Bad("negative int", "removed_after = -3", named=("'removed_after'", "whole number")),
    Bad("zero timeout", "timeout = 0", named=("'timeout'", "> 0")),
    Bad("int overflow", f"max_bytes = {10**30}", named=("'max_bytes'", "more than 30 digits")),
    Bad("int of 5000 digits", "max_bytes = " + "9" * 5000, named=("not valid TOML", "4300 digits")),
    Bad("float for an int", "max_attempts = 2.5", named=("'max_attempts'", "whole number", "(got 2.5)")),
    Bad("bool for an int", "host_concurrency = true", named=("'host_concurrency'", "(got true)")),
    Bad("string for a number", 'timeout = "soon"', named=("'timeout'", "(got 'soon')")),
    Bad("similarity above 1", "minor_similarity = 1.5", named=("'minor_similarity'", "≤ 1")),
    Bad("nested 10000 deep", "x = " + "[" * 10_000 + "]" * 10_000, named=("not valid TOML", "nested too deeply")),
    Bad("nested list for a list", "feeds = " + "[" * 300 + "]" * 300, named=("'feeds'", "list of http(s) URLs")),
    Bad("rewrite to a non-URL", '[rewrite]\n"https://www.eff.org" = "127.0.0.1:8765"',
        named=("'rewrite.https://www.eff.org'", "http(s) URL")),
    Bad("unknown key", "feeds_interval_typo = 3", named=("unknown key 'feeds_interval_typo'",)),
    Bad("unknown key in a table", "[topic]\nfoo = 1", named=("unknown key 'topic.foo'",)),
    Bad("table that is not one", "topic = 3", named=("'topic' must be a table",)),
    Bad("wrong type: string for a bool", 'digest = "yes"', named=("'digest'", "true or false")),
    Bad("wrong type: list item", "articles = [1]", named=("'articles'",)),
    Bad("empty user agent", 'user_agent = "  "', named=("'user_agent'", "non-empty")),
    Bad("empty database path", 'database = ""', named=("'database'",)),
    Bad("bad alert kind", 'alert_kinds = ["new_post", "gossip"]', named=("'alert_kinds'", "'gossip'")),
    Bad("bad web_bind", 'web_bind = "0.0.0.0:99999"', named=("'web_bind'", "HOST:PORT")),
    Bad("empty web_token", 'web_token = ""', named=("'web_token'",)),
    Bad("notify not a list of strings", 'notify_admin = [1, "slack://TokenA/x/y"]', named=("'notify_admin'",)),
    Bad("feed that is a secret URL", f'feeds = ["{SECRET_URL}"]', named=("'feeds'", "'slack' URL")),
    Bad("tiers out of order", "[recheck]\ntiers = [[30, 0], [2, 60]]", named=("'recheck.tiers'", "youngest first")),
    Bad("tiers with inf", "[recheck]\ntiers = [[2, inf]]", named=("'recheck.tiers'", "(got inf)")),
    Bad("template syntax", '[templates]\nbody = "{% for %}"', named=("'templates.body'", "not a valid template")),
    Bad("template format", '[templates]\nformat = "rtf"', named=("'templates.format'", "text, markdown or html")),
    Bad("not TOML", "feeds = [", named=("not valid TOML",)),
    # the environment
    Bad("env inf", env={"MONITOR_HOST_DELAY": "inf"}, named=("MONITOR_HOST_DELAY", "'host_delay'", "(got inf)")),
    Bad("env nan", env={"MONITOR_TIMEOUT": "NaN"}, named=("MONITOR_TIMEOUT", "'timeout'", "finite")),
    Bad("env negative", env={"MONITOR_QUIET_DAYS": "-7"}, named=("MONITOR_QUIET_DAYS", "'quiet_days'")),
    Bad("env overflow", env={"MONITOR_ADMIN_AFTER": str(10**30)}, named=("MONITOR_ADMIN_AFTER", "'admin_after'")),
    Bad("env 1e999 for an int", env={"MONITOR_MAX_BYTES": "1e999"}, named=("MONITOR_MAX_BYTES", "'max_bytes'")),
    Bad("env not a number", env={"MONITOR_JITTER": "a minute"}, named=("MONITOR_JITTER", "'jitter'")),
    Bad("env bad bool", env={"MONITOR_DIGEST": "maybe"}, named=("MONITOR_DIGEST", "true or false")),
    Bad("env unknown setting", env={"MONITOR_TIMEOUTS": "3"}, named=("MONITOR_TIMEOUTS", "unknown setting 'timeouts'")),
    Bad("env bad tiers", env={"MONITOR_RECHECK_TIERS": "2:0,soon"}, named=("MONITOR_RECHECK_TIERS", "DAYS:SECONDS")),
    Bad("env tiers out of order", env={"MONITOR_RECHECK_TIERS": "30:0,2:60"}, named=("'recheck.tiers'",)),
    Bad("env rewrite without =", env={"MONITOR_REWRITE": "https://www.eff.org"}, named=("MONITOR_REWRITE",)),
    Bad("env rewrite to ftp", env={"MONITOR_REWRITE": "https://www.eff.org=ftp://x"}, named=("'rewrite.",)),
    Bad("env bad alert kind", env={"MONITOR_ALERT_KINDS": "new_post,gossip"}, named=("MONITOR_ALERT_KINDS",)),
    Bad("env bad web_bind", env={"MONITOR_WEB_BIND": "localhost"}, named=("MONITOR_WEB_BIND", "'web_bind'")),
    Bad("env empty user agent", env={"MONITOR_USER_AGENT": " "}, named=("MONITOR_USER_AGENT",)),
    Bad("env feed not http", env={"MONITOR_FEEDS": SECRET_URL}, named=("MONITOR_FEEDS",)),
]


def test_the_bad_table_is_big_enough() -> None:
    assert len([b for b in BAD if not b.env]) >= 20 and len([b for b in BAD if b.env]) >= 10


@pytest.mark.parametrize("bad", BAD, ids=[b.name for b in BAD])
def test_a_bad_config_is_one_line_naming_the_key_and_no_secret(tmp_path: Path, bad: Bad) -> None:
    cfg = write(tmp_path, f'notify = ["{SECRET_URL}"]\n{bad.toml}\n')
    env = {"MONITOR_NOTIFY_ADMIN": f"{SECRET_URL} json://user:TokenA@127.0.0.1/x", "MONITOR_WEB_TOKEN": "TokenA-web",
           **bad.env}
    with pytest.raises(ConfigError) as caught:
        load_settings(cfg, env=env)
    place = next(iter(bad.env)) if bad.env else str(cfg)
    assert_one_line_error(caught.value, place, *bad.named)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__, "no pydantic text chained on"


def test_a_missing_explicit_config_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path / "nope.toml", env={})
    assert_one_line_error(caught.value, "nope.toml", "not found")


# -- numeric junk: finite and in range, or one line -------------------------------------------------------------
junk = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, -1, 0, 1, 10**30, -(10**30), 2**63, 1e308, 5e-324]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**40), max_value=10**40),
)


def _in_range(d: Any, value: float) -> bool:
    s = d.spec
    return (math.isfinite(value) and (s.ge is None or value >= s.ge) and (s.gt is None or value > s.gt)
            and (s.le is None or value <= s.le))


def _value(settings_: Settings, key: str) -> float:
    if key.startswith("recheck."):
        return float(getattr(settings_.recheck, key.removeprefix("recheck.")))
    table, _, name = key.rpartition(".")
    value = getattr(getattr(settings_, table), name) if table else getattr(settings_, key)
    assert isinstance(value, int | float)
    return value


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(d=st.sampled_from(NUMERIC), value=junk, from_env=st.booleans())
def test_numeric_junk_is_in_range_or_one_line(tmp_path_factory: pytest.TempPathFactory, d: Any, value: float,
                                              from_env: bool) -> None:
    if from_env:
        text = repr(value) if isinstance(value, float) else str(value)
        path, env = None, {d.env: text}
    else:
        table, _, key = d.key.rpartition(".")
        body = (f"[{table}]\n" if table else "") + f"{key} = {toml(value)}\n"
        path, env = write(tmp_path_factory.mktemp("junk"), f'notify = ["{SECRET_URL}"]\n' + body), {}
    try:
        loaded = load_settings(path, env=env)
    except ConfigError as exc:
        assert_one_line_error(exc, f"'{d.key}'")
        return
    got = _value(loaded, d.key)
    assert _in_range(d, got), f"{d.key} = {got!r} accepted"
    assert isinstance(got, int if d.kind == "count" else float) and not isinstance(got, bool)


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(tiers=st.lists(st.lists(junk, min_size=0, max_size=3), max_size=4))
def test_recheck_tiers_junk_is_in_range_or_one_line(tmp_path_factory: pytest.TempPathFactory,
                                                    tiers: list[list[float]]) -> None:
    path = write(tmp_path_factory.mktemp("tiers"), f"[recheck]\ntiers = {toml(tiers)}\n")
    try:
        loaded = load_settings(path, env={})
    except ConfigError as exc:
        assert_one_line_error(exc, "'recheck.tiers'")
        return
    assert loaded.recheck.tiers and all(math.isfinite(v) and v >= 0 for tier in loaded.recheck.tiers for v in tier)


def test_the_readme_documents_the_sites_table() -> None:
    from monitor.config.readme import sites_table

    readme = (REPO / "docs" / "extraction.md").read_text(encoding="utf-8").splitlines()
    missing = [line for line in sites_table().splitlines() if line not in readme]
    assert not missing, "docs/extraction.md's [sites] table is out of date (monitor.config.readme.sites_table()):\n" + \
        "\n".join(missing)


@pytest.mark.parametrize(("text", "message"), [
    ('[sites."a b"]\nbody = ["main"]\n', 'sites."a b" must be named by a host'),
    ('[sites."x.org"]\nbody = "p["\n', "'sites.\"x.org\".body' has an entry that is not a CSS selector"),
    ('[sites."x.org"]\nfeeds = ["ftp://x.org/rss"]\n', "'sites.\"x.org\".feeds' has an entry that is not an http"),
    ('[sites."x.org"]\nbodies = ["main"]\n', "unknown key 'sites.\"x.org\".bodies'"),
    ('[sites."x.org"]\nkeywords = 3\n', "'sites.\"x.org\".keywords' must be a list of strings"),
    ("sites = 3\n", "'sites' must be a table"),
])
def test_a_bad_sites_table_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text), env={})
    assert message in str(err.value) and "\n" not in str(err.value)


def test_sites_tables_load_and_their_hosts_may_be_fetched(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, 'listings = ["https://news.example.net/topic"]\n'
                                      '[sites."WWW.Example.org"]\nbody = ".post-body"\nkeywords = ["treaty"]\n'
                                      'feeds = ["https://feeds.example.org/all.xml"]\n'), env={})
    assert [site.host for site in s.sites] == ["www.example.org"] and s.sites[0].body == (".post-body",)
    assert s.fetch_hosts == ("www.eff.org", "eff.org", "www.example.org", "news.example.net", "feeds.example.org",
                             "treaties.un.org")  # the treaty's status source, on by default
    assert load_settings(write(tmp_path, 'allowed_hosts = []\n[sites."a.org"]\n'), env={}).fetch_hosts == ()
