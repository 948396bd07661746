"""`aegis jobs`, `aegis dashboard`, `aegis bot` and `aegis run` as real processes: ready, then a clean SIGTERM stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from db.migrate import upgrade

STOP_TIMEOUT_S = 8.0
TOKEN = "123456:SERVE-test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return int(response.status)
    except OSError:
        return None


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            pytest.fail(f"{what} exited early with {process.returncode}: {process.communicate()[1].decode()[-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not ready within {timeout} s")
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("did not stop within the timeout after SIGTERM")


@pytest.fixture
def aegis_env(tmp_path: Path) -> dict[str, str]:
    """An environment naming a fresh migrated SQLite database and no bot token."""
    url = f"sqlite:///{tmp_path / 'aegis.db'}"
    upgrade(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AEGIS_")}
    env |= {"AEGIS_DATABASE_URL": url, "AEGIS_METRICS__PORT": str(_free_port())}
    return env


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start `aegis ARGS...` in tmp_path; kill whatever is left at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "aegis.cli", *args],
            cwd=tmp_path,  # no stray .env from the checkout
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_jobs_serves_metrics_and_stops_cleanly_on_sigterm(
    spawn: Callable[..., subprocess.Popen[bytes]], aegis_env: dict[str, str]
) -> None:
    metrics = f"http://127.0.0.1:{aegis_env['AEGIS_METRICS__PORT']}/metrics"
    process = spawn("jobs", env=aegis_env)
    _wait_until(lambda: _status(metrics) == 200, process, "aegis jobs")
    with urllib.request.urlopen(metrics, timeout=2) as response:
        assert "aegis_scheduler_leader 1.0" in response.read().decode()
    assert _stop(process) == 0
    assert _status(metrics) is None


def test_dashboard_serves_on_its_port_and_stops_cleanly_on_sigterm(
    spawn: Callable[..., subprocess.Popen[bytes]], aegis_env: dict[str, str]
) -> None:
    port = _free_port()
    process = spawn("dashboard", "--port", str(port), env=aegis_env)
    _wait_until(lambda: _status(f"http://127.0.0.1:{port}/_stcore/health") == 200, process, "aegis dashboard")
    assert _status(f"http://127.0.0.1:{port}/") == 200
    assert _stop(process) == 0
    assert _status(f"http://127.0.0.1:{port}/_stcore/health") is None  # the Streamlit child is gone too


class FakeBotApi(BaseHTTPRequestHandler):
    """A Bot API server answering getMe, getUpdates (empty, after a short wait) and anything else with true."""

    paths: list[str]

    def do_POST(self) -> None:
        self.paths.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        method = self.path.rsplit("/", 1)[-1]
        result: object = True
        if method == "getMe":
            result = {"id": 123456, "is_bot": True, "first_name": "Aegis", "username": "aegis_test_bot"}
        elif method == "getUpdates":
            time.sleep(0.2)
            result = []
        body = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def fake_bot_api() -> Iterator[tuple[str, list[str]]]:
    """Serve a fake Bot API on 127.0.0.1; yield its base URL and the request paths it saw."""
    paths: list[str] = []
    handler = type("Handler", (FakeBotApi,), {"paths": paths})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/bot", paths
    server.shutdown()
    server.server_close()


def test_bot_polls_the_configured_base_url_and_stops_cleanly_on_sigterm(
    spawn: Callable[..., subprocess.Popen[bytes]], aegis_env: dict[str, str], fake_bot_api: tuple[str, list[str]]
) -> None:
    base, paths = fake_bot_api
    env = aegis_env | {"AEGIS_TELEGRAM__BOT_TOKEN": TOKEN, "AEGIS_TELEGRAM__BASE_URL": base, "AEGIS_LOG_LEVEL": "INFO"}
    process = spawn("bot", env=env)
    _wait_until(lambda: any(p.endswith("/getUpdates") for p in paths), process, "aegis bot")
    assert paths[0] == f"/bot{TOKEN}/getMe"
    assert _stop(process) == 0
    assert TOKEN not in process.communicate()[1].decode()  # never logged, even at INFO


def test_bot_without_a_token_exits_2_with_one_line(
    spawn: Callable[..., subprocess.Popen[bytes]], aegis_env: dict[str, str]
) -> None:
    process = spawn("bot", env=aegis_env)
    _out, err = process.communicate(timeout=20)
    assert process.returncode == 2
    [line] = err.decode().strip().splitlines()
    assert line.startswith("오류: ") and "AEGIS_TELEGRAM__BOT_TOKEN is not set" in line


def test_run_starts_dashboard_and_jobs_and_stops_them_all_on_sigterm(
    spawn: Callable[..., subprocess.Popen[bytes]], aegis_env: dict[str, str]
) -> None:
    port = _free_port()
    metrics = f"http://127.0.0.1:{aegis_env['AEGIS_METRICS__PORT']}/metrics"
    process = spawn("run", "--port", str(port), env=aegis_env)
    _wait_until(
        lambda: _status(f"http://127.0.0.1:{port}/_stcore/health") == 200 and _status(metrics) == 200,
        process,
        "aegis run",
    )
    assert _stop(process) == 0
    out, _err = process.communicate()
    assert f"http://localhost:{port}" in out.decode()
    assert _status(metrics) is None and _status(f"http://127.0.0.1:{port}/_stcore/health") is None
