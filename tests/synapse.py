"""A real Matrix homeserver (Synapse, from PyPI's `matrix-synapse`) on a loopback port, for tests.

Configured as a person running a small homeserver would (a generated config file, SQLite in
a temporary folder, users registered with the shared secret, a room with an alias), so alerts
go through Apprise's `matrix://` exactly as a user's URL sends them, and a second user reads
the room back through the client-server API: what a Matrix reader's client is given.

Rate limits are raised (a digest test sends many events in a second) and federation is off.
The server dies with the process that started it (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import hashlib
import hmac
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

MISSING = "Synapse is not installed (pip install matrix-synapse; it is in the test extra)"
SERVER_NAME = "localhost"
UNLIMITED = {"per_second": 10000, "burst_count": 10000}


def installed() -> bool:
    return importlib.util.find_spec("synapse") is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Synapse:
    """One homeserver; `startup_seconds` is how long it took from exec to answering the client API."""

    def __init__(self, *, timeout: float = 120.0) -> None:
        if not installed():
            raise RuntimeError(MISSING)
        self.work = Path(tempfile.mkdtemp(prefix="synapse-"))
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.shared_secret = secrets.token_hex(16)
        config = self._write_config()
        self.log = self.work / "homeserver.log"
        started = time.monotonic()
        self._out = (self.work / "stdout.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "synapse.app.homeserver", "--config-path", str(config)],
            cwd=self.work, stdout=self._out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
            env={**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"},
        )
        self.http = httpx.Client(base_url=self.base_url, timeout=30, trust_env=False)
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.close()
            raise
        self.startup_seconds = time.monotonic() - started

    def _write_config(self) -> Path:
        """homeserver.yaml (JSON is YAML) and its log config; the signing key in Synapse's own file format."""
        key = base64.b64encode(os.urandom(32)).decode().rstrip("=")
        (self.work / "signing.key").write_text(f"ed25519 a_test {key}\n", encoding="utf-8")
        logging = {
            "version": 1, "disable_existing_loggers": False,
            "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
            "handlers": {"file": {"class": "logging.FileHandler", "filename": str(self.work / "homeserver.log"),
                                  "formatter": "plain"}},
            "root": {"level": "WARNING", "handlers": ["file"]},
        }
        (self.work / "log.yaml").write_text(json.dumps(logging), encoding="utf-8")
        config = {
            "server_name": SERVER_NAME,
            "pid_file": str(self.work / "homeserver.pid"),
            "listeners": [{"port": self.port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                           "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}]}],
            "database": {"name": "sqlite3", "args": {"database": str(self.work / "homeserver.db")}},
            "log_config": str(self.work / "log.yaml"),
            "media_store_path": str(self.work / "media"),
            "signing_key_path": str(self.work / "signing.key"),
            "registration_shared_secret": self.shared_secret,
            "macaroon_secret_key": secrets.token_hex(16),
            "form_secret": secrets.token_hex(16),
            "report_stats": False,
            "enable_metrics": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "federation_domain_whitelist": [],
            "url_preview_enabled": False,
            "presence": {"enabled": False},
            "rc_message": UNLIMITED,
            "rc_joins": {"local": UNLIMITED, "remote": UNLIMITED},
            "rc_login": {"address": UNLIMITED, "account": UNLIMITED, "failed_attempts": UNLIMITED},
            "rc_registration": UNLIMITED,
            "rc_admin_redaction": UNLIMITED,
        }
        path = self.work / "homeserver.yaml"
        path.write_text(json.dumps(config, indent=1), encoding="utf-8")
        return path

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Synapse exited with {self.process.returncode}: {self.log_tail()}")
            try:
                if self.http.get("/_matrix/client/versions").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"Synapse did not answer within {timeout:.0f} s: {self.log_tail()}")

    def log_tail(self, n: int = 2000) -> str:
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in (self.work / "stdout.log", self.log)
                 if p.exists()]
        return "\n".join(texts)[-n:]

    # -- the client-server API, as a client uses it --------------------------------------------------------
    def register(self, user: str, password: str) -> str:
        """A user registered with the shared secret (as `register_new_matrix_user` does); their access token."""
        nonce = self.http.get("/_synapse/admin/v1/register").json()["nonce"]
        mac = hmac.new(self.shared_secret.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce.encode(), user.encode(), password.encode(), b"notadmin"]))
        answer = self.http.post("/_synapse/admin/v1/register", json={
            "nonce": nonce, "username": user, "password": password, "admin": False, "mac": mac.hexdigest()})
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def call(self, token: str, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.http.request(method, "/_matrix/client/v3" + path,
                                   headers={"Authorization": f"Bearer {token}"}, **kwargs)
        answer.raise_for_status()
        return answer.json()

    def create_room(self, token: str, alias: str, *, power: dict[str, int] | None = None) -> str:
        """A public room `#alias:localhost` (anyone may join it); `power` sets users' power levels."""
        body: dict[str, Any] = {"preset": "public_chat", "room_alias_name": alias, "name": alias}
        if power:
            body["power_level_content_override"] = {"users": power}
        return str(self.call(token, "POST", "/createRoom", json=body)["room_id"])

    def messages(self, token: str, room_id: str) -> list[dict[str, Any]]:
        """Every m.room.message event of the room, oldest first (paged as a client pages)."""
        events: list[dict[str, Any]] = []
        params: dict[str, Any] = {"dir": "f", "limit": 100}
        while True:
            page = self.call(token, "GET", f"/rooms/{quote(room_id)}/messages", params=params)
            events += [e for e in page.get("chunk", []) if e.get("type") == "m.room.message"]
            if not page.get("end") or not page.get("chunk"):
                return events
            params["from"] = page["end"]

    def notifications(self, token: str) -> list[dict[str, Any]]:
        """What the server's push rules decided to notify `token`'s user of (mentions highlight)."""
        return list(self.call(token, "GET", "/notifications", params={"limit": 1000})["notifications"])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.http.close()
        self._out.close()
        shutil.rmtree(self.work, ignore_errors=True)
