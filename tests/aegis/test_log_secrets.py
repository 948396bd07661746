"""No secret in any output line: every secret setting is a marker, then real processes run at DEBUG.

The run covers CLI commands, `aegis doctor` against rejecting fakes, `aegis jobs --once` and the bot
against a fake Bot API that answers 401 (PTB's InvalidToken message carries the token).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from engine.settings import Settings, iter_secrets

BOT_TOKEN = "424242:MARKER-bot-token-0123456789abcdefgh"
RUN_TIMEOUT_S = 180.0  # LiteLLM's import alone takes half a minute on a loaded machine
BOT_RUN_S = 20.0


class _Rejecting(BaseHTTPRequestHandler):
    """Answers every request like a server that refuses the credentials (Bot API JSON shape)."""

    def _reject(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _reject

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def rejecting_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Rejecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _secret_names() -> list[str]:
    return [name for name, _value in iter_secrets(Settings(_env_file=None))]


def _marker(name: str) -> str:
    return BOT_TOKEN if name == "AEGIS_TELEGRAM__BOT_TOKEN" else f"MARKER{abs(hash(name)) % 10**8:08d}x{name[-6:]}"


@pytest.fixture
def marked_env(tmp_path: Path, rejecting_server: str) -> dict[str, str]:
    """Every secret setting set to a marker; every integration pointed at the rejecting fake."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AEGIS_")}
    env |= {name: _marker(name) for name in _secret_names()}
    base = rejecting_server
    env |= {
        "AEGIS_DATABASE_URL": f"sqlite:///{tmp_path / 'aegis.db'}",
        "AEGIS_LOG_LEVEL": "DEBUG",
        "AEGIS_TELEGRAM__BASE_URL": f"{base}/bot",
        "AEGIS_SOURCES__BIZINFO_URL": f"{base}/bizinfo",
        "AEGIS_SOURCES__KSTARTUP_URL": f"{base}/kstartup",
        "AEGIS_SOURCES__GOV24_URL": f"{base}/gov24",
        "AEGIS_SOURCES__MAX_ATTEMPTS": "1",
        "AEGIS_LLM__CHAIN": "openai,selfhosted",
        "AEGIS_LLM__OPENAI__API_BASE": f"{base}/v1",
        "AEGIS_LLM__SELFHOSTED__API_BASE": f"{base}/v1",
        "AEGIS_LLM__MAX_RETRIES": "0",
        "AEGIS_SENS__BASE_URL": base,
        "AEGIS_SENS__SERVICE_ID": "ncp:sms:kr:1:aegis",
        "AEGIS_SENS__FROM_NUMBER": "0212345678",
        "AEGIS_DASHBOARD__PASSWORD_HASH": _marker("AEGIS_DASHBOARD__PASSWORD_HASH"),
        "AEGIS_SMTP__HOST": "127.0.0.1",
        "AEGIS_SMTP__PORT": "9",  # nothing listens: the SMTP probe fails at once
        "AEGIS_SMTP__STARTTLS": "false",
        "AEGIS_SMTP__USERNAME": "ops",
        "AEGIS_SMTP__FROM": "aegis@example.com",
        "AEGIS_OPERATORS__TELEGRAM_CHAT_IDS": "4242",
    }
    return env


def _run(args: list[str], env: dict[str, str], cwd: Path, timeout: float = RUN_TIMEOUT_S) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "aegis.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return done.stdout.decode() + done.stderr.decode()


def _run_bot(env: dict[str, str], cwd: Path) -> str:
    process = subprocess.Popen(
        [sys.executable, "-m", "aegis.cli", "bot"], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        out, err = process.communicate(timeout=BOT_RUN_S)
    except subprocess.TimeoutExpired:  # still retrying the rejected token: stop it like an operator would
        process.terminate()
        out, err = process.communicate(timeout=RUN_TIMEOUT_S)
    return out.decode() + err.decode()


def test_no_secret_reaches_any_output_line_of_a_full_run(marked_env: dict[str, str], tmp_path: Path) -> None:
    env = marked_env
    outputs = {
        "db upgrade": _run(["db", "upgrade"], env, tmp_path),
        "config": _run(["config"], env, tmp_path),
        "doctor": _run(["doctor"], env, tmp_path),
        "jobs --once": _run(["jobs", "--once"], env, tmp_path),
        "bot": _run_bot(env, tmp_path),
    }
    markers = [env[name] for name in _secret_names()]
    for command, text in outputs.items():
        for marker in markers:
            assert marker not in text, f"`aegis {command}` printed a secret:\n{text[-3000:]}"
    assert "bizinfo" in outputs["doctor"]
    assert outputs["bot"].strip(), "the bot printed nothing about the rejected token"
