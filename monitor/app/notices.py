"""What a person running the monitor should be told besides the summary: which config was read (or that none
was), where the database is on a first run, and why the exit status is not 0.

Pure text from the settings and a cycle's report; the CLI prints it and picks the exit status.
"""

from __future__ import annotations

import os
from pathlib import Path

from monitor.app.report import CycleReport
from monitor.config import Settings
from monitor.config.declare import DEFAULT_CONFIG


def config_notes(settings: Settings, *, database_existed: bool) -> list[str]:
    """Lines for stderr before a cycle: no config file found, and a database about to be created."""
    notes = []
    if settings.source == "defaults":
        notes.append(f"note: no config file found ({DEFAULT_CONFIG} in {Path.cwd()}): using the defaults; "
                     "pass --config FILE or set MONITOR_CONFIG")
    if not database_existed:
        notes.append(f"note: first run: the database is created at {settings.database} (set it with `database`)")
    return notes


def failures(report: CycleReport, *, dry_run: bool = False) -> list[str]:
    """The `error: ...` lines that make a cycle exit 1: nothing answered at all, or an alert not delivered.

    A few feeds or pages failing is the web's weather (the errors are listed, the exit is 0); nothing
    answering at all is a broken setup, and an undelivered alert is the one thing that must never go unnoticed.
    """
    lines = []
    if report.unanswered:
        lines.append(f"error: none of the {report.requests} requests got an answer (see the reasons above): "
                     "nothing was checked; is the network up and the host right?")
    if report.alerts_failed and not dry_run:
        lines.append(f"error: {report.alerts_failed} alert deliveries failed (see the reasons above); they stay in "
                     "the outbox and are retried next cycle, or now with `monitor notify --retry`")
    return lines


def unwritable_state(settings: Settings) -> str | None:
    """Why the database's folder cannot be written by this process, with the fix; None when it can.

    A bind-mounted data folder owned by another user otherwise fails deep inside SQLite with a bare
    "Permission denied": the uid this process runs as is what a person needs to fix it.
    """
    folder = settings.database.parent
    while not folder.exists() and folder != folder.parent:  # the nearest existing parent: we create the rest
        folder = folder.parent
    if os.access(folder, os.W_OK | os.X_OK) and (not settings.database.exists()
                                                 or os.access(settings.database, os.R_OK | os.W_OK)):
        return None
    uid, gid = os.getuid(), os.getgid()
    return (f"{settings.database}: not writable by this process (uid {uid}, gid {gid}): give the folder to it "
            f"(on the host of a bind mount: `chown -R {uid}:{gid} FOLDER`) or run as the folder's owner")
