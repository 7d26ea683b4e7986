"""A body_edited alert sent by email through Apprise, opened in headless Chromium: it renders as a page, not as tags.

The HTML part of the email the SMTP receiver got is screenshotted (kept in
tests/artifacts/ for a person to look at) and its DOM probed: <del>/<ins> are elements
with their colours, the visible text holds no markup, and the screenshot has the red
strike-through and the green insertion background in its pixels.

Needs Debian's `chromium` package; without it the test skips, except under CI (env CI
set), where a missing browser is a failure.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from monitor.notify.delivery import build_targets, deliver_pending
from monitor.store.database import open_store
from tests.receivers import SmtpReceiver
from tests.test_render import sample

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
RED = (0xB0, 0x00, 0x20)  # <del> text and its line-through
GREEN_BG = (0xE6, 0xF4, 0xEA)  # <ins> background
PROBE = """
<pre id="probe"></pre>
<script>
  const del = document.querySelector("del"), ins = document.querySelector("ins");
  document.getElementById("probe").textContent = JSON.stringify({
    text: document.body.innerText,
    dels: document.querySelectorAll("del").length,
    inss: document.querySelectorAll("ins").length,
    delLine: del && getComputedStyle(del).textDecorationLine,
    delColor: del && getComputedStyle(del).color,
    insBackground: ins && getComputedStyle(ins).backgroundColor,
  });
</script>
"""


def chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium package (see .ci/run)")
    pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium); CI requires it")


def run_chromium(browser: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--disable-sync", f"--user-data-dir={profile}",
             "--window-size=900,700"]
    return subprocess.run([str(browser), *flags, *args], capture_output=True, text=True, timeout=120, check=False)


def emailed_html(tmp_path: Path) -> str:
    """The HTML part of the email Apprise sends for the sample body_edited alert, through the outbox."""
    smtp = SmtpReceiver()
    try:
        alert = sample("body_edited")
        store = open_store(tmp_path / "monitor.sqlite3")
        targets = build_targets((smtp.url(),))
        assert targets[0].fmt == "html", "email reads HTML"
        article = store.track(alert.url, "config", alert.title)
        store.record_alerts(article.id, (alert,), (targets[0].key,))
        report = asyncio.run(deliver_pending(store, targets))
        store.close()
        assert (report.sent, report.failed) == (1, 0), report.errors
        message = smtp.wait_for(1)[0]
    finally:
        smtp.close()
    assert message["Subject"] == "Edited: " + alert.title
    part = message.get_body(preferencelist=("html",))
    assert part is not None, "the email has an HTML part"
    return str(part.get_content())


def test_emailed_alert_renders_with_visible_strikes_and_insertions(tmp_path: Path) -> None:
    browser = chromium()
    body = emailed_html(tmp_path)
    page = '<!doctype html><meta charset="utf-8">\n' + body
    (tmp_path / "email.html").write_text(page, encoding="utf-8")
    (tmp_path / "probe.html").write_text(page + PROBE, encoding="utf-8")

    shot = tmp_path / "email.png"
    result = run_chromium(browser, tmp_path / "profile", f"--screenshot={shot}", (tmp_path / "email.html").as_uri())
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / "email-body_edited.png")
    shutil.copyfile(tmp_path / "email.html", ARTIFACTS / "email-body_edited.html")

    dom = run_chromium(browser, tmp_path / "profile", "--dump-dom", (tmp_path / "probe.html").as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<del style=" in dom.stdout and "<ins style=" in dom.stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.DOTALL)
    assert found and found.group(1), dom.stdout[-2000:]
    probe = json.loads(html.unescape(found.group(1)))
    assert probe["dels"] >= 2 and probe["inss"] >= 2
    assert probe["delLine"] == "line-through" and probe["delColor"] == "rgb(176, 0, 32)"
    assert probe["insBackground"] == "rgb(230, 244, 234)"
    text = probe["text"]
    assert "States were expected to vote voted on the treaty" in " ".join(text.split())
    assert "https://www.eff.org/deeplinks/2025/01/un-cybercrime-treaty-still-flawed" in text
    assert not re.search(r"<\s*/?\s*(del|ins|p|div|a|blockquote)\b|&lt;|&gt;|&amp;|style=", text), text

    width, height, pixels = read_png(shot.read_bytes())
    assert (width, height) == (900, 700)
    assert len(set(pixels[:: 97])) > 20, "a page was drawn, not a blank screen"
    red = {i for i, p in enumerate(pixels) if _near(p, RED, 40)}
    green = sum(1 for p in pixels if _near(p, GREEN_BG, 6))
    assert len(red) > 100, f"struck words are drawn red ({len(red)} pixels)"
    assert green > 300, f"insertions have their green background ({green} pixels)"
    # Glyphs alone give red runs of under ~50 px; the strike crosses the spaces between struck words.
    assert _longest_row_run(red, width) >= 120, "a red line runs through the removed words (the strike)"


def _near(pixel: tuple[int, int, int], colour: tuple[int, int, int], tolerance: int) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def _longest_row_run(indices: set[int], width: int) -> int:
    best = run = 0
    for i in sorted(indices):
        run = run + 1 if i - 1 in indices and i % width else 1
        best = max(best, run)
    return best


def read_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, chunk = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat += chunk
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG (depth {depth}, type {colour})"
    channels = 4 if colour == 6 else 3
    stride = width * channels
    raw = zlib.decompress(idat)
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(line)
        previous = line
    pixels = [(r[x], r[x + 1], r[x + 2]) for r in rows for x in range(0, stride, channels)]
    return width, height, pixels
