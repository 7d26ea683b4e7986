"""The recommended deployment as written: compose.yaml runs the measured defaults (it once set a feed interval the
schedule's measurements rejected), publishes the web view on loopback only behind a token, needs no .env, and the
Dockerfile bakes no config file in. Read from the files themselves, so it costs nothing; tests/test_container.py
builds and runs the image."""

from __future__ import annotations

import re
from typing import Any

import yaml

from monitor.config.declare import declarations
from tests.conftest import REPO

# What a deployment must say for itself (where alerts go, where the web view listens); every other setting is the
# measured default, whose figures are in docs/schedule.md.
DEPLOYMENT = {"MONITOR_NOTIFY", "MONITOR_NOTIFY_ADMIN", "MONITOR_WEB_BIND", "MONITOR_WEB_TOKEN"}


def service() -> dict[str, Any]:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    (only,) = compose["services"].values()
    return dict(only)


def test_compose_runs_the_measured_defaults() -> None:
    settings = {d.env for d in declarations()}
    environment = service().get("environment", {})
    assert isinstance(environment, dict), "environment as a mapping, one variable a line"
    changed = {k for k in environment if k in settings and k not in DEPLOYMENT}
    assert not changed, f"compose.yaml overrides measured defaults: {changed}"
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    baked = {name for name in re.findall(r"\b(MONITOR_[A-Z_]+)=", dockerfile) if name in settings}
    assert baked <= {"MONITOR_DATABASE", "MONITOR_SEEDS_DIR"}, f"the image sets {baked}"


def test_compose_needs_no_env_file_and_publishes_the_web_view_on_loopback_behind_a_token() -> None:
    spec = service()
    files = spec.get("env_file", [])
    assert all(isinstance(f, dict) and f.get("required") is False for f in files), f"a .env must be optional: {files}"
    ports = [str(p) for p in spec.get("ports", [])]
    assert ports and all(p.startswith("127.0.0.1:") for p in ports), f"published beyond loopback: {ports}"
    assert spec["environment"]["MONITOR_WEB_BIND"].endswith(":" + ports[0].rsplit(":", 1)[1])
    command = " ".join(spec["command"])
    assert "MONITOR_WEB_TOKEN" in command and "secrets.token_urlsafe" in command, "a token is made when none is set"
    assert "monitor health" in " ".join(spec["healthcheck"]["test"])


def test_the_dockerfile_copies_no_config_or_secret() -> None:
    copied = [line.split()[1:-1] for line in (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines()
              if line.startswith("COPY ")]
    sources = [s for group in copied for s in group]
    secret = [s for s in sources if s.rstrip("/") in ("config", ".", ".env")
              or (s.endswith((".toml", ".yml", ".yaml", ".env")) and s != "pyproject.toml")]
    assert sources and not secret, f"the image would carry {secret}"
