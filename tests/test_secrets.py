"""No secret of a notification URL reaches any output: a table of real Apprise URL shapes, each keeping
its secret somewhere else (user:pass, a path token, a query token, a `+Header=`, a webhook id, a bot
token, an ntfy topic), delivered and failing for real; then every channel is searched for every secret.

Loopback only: services with their own host on the internet (Slack, Discord, Telegram, Pushover,
ntfy.sh, a Matrix server) go through HTTP(S)_PROXY set to a refused port on 127.0.0.1, so their
request fails before it leaves the machine; the others point at a local receiver answering 500
or at a refused port.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.core.secrets import mask_url, redact, scrub, strip_urls
from monitor.notify.targets import configured_targets
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver
from tests.replay import ReplaySite
from tests.site import add_note, publish

FAILS = "{fails}"  # a receiver answering 500
REFUSED = "{refused}"  # a loopback port nobody listens on

# (URL, the secrets in it, how the target is shown). Each secret is distinct so a hit names its shape.
SHAPES: list[tuple[str, tuple[str, ...], str]] = [
    (f"json://alice:Pw1userinfoJson@127.0.0.1:{FAILS}/hook", ("Pw1userinfoJson",), f"json://127.0.0.1:{FAILS}/…"),
    (f"json://127.0.0.1:{FAILS}/hook?token=Qt2queryToken", ("Qt2queryToken",), f"json://127.0.0.1:{FAILS}/…"),
    (f"json://127.0.0.1:{FAILS}/hook?-token=Dt3dashToken", ("Dt3dashToken",), f"json://127.0.0.1:{FAILS}/…"),
    (f"json://127.0.0.1:{FAILS}/hook?+Authorization=Bearer%20Hd4headerToken", ("Hd4headerToken",),
     f"json://127.0.0.1:{FAILS}/…"),
    (f"json://127.0.0.1:{FAILS}/hooks/Pt5pathToken", ("Pt5pathToken",), f"json://127.0.0.1:{FAILS}/…"),
    (f"xml://127.0.0.1:{REFUSED}/Xm6xmlToken", ("Xm6xmlToken",), f"xml://127.0.0.1:{REFUSED}/…"),
    ("slack://T07SLACKA/B07SLACKB/Sl7slackHookToken/#general", ("T07SLACKA", "B07SLACKB", "Sl7slackHookToken"),
     "slack://…"),
    ("slack://xoxb-1234-5678-Sb8slackBotToken/#alerts", ("Sb8slackBotToken",), "slack://…"),
    ("discord://109876543210987654/Dw9discordWebhookToken", ("109876543210987654", "Dw9discordWebhookToken"),
     "discord://…"),
    ("https://discord.com/api/webhooks/110987654321098765/Dn10nativeDiscordToken",
     ("110987654321098765", "Dn10nativeDiscordToken"), "https://discord.com/…"),
    ("tgram://123456789:Tg11telegramBotTokenAAA/987654321", ("Tg11telegramBotTokenAAA",), "tgram://…"),
    (f"gotify://127.0.0.1:{FAILS}/Gt12gotifyAppToken", ("Gt12gotifyAppToken",), f"gotify://127.0.0.1:{FAILS}/…"),
    ("ntfy://quietharborlights", ("quietharborlights",), "ntfy://…"),
    (f"ntfy://127.0.0.1:{FAILS}/Nt14privateTopic?token=tk_Nt14accessToken", ("Nt14privateTopic", "Nt14accessToken"),
     f"ntfy://127.0.0.1:{FAILS}/…"),
    (f"mailto://mailer:Ml15smtpPassword@127.0.0.1:{REFUSED}?to=reader@example.com&from=mailer@example.com"
     "&mode=insecure", ("Ml15smtpPassword",), f"mailto://127.0.0.1:{REFUSED}/…"),
    ("matrixs://alice:Mx16matrixAccessToken@matrix.example.org/#room", ("Mx16matrixAccessToken",),
     "matrixs://matrix.example.org/…"),
    ("pover://uPo17pushoverUserKey000000000@aPo17pushoverAppToken00000000",
     ("uPo17pushoverUserKey000000000", "aPo17pushoverAppToken00000000"), "pover://…"),
    (f"apprise://127.0.0.1:{FAILS}/Ap18appriseConfigKey", ("Ap18appriseConfigKey",), f"apprise://127.0.0.1:{FAILS}/…"),
    (f"hassio://127.0.0.1:{FAILS}/Ha19homeAssistantToken", ("Ha19homeAssistantToken",),
     f"hassio://127.0.0.1:{FAILS}/…"),
    ("https://hooks.slack.com/services/T20SLACKA/B20SLACKB/Sn20nativeSlackToken",
     ("T20SLACKA", "B20SLACKB", "Sn20nativeSlackToken"), "https://hooks.slack.com/…"),
]
NOTE = "Update (3/3/2026): Twelve more states ratified the treaty this month."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fill(text: str, fails: int, refused: int) -> str:
    return text.replace(FAILS, str(fails)).replace(REFUSED, str(refused))


@pytest.fixture
def failing() -> Iterator[JsonReceiver]:
    r = JsonReceiver()
    r.fail_status = 500
    yield r
    r.close()


def _offline_env(refused: int) -> dict[str, str]:
    proxy = f"http://127.0.0.1:{refused}"
    return {name: proxy for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy")}


def test_each_shape_is_shown_as_scheme_and_host_only() -> None:
    urls = tuple(_fill(url, 8001, 8002) for url, _, _ in SHAPES)
    readers, _ = configured_targets(urls)
    assert len({t.key for t in readers}) == len(SHAPES), "every target has its own identity"
    for target, (url, secrets, shown) in zip(readers, SHAPES, strict=True):
        expected = _fill(shown, 8001, 8002)
        assert target.label == f"{expected} [{target.key}]", url
        assert mask_url(_fill(url, 8001, 8002)) == expected, "the pure rule agrees where Apprise is not asked"
        for secret in secrets:
            assert secret not in target.label + target.key + repr(target)
            assert secret not in strip_urls(f"failed: {_fill(url, 8001, 8002)}.")


def test_free_text_is_scrubbed_of_remembered_secrets_and_urls() -> None:
    configured_targets(tuple(_fill(url, 8001, 8002) for url, _, _ in SHAPES))  # remembers their secrets
    for url, secrets, _ in SHAPES:
        line = f'POST /x?t={secrets[-1]} HTTP/1.1 from {_fill(url, 8001, 8002)} ("{secrets[0]}")'
        for text in (redact(line), scrub(line)):
            assert not any(s in text for s in secrets), text
    assert redact("see https://www.eff.org/deeplinks/x") == "see https://www.eff.org/deeplinks/x", "web links stay"
    assert redact("https://u:p@example.org/feed") == "https://***@example.org/feed"


def test_no_secret_reaches_any_output_after_failed_deliveries(
    tmp_path: Path, site: ReplaySite, failing: JsonReceiver
) -> None:
    refused = _free_port()
    urls = [_fill(url, failing.port, refused) for url, _, _ in SHAPES]
    web_port = _free_port()
    cfg = write_config(tmp_path, site, urls, delivery_backoff=0, max_attempts=100, feed_interval=3600, jitter=0,
                       web_bind=f"127.0.0.1:{web_port}")
    env = _offline_env(refused)
    outputs: dict[str, str] = {}

    def run(name: str, *args: str) -> subprocess.CompletedProcess[str]:
        result = run_monitor(*args, config=cfg, extra_env=env)
        outputs[name] = result.stdout + result.stderr
        return result

    assert run("first check", "check").returncode == 0, outputs["first check"]
    publish(site, [add_note(a, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])
    result = run("check -vv", "-vv", "check")
    assert result.returncode == 1, result.stderr  # failed deliveries: exit 1, each with its reason, no secret
    assert f"0 alerts sent, {len(SHAPES)} failed" in result.stdout, result.stdout
    assert failing.attempts >= 7, "the loopback services were really tried"
    run("notify --retry -v", "-v", "notify", "--retry")
    run("notify --retry", "notify", "--retry")
    run("status", "status")
    run("status --json", "status", "--json")
    run("notify-test -vv", "-vv", "notify-test", "--kind", "note_added", "--kind", "feed_failing")
    outputs["run --log-format json -vv"], web = _run_service(cfg, env, web_port)
    outputs.update(web)

    for _, _, shown in SHAPES:
        label = _fill(shown, failing.port, refused)
        assert label in outputs["check -vv"], f"the failure names {label}"
        assert label in outputs["status"] and label in outputs["status --json"]
    assert json.loads(outputs["status --json"].strip())["deliveries"]["pending"] == 1 * len(SHAPES)
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p.name != cfg.name)
    for url, secrets, _ in SHAPES:
        for secret in secrets:
            for name, text in outputs.items():
                assert secret not in text, f"{secret} ({url}) leaked in {name}"
            assert secret.encode() not in stored, f"{secret} ({url}) stored in the database files"
    assert b"delivery to " in stored, "the stored error text is there, masked"


def _run_service(cfg: Path, env: dict[str, str], web_port: int) -> tuple[str, dict[str, str]]:
    """`monitor -vv run --log-format json` through one cycle (it retries every delivery), the web view read
    meanwhile, then SIGTERM: its whole stderr, and each page by path."""
    import httpx

    from tests.test_service import monitor_env

    proc = subprocess.Popen([sys.executable, "-m", "monitor", "-vv", "run", "--log-format", "json",
                             "--config", str(cfg)], cwd=cfg.parent, env={**monitor_env(), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines: list[str] = []
    pages: dict[str, str] = {}
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            if '"cycle.finished"' in line:
                break
        assert any('"cycle.finished"' in line for line in lines), "".join(lines)
        base = f"http://127.0.0.1:{web_port}"
        with httpx.Client(base_url=base, timeout=10, trust_env=False) as client:
            for path in ["/", "/changes.atom", "/api/changes", "/api/articles", "/metrics", "/healthz",
                         "/article/1", "/article/2"]:
                pages[f"web {path}"] = client.get(path).text
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rest = proc.communicate(timeout=20)[1]
        except subprocess.TimeoutExpired:
            proc.kill()
            rest = proc.communicate()[1]
    log = "".join(lines) + rest
    records = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert records and all("message" in r for r in records), "every line is one JSON object"
    assert any(r["level"] == "debug" for r in records), "-vv: debug records were written"
    assert any("delivery to " in r["message"] for r in records), "the failed deliveries were logged"
    return log, pages
