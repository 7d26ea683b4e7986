"""A small client of the Internet Archive's Save Page Now (SPN2), kept small so it is easy to change with the API.

POST {endpoint}/save (form `url`, `Accept: application/json`, optional `Authorization: LOW key:secret`)
answers {"url", "job_id"}; GET {endpoint}/save/status/{job_id} answers {"status": "pending" | "success" |
"error", "timestamp", "original_url", "message"}. A capture is then at {endpoint}/web/{timestamp}/{url}.
Every call has a deadline; nothing here retries — the queue decides when to try again.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

import httpx

from monitor.core.secrets import redact


@dataclass(frozen=True)
class Saved:
    """The outcome of one submission: a capture, or why not and when to try again."""

    capture_url: str = ""
    timestamp: str = ""
    error: str = ""
    retry_after: float | None = None  # seconds the archive asked us to wait (429 / Retry-After)


async def save_page(
    client: httpx.AsyncClient, endpoint: str, url: str, *, auth: str | None, deadline: float, poll_every: float = 3.0,
) -> Saved:
    """Submit `url` and wait (at most `deadline` seconds in all) for its capture."""
    headers = {"Accept": "application/json"}
    if auth:
        headers["Authorization"] = f"LOW {auth}"
    base = endpoint.rstrip("/")
    poll_every = min(poll_every, deadline / 4)  # several looks at the job within the deadline
    try:
        async with asyncio.timeout(deadline):
            resp = await client.post(f"{base}/save", data={"url": url}, headers=headers)
            if resp.status_code != 200:
                return _refused(resp)
            job = _json(resp).get("job_id")
            if not isinstance(job, str) or not job:
                return Saved(error="Save Page Now answered without a job id")
            while True:
                status = await client.get(f"{base}/save/status/{job}", headers=headers)
                if status.status_code != 200:
                    return _refused(status)
                body = _json(status)
                state, stamp, original = body.get("status"), body.get("timestamp"), body.get("original_url")
                if state == "success" and isinstance(stamp, str) and stamp.isdigit():
                    shown = original if isinstance(original, str) and original.startswith("http") else url
                    return Saved(capture_url=f"{base}/web/{stamp}/{shown}", timestamp=stamp)
                if state != "pending":
                    message = str(body.get("message") or body.get("status_ext") or state)[:200]
                    return Saved(error=f"Save Page Now: {redact(message)}")
                await asyncio.sleep(poll_every)
    except TimeoutError:
        return Saved(error=f"Save Page Now did not finish within {deadline:g} s")
    except httpx.HTTPError as exc:
        return Saved(error=f"Save Page Now unreachable ({type(exc).__name__})")


def _refused(resp: httpx.Response) -> Saved:
    wait = resp.headers.get("retry-after", "")
    retry = float(wait) if wait.isdigit() else (60.0 if resp.status_code == 429 else None)
    return Saved(error=f"Save Page Now answered HTTP {resp.status_code}", retry_after=retry)


def _json(resp: httpx.Response) -> dict[str, object]:
    try:
        value = json.loads(resp.content[:100_000])
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
