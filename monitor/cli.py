"""The command line: parse arguments, call the step, print. No logic of its own."""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from monitor import __version__
from monitor.config import Settings, load_settings
from monitor.cycle import run_cycle
from monitor.errors import MonitorError
from monitor.history import diff_versions, format_history
from monitor.notify import Target, build_targets
from monitor.store import cycle_lock, memory_copy, open_store

F = TypeVar("F", bound=Callable[..., Any])

config_option = click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="TOML config file (default: config/monitor.toml if present; env MONITOR_CONFIG).",
)


def _friendly_errors(func: F) -> F:
    """A MonitorError becomes one line on stderr and exit status 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MonitorError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="monitor")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def main(verbose: int) -> None:
    """deeplinks-monitor: watch EFF Deeplinks for UN Cybercrime Treaty posts and edits."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@main.command()
@config_option
@click.option("--dry-run", is_flag=True, help="Fetch and compare, print the alerts; write nothing, send nothing.")
@_friendly_errors
def check(config_path: Path | None, dry_run: bool) -> None:
    """Run one cycle (seeds, feeds, tracked articles, alerts) and exit."""
    settings = load_settings(config_path)
    targets = [Target(url="stdout", label="standard output")] if dry_run else build_targets(settings.notify)
    with cycle_lock(settings.database):
        store = open_store(settings.database)
        if dry_run:
            real, store = store, memory_copy(store)
            real.close()
        try:
            report = asyncio.run(run_cycle(settings, store, targets))
        finally:
            store.close()
    for error in report.errors:
        click.echo(f"  ! {error}", err=True)
    click.echo(("dry run, nothing written: " if dry_run else "") + report.summary())


@main.command()
@click.argument("url")
@config_option
@_friendly_errors
def history(url: str, config_path: Path | None) -> None:
    """List the stored versions of one article (oldest first)."""
    settings = _settings(config_path)
    store = open_store(settings.database, read_only=True)
    try:
        click.echo(format_history(store, url))
    finally:
        store.close()


@main.command()
@click.argument("url")
@click.argument("a", type=int, required=False)
@click.argument("b", type=int, required=False)
@config_option
@_friendly_errors
def diff(url: str, a: int | None, b: int | None, config_path: Path | None) -> None:
    """Show what changed between versions A and B of an article (default: the last two)."""
    settings = _settings(config_path)
    store = open_store(settings.database, read_only=True)
    try:
        click.echo(diff_versions(store, url, a, b))
    finally:
        store.close()


def _settings(config_path: Path | None) -> Settings:
    return load_settings(config_path)
