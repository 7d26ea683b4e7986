"""`[sites."HOST"]` tables: each checked by a pydantic model generated from the `Site` declarations, one line per
error naming the table and the key, then built into `Site` values (sorted by host). Config file only."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from monitor.config.declare import Declared, keyed_declarations
from monitor.config.problems import table_problem
from monitor.config.site import Site
from monitor.core.errors import ConfigError

# A host name as a URL spells it (letters, digits, dots, dashes), no scheme, port or path.
_HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")


@functools.cache
def _model(field_type: Callable[[Declared], Any]) -> type[BaseModel]:
    fields: dict[str, Any] = {d.key: (field_type(d), Field(None)) for d in keyed_declarations("sites")}
    config = ConfigDict(extra="forbid", hide_input_in_errors=True, allow_inf_nan=False)
    return create_model("SiteSettings", __config__=config, **fields)


def read_sites(raw: Any, where: str, field_type: Callable[[Declared], Any]) -> tuple[Site, ...]:
    """The `sites` value of a TOML file (a table of tables) as Site values; ConfigError with one line.
    `field_type`: the pydantic type of a declaration (config.load's, shared with every other setting)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: 'sites' must be a table of [sites.\"HOST\"] tables")
    built: dict[str, Site] = {}
    declared = {d.key: d for d in keyed_declarations("sites")}
    for key, table in raw.items():
        host = key.strip().lower().rstrip(".")
        name = f'sites."{key[:60]}"'
        if not _HOST.match(host):
            raise ConfigError(f"{where}: {name} must be named by a host, e.g. [sites.\"www.example.org\"]")
        if host in built:
            raise ConfigError(f"{where}: {name} names the host of another [sites] table")
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: '{name}' must be a table")
        try:
            model = _model(field_type).model_validate(table)
        except ValidationError as exc:
            raise table_problem(exc, where, name, declared, table) from None
        given = {k: getattr(model, k) for k in table}
        built[host] = Site(host=host, **given)
    return tuple(built[h] for h in sorted(built))
