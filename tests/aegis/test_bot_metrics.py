"""`aegis bot` serves its own /metrics on AEGIS_TELEGRAM__METRICS_PORT (a real process, a fake Bot API)."""

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
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from db.migrate import upgrade

TOKEN = "123456:METRICS-test-token"


class _BotApi(BaseHTTPRequestHandler):
    """getMe answers a bot; getUpdates waits a little and answers nothing; anything else succeeds."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        method = self.path.rsplit("/", 1)[-1]
        result: object = True
        if method == "getMe":
            result = {"id": 123456, "is_bot": True, "first_name": "Aegis", "username": "aegis_test_bot"}
        elif method == "getUpdates":
            time.sleep(0.5)
            result = []
        body = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def bot_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BotApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _scrape(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return str(response.read().decode())
    except OSError:
        return None


def test_bot_process_serves_its_metrics_and_stops_them(bot_api: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'aegis.db'}"
    upgrade(url)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AEGIS_")}
    env |= {
        "AEGIS_DATABASE_URL": url,
        "AEGIS_TELEGRAM__BOT_TOKEN": TOKEN,
        "AEGIS_TELEGRAM__BASE_URL": bot_api,
        "AEGIS_TELEGRAM__METRICS_PORT": str(port),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "aegis.cli", "bot"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        text = None
        while text is None and time.monotonic() < deadline and process.poll() is None:
            text = _scrape(f"http://127.0.0.1:{port}/metrics")
            time.sleep(0.2)
        assert text is not None, process.communicate(timeout=10)[1].decode()[-2000:]
        assert "aegis_outbox_depth" in text
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert _scrape(f"http://127.0.0.1:{port}/metrics") is None
