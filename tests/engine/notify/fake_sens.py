"""A fake NCP SENS v2 on 127.0.0.1: verifies every request's signature, accepts sends, reports results."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from engine.notify.sms import signature

ACCESS, SECRET, SERVICE = "AKtest", "secret-key", "ncp:sms:kr:1:aegis"


@dataclass
class FakeSens:
    """State of the fake: accepted requests by id, numbers that fail, how many calls were refused."""

    requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)
    refused: int = 0
    base_url: str = ""


def _handler(state: FakeSens) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _signed(self, method: str) -> bool:
            expected = signature(
                method=method,
                uri=self.path,
                timestamp=self.headers.get("x-ncp-apigw-timestamp", ""),
                access_key=ACCESS,
                secret_key=SECRET,
            )
            ok = (
                self.headers.get("x-ncp-iam-access-key") == ACCESS
                and self.headers.get("x-ncp-apigw-signature-v2") == expected
            )
            if not ok:
                state.refused += 1
                self._answer(401, {"error": {"errorCode": "200", "message": "Authentication Failed"}})
            return ok

        def _answer(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            if not self._signed("POST"):
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path != f"/sms/v2/services/{SERVICE}/messages" or len(body["messages"]) > 100:
                self._answer(400, {"status": "400"})
                return
            for message in body["messages"]:
                message["content"].encode("cp949")  # would fail on emoji, as SENS does
            request_id = uuid.uuid4().hex
            state.requests[request_id] = body
            self._answer(202, {"requestId": request_id, "statusCode": "202", "statusName": "success"})

        def do_GET(self) -> None:
            if not self._signed("GET"):
                return
            query = parse_qs(urlsplit(self.path).query)
            request_id = query.get("requestId", [""])[0]
            if request_id not in state.requests:
                self._answer(404, {"status": "404"})
                return
            messages = [
                {
                    "messageId": f"{request_id}-{n}",
                    "to": m["to"],
                    "status": "COMPLETED",
                    "statusName": "fail" if m["to"] in state.failing else "success",
                    "statusCode": "3018" if m["to"] in state.failing else "0",
                }
                for n, m in enumerate(state.requests[request_id]["messages"])
            ]
            self._answer(200, {"requestId": request_id, "statusCode": "200", "messages": messages})

    return Handler


@contextmanager
def fake_sens() -> Iterator[FakeSens]:
    """Run the fake on a free port until the block ends."""
    state = FakeSens()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
