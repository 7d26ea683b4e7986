"""`monitor run`: the same cycle as `check`, on an APScheduler interval, with a clean stop on SIGTERM.

The scheduler only decides *when*; the cycle runs as a task we own. APScheduler 3's
AsyncIOScheduler cancels the coroutine jobs it owns on shutdown and cannot wait for
them, so owning the task is what lets SIGTERM finish the running cycle — or, past the
grace time, cancel it between two article transactions, which leaves the database whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import math
import random
import signal
import time
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.app.cycle import run_cycle
from monitor.app.health import record_cycle
from monitor.app.notices import config_notes, unwritable_state
from monitor.app.progress import log_every
from monitor.config import DEFAULT_GRACE, Settings
from monitor.core.errors import ConfigError, StoreError
from monitor.notify.delivery import Target, deliver_pending
from monitor.notify.routing import Routing
from monitor.store.database import Store, cycle_lock, open_store
from monitor.store.service_lock import service_lock
from monitor.web import EmbeddedServer, bind_socket, create_app, embedded_server, run_server, web_address

log = logging.getLogger(__name__)

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Service:
    """One database, at most one cycle in flight, and a way to wait for it when asked to stop."""

    def __init__(
        self, settings: Settings, store: Store, targets: list[Target], admin_targets: list[Target] | None = None
    ) -> None:
        self.settings = settings
        self.store = store
        self.targets = targets
        self.admin_targets = admin_targets or []
        self.stopping = False
        self.inflight: asyncio.Task[None] | None = None
        self.cycles = 0  # finished cycles, for the web view's /metrics

    async def tick(self) -> None:
        """The scheduled job: start a cycle unless one is still running or we are stopping."""
        if self.stopping:
            return
        if self.inflight is not None and not self.inflight.done():
            log.warning("previous cycle still running: this run skipped", extra={"event": "cycle.skipped"})
            return
        self.inflight = asyncio.create_task(self.cycle(), name="monitor-cycle")

    def _locked(self, stack: contextlib.ExitStack, job: str, event: str) -> bool:
        """Take the database's cycle lock for `job` (held until `stack` closes), or log that it is skipped:
        another process (a `monitor check`) holds it, and the next tick tries again."""
        try:
            stack.enter_context(cycle_lock(self.settings.database))
        except StoreError as exc:
            log.warning("%s skipped: %s", job, exc, extra={"event": event})
            return False
        return True

    async def cycle(self) -> None:
        """One cycle under the database lock; a failure is logged and never ends the service (health notices)."""
        started = time.monotonic()
        with contextlib.ExitStack() as stack:
            if not self._locked(stack, "cycle", "cycle.skipped"):
                return
            self.store.lock_wait(self.settings.lock_wait)  # each cycle has its own wait budget
            try:
                report = await run_cycle(self.settings, self.store, self.targets, due_only=True,
                                         admin_targets=self.admin_targets, progress=log_every(60.0))
                record_cycle(self.store, report)
                self.cycles += 1
                for warning in report.warnings:
                    log.warning("%s", warning, extra={"event": "cycle.warning"})
            except StoreError as exc:  # a full disk, a lock held past lock_wait: one line; the next cycle redoes it
                log.error("cycle failed: %s", exc, extra={"event": "cycle.failed"})
                return
            except Exception:
                log.exception("cycle failed", extra={"event": "cycle.failed"})
                return
        log.info("cycle finished in %.1f s: %s", time.monotonic() - started, report.summary(),
                 extra={"event": "cycle.finished"})

    async def drain(self, grace: float) -> None:
        """Let the running cycle finish within `grace` seconds, else cancel it (between two transactions)."""
        task = self.inflight
        if task is None or task.done():
            return
        log.info("waiting up to %.0f s for the running cycle", grace, extra={"event": "service.draining"})
        _, pending = await asyncio.wait({task}, timeout=grace)
        if pending:
            task.cancel()
            await asyncio.wait({task})
        if task.cancelled():
            log.warning("running cycle abandoned; the next start picks up where it stopped",
                        extra={"event": "cycle.abandoned"})

    async def digest_tick(self) -> None:
        """A scheduled digest's time: after the running cycle (whose own delivery may already have sent it)."""
        while self.inflight is not None and not self.inflight.done() and not self.stopping:
            await asyncio.wait({self.inflight})
        if not self.stopping:
            self.inflight = asyncio.create_task(self.deliver_digests(), name="monitor-digests")

    async def deliver_digests(self) -> None:
        """The scheduled digests that are due, under the database lock; a failure is retried like any delivery."""
        with contextlib.ExitStack() as stack:
            if not self._locked(stack, "digests", "digest.skipped"):
                return
            s = self.settings
            try:
                report = await deliver_pending(
                    self.store, [*self.targets, *self.admin_targets], digests_only=True, templates=s.templates,
                    routing=Routing.build(s, self.targets, self.admin_targets), give_up_after=s.max_attempts,
                    backoff=s.delivery_backoff)
            except Exception:  # logged; what was not sent stays owed, and the next cycle delivers it
                log.exception("digests failed", extra={"event": "digest.failed"})
                return
        log.info("digests: %d alerts sent, %d failed", report.sent, report.failed, extra={"event": "digest.sent"})

    def abandon(self) -> None:
        """A second signal: stop waiting and cancel the running cycle now."""
        if self.inflight is not None and not self.inflight.done():
            self.inflight.cancel()


def build_scheduler(
    settings: Settings, job: Callable[[], Awaitable[None]], digests: Callable[[], Awaitable[None]] | None = None,
) -> AsyncIOScheduler:
    """An interval schedule that runs `job` once right away, then every feed_interval seconds from a random phase
    (up to jitter seconds);
    `digests` at each `[[route]]` schedule's time (a cron trigger per distinct schedule)."""
    if settings.feed_interval <= 0:
        raise ConfigError(f"{settings.source}: 'feed_interval' must be more than 0 seconds")
    scheduler = AsyncIOScheduler(
        timezone=dt.UTC,
        job_defaults={"max_instances": 1, "coalesce": True,
                      "misfire_grace_time": max(1, math.ceil(settings.feed_interval))},
    )
    # The jitter is one random phase, not a delay per cycle: instances still poll out of step, and cycles stay
    # exactly feed_interval apart, so a sliding hour never holds a 13th cycle's requests (a delay per cycle let
    # it, which gave back a cycle of the host's budget and broke the hourly bound: README, schedule).
    now = dt.datetime.now(dt.UTC)
    phase = dt.timedelta(seconds=settings.feed_interval + random.uniform(0.0, settings.jitter))
    scheduler.add_job(job, DateTrigger(now, timezone=dt.UTC), id="first-cycle", name="monitor cycle (at start)")
    trigger = IntervalTrigger(seconds=settings.feed_interval, start_date=now + phase, timezone=dt.UTC)
    scheduler.add_job(job, trigger, id="cycle", name="monitor cycle")
    schedules = list(dict.fromkeys(r.schedule for r in settings.route if r.schedule is not None))
    for n, schedule in enumerate(schedules if digests else [], start=1):
        scheduler.add_job(digests, CronTrigger(**schedule.cron), id=f"digest-{n}", name=f"digest {schedule.words}",
                          misfire_grace_time=3600)
    return scheduler


async def serve(
    settings: Settings, store: Store, targets: list[Target], *, grace: float = DEFAULT_GRACE,
    admin_targets: list[Target] | None = None,
) -> None:
    """Run cycles (and the web view, when `web_bind` is set) until SIGTERM or SIGINT, then finish and return."""
    address = web_address(settings)  # an unguarded public bind is refused before anything starts
    service = Service(settings, store, targets, admin_targets)
    scheduler = build_scheduler(settings, service.tick, service.digest_tick)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(sig: signal.Signals) -> None:
        log.info("received %s: stopping", sig.name, extra={"event": "service.signal"})
        if stop.is_set():
            service.abandon()
        stop.set()

    for sig in _SIGNALS:
        loop.add_signal_handler(sig, on_signal, sig)
    web = _start_web(settings, service, address) if address else None
    scheduler.start()
    log.info("service started: a cycle now, then every %.0f s (+ up to %.0f s jitter); database %s",
             settings.feed_interval, settings.jitter, settings.database, extra={"event": "service.started"})
    try:
        await stop.wait()
    finally:
        service.stopping = True
        scheduler.shutdown(wait=False)
        if web is not None:
            web[0].should_exit = True
        await service.drain(grace)
        if web is not None:
            await web[1]
        for sig in _SIGNALS:
            loop.remove_signal_handler(sig)


def _start_web(
    settings: Settings, service: Service, address: tuple[str, int]
) -> tuple[EmbeddedServer, asyncio.Task[None]] | None:
    """The web view as a task of this loop; a port we cannot have is logged, and the monitor runs on without it."""
    try:
        sock = bind_socket(*address)
    except ConfigError as exc:
        log.error("%s", exc, extra={"event": "web.failed"})
        return None
    server = embedded_server(create_app(settings, cycles=lambda: service.cycles))
    log.info("web view on http://%s:%d/", *address, extra={"event": "web.started"})
    return server, asyncio.create_task(run_server(server, sock), name="monitor-web")


def run_service(
    settings: Settings, targets: list[Target], *, grace: float = DEFAULT_GRACE,
    admin_targets: list[Target] | None = None,
) -> None:
    """The blocking entry point for `monitor run`: open the store, serve, always close the store."""
    web_address(settings)  # refuse an unguarded public web_bind before the database is even opened
    if problem := unwritable_state(settings):  # a data folder of another user: say which uid needs it
        raise StoreError(problem)
    for note in config_notes(settings, database_existed=settings.database.exists()):
        log.warning("%s", note.removeprefix("note: "), extra={"event": "service.note"})
    with service_lock(settings.database), open_store(settings.database, timeout=settings.lock_wait) as store:
        asyncio.run(serve(settings, store, targets, grace=grace, admin_targets=admin_targets))
    log.info("service stopped", extra={"event": "service.stopped"})
