"""Send new versions to the Wayback Machine (Save Page Now) after the cycle's alerts are out.

Optional (`archive_org = true`). It runs after delivery and within its own time budget, so a slow
or failing archive never delays an alert; what fails is retried on later cycles with a backoff.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import httpx

from monitor.config import Settings
from monitor.sources.wayback import save_page
from monitor.store.database import Store
from monitor.store.wayback import due_submissions, record_submission

log = logging.getLogger(__name__)
PER_CYCLE = 10  # submissions tried per cycle at most: Save Page Now limits how often one client may ask
BUDGET = 120.0  # seconds a cycle spends on it at most


@dataclass
class WaybackReport:
    archived: int = 0
    failed: int = 0


async def submit_to_wayback(settings: Settings, store: Store, *, budget: float = BUDGET) -> WaybackReport:
    """Submit due versions one at a time until the budget is spent; record each capture or failure."""
    report = WaybackReport()
    started = time.monotonic()
    async with httpx.AsyncClient(headers={"User-Agent": settings.user_agent}, timeout=settings.timeout) as client:
        for item in due_submissions(store, limit=PER_CYCLE):
            left = budget - (time.monotonic() - started)
            if left <= 1:
                break
            saved = await save_page(client, settings.archive_org_endpoint, item.url, auth=settings.archive_org_auth,
                                    deadline=min(left, settings.archive_org_wait))
            record_submission(store, item.version_id, capture_url=saved.capture_url, timestamp=saved.timestamp,
                              error=saved.error, retry_after=saved.retry_after)
            if saved.capture_url:
                report.archived += 1
                log.info("archived at %s", saved.capture_url, extra={"event": "wayback.saved"})
            else:
                report.failed += 1
                log.info("wayback: %s (retried later)", saved.error, extra={"event": "wayback.failed"})
    return report
