"""What a cycle did: the counts behind its summary line, its logs, its exit code and its health record."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CycleReport:
    """What a cycle did, for the summary line, the logs and the exit code."""

    seeds_imported: int = 0
    feeds_polled: int = 0
    new_posts: int = 0
    articles_checked: int = 0
    not_due: int = 0
    unchanged: int = 0
    changes: int = 0
    quiet_versions: int = 0
    alerts_created: int = 0
    alerts_sent: int = 0
    alerts_failed: int = 0
    requests: int = 0
    bytes_received: int = 0
    deferred: int = 0  # articles left for the next cycle: the cycle's time budget ran out first
    budget: float = 0.0  # that budget, in seconds
    rejoined: int = 0  # versions indexed again from the WARC files (a database restored from a backup)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        later = f" ({self.not_due} not due yet)" if self.not_due else ""
        if self.deferred:
            later += f" ({self.deferred} left for the next cycle: over the {self.budget:g} s cycle_budget)"
        rejoined = f"; {self.rejoined} versions rejoined from the archive" if self.rejoined else ""
        return (
            f"checked {self.articles_checked} articles{later} and {self.feeds_polled} feeds: "
            f"{self.changes} changes, {self.new_posts} new posts, {self.alerts_created} alerts created, "
            f"{self.alerts_sent} alerts sent, {self.alerts_failed} failed, {len(self.errors)} errors; "
            f"{self.requests} requests, {self.bytes_received / 1024:.0f} KB{rejoined}"
        )
