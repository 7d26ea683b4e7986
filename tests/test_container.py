"""The container image: built from the Dockerfile with podman, run against the replayed site on host networking.

Slow (an image build) and needs podman: marked `container`, deselect with
`-m "not container"`. It skips only when this machine cannot run containers at
all; a Dockerfile that does not build, or an image that misbehaves, fails.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import REPO
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver, squash
from tests.replay import ReplaySite
from tests.site import EFF, add_note, publish

CONTAINER_CHECK = Path(__file__).resolve().parents[2] / "shared" / "tools" / "container-check"
NOTE = "Update (2/10/2026): The treaty was signed by 72 states at a ceremony in Hanoi."
# Failures of the machine, not of our Dockerfile. Before the build starts: podman not installable, no
# base image. Any time: no namespaces or no working OCI runtime (a RUN step then fails for that reason).
_NO_PODMAN = re.compile(
    r"Unable to locate package|E: Could not|are you root|debootstrap failed|command not found", re.I
)
_NO_RUNTIME = re.compile(
    r"runc create failed|OCI runtime|cannot clone|unshare|newuidmap|newgidmap|cannot set up namespace"
    r"|kernel does not support|crun: ",
    re.I,
)


class Result(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def cannot_run_containers(output: str) -> str | None:
    """The matched symptom when container-check failed for want of a container runtime, else None."""
    build_began = re.search(r"^STEP 1/", output, re.M) is not None
    for pattern in (_NO_RUNTIME,) if build_began else (_NO_PODMAN, _NO_RUNTIME):
        if found := pattern.search(output):
            return found.group(0)
    return None


def container_check(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Result:
    """Run the script with its output in files: a detached container keeps inherited pipes open forever."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.run([str(CONTAINER_CHECK), *args], cwd=REPO, env=env, stdout=out, stderr=err, text=True,
                              timeout=timeout, check=False)
        out.seek(0)
        err.seek(0)
        return Result(proc.returncode, out.read(), err.read())


@pytest.fixture(scope="module")
def image() -> None:
    """Build the image once for this module; skip only on a machine that cannot run containers."""
    if not CONTAINER_CHECK.is_file():
        pytest.skip(f"{CONTAINER_CHECK} is absent: no way to build the image here")
    started = time.monotonic()
    build = container_check("build", timeout=1800)
    output = build.stdout + build.stderr
    if build.returncode != 0:
        reason = cannot_run_containers(output)
        if reason:
            pytest.skip(f"cannot run containers here ({reason!r} in the output of container-check build)")
        pytest.fail(f"image build failed (exit {build.returncode}):\n{output[-4000:]}")
    print(f"image built in {time.monotonic() - started:.0f} s")


@pytest.fixture
def container_name() -> Iterator[str]:
    name = f"dlm-test-{uuid.uuid4().hex[:8]}"
    yield name
    container_check("stop", name)  # already stopped and removed by the test: a harmless error


def wait_healthy(name: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        result = container_check("health", name)
        if result.returncode == 0:
            return result.stdout
        last = result.stdout + result.stderr
        time.sleep(1)
    raise AssertionError(f"container {name} not healthy within {timeout}s: {last}")


@pytest.mark.parametrize(
    ("output", "symptom"),
    [
        ("container-check: installing podman…\nE: Unable to locate package podman\n", "Unable to locate package"),
        ("STEP 1/15: FROM python:3.11-slim\nSTEP 2/15: RUN apt-get update\nrunc create failed: unable to start"
         " container process: error during container init: operation not permitted\n", "runc create failed"),
        ("STEP 1/15: FROM python:3.11-slim\nSTEP 2/15: RUN apt-get install -y tinny\n"
         "E: Unable to locate package tinny\nError: building at STEP \"RUN ...\": exit status 100\n", None),
        ("STEP 9/15: RUN pip install .\nERROR: No matching distribution found for httpx<0\n", None),
    ],
    ids=["podman-not-installable", "no-namespaces", "dockerfile-apt-typo", "dockerfile-pip-error"],
)
def test_only_a_missing_container_runtime_skips(output: str, symptom: str | None) -> None:
    assert cannot_run_containers(output) == symptom


@pytest.mark.container
def test_image_runs_as_non_root_alerts_on_a_new_note_and_stops_with_0(
    image: None, container_name: str, site: ReplaySite, receiver: JsonReceiver
) -> None:
    opts = (
        f"-e MONITOR_NOTIFY={receiver.url()} -e MONITOR_REWRITE={EFF}={site.base_url} -e MONITOR_HOST_DELAY=0"
        " -e MONITOR_FEED_INTERVAL=2 -e MONITOR_JITTER=0 -e MONITOR_RECHECK_TIERS=100000:0"
        " -e MONITOR_HOST_BUDGET_PER_HOUR=0"  # a cycle every 2 s: no per-host budget, every article every cycle
        " -e MONITOR_TREATY_ENABLED=false"  # the treaty's status lives on treaties.un.org: never read in a test
    )
    started = container_check("start", container_name, env={**os.environ, "PODMAN_RUN_OPTS": opts})
    assert started.returncode == 0, started.stderr

    wait_healthy(container_name)
    assert receiver.messages == [], "the first cycle in the image takes the baseline from the bundled seeds"
    publish(site, [add_note(STILL_FLAWED, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])
    messages = receiver.wait_for(1, timeout=30)
    assert NOTE in squash(messages[0]["message"])

    uid = container_check("exec", container_name, "id", "-u")
    assert uid.returncode == 0, uid.stderr
    assert uid.stdout.strip() not in ("", "0"), "the service must not run as root"

    stopped = container_check("stop", container_name)
    assert stopped.stdout.strip() == "0", f"exit code on SIGTERM: {stopped.stdout!r} {stopped.stderr!r}"
    assert len(receiver.messages) == 1


@pytest.mark.container
def test_the_image_holds_no_config_file_only_what_it_needs(image: None) -> None:
    """A config file may carry notification tokens: none is baked in, and the image says so by running on defaults."""
    listing = container_check("run", "sh", "-c", "ls -A /app; echo ---; find / -xdev \\( -name '*.toml' -o -name "
                              "'*.yml' -o -name '*.yaml' -o -name '.env' \\) -not -path '/usr/*' -not -path '/proc/*'"
                              " 2>/dev/null; echo ---; env | grep '^MONITOR_' | cut -d= -f1 | sort", timeout=120)
    assert listing.returncode == 0, listing.stderr
    top, configs, names = (part.split() for part in listing.stdout.split("---"))
    assert "config" not in top and "tests" not in top, top
    assert configs == ["/app/pyproject.toml"], configs
    assert "MONITOR_CONFIG" not in names and "MONITOR_NOTIFY" not in names, names
