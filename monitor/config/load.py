"""Reading the settings: the TOML file (stdlib tomllib), then MONITOR_* overrides, each checked by a pydantic model
generated from the declarations, then resolved into one frozen Settings.

Every error is one line naming the key and the file or the environment variable; a notification URL or token is
never echoed (pydantic's own multi-line error, which quotes inputs, never leaves this module).
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

# Not SecretStr, Strict or StringConstraints: they live in pydantic.types, 12 ms more to import. Secrets stay out of
# errors because no message here quotes a secret setting's input and pydantic's own text never leaves this module.
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from monitor.config.declare import (
    DEFAULT_CONFIG,
    ENV_PREFIX,
    NOT_SETTINGS,
    Declared,
    Settings,
    array_declarations,
    arrays,
    declarations,
    default_state_dir,
    keyed_tables,
    tables,
)
from monitor.config.problems import _at, _shown, table_problem
from monitor.core.errors import ConfigError


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the config file (the default one is optional), apply MONITOR_* overrides, validate."""
    env = os.environ if env is None else env
    try:
        return _load(path, env)
    except ConfigError as exc:  # one line, whatever a message quoted (a template's syntax error spans lines)
        raise ConfigError(" ".join(str(exc).split())) from None


def default_settings(env: Mapping[str, str] | None = None) -> Settings:
    """The defaults with the MONITOR_* overrides, no config file read (`monitor extract` without --config)."""
    env = os.environ if env is None else env
    try:
        values = _validate(_from_env(env), lambda key: f"environment variable {_BY_KEY[key].env}")
        sources = {k: f"environment variable {_BY_KEY[k].env}" for k in values}
        return _build(values, sources, Path.cwd(), "defaults", env)
    except ConfigError as exc:
        raise ConfigError(" ".join(str(exc).split())) from None


def _load(path: Path | None, env: Mapping[str, str]) -> Settings:
    explicit = path is not None or "MONITOR_CONFIG" in env
    path = path or Path(env.get("MONITOR_CONFIG", DEFAULT_CONFIG))
    file_values: dict[str, Any] = {}
    base, where = Path.cwd(), "defaults"
    if _exists(path):
        where, base = str(path), path.resolve().parent
        raw = _read_toml(path)
        listed = {name: raw.pop(name) for name in arrays() if name in raw}  # [[route]]: checked table by table
        keyed = {name: raw.pop(name) for name in keyed_tables() if name in raw}
        file_values = _validate(_flatten(raw, where), lambda key: where)
        file_values.update({name: _array(name, items, where) for name, items in listed.items()})
        if "sites" in keyed:
            from monitor.config.sites import read_sites

            file_values["sites"] = read_sites(keyed["sites"], where, _field_type)
    elif explicit:
        raise ConfigError(f"{path}: config file not found")
    env_raw = _from_env(env)
    env_values = _validate(env_raw, lambda key: f"environment variable {_BY_KEY[key].env}")
    sources = {**dict.fromkeys(file_values, where), **{k: f"environment variable {_BY_KEY[k].env}" for k in env_values}}
    return _build({**file_values, **env_values}, sources, base, where, env)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError as exc:  # a parent we may not enter, a name too long
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from None


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():  # a FIFO would block the read forever, a device never end
        raise ConfigError(f"{path}: cannot read config file (not a regular file)")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML (a value is nested too deeply)") from None
    except ValueError:  # int() refuses integers of more than 4300 digits
        raise ConfigError(f"{path}: not valid TOML (a number has more than 4300 digits)") from None


def _flatten(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """Tables of settings become "table.key" entries, as the declarations name them."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in tables():
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: '{key}' must be a table")
            out.update({f"{key}.{sub}": v for sub, v in value.items()})
        elif "." in key:  # a quoted "topic.keywords" at the top is not the [topic] table's key
            raise ConfigError(f"{where}: unknown key {key[:60]!r}")
        else:
            out[key] = value
    return out


# -- MONITOR_* ------------------------------------------------------------------------------------------------
_BY_KEY = {d.key: d for d in declarations()}
_BY_ENV = {d.env: d for d in declarations()}
_SPLIT = {
    "spaces": re.compile(r"\s+|,\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)"),  # URLs may hold commas: split before a scheme
    "words": re.compile(r"[\s,]+"),
    "commas": re.compile(r"\s*,\s*"),
}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """MONITOR_<KEY> values as the file would hold them; the model checks them the same way."""
    out: dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or name in NOT_SETTINGS:
            continue
        d = _BY_ENV.get(name)
        if d is None:
            raise ConfigError(f"environment variable {name}: unknown setting {name[len(ENV_PREFIX):].lower()!r}")
        out[d.key] = _env_value(d, value, f"environment variable {name}")
    return out


def _env_value(d: Declared, value: str, where: str) -> Any:
    text = value.strip()
    if d.kind in ("number", "count"):
        if not text.isascii():  # "٣" or "²": int() and float() would take or choke on them; the model refuses
            return text
        try:
            return int(text)
        except ValueError:  # not a whole number (or one of more than 4300 digits)
            pass
        try:
            number = float(text)
        except ValueError:
            return text  # the model says what it must be
        return int(number) if d.kind == "count" and number.is_integer() else number  # "5.0", "1e3"
    if d.kind == "flag":
        return True if text.lower() in _TRUE else False if text.lower() in _FALSE else text
    if d.kind == "list":
        return [v for v in _SPLIT[d.spec.split].split(text) if v and v.strip(",")]
    if d.kind == "pairs":
        try:
            return [[float(x) for x in p.split(":", 1)] for p in re.split(r"[\s,]+", text) if p]
        except ValueError:
            raise ConfigError(f"{where}: '{d.key}' must be DAYS:SECONDS pairs, e.g. 2:0,30:3600,365:86400") from None
    if d.kind == "map":
        pairs = [p.partition("=") for p in re.split(r"[\s,]+", text) if p]
        if not all(sep for _, sep, _ in pairs):
            raise ConfigError(f"{where}: '{d.key}' must be PREFIX=TARGET pairs")
        return {a: b for a, _, b in pairs}
    return value


# -- the model ---------------------------------------------------------------------------------------------------
def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _tidy(items: tuple[str, ...]) -> tuple[str, ...]:
    """Blank entries are dropped."""
    return tuple(v for v in items if v)


def _annotated(tp: Any, *meta: Any) -> Any:
    """Annotated[tp, *meta], built at run time from a declaration."""
    return Annotated.__class_getitem__((tp, *meta))  # type: ignore[attr-defined]


def _rule(check: Callable[[Any], object] | None) -> tuple[Any, ...]:
    if check is None:
        return ()

    def run(value: Any) -> Any:
        check(value)
        return value

    return (AfterValidator(run),)


def _pairs(table: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((prefix.rstrip("/"), target.rstrip("/")) for prefix, target in table.items())


def _field_type(d: Declared) -> Any:
    """The pydantic type that checks a value of this setting, from its annotation and its Spec."""
    s = d.spec
    if d.kind == "number":
        return _annotated(float, Field(strict=True, allow_inf_nan=False, ge=s.ge, gt=s.gt, le=s.le), *_rule(s.check))
    if d.kind == "count":
        return _annotated(int, Field(strict=True, ge=s.ge, gt=s.gt, le=s.le), *_rule(s.check))
    if d.kind == "flag":
        return _annotated(bool, Field(strict=True))
    if d.kind == "text":
        return _annotated(str, Field(strict=True, min_length=0 if s.empty_ok else 1), BeforeValidator(_strip),
                          *_rule(s.check))
    if d.kind == "list":
        item = _annotated(str, Field(strict=True), BeforeValidator(_strip))
        return _annotated(tuple.__class_getitem__((item, ...)), BeforeValidator(_one_or_many), AfterValidator(_tidy),
                          *_rule(s.check))
    if d.kind == "pairs":
        number = _annotated(float, Field(strict=True, allow_inf_nan=False, ge=s.ge, le=s.le))
        pair = tuple.__class_getitem__((number, number))
        return _annotated(tuple.__class_getitem__((pair, ...)), Field(min_length=1), *_rule(s.check))
    if d.kind == "map":  # a TOML table of str → str; the rule applies to each value
        target = _annotated(str, Field(strict=True), *_rule(s.check))
        return _annotated(dict.__class_getitem__((str, target)), AfterValidator(_pairs))
    raise TypeError(f"no model for {d.key!r}")


@functools.cache
def _model() -> type[BaseModel]:
    """One optional field per declared setting, named by its key; only the keys given are checked."""
    fields: dict[str, Any] = {d.key.replace(".", "__"): (_field_type(d), Field(None, alias=d.key))
                              for d in declarations()}
    config = ConfigDict(extra="forbid", hide_input_in_errors=True, allow_inf_nan=False)
    return create_model("MonitorSettings", __config__=config, **fields)


def _validate(raw: dict[str, Any], where: Callable[[str], str]) -> dict[str, Any]:
    """The checked values of the keys in `raw`; the first error as one line."""
    try:
        model = _model().model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_message(exc.errors(include_url=False)[0], raw, where)) from None
    return {d.key: getattr(model, d.key.replace(".", "__")) for d in declarations() if d.key in raw}


def _message(error: Any, raw: dict[str, Any], where: Callable[[str], str]) -> str:
    loc = error["loc"]
    key = str(loc[0])
    d = _BY_KEY.get(key)
    if d is None or error["type"] == "extra_forbidden":
        return f"{where(key)}: unknown key {key[:60]!r}"
    name = ".".join([key, *(str(p) for p in loc[1:] if isinstance(p, str) and p != "[key]")])
    if error["type"] == "value_error":  # a rule of the declaration: its message says what is wrong
        return f"{where(key)}: '{name}' {error['ctx']['error']}"
    got = "" if d.spec.secret else _shown(_at(raw, loc), top=len(loc) == 1)
    return f"{where(key)}: '{name}' must be {d.must}{got}"


# -- arrays of tables ([[route]]) -------------------------------------------------------------------------------
@functools.cache
def _array_model(name: str) -> type[BaseModel]:
    fields: dict[str, Any] = {d.key.partition(".")[2]: (_field_type(d), Field(None))
                              for d in array_declarations() if d.key.startswith(name + ".")}
    config = ConfigDict(extra="forbid", hide_input_in_errors=True, allow_inf_nan=False)
    return create_model(f"MonitorArray_{name}", __config__=config, **fields)


def _array(name: str, items: Any, where: str) -> tuple[Any, ...]:
    """Each `[[name]]` table checked as declared and built; an error names it as `name[N].key`."""
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ConfigError(f"{where}: '{name}' must be tables written [[{name}]]")
    by_key = {d.key.partition(".")[2]: d for d in array_declarations() if d.key.startswith(name + ".")}
    built = []
    for number, item in enumerate(items, start=1):
        shown = f"{name}[{number}]"
        try:
            model = _array_model(name).model_validate(item)
        except ValidationError as exc:
            raise table_problem(exc, where, shown, by_key, item) from None
        given = {key: getattr(model, key) for key in by_key if key in item}
        built.append(arrays()[name](**given).build(where, shown))
    return tuple(built)


# -- Settings ------------------------------------------------------------------------------------------------
def _build(values: dict[str, Any], sources: dict[str, str], base: Path, where: str,
           env: Mapping[str, str]) -> Settings:
    def resolve(p: str) -> Path:
        path = Path(p).expanduser()
        return path if path.is_absolute() else (base / path).resolve()

    database = resolve(values["database"]) if "database" in values else default_state_dir(env) / "monitor.sqlite3"
    if "seeds_dir" in values:
        seeds_dir: Path | None = resolve(values["seeds_dir"])
    else:
        seeds_dir = (Path.cwd() / "seeds") if (Path.cwd() / "seeds").is_dir() else None
    built: dict[str, Any] = {}
    for name, keys in tables().items():
        given = {k.partition(".")[2]: v for k, v in values.items() if k.startswith(name + ".")}
        if not given:
            continue  # the declared default: TopicRules(), the default RecheckPolicy, no templates
        table_where = next((sources[f"{name}.{k}"] for k in given if sources[f"{name}.{k}"] != where), where)
        instance = keys(**given)
        builder = getattr(instance, "build", None)
        built[name] = builder(table_where) if builder else instance
    for d in declarations():  # lists of paths (notify_config) resolve like the single ones
        if d.spec.paths and d.key in values:
            values[d.key] = tuple(str(resolve(p)) for p in values[d.key])
    archive = resolve(values["archive_dir"]) if values.get("archive_dir") else None
    simple = {k: v for k, v in values.items() if "." not in k and k not in ("database", "seeds_dir", "archive_dir")}
    return Settings(database=database, seeds_dir=seeds_dir, archive_dir=archive, source=where, **built, **simple)
