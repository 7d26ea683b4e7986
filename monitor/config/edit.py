"""`monitor add` / `monitor remove`: edit the config file's `articles` list as a person would, keeping every
comment, blank line and key order (tomlkit round-trips the text; tomllib could only read it).

An edit is written only if the whole file still loads as settings (the same checks `check` makes), through a
temporary file beside it and an atomic rename: a failed edit leaves the file exactly as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from monitor.config.declare import DEFAULT_CONFIG
from monitor.core.errors import ConfigError
from monitor.core.identity import identity_key

KEY = "articles"


@dataclass(frozen=True)
class Edited:
    """What an edit did: the file, the entry, and whether the file changed at all."""

    path: Path
    url: str
    changed: bool


def config_path(given: Path | None, env: dict[str, str] | os._Environ[str] | None = None) -> Path:
    """The file an edit goes to: --config, else MONITOR_CONFIG, else config/monitor.toml; it must exist."""
    env = os.environ if env is None else env
    path = given or Path(env.get("MONITOR_CONFIG", "") or DEFAULT_CONFIG)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found (pass --config FILE; `config/monitor.toml` in the "
                          "repository is a commented example to copy)")
    return path


def listed(path: Path) -> list[str]:
    """The URLs of the file's `articles` list, as written."""
    document = _read(path)
    return [str(u) for u in document.get(KEY, [])]


def add_article(path: Path, url: str) -> Edited:
    """Append `url` to `articles` unless a spelling of it is there already; the file must stay valid."""
    url = checked_url(url)
    document = _read(path)
    items = _articles(document, path)
    key = identity_key(url)
    for existing in items:
        if identity_key(str(existing)) == key:
            return Edited(path, str(existing), changed=False)
    items.append(url)
    if len(items) > 1 and "\n" not in items.as_string() and len(items.as_string()) > 100:
        items.multiline(True)  # one URL a line once a line would run long
    _write(path, document)
    return Edited(path, url, changed=True)


def remove_article(path: Path, url: str) -> Edited:
    """Take every spelling of `url` out of `articles`; ConfigError when it is not listed there."""
    url = checked_url(url)
    document = _read(path)
    items = _articles(document, path)
    key = identity_key(url)
    at = [i for i, existing in enumerate(items) if identity_key(str(existing)) == key]
    if not at:
        raise ConfigError(f"{path}: {url} is not in the `{KEY}` list (it was found in a feed, a listing or the "
                          "seeds): nothing to remove")
    removed = str(items[at[0]])
    for i in reversed(at):
        del items[i]
    _compact(document, items)
    _write(path, document)
    return Edited(path, removed, changed=True)


def _compact(document, items) -> None:  # type: ignore[no-untyped-def]
    """Back on one line once it fits again and holds no comment (the reverse of `add` going multiline), its
    trailing comment kept: add then remove gives back the file as it was."""
    import tomlkit

    if "\n" not in items.as_string() or "#" in re.sub(r'"(?:[^"\\]|\\.)*"', "", items.as_string()):
        return
    values = [str(v) for v in items]
    if len(", ".join(f'"{v}"' for v in values)) + 2 > 100:
        return
    flat = tomlkit.array()
    flat.extend(values)
    flat._trivia = items.trivia  # the comment after `]`
    document[KEY] = flat


def checked_url(url: str) -> str:
    """A web address as given (a bare `www.eff.org/…` gets https://); ConfigError when it is not one."""
    url = url.strip()
    try:
        parts = urlsplit(url if "://" in url else "https://" + url)
    except ValueError:
        raise ConfigError(f"not a URL: {url[:100]!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise ConfigError(f"not a web address (http:// or https://): {url[:100]!r}")
    return parts.geturl()


def _read(path: Path):  # type: ignore[no-untyped-def]  # tomlkit's TOMLDocument
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from None
    except TOMLKitError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _articles(document, path: Path):  # type: ignore[no-untyped-def]  # tomlkit's Array
    import tomlkit
    from tomlkit.items import Array

    if KEY not in document:
        document[KEY] = tomlkit.array()
    items = document[KEY]
    if not isinstance(items, Array):
        raise ConfigError(f"{path}: '{KEY}' must be a list of URLs")
    return items


def _write(path: Path, document) -> None:  # type: ignore[no-untyped-def]
    """Validate the edited text as settings, then replace the file atomically (mode kept)."""
    import tomlkit

    from monitor.config.load import load_settings

    text = tomlkit.dumps(document)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp, path.stat().st_mode & 0o7777)
        # Beside the original, so relative paths in it resolve as they will; the environment's overrides apply.
        try:
            load_settings(Path(temp))
        except ConfigError as exc:  # named as the file the person knows
            raise ConfigError(str(exc).replace(temp, str(path)) + " (the file is left unchanged)") from None
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
