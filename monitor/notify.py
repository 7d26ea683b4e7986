"""Deliver pending alerts from the outbox through Apprise, one Apprise object per target URL.

Holding one object per URL gives per-target outcomes: one failing service never
blocks, or re-sends to, the others. Targets are named by hash in the database and by
Apprise's privacy-masked URL in messages; the URL itself never reaches a log.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import apprise

from monitor.errors import ConfigError
from monitor.faults import crash_point
from monitor.render import render
from monitor.store import Store, target_id

log = logging.getLogger(__name__)
T = TypeVar("T")

STDOUT = "stdout"
MAX_BACKOFF = 6 * 3600.0


@dataclass
class Target:
    """One configured notification URL, ready to send; `label` is safe to print."""

    url: str = field(repr=False)
    label: str
    sender: apprise.Apprise | None = field(default=None, repr=False)


def build_targets(urls: tuple[str, ...], *, key: str = "notify", fallback_stdout: bool = True) -> list[Target]:
    """Validate every Apprise URL up front; an invalid one is a config error that does not echo it."""
    if not urls:
        return [Target(url=STDOUT, label="standard output")] if fallback_stdout else []
    targets = []
    for position, url in enumerate(urls, start=1):
        sender = apprise.Apprise()
        if not sender.add(url):
            scheme = url.split("://", 1)[0] if "://" in url else "?"
            raise ConfigError(f"{key} entry #{position} (scheme '{scheme}') is not a valid Apprise URL")
        masked = sender.urls(privacy=True)
        targets.append(Target(url=url, label=masked[0] if masked else f"target #{position}", sender=sender))
    return targets


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


async def deliver_pending(
    store: Store, targets: list[Target], *, echo: Callable[[str], None] | None = None, give_up_after: int = 10,
    backoff: float = 60.0, ignore_backoff: bool = False,
) -> DeliveryReport:
    """Send every pending delivery for the configured targets; record each outcome at once.

    Apprise is synchronous: each send runs in a worker thread so the event loop (and a
    SIGTERM) is never stuck behind a hanging service. The database is written only here,
    on the loop's thread, after the send returns: a cancelled send stays pending.
    """
    report = DeliveryReport()
    by_id = {target_id(t.url): t for t in targets}
    pending_list = store.pending(tuple(dict.fromkeys(t.url for t in targets)), ignore_backoff=ignore_backoff)
    for pending in pending_list:
        crash_point("before_send")
        target = by_id[pending.target]
        message = render(pending.alert)
        if target.sender is None:
            (echo or _print)(f"{message.title}\n\n{message.body}\n")
            ok, error = True, None
        else:
            result = await _in_daemon_thread(
                functools.partial(target.sender.notify, body=message.body, title=message.title,
                                  body_format=apprise.NotifyFormat.TEXT)
            )
            ok = result.status == apprise.AppriseResultStatus.SUCCESS
            error = None if ok else f"delivery to {target.label} failed ({_status_name(result)})"
        retry_at = None if ok else _later(min(backoff * 2 ** pending.attempts, MAX_BACKOFF))
        store.mark_delivery(pending.alert_id, pending.target, ok=ok, error=error, give_up_after=give_up_after,
                            retry_at=retry_at)
        crash_point("after_mark")
        if ok:
            report.sent += 1
        else:
            report.failed += 1
            report.errors.append(error or "delivery failed")
            log.warning("%s", error)
    return report


async def _in_daemon_thread(send: Callable[[], T]) -> T:
    """Run a blocking send off the loop in a daemon thread.

    Not asyncio.to_thread: its executor is joined when the loop closes and at exit, so a
    hanging notification service would hold up a SIGTERM'd service past its grace time.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(value: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)  # type: ignore[arg-type]

    def work() -> None:
        try:
            outcome: tuple[T | None, BaseException | None] = (send(), None)
        except Exception as exc:
            outcome = (None, exc)
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=work, name="apprise-send", daemon=True).start()
    return await future


def _later(seconds: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")


def sends_in_flight() -> int:
    """Notification sends still running (a hanging service): the process must not wait for them to exit."""
    return sum(1 for t in threading.enumerate() if t.name == "apprise-send" and t.is_alive())


def _status_name(result: object) -> str:
    status = getattr(result, "status", None)
    return getattr(status, "name", str(status)).lower()


def _print(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
