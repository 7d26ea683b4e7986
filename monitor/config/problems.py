"""One-line config errors from what pydantic found: the key named, the value shown unless it is secret."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from monitor.config.declare import Declared
from monitor.core.errors import ConfigError


def table_problem(exc: ValidationError, where: str, shown: str, declared: Mapping[str, Declared],
                  table: Mapping[str, Any]) -> ConfigError:
    """The first problem pydantic found in one table (`shown` names it: "route[2]", 'sites."x.org"')."""
    error = exc.errors(include_url=False)[0]
    key = str(error["loc"][0])
    d = declared.get(key)
    if d is None or error["type"] == "extra_forbidden":
        return ConfigError(f"{where}: unknown key '{shown}.{key[:60]}'")
    if error["type"] == "value_error":
        return ConfigError(f"{where}: '{shown}.{key}' {error['ctx']['error']}")
    got = "" if d.spec.secret else _shown(_at(table, error["loc"]), True)
    return ConfigError(f"{where}: '{shown}.{key}' must be {d.must}{got}")


def _at(raw: Any, loc: tuple[Any, ...]) -> Any:
    """The input a validation error points at (pydantic keeps it out of its own messages)."""
    for part in loc:
        try:
            raw = raw[part]
        except (KeyError, IndexError, TypeError):
            return None
    return raw


def _shown(value: Any, top: bool) -> str:
    """What was given instead, for a wrong scalar or a table where a value belongs; nothing for a list."""
    if isinstance(value, bool):
        return f" (got {str(value).lower()})"
    if isinstance(value, int):
        return f" (got {value})" if abs(value) < 10**30 else " (got a number of more than 30 digits)"
    if isinstance(value, float):
        return f" (got {value!r})"
    if isinstance(value, str):
        return f" (got {value[:40]!r}{'…' if len(value) > 40 else ''})"
    return " (got a table)" if isinstance(value, dict) and top else ""
