"""Fixtures of the operations tests: one scriptable HTTP fake on 127.0.0.1, a tiny SMTP fake, clean settings."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from ops_fakes import FakeHttp, SmtpHandler, http_handler


@pytest.fixture
def fake_http() -> Iterator[FakeHttp]:
    fake = FakeHttp()
    server = ThreadingHTTPServer(("127.0.0.1", 0), http_handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_smtp() -> Iterator[tuple[int, str]]:
    """A fake SMTP server on 127.0.0.1 accepting the password "right-password"; yields (port, password)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpHandler)
    server.daemon_threads = True
    server.password = "right-password"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1]), "right-password"
    server.shutdown()
    server.server_close()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No AEGIS_* variable from the outside; the working folder is empty (no .env, no ./data)."""
    import os

    for name in list(os.environ):
        if name.startswith("AEGIS_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch
