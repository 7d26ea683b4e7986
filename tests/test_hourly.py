"""The fetcher's sliding hour, request by request (`sources.hourly`): never more than the limit in any hour,
whatever the times asked, and no wait where the hour has room."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from monitor.sources.hourly import HOUR, SLACK, HourlyLimit
from tests.conftest import run_monitor, write_config
from tests.receivers import JsonReceiver
from tests.replay import ReplaySite

MS = st.integers(0, int(3 * HOUR * 1000)).map(lambda ms: ms / 1000)  # clock readings, to the millisecond


@given(limit=st.integers(1, 40), asks=st.lists(MS, min_size=1, max_size=200),
       earlier=st.lists(MS.map(lambda t: t / 3 - HOUR), max_size=40))
def test_no_sliding_hour_holds_more_than_the_limit_and_no_request_waits_for_nothing(
    limit: int, asks: list[float], earlier: list[float],
) -> None:
    hourly = HourlyLimit(limit, {"h": earlier[:limit]})  # what earlier cycles sent (the store keeps it)
    sent = sorted(earlier[:limit])
    for ask in sorted(asks):
        ask = max(ask, sent[-1] if sent else ask)  # one host's requests go one after another
        wait = hourly.wait("h", ask)
        in_hour = sum(1 for t in sent if ask - HOUR - SLACK < t <= ask)
        assert (wait == 0) == (in_hour < limit), "a wait exactly when the hour is full"
        at = ask + wait
        hourly.sent("h", at)
        sent.append(at)
    for t in sent:
        assert sum(1 for u in sent if t - HOUR - SLACK / 2 < u <= t) <= limit, "an hour (and most of its slack)"


def test_no_limit_never_waits_and_times_are_kept_an_hour() -> None:
    free = HourlyLimit(0)
    free.sent("h", 10.0)
    assert free.wait("h", 10.0) == 0.0
    hourly = HourlyLimit(2, {"h": [100.0, 200.0]})
    assert hourly.wait("h", 250.0) == 100.0 + HOUR + SLACK - 250.0
    assert hourly.wait("h", 100.0 + HOUR + SLACK + 0.001) == 0.0, "the oldest left the hour (and its slack)"
    assert hourly.times(200.0 + HOUR + SLACK + 0.001) == {"h": []}


def test_the_budget_holds_across_runs_request_by_request(tmp_path: Path, site: ReplaySite,
                                                          receiver: JsonReceiver) -> None:
    """`check --due` three times within the hour at a budget of 2 requests an hour: the site sees 2 requests in
    all (the store keeps each request's time for the next process), and the runs that may not ask say so."""
    cfg = write_config(tmp_path, site, [receiver.url()], host_budget_per_hour=2, treaty={"enabled": False})
    runs = [run_monitor("check", "--due", config=cfg) for _ in range(3)]
    assert len(site.requests) == 2, [r.path for r in site.requests]
    for run in runs[1:]:
        assert "host_budget_per_hour (2) reached in the last hour; the next request may go at" in run.stdout + \
            run.stderr, run.stdout + run.stderr
    everything = run_monitor("check", config=cfg)  # a one-off check looks now: it does not wait
    assert everything.returncode == 0 and len(site.requests) > 2
