"""How a setting is declared: `setting()` fields carrying a Spec, `table()` for a `[table]` of settings and
`array()` for an `[[array]]` of tables (each of them a dataclass whose fields are settings).

Kept apart from `declare` so that the declarations of a table (`routes`) can live in their own module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_SPEC, _TABLE, _ARRAY = "monitor.setting", "monitor.table", "monitor.array"


@dataclass(frozen=True)
class Spec:
    """What the annotation does not say about a setting."""

    doc: str
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    must: str = ""  # what a value must be, in words, when the type and the limits do not say it
    check: Callable[[Any], object] | None = None  # a further rule: raises ValueError("must be …" / "has …")
    split: str = "spaces"  # a list in MONITOR_<KEY>: "spaces" (or a comma before a URL), "words", "commas"
    secret: bool = False  # never shown: not in repr, not in an error
    empty_ok: bool = False
    shown_default: str = ""  # the README's wording of a default that is not a plain value
    paths: bool = False  # a list of paths, resolved against the config file's directory


def setting(default: Any = None, doc: str = "", *, required: bool = False, **spec: Any) -> Any:
    """A dataclass field that is a setting; `spec` as in Spec."""
    meta = {_SPEC: Spec(doc, **spec)}
    if required:
        return field(metadata=meta)
    return field(default=default, repr=not spec.get("secret", False), metadata=meta)


def table(keys: type, **kwargs: Any) -> Any:
    """A dataclass field built from a TOML table whose keys (`keys`'s fields) are settings."""
    return field(metadata={_TABLE: keys}, **kwargs)


def array(keys: type, **kwargs: Any) -> Any:
    """A dataclass field built from a TOML array of tables (`[[name]]`), each checked as `keys` declares;
    `keys` has a `build(where, name)` that makes the value of one table. File only: no MONITOR_* variable."""
    return field(metadata={_ARRAY: keys}, **kwargs)
