"""Prometheus text exposition (format 0.0.4) of what the database knows, plus the cycle count when in-process.

The numbers come from the same SQLite file `monitor health` reads, so a scrape tells
the same story as the HEALTHCHECK.
"""

from __future__ import annotations

from collections import Counter

from monitor.core.kinds import is_operator_kind
from monitor.store.database import Store


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def metrics_text(store: Store, cycles: int | None = None) -> str:
    """Gauges and counters, each with HELP and TYPE lines."""
    lines: list[str] = []

    def metric(name: str, kind: str, help_text: str, samples: list[tuple[dict[str, str], float]]) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
            lines.append(f"{name}{{{inner}}} {value:g}" if inner else f"{name} {value:g}")

    if cycles is not None:
        metric("monitor_cycles_total", "counter", "Cycles finished by this process.", [({}, cycles)])
    last = store.last_cycle()
    if last is not None:
        metric("monitor_last_cycle_finished_timestamp_seconds", "gauge",
               "Unix time the last cycle finished (a cycle with fetch errors still counts).",
               [({}, last.finished.timestamp())])
        metric("monitor_last_cycle_ok", "gauge", "1 if the last cycle had no errors, else 0.",
               [({}, 1.0 if last.outcome == "ok" else 0.0)])
    articles = store.articles()
    metric("monitor_tracked_articles", "gauge", "Articles tracked.", [({}, sum(a.untracked is None for a in articles))])
    metric("monitor_stopped_articles", "gauge", "Articles `monitor remove` stopped checking (their history kept).",
           [({}, sum(a.untracked is not None for a in articles))])
    metric("monitor_removed_articles", "gauge", "Tracked articles reported removed.",
           [({}, sum(a.removed for a in articles))])
    metric("monitor_versions", "gauge", "Stored article versions.", [({}, sum(store.version_counts().values()))])
    kinds: Counter[tuple[str, str]] = Counter()
    for kind, n in store.alert_kind_counts().items():
        kinds["operator" if is_operator_kind(kind) else "reader", kind] += n
    metric("monitor_alerts_total", "counter", "Alerts decided, by audience and kind.",
           [({"audience": audience, "kind": kind}, n) for (audience, kind), n in sorted(kinds.items())])
    deliveries = store.delivery_counts()
    metric("monitor_deliveries", "gauge", "Alert deliveries per target, by status (sent, pending, failed).",
           [({"status": s}, deliveries.get(s, 0)) for s in ("sent", "pending", "failed")])
    return "\n".join(lines) + "\n"
