"""`monitor config check`: every problem of a config file at once, a mistyped key with its likely meaning.

Loading settings stops at the first error (a service must not start half-configured); a person fixing a file wants
the whole list. So each key (each `[[route]]` table, each `[sites."HOST"]`, each MONITOR_* variable) is checked on
its own by the very code that loads it, and the messages are the loader's own one-liners.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from monitor.config import load
from monitor.config.declare import (
    DEFAULT_CONFIG,
    ENV_PREFIX,
    NOT_SETTINGS,
    array_declarations,
    arrays,
    declarations,
    keyed_tables,
    tables,
)
from monitor.core.errors import ConfigError


def check_config(path: Path | None, env: Mapping[str, str] | None = None) -> tuple[Path | None, list[str]]:
    """The file checked (None: no file, defaults) and every problem found in it and in MONITOR_* variables."""
    env = os.environ if env is None else env
    explicit = path is not None or "MONITOR_CONFIG" in env
    path = path or Path(env.get("MONITOR_CONFIG", DEFAULT_CONFIG))
    problems: list[str] = []
    if not path.is_file():
        if explicit:
            return path, [f"{path}: config file not found"]
        return None, _env_problems(env)
    where = str(path)
    try:
        raw = load._read_toml(path)
    except ConfigError as exc:
        return path, [str(exc)]  # a syntax error: nothing past it can be read
    problems += _file_problems(raw, where)
    problems += _env_problems(env)
    if not problems:  # what only the whole can say (paths, templates, routes against targets)
        try:
            load.load_settings(path, env)
        except ConfigError as exc:
            problems.append(str(exc))
    return path, problems


def _file_problems(raw: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    known_top = {d.key for d in declarations() if "." not in d.key} | set(tables()) | set(arrays()) | set(
        keyed_tables())
    for key, value in raw.items():
        if key in arrays():
            problems += _array_problems(key, value, where)
        elif key in keyed_tables():
            problems += _one(lambda k=key, v=value: _sites(k, v, where))
        elif key in tables():
            if not isinstance(value, dict):
                problems.append(f"{where}: '{key}' must be a table")
                continue
            known = sorted(d.key.partition(".")[2] for d in declarations() if d.key.startswith(key + "."))
            for sub, item in value.items():
                if sub not in known:
                    problems.append(f"{where}: unknown key '{key}.{sub}'{_did_you_mean(sub, known, key + '.')}")
                else:
                    problems += _one(lambda k=f"{key}.{sub}", v=item: load._validate({k: v}, lambda _: where))
        elif key not in known_top:
            problems.append(f"{where}: unknown key {key[:60]!r}{_did_you_mean(key, sorted(known_top))}")
        else:
            problems += _one(lambda k=key, v=value: load._validate({k: v}, lambda _: where))
    return problems


def _array_problems(name: str, items: Any, where: str) -> list[str]:
    if not isinstance(items, list):
        return _one(lambda: load._array(name, items, where))
    known = sorted(d.key.partition(".")[2] for d in array_declarations() if d.key.startswith(name + "."))
    problems: list[str] = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            for sub in item:
                if sub not in known:
                    problems.append(f"{where}: unknown key '{name}[{number}].{sub}'"
                                    f"{_did_you_mean(sub, known, f'{name}[{number}].')}")
            item = {k: v for k, v in item.items() if k in known}
        problems += [p.replace(f"{name}[1]", f"{name}[{number}]") for p in _one(lambda i=item: load._array(
            name, [i], where))]
    return problems


def _sites(name: str, value: Any, where: str) -> None:
    from monitor.config.sites import read_sites

    read_sites(value, where, load._field_type)


def _env_problems(env: Mapping[str, str]) -> list[str]:
    names = sorted(d.env for d in declarations())
    problems = []
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX) or name in NOT_SETTINGS:
            continue
        if name not in names:
            problems.append(f"environment variable {name}: unknown setting{_did_you_mean(name, names)}")
            continue
        problems += _one(lambda n=name: load._validate(load._from_env({n: env[n]}),
                                                        lambda key: f"environment variable {n}"))
    return problems


def _one(step: Any) -> list[str]:
    try:
        step()
    except ConfigError as exc:
        return [" ".join(str(exc).split())]
    return []


def _did_you_mean(key: str, known: list[str], prefix: str = "") -> str:
    near = difflib.get_close_matches(key, known, n=1, cutoff=0.6) or difflib.get_close_matches(
        key.lower().replace("-", "_"), known, n=1, cutoff=0.6)
    return f": did you mean '{prefix}{near[0]}'?" if near else ""
