"""Deliver pending alerts from the outbox through Apprise, one Apprise object per target.

Holding one object per target gives per-target outcomes: one failing service never
blocks, or re-sends to, the others. Deliveries are stored under the target's identity
(monitor.notify.targets), so a rotated token keeps its pending alerts; messages name a
target by its masked label, and the URL itself never reaches a log or the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import html
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from monitor.core.faults import crash_point
from monitor.core.kinds import kind_label
from monitor.core.model import Alert
from monitor.decide.routes import due_at
from monitor.notify.reasons import captured, failure_reason
from monitor.notify.routing import Routing
from monitor.notify.targets import (
    STDOUT,
    Target,
    body_limit,
    build_targets,
    configured_targets,
    native_format,
    stdout_target,
)
from monitor.notify.threads import threaded_url
from monitor.render import Message, inert_alert, render
from monitor.render.templates import Templates, apply_templates, template_variables
from monitor.store.database import PendingDelivery, Store
from monitor.store.outbox import MAX_RETRY_WAIT

__all__ = [
    "STDOUT", "DeliveryReport", "Target", "body_limit", "build_targets", "compose", "configured_targets",
    "deliver_pending", "digest_batches", "digest_message", "native_format", "send_samples", "sends_in_flight",
    "stdout_target",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_BACKOFF = MAX_RETRY_WAIT


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    held: int = 0  # owed to a scheduled digest whose time has not come
    errors: list[str] = field(default_factory=list)


async def deliver_pending(
    store: Store, targets: list[Target], *, echo: Callable[[str], None] | None = None, give_up_after: int = 10,
    backoff: float = 60.0, ignore_backoff: bool = False, templates: Templates | None = None, digest: bool = False,
    routing: Routing | None = None, digests_only: bool = False,
) -> DeliveryReport:
    """Send every pending delivery for the configured targets; record each outcome at once.

    With `digest`, a target owed several alerts gets them in as few messages as its size
    limit allows (never dropping one). Apprise is synchronous: each send runs in a worker
    thread so the event loop (and a SIGTERM) is never stuck behind a hanging service. The
    database is written only here, on the loop's thread, after the send returns: a cancelled
    send stays pending.

    With `routing`, what a target gets from scheduled routes only waits for the first of their
    times after the alert was made, then goes as one digest (split only where the size limit
    demands); a failed digest is retried like any delivery. `digests_only` sends just those.
    """
    report = DeliveryReport()
    by_id = {t.key: t for t in targets}
    store.adopt_targets([(t.key, t.legacy_key, t.label) for t in by_id.values()])
    owed: dict[str, list[PendingDelivery]] = {}
    for pending in store.pending(tuple(by_id), ignore_backoff=ignore_backoff):
        owed.setdefault(pending.target, []).append(pending)
    clock = dt.datetime.now(dt.UTC)
    for tid, items in owed.items():
        target = by_id[tid]
        at_once, scheduled = [], []
        for p in items:
            schedules = routing.schedules_for(p.alert, tid) if routing else None
            if schedules is None:
                at_once.append(p)
            elif due_at(schedules, _since(p.alert)) <= clock:
                scheduled.append(p)
            else:
                report.held += 1
        composed = [(p, compose(p.alert, target, templates)) for p in ([] if digests_only else at_once)]
        batches = digest_batches(composed, target.limit) if digest else [[c] for c in composed]
        batches += digest_batches([(p, compose(p.alert, target, templates)) for p in scheduled], target.limit)
        for batch in batches:
            crash_point("before_send")
            message = batch[0][1] if len(batch) == 1 else digest_message([m for _, m in batch])
            # The write lock is ours before the message leaves: a lock another program holds (past lock_wait)
            # ends the run before the send, never between a send and its record, so nothing goes out twice.
            with store.write():
                ok, error = await _send(target, message, echo)
                for pending, _ in batch:
                    retry_at = None if ok else _later(min(backoff * 2 ** pending.attempts, MAX_BACKOFF))
                    store.mark_delivery(pending.alert_id, pending.target, ok=ok, error=error,
                                        give_up_after=give_up_after, retry_at=retry_at)
            crash_point("after_mark")
            for _ in batch:
                if ok:
                    report.sent += 1
                else:
                    report.failed += 1
            if not ok:
                report.errors.append(error or "delivery failed")
                log.warning("%s", error)
    return report


async def send_samples(targets: list[Target], alerts: list[Alert], templates: Templates | None) -> DeliveryReport:
    """Send sample alerts straight to the targets (no outbox: they are not news)."""
    report = DeliveryReport()
    for target in targets:
        for alert in alerts:
            ok, error = await _send(target, compose(alert, target, templates), None)
            report.sent += ok
            report.failed += not ok
            if error:
                report.errors.append(error)
    return report


def compose(alert: Alert, target: Target, templates: Templates | None) -> Message:
    """The message for one alert on one target: our rendering, or the user's templates around it."""
    fmt = templates.fmt if templates else target.fmt
    message = render(alert, fmt, limit=target.limit)
    if templates is None:
        return message
    alert = inert_alert(alert)  # the template's own text may mention people on purpose; article text never does
    variables = template_variables(alert, kind_label(alert.kind), message.title, message.body)
    title, body = apply_templates(templates, variables)
    return Message(title=title, body=body, format=fmt, thread=message.thread)


_SEPARATORS = {"text": "\n\n———\n\n", "markdown": "\n\n---\n\n", "html": "\n<hr>\n"}


def digest_batches(
    composed: list[tuple[PendingDelivery, Message]], limit: int | None
) -> list[list[tuple[PendingDelivery, Message]]]:
    """Group messages in order into digests that fit `limit`; a message too big alone goes alone."""
    batches: list[list[tuple[PendingDelivery, Message]]] = []
    size = 0
    for item in composed:
        length = len(_digest_part(item[1]))
        if batches and (limit is None or size + length + 10 <= limit):
            batches[-1].append(item)
            size += length + 10
        else:
            batches.append([item])
            size = length
    return batches


def digest_message(messages: list[Message]) -> Message:
    """Several alerts as one message: a count in the title, each alert's title and body in turn."""
    fmt = messages[0].format
    body = _SEPARATORS[fmt].join(_digest_part(m) for m in messages)
    threads = {m.thread for m in messages}
    return Message(title=f"deeplinks-monitor: {len(messages)} changes", body=body, format=fmt,
                   thread=threads.pop() if len(threads) == 1 else "")


def _digest_part(message: Message) -> str:
    if message.format == "html":
        return f"<h3>{html.escape(message.title)}</h3>\n{message.body}"
    if message.format == "markdown":
        return f"**{message.title}**\n\n{message.body}"
    return f"{message.title}\n\n{message.body}"


async def _send(target: Target, message: Message, echo: Callable[[str], None] | None) -> tuple[bool, str | None]:
    """One message to one target: (delivered, the one-line reason when not)."""
    if target.sender is None:
        (echo or _print)(f"{message.title}\n\n{message.body}\n")
        return True, None
    # A service without a title field gets it inside an HTML body: it must be escaped there.
    title = html.escape(message.title) if target.title_in_body and message.format == "html" else message.title
    import apprise

    sender = _threaded(apprise, target, message.thread) if target.threads and message.thread else target.sender
    with captured() as lines:  # Apprise's own log of this send: the only place that says why it failed
        try:
            result = await _in_daemon_thread(
                functools.partial(sender.notify, body=message.body, title=title,
                                  body_format=apprise.NotifyFormat(message.format))
            )
        except Exception as exc:  # its text may hold the URL: only the type is told
            return False, f"delivery to {target.label} failed ({type(exc).__name__})"
    ok = result.status == apprise.AppriseResultStatus.SUCCESS
    if ok:
        return True, None
    reason = failure_reason(lines) if result.status == apprise.AppriseResultStatus.FAILURE else None
    return False, f"delivery to {target.label} failed ({reason or _status_name(result)})"


def _threaded(apprise: Any, target: Target, thread: str) -> Any:
    """The target's sender with the mail-thread headers of `thread` (monitor.notify.threads); the plain
    sender if Apprise refuses the URL so (the alert still goes, unthreaded)."""
    sender = apprise.Apprise()
    return sender if sender.add(threaded_url(target.url, thread)) else target.sender


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


def _since(alert: Alert) -> dt.datetime:
    """When an alert was made (aware); an alert without a time is owed since long ago."""
    try:
        when = dt.datetime.fromisoformat(alert.created_at)
    except ValueError:
        return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


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
