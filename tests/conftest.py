"""Shared fixtures: the replay site, real notification receivers, and the CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.articles import SEEDED
from tests.receivers import JsonReceiver, SmtpReceiver
from tests.replay import ReplaySite
from tests.site import EFF, publish

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO / "seeds"
SHARED = REPO.parent / "shared"  # /work/shared beside the repo; absent in some checkouts
ROBOTS = "User-agent: *\nDisallow: /search/\nDisallow: /user/\n"


@pytest.fixture
def site() -> Iterator[ReplaySite]:
    """eff.org as it is live: the seeded articles' pages and a feed listing them."""
    with ReplaySite() as s:
        s.set("/robots.txt", ROBOTS, content_type="text/plain")
        publish(s, SEEDED)
        yield s


@pytest.fixture
def receiver() -> Iterator[JsonReceiver]:
    r = JsonReceiver()
    yield r
    r.close()


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    r = SmtpReceiver()
    yield r
    r.close()


def needs_shared() -> pytest.MarkDecorator:
    """Skip tests that read the real captures in /work/shared when it is not there."""
    return pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} (real eff.org captures) is absent")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def write_config(tmp_path: Path, site: ReplaySite, notify: list[str], **extra: Any) -> Path:
    """Write the product's TOML config; `extra` overrides or adds keys (a dict value, like `rewrite`, is a table;
    a list of dicts, like `route`, is an array of tables: `[[route]]`)."""
    settings: dict[str, Any] = {
        "database": tmp_path / "monitor.sqlite3",
        "seeds_dir": SEEDS_DIR,
        "feeds": [f"{EFF}/rss/updates.xml"],
        "articles": [],
        "notify": notify,
        "allowed_hosts": ["www.eff.org", "eff.org"],
        "host_delay": 0,
        "timeout": 10,
        "retry_backoff": 0.1,
    }
    # The treaty's status source is on by default and reads treaties.un.org: no test may, so it is off here unless
    # a test passes its own `treaty` table (pointed at a loopback replay).
    tables: dict[str, dict[str, Any]] = {"rewrite": {EFF: site.base_url}, "treaty": {"enabled": False}}
    arrays: dict[str, list[dict[str, Any]]] = {}
    for key, value in extra.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            arrays[key] = value
        else:
            (tables if isinstance(value, dict) else settings)[key] = value
    lines = [f"{key} = {_toml_value(value)}" for key, value in settings.items()]
    for name, table in tables.items():
        lines.append(f"\n[{name}]")
        lines += [f"{_toml_value(k)} = {_toml_value(v)}" for k, v in table.items()]
    for name, items in arrays.items():
        for item in items:
            lines.append(f"\n[[{name}]]")
            lines += [f"{_toml_value(k)} = {_toml_value(v)}" for k, v in item.items()]
    path = tmp_path / "monitor.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_monitor(
    *args: str, config: Path, cwd: Path | None = None, extra_env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None, wrapper: list[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m monitor ARGS --config CONFIG` as a user would, by default from the config's directory.

    `preexec_fn` runs in the child before the monitor starts (e.g. to drop privileges); `wrapper` is a
    command the monitor runs under (e.g. `faketime -f +365d`).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env.update(extra_env or {})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return subprocess.run(
        [*(wrapper or []), sys.executable, "-m", "monitor", *args, "--config", str(config)],
        cwd=cwd or config.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=preexec_fn,
    )
