"""Writing what `decide` concluded about one check: the article's state, a version, its alerts — one transaction."""

from __future__ import annotations

from collections.abc import Callable

from monitor.core.model import Validators
from monitor.decide.article import Fetched, Outcome, Seen, Verdict
from monitor.store.database import Store
from monitor.store.outbox import AlertTargets


def record_outcome(
    store: Store, article_id: int, outcome: Outcome, *, targets: AlertTargets, validators: Validators | None,
    seen: Seen | None = None,
    on_version: Callable[[int], None] | None = None,
) -> None:
    """Everything a later run reads as "already handled" is committed with the alerts it caused, or not at all.

    `on_version` is called with the new version's id inside its transaction (to index its WARC records).
    """
    layout = closed = None
    if isinstance(seen, Fetched) and outcome.showed_article:
        layout, closed = seen.layout, seen.closed
    if outcome.version is not None:
        change = outcome.change
        store.record_version(
            article_id, outcome.version, change_kind=change.kind if change else None,
            minor=bool(change and change.minor), alerts=outcome.alerts, targets=targets, validators=validators,
            removed=outcome.removed, transitions=outcome.transitions, layout=layout, closed=closed,
            on_version=on_version,
        )
    elif outcome.verdict in (Verdict.REMOVED, Verdict.RESTORED):
        store.record_alerts(article_id, outcome.alerts, targets, removed=outcome.removed,
                            missing_count=outcome.missing_count, transitions=outcome.transitions)
    elif outcome.verdict == Verdict.UNCHANGED:
        store.record_check(article_id, validators=validators, missing_count=0, layout=layout, closed=closed)
    else:  # FAILED or MISSING: a failed check, the missing count as decided
        store.record_check(article_id, error=outcome.error, missing_count=outcome.missing_count)
