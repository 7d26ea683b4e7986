"""The export is a standard WACZ (`wacz validate`) and replays in pywb: each version as it was captured."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from monitor.store.wacz import surt
from tests.conftest import run_monitor
from tests.fixtures.articles import STILL_FLAWED
from tests.replay import ReplaySite
from tests.site import add_note, article_page
from tests.test_archive import NOTE, article_config, check

BIN = Path(sys.executable).parent


def two_versions(tmp_path: Path, site: ReplaySite) -> Path:
    """Real `monitor check` runs: the article as first captured, then with a note added."""
    cfg = article_config(tmp_path, site)
    check(cfg)
    time.sleep(1.0)  # replay addresses captures by the second: keep the two apart
    site.set(STILL_FLAWED.path, article_page(add_note(STILL_FLAWED, NOTE)))
    check(cfg)
    return cfg


def export(cfg: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_monitor("export", "--wacz", str(out), *args, config=cfg)
    assert result.returncode == 0, result.stderr
    return result


def pages(wacz: Path) -> list[dict[str, str]]:
    with zipfile.ZipFile(wacz) as z:
        return [json.loads(line) for line in z.read("pages/pages.jsonl").decode().splitlines()[1:]]


@pytest.fixture
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def pywb_dir(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "pywb"
    root.mkdir()
    yield root


def test_export_passes_wacz_validate_and_replays_each_version_in_pywb(
    tmp_path: Path, site: ReplaySite, pywb_dir: Path, free_port: int
) -> None:
    cfg = two_versions(tmp_path, site)
    wacz = tmp_path / "evidence.wacz"
    assert "2 versions" in export(cfg, wacz, "--url", STILL_FLAWED.url).stdout

    validated = subprocess.run([BIN / "wacz", "validate", "-f", str(wacz)], capture_output=True, text=True, timeout=120)
    assert validated.returncode == 0 and "Validation succeeded" in validated.stdout, validated.stdout

    env = {**os.environ, "NO_PROXY": "*", "no_proxy": "*"}
    for command in (["wb-manager", "init", "evidence"], ["wb-manager", "add", "--unpack-wacz", "evidence", str(wacz)]):
        done = subprocess.run([BIN / command[0], *command[1:]], cwd=pywb_dir, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
    server = subprocess.Popen([BIN / "wayback", "--bind", "127.0.0.1", "--port", str(free_port)], cwd=pywb_dir,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{free_port}/evidence"
        with httpx.Client(trust_env=False, timeout=10) as client:
            _wait_until_up(client, base, server)
            first, second = pages(wacz)
            assert first["ts"] < second["ts"]
            replays = []
            for page in (first, second):
                stamp = "".join(c for c in page["ts"] if c.isdigit())[:14]
                answer = client.get(f"{base}/{stamp}id_/{page['url']}")
                assert answer.status_code == 200, answer.text[:300]
                assert answer.headers.get("memento-datetime"), "pywb answered from the archive"
                replays.append(answer.text)
        assert NOTE not in replays[0] and "Cybercrime" in replays[0], "the first capture, without the note"
        assert NOTE in replays[1], "the second capture has it"
        assert replays[0] == article_page(STILL_FLAWED), "byte for byte what the site served"
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def _wait_until_up(client: httpx.Client, base: str, server: subprocess.Popen[bytes], limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"pywb exited: {server.stderr.read().decode()[-2000:] if server.stderr else ''}")
        try:
            client.get(base + "/")
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"pywb did not answer within {limit:g} s")


def test_export_filters_by_url_and_date_and_refuses_an_empty_export(tmp_path: Path, site: ReplaySite) -> None:
    cfg = two_versions(tmp_path, site)
    everything = tmp_path / "all.wacz"
    export(cfg, everything)
    assert [p["url"] for p in pages(everything)] == [STILL_FLAWED.url] * 2
    later = tmp_path / "later.wacz"
    export(cfg, later, "--since", pages(everything)[1]["ts"])
    assert [p["ts"] for p in pages(later)] == [pages(everything)[1]["ts"]]
    with zipfile.ZipFile(later) as z:
        assert z.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        index = z.read("indexes/index.cdx").decode().splitlines()
    assert len(index) == 1 and index[0].startswith("org,eff)/deeplinks/")

    result = run_monitor("export", "--wacz", str(tmp_path / "none.wacz"), "--url", "https://www.eff.org/nope",
                         config=cfg)
    assert result.returncode == 1 and "no archived captures match" in result.stderr
    assert not (tmp_path / "none.wacz").exists()


@pytest.mark.parametrize("url", [
    STILL_FLAWED.url, "https://www.eff.org/", "https://eff.org", "https://www2.eff.org/A/b/?b=2&a=1#frag",
    "http://www.eff.org:8080/x", "https://www.eff.org/a%20b?q=A+B",
])
def test_index_keys_are_the_surt_pywb_looks_up(url: str) -> None:
    from pywb.utils.canonicalize import canonicalize

    assert surt(url) == canonicalize(url)
