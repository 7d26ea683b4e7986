"""The documentation's settings tables, rendered from the declarations (tests/test_config.py compares them with
docs/configuration.md and docs/extraction.md)."""

from __future__ import annotations

from monitor.config.declare import (
    Declared,
    _number,
    array_declarations,
    arrays,
    declarations,
    keyed_declarations,
)


def shown_default(d: Declared) -> str:
    """A default as the docs show it."""
    if d.spec.shown_default:
        return d.spec.shown_default
    value = d.default
    if value is None or value == ():
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float | int):
        return f"`{_number(value)}`"
    if d.kind == "pairs":
        return "`[" + ", ".join(f"[{_number(a)}, {_number(b)}]" for a, b in value) + "]`"
    if isinstance(value, tuple):
        return ", ".join(f"`{v}`" for v in value)
    return f"`{value}`"


_ENV_FORMAT = {
    "spaces": "space-separated (a comma works before a URL)", "words": "space- or comma-separated",
    "commas": "comma-separated",
}


def env_format(d: Declared) -> str:
    """How MONITOR_<KEY> is written, when it is not the plain value."""
    if d.kind == "list":
        return _ENV_FORMAT[d.spec.split]
    return {
        "flag": "1/0, true/false, yes/no, on/off", "pairs": "`DAYS:SECONDS,…`, e.g. `2:0,30:3600`",
        "map": "`PREFIX=TARGET …`",
    }.get(d.kind, "")


def settings_table() -> str:
    """The settings table of docs/configuration.md, one row per declared setting."""
    rows = ["| key | default | value | environment | meaning |", "| --- | --- | --- | --- | --- |"]
    for d in declarations():
        env = f"`{d.env}`" + (f", {env_format(d)}" if env_format(d) else "")
        rows.append(f"| `{d.key}` | {shown_default(d)} | {d.must} | {env} | {d.spec.doc} |")
    for name in arrays():
        rows += ["", f"Each `[[{name}]]` table (in the file only):", "", "| key | default | value | meaning |",
                 "| --- | --- | --- | --- |"]
        rows += [f"| `{d.key}` | {shown_default(d)} | {d.must} | {d.spec.doc} |" for d in array_declarations()
                 if d.key.startswith(name + ".")]
    return "\n".join(rows)


def sites_table() -> str:
    """The table (docs/extraction.md) of `[sites."HOST"]` keys (config file only: no environment variables)."""
    rows = ["| key | default | value | meaning |", "| --- | --- | --- | --- |"]
    for d in keyed_declarations("sites"):
        must = d.spec.must or ("a list of strings (a CSS selector each)" if d.kind == "list" else d.must)
        rows.append(f'| `sites."HOST".{d.key}` | {shown_default(d)} | {must} | {d.spec.doc} |')
    return "\n".join(rows)
