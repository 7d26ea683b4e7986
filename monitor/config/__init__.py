"""Settings: TOML file (stdlib tomllib) + MONITOR_* environment overrides → one frozen Settings.

`declare` holds every setting once (type, default, limits, doc); `load` reads and checks them with pydantic, and
is imported only when settings are actually loaded, so `monitor --help` and every module that merely names
`Settings` never pay for pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from monitor.config.declare import (
    DEFAULT_CATEGORIES,
    DEFAULT_CONFIG,
    DEFAULT_FEED,
    DEFAULT_GRACE,
    DEFAULT_KEYWORDS,
    DEFAULT_USER_AGENT,
    DEFAULT_WEB_BIND,
    Settings,
    TopicRules,
    declarations,
    default_state_dir,
)
from monitor.config.readme import settings_table

__all__ = [
    "DEFAULT_CATEGORIES", "DEFAULT_CONFIG", "DEFAULT_FEED", "DEFAULT_GRACE", "DEFAULT_KEYWORDS", "DEFAULT_USER_AGENT",
    "DEFAULT_WEB_BIND", "Settings", "TopicRules", "declarations", "default_state_dir", "load_settings",
    "settings_table",
]


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the config file (the default one is optional), apply MONITOR_* overrides, validate."""
    from monitor.config.load import load_settings as load  # pydantic: ~40 ms, only when settings are read

    return load(path, env)

