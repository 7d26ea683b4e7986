"""robots.txt rules per host (protego: urllib.robotparser gets wildcard rules wrong).

Bodies are kept with the time they were fetched so the cycle can persist them and a
host is asked at most once a day; an unreachable robots.txt never stops monitoring.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from protego import Protego

ROBOTS_TTL = 24 * 3600.0
MAX_CRAWL_DELAY = 60.0
USER_AGENT_TOKEN = "deeplinks-monitor"


@dataclass
class RobotsRules:
    """host → (robots.txt body, fetched at); an empty body allows everything."""

    bodies: dict[str, tuple[str, float]] = field(default_factory=dict)
    _parsed: dict[str, Protego] = field(default_factory=dict, repr=False)

    def fresh(self, host: str, now: float | None = None) -> bool:
        entry = self.bodies.get(host)
        return entry is not None and (now or time.time()) - entry[1] < ROBOTS_TTL

    def remember(self, host: str, body: str, fetched_at: float | None = None) -> None:
        self.bodies[host] = (body, fetched_at or time.time())
        self._parsed.pop(host, None)

    def allows(self, host: str, url: str) -> bool:
        rules = self._rules(host)
        return rules is None or bool(rules.can_fetch(url, USER_AGENT_TOKEN))

    def crawl_delay(self, host: str) -> float:
        rules = self._rules(host)
        delay = rules.crawl_delay(USER_AGENT_TOKEN) if rules is not None else None
        return min(float(delay), MAX_CRAWL_DELAY) if delay else 0.0

    def _rules(self, host: str) -> Protego | None:
        if host not in self.bodies or not self.bodies[host][0].strip():
            return None
        if host not in self._parsed:
            self._parsed[host] = Protego.parse(self.bodies[host][0])
        return self._parsed[host]
