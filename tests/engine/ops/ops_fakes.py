"""Fakes of the operations tests: a scriptable HTTP server and a tiny SMTP server (imported by conftest and tests)."""

from __future__ import annotations

import json
import socketserver
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples"


@dataclass
class Reply:
    """A scripted answer: status, body and content type."""

    status: int = 200
    body: bytes = b"{}"
    content_type: str = "application/json"


@dataclass
class FakeHttp:
    """Answers by path prefix (longest first) and records every request (method, path with query, headers)."""

    routes: dict[str, Reply] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    url: str = ""

    def on(self, prefix: str, status: int = 200, body: Any = None, *, raw: bytes | None = None) -> None:
        """Script the answer of every path starting with `prefix`."""
        if raw is not None:
            content_type = "application/xml" if raw.lstrip().startswith(b"<") else "application/json"
            self.routes[prefix] = Reply(status, raw, content_type)
        else:
            self.routes[prefix] = Reply(status, json.dumps(body if body is not None else {}).encode())

    def answer(self, path: str) -> Reply:
        for prefix in sorted(self.routes, key=len, reverse=True):
            if path.startswith(prefix):
                return self.routes[prefix]
        return Reply(404, b'{"error": "no route"}')


def http_handler(fake: FakeHttp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            fake.requests.append((self.command, self.path, dict(self.headers)))
            reply = fake.answer(self.path)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for a probe: greeting, EHLO with AUTH, AUTH PLAIN accepted for one password."""

    def handle(self) -> None:
        self.wfile.write(b"220 fake.smtp ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250-fake.smtp\r\n250 AUTH PLAIN LOGIN\r\n")
            elif verb == b"AUTH":
                ok = self.server.password.encode() in _b64(line.split()[-1])  # type: ignore[attr-defined]
                self.wfile.write(b"235 ok\r\n" if ok else b"535 5.7.8 Authentication credentials invalid\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def _b64(data: bytes) -> bytes:
    import base64

    try:
        return base64.b64decode(data)
    except ValueError:
        return b""
