"""The command line: parse arguments, call the step, print. No logic of its own."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any, TypeVar

import click

from monitor import __version__
from monitor.app import tracking
from monitor.app.cycle import run_cycle
from monitor.app.health import check_health, record_cycle
from monitor.app.history import diff_versions, format_history
from monitor.app.lookup import find_article
from monitor.app.notices import config_notes, failures
from monitor.app.progress import erase, terminal
from monitor.app.status import format_status, status_json
from monitor.config import DEFAULT_GRACE, load_settings
from monitor.core.errors import MonitorError, one_line
from monitor.core.kinds import ALERT_KINDS, is_operator_kind
from monitor.core.logs import configure_logging
from monitor.core.numbers import seconds_value, whole_number
from monitor.core.secrets import redact
from monitor.core.when import warc_since
from monitor.notify.delivery import deliver_pending, send_samples, sends_in_flight, stdout_target
from monitor.notify.routing import Routing, describe, settings_targets, tag_samples
from monitor.render.samples import sample_alerts
from monitor.store.archive import archive_dir
from monitor.store.database import Store, cycle_lock, memory_copy, open_store

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
            click.echo(f"error: {one_line(redact(str(exc)))}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


class _Commands(click.Group):
    """Click's own answers to a bad argument (a value of the wrong type, a directory where a file goes, an
    unknown option) are our one `error:` line and exit status 1 too, the value shown escaped, never raw."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"error: {one_line(redact(exc.format_message()))}", err=True)
            sys.exit(1)
        except click.Abort:
            click.echo("error: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="monitor")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def main(verbose: int) -> None:
    """deeplinks-monitor: watch EFF Deeplinks for UN Cybercrime Treaty posts and edits."""
    configure_logging("text", logging.WARNING - 10 * min(verbose, 2))


@main.command()
@config_option
@click.option("--dry-run", is_flag=True, help="Fetch and compare, print the alerts; write nothing, send nothing.")
@click.option("--due", "due_only", is_flag=True,
              help="Only the articles the re-check schedule says are due, within the host budget (for cron); "
                   "default: all of them.")
@click.option("-q", "--quiet", is_flag=True, help="No progress line on stderr (shown only on a terminal anyway).")
@_friendly_errors
def check(config_path: Path | None, dry_run: bool, due_only: bool, quiet: bool) -> None:
    """Run one cycle (seeds, feeds, tracked articles, alerts) and exit."""
    settings = load_settings(config_path)
    targets, admins = ([stdout_target()], []) if dry_run else settings_targets(settings)
    existed = dry_run or settings.database.exists()
    for note in config_notes(settings, database_existed=True):  # before: which config is read
        click.echo(note, err=True)
    shown = not quiet and sys.stderr.isatty()
    with (nullcontext() if dry_run else cycle_lock(settings.database),
          _dry_run_store(settings.database) if dry_run else open_store(settings.database,
                                                                       timeout=settings.lock_wait) as store):
        try:
            report = asyncio.run(run_cycle(settings, store, targets, due_only=due_only, admin_targets=admins,
                                           progress=terminal(sys.stderr) if shown else None))
        finally:
            if shown:
                erase(sys.stderr)
        record_cycle(store, report)
    _print_errors(report.errors)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(("dry run, nothing written: " if dry_run else "") + report.summary(dry_run=dry_run))
    if not existed:  # after: a database that could not be made says so in its own one-line error instead
        click.echo(f"note: first run: the database was created at {settings.database} (set it with `database`)",
                   err=True)
    for line in failures(report, dry_run=dry_run):
        click.echo(line, err=True)
    if failures(report, dry_run=dry_run):
        sys.exit(1)


@main.command()
@click.argument("article", metavar="ARTICLE")
@config_option
@_friendly_errors
def history(article: str, config_path: Path | None) -> None:
    """List the stored versions of one article (oldest first). ARTICLE: its id (see `status`), URL or slug."""
    with open_store(load_settings(config_path).database, read_only=True) as store:
        click.echo(format_history(store, find_article(store, article).url))


@main.command()
@click.argument("article", metavar="ARTICLE")
@click.argument("a", required=False)
@click.argument("b", required=False)
@config_option
@_friendly_errors
def diff(article: str, a: str | None, b: str | None, config_path: Path | None) -> None:
    """Show what changed between versions A and B of an article (default: the last two). ARTICLE: its id, URL
    or slug."""
    first, second = (None if v is None else whole_number(v, "a version number") for v in (a, b))
    with open_store(load_settings(config_path).database, read_only=True) as store:
        click.echo(diff_versions(store, find_article(store, article).url, first, second))


@main.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_friendly_errors
def status(config_path: Path | None, as_json: bool) -> None:
    """Tracked articles (versions, last change, last and next check), the outbox and the re-check policy."""
    settings = load_settings(config_path)
    with open_store(settings.database, read_only=True) as store:
        now = dt.datetime.now(dt.UTC)
        click.echo(status_json(store, settings, now) if as_json else format_status(store, settings, now))


@main.command()
@config_option
@click.option("--retry", is_flag=True, help="Send every pending alert now, ignoring the retry backoff.")
@click.option("--replay", "replay", metavar="ALERT_ID|all", default=None,
              help="Queue failed deliveries again (of one alert, or all), then send.")
@click.option("--due", is_flag=True, help="Only the scheduled digests whose time has come (a cron line at their time).")
@_friendly_errors
def notify(config_path: Path | None, retry: bool, replay: str | None, due: bool) -> None:
    """Deliver the outbox without running a cycle: pending alerts, or failed ones again."""
    settings = load_settings(config_path)
    readers, admins = settings_targets(settings)
    targets = [*readers, *admins]
    which = None if replay in (None, "all") else whole_number(replay, "--replay takes an alert id or 'all'")
    with cycle_lock(settings.database), open_store(settings.database, timeout=settings.lock_wait) as store:
        queued = 0
        if replay is not None:
            store.adopt_targets([(t.key, t.legacy_key, t.label) for t in targets])
            queued = store.replay(which, readers=[t.key for t in readers],
                                  admins=[t.key for t in admins])
        report = asyncio.run(deliver_pending(store, targets, give_up_after=settings.max_attempts,
                                             backoff=settings.delivery_backoff,
                                             ignore_backoff=retry or replay is not None,
                                             templates=settings.templates, digest=settings.digest,
                                             routing=Routing.build(settings, readers, admins) if settings.route
                                             else None, digests_only=due))
    _print_errors(report.errors)
    requeued = f"{queued} failed deliveries queued again; " if replay is not None else ""
    held = f", {report.held} waiting for a scheduled digest" if report.held else ""
    click.echo(f"{requeued}{report.sent} sent, {report.failed} failed{held}")
    if report.failed:
        sys.exit(1)


@main.command("notify-test")
@config_option
@click.option("--kind", "kinds", multiple=True, type=click.Choice([k.value for k in ALERT_KINDS]),
              help="Only this kind (repeatable).")
@click.option("--tag", default=None, help="Only the targets carrying this Apprise tag, with the kinds they may get.")
@_friendly_errors
def notify_test(config_path: Path | None, kinds: tuple[str, ...], tag: str | None) -> None:
    """Send a sample alert of each kind to the configured URLs, to see them before a real change."""
    settings = load_settings(config_path)
    readers, admins = settings_targets(settings)
    samples = [a for a in sample_alerts() if not kinds or a.kind in kinds]
    plan = [(readers, [a for a in samples if not is_operator_kind(a.kind)]),
            (admins or readers, [a for a in samples if is_operator_kind(a.kind)])]
    if tag is not None:  # each target carrying the tag, with the samples of what its routes give it
        plan = [([t], alerts) for t, alerts in tag_samples(Routing.build(settings, readers, admins), tag, samples)]
    reports = [asyncio.run(send_samples(targets, alerts, settings.templates)) for targets, alerts in plan]
    _print_errors([e for r in reports for e in r.errors])
    sent, failed = sum(r.sent for r in reports), sum(r.failed for r in reports)
    click.echo(f"samples: {sent} sent, {failed} failed")
    if failed:
        sys.exit(1)


@main.command()
@config_option
@_friendly_errors
def routes(config_path: Path | None) -> None:
    """Which targets get which alerts, and when ([[route]] tables; targets shown masked, never their secrets)."""
    settings = load_settings(config_path)
    readers, admins = settings_targets(settings)
    click.echo(describe(Routing.build(settings, readers, admins)))


@main.command()
@click.argument("targets", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per page, one per line.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Read with the [sites] profiles of this TOML config (default: none; env MONITOR_CONFIG).")
@_friendly_errors
def extract(targets: tuple[str, ...], as_json: bool, config_path: Path | None) -> None:
    """What the monitor reads on each page: title, byline, date, notes, body, profile and layout fingerprint."""
    from monitor.app.reading import format_reading, read_target
    from monitor.config.load import default_settings

    settings = load_settings(config_path) if config_path or os.environ.get("MONITOR_CONFIG") else default_settings()
    failed = False
    for target in targets:
        try:
            click.echo(format_reading(target, read_target(target, settings), as_json=as_json))
        except MonitorError as exc:
            click.echo(f"error: {one_line(redact(str(exc)))}", err=True)
            failed = True
    sys.exit(1 if failed else 0)


@main.command()
@config_option
@click.option("--wacz", "out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Write the WACZ package here.")
@click.option("--url", default=None, help="Only this article's captures.")
@click.option("--since", default=None, metavar="DATE",
              help="Only captures from this date on (YYYY-MM-DD or an ISO time; UTC).")
@_friendly_errors
def export(config_path: Path | None, out: Path, url: str | None, since: str | None) -> None:
    """Pack the archived captures (WARC records, CDXJ index, pages) into a WACZ for pywb or ReplayWeb.page."""
    from monitor.store.wacz import export_wacz

    settings = load_settings(config_path)
    with open_store(settings.database, read_only=True) as store:
        done = export_wacz(store, archive_dir(settings, store), out, url=url, since=warc_since(since))
    click.echo(f"{out}: {done.pages} versions, {done.records} WARC records, {done.bytes / 1024:.0f} KB")


@main.command()
@config_option
@_friendly_errors
def verify(config_path: Path | None) -> None:
    """Recompute the digest of every archived WARC record; list missing or altered ones (exit 1)."""
    from monitor.store.verify import verify_archive

    settings = load_settings(config_path)
    with open_store(settings.database, read_only=True) as store:
        result = verify_archive(store, archive_dir(settings, store))
    for line in [*result.problems, *(f"note: {n}" for n in result.notes)]:
        click.echo(line, err=line in result.problems)
    click.echo(f"{result.records} records checked: {len(result.problems) or 'no'} problems")
    sys.exit(0 if result.ok else 1)


def _print_errors(errors: list[str]) -> None:
    """One line per error on stderr; a URL in one (an unforeseen error's text) is masked."""
    for error in errors:
        click.echo(f"  ! {redact(error)}", err=True)


def _dry_run_store(path: Path) -> Store:
    """An in-memory copy of the database (or a new empty one): the dry run writes no file at all."""
    if not path.exists():
        return open_store(Path(":memory:"))
    with open_store(path, read_only=True) as real:
        return memory_copy(real)


@main.command()
@config_option
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Log lines on stderr: text, or one JSON object per line (for containers).")
@click.option("--grace", default=str(DEFAULT_GRACE), show_default=True,
              help="Seconds a running cycle may take to finish after SIGTERM/SIGINT before it is cancelled.")
@click.pass_context
@_friendly_errors
def run(ctx: click.Context, config_path: Path | None, log_format: str, grace: str) -> None:
    """Run a cycle now and then every feed_interval seconds (+ jitter) until SIGTERM or Ctrl-C."""
    from monitor.service import run_service  # APScheduler, uvicorn, Starlette: only the service needs them

    seconds = seconds_value(grace, "--grace takes seconds")

    verbose = int(ctx.find_root().params.get("verbose") or 0)
    configure_logging(log_format, logging.DEBUG if verbose >= 2 else logging.INFO)
    settings = load_settings(config_path)
    readers, admins = settings_targets(settings)
    run_service(settings, readers, grace=seconds, admin_targets=admins)
    if sends_in_flight():
        # Apprise may hold non-daemon worker threads of its own; the store is closed and the
        # unfinished delivery is still pending in it, so leave now rather than wait them out.
        logging.getLogger(__name__).warning("leaving %d notification send(s) unfinished; retried next start",
                                            sends_in_flight())
        logging.shutdown()
        os._exit(0)


@main.command()
@config_option
@click.option("--bind", default=None, metavar="HOST:PORT", help="Listen here instead of the config's web_bind.")
@_friendly_errors
def serve(config_path: Path | None, bind: str | None) -> None:
    """Serve the read-only web view, Atom feed and JSON API on their own (`monitor run` serves them too)."""
    from monitor.web import bind_socket, create_app, serve_forever, web_address  # only this command needs them

    settings = load_settings(config_path)
    address = web_address(settings, bind)
    if address is None:
        raise MonitorError("web view disabled (web_bind is empty): set web_bind or pass --bind HOST:PORT")
    sock = bind_socket(*address)
    click.echo(f"serving http://{address[0]}:{address[1]}/ (Ctrl-C stops)", err=True)
    asyncio.run(serve_forever(create_app(settings), sock))


@main.command()
@click.argument("url")
@config_option
@_friendly_errors
def add(url: str, config_path: Path | None) -> None:
    """Track one more article: add URL to the config's `articles` list (comments kept); resumes a removed one."""
    click.echo(tracking.add(config_path, url))


@main.command("list")
@config_option
@_friendly_errors
def list_articles(config_path: Path | None) -> None:
    """Every tracked article: id, how it was found, URL (and those `monitor remove` stopped)."""
    click.echo(tracking.listing(load_settings(config_path)))


@main.command()
@click.argument("article", metavar="ARTICLE")
@config_option
@_friendly_errors
def remove(article: str, config_path: Path | None) -> None:
    """Stop checking an article (id, URL or slug): out of the config's `articles` list (its comments kept) and
    stopped in the database, even if a feed still lists it; its history and archive stay. `add` resumes it."""
    click.echo(tracking.remove(config_path, load_settings(config_path), article))


@main.group("config")
def config_group() -> None:
    """Look at the config file."""


@config_group.command("check")
@config_option
@_friendly_errors
def config_check(config_path: Path | None) -> None:
    """Every problem of the config file and the MONITOR_* variables at once (exit 1 if any)."""
    from monitor.config.check import check_config

    path, problems = check_config(config_path)
    for problem in problems:
        click.echo(f"error: {redact(problem)}", err=True)
    checked = f"{path}" if path else "no config file (defaults) and the MONITOR_* variables"
    click.echo(f"{checked}: {len(problems)} problems" if problems else f"{checked}: OK")
    sys.exit(1 if problems else 0)


@main.command()
@config_option
@_friendly_errors
def health(config_path: Path | None) -> None:
    """Exit 0 if the last cycle finished within 2 × feed_interval + jitter, else 1 with the reason."""
    ok, reason = check_health(load_settings(config_path))
    click.echo(f"{'healthy' if ok else 'unhealthy'}: {reason}", err=not ok)
    sys.exit(0 if ok else 1)
