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
    over_budget: int = 0  # due, but their host's share of host_budget_per_hour is spent: a later cycle
    unchanged: int = 0
    changes: int = 0
    quiet_versions: int = 0
    alerts_created: int = 0
    alerts_sent: int = 0
    alerts_failed: int = 0
    requests: int = 0
    answered: int = 0  # requests that got any HTTP status back; none of many means no network or a wrong host
    bytes_received: int = 0
    deferred: int = 0  # articles left for the next cycle: the cycle's time budget ran out first
    budget: float = 0.0  # that budget, in seconds
    rejoined: int = 0  # versions indexed again from the WARC files (a database restored from a backup)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # not failures, but a person should know (a missing folder)

    @property
    def unanswered(self) -> bool:
        """Every request failed before any answer (DNS, refused, timeout): nothing was checked at all."""
        return self.requests > 0 and self.answered == 0

    def summary(self, *, dry_run: bool = False) -> str:
        later = f" ({self.not_due} not due yet)" if self.not_due else ""
        if self.over_budget:
            later += (f" ({self.over_budget} due but waiting: their host's share of host_budget_per_hour is spent;"
                      " a later cycle)")
        if self.deferred:
            later += f" ({self.deferred} left for the next cycle: over the {self.budget:g} s cycle_budget)"
        rejoined = f"; {self.rejoined} versions rejoined from the archive" if self.rejoined else ""
        return (
            f"checked {self.articles_checked} articles{later} and {self.feeds_polled} feeds: "
            f"{self.changes} changes, {self.new_posts} new posts, {self.alerts_created} alerts created, "
            + (f"{self.alerts_sent} alerts shown (none sent), " if dry_run else
               f"{self.alerts_sent} alerts sent, {self.alerts_failed} failed, ")
            + f"{len(self.errors)} errors; "
            f"{self.requests} requests, {self.bytes_received / 1024:.0f} KB{rejoined}"
        )
