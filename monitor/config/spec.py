"""The parts every declaration is made of: a setting's Spec, the `setting` / `table` / `array` / `keyed_table`
fields, and the rules no type says that more than one declaring module shares (http(s) URLs, CSS selectors).

Kept apart from `declare` so that the declarations of a table (`routes`, `sites`) can live in their own module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# field metadata keys
SPEC, TABLE, ARRAY, KEYED = "monitor.setting", "monitor.table", "monitor.array", "monitor.keyed"
_SPEC, _TABLE, _ARRAY, _KEYED = SPEC, TABLE, ARRAY, KEYED


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
    shown_default: str = ""  # the docs' wording of a default that is not a plain value
    paths: bool = False  # a list of paths, resolved against the config file's directory


def setting(default: Any = None, doc: str = "", *, required: bool = False, **spec: Any) -> Any:
    """A dataclass field that is a setting; `spec` as in Spec."""
    meta = {SPEC: Spec(doc, **spec)}
    if required:
        return field(metadata=meta)
    return field(default=default, repr=not spec.get("secret", False), metadata=meta)


def table(keys: type, **kwargs: Any) -> Any:
    """A dataclass field built from a TOML table whose keys (`keys`'s fields) are settings."""
    return field(metadata={TABLE: keys}, **kwargs)


def array(keys: type, **kwargs: Any) -> Any:
    """A dataclass field built from a TOML array of tables (`[[name]]`), each checked as `keys` declares;
    `keys` has a `build(where, name)` that makes the value of one table. File only: no MONITOR_* variable."""
    return field(metadata={ARRAY: keys}, **kwargs)


def keyed_table(keys: type, **kwargs: Any) -> Any:
    """A dataclass field built from `[name."KEY"]` tables (one per key, each with `keys`'s settings): a tuple of
    `keys` instances, each with its key in a `key` field. Read from the config file only."""
    return field(metadata={KEYED: keys}, **kwargs)


def http_urls(urls: tuple[str, ...]) -> None:
    for url in urls:
        if not re.match(r"^https?://[^/\s]+", url):
            scheme = url.partition("://")[0] if "://" in url else ""  # only the scheme: a URL may hold a token
            shown = f"a {scheme[:20]!r} URL" if scheme else "no scheme"
            raise ValueError(f"has an entry that is not an http(s) URL ({shown})")


def http_url(url: str) -> None:
    http_urls((url,))


def css_selectors(selectors: tuple[str, ...]) -> None:
    from selectolax.lexbor import LexborHTMLParser  # only when a [sites] table is checked

    probe = LexborHTMLParser("<p></p>")
    for selector in selectors:
        try:
            probe.css(selector)
        except Exception:  # selectolax raises its own SelectolaxError
            raise ValueError(f"has an entry that is not a CSS selector ({selector[:40]!r})") from None
