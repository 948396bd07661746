"""A fake LLM server on 127.0.0.1: OpenAI chat completions, Anthropic messages and Gemini generateContent.

Each provider lives under its own path prefix (`/openai/v1`, `/anthropic`, ...), so one server plays
the whole chain. A prefix answers, fails (500/503/429/401), hangs, returns invalid JSON or a
context-length error, as scripted; every call is counted per prefix and key, and every request body
kept (`bodies`), so tests see the `response_format` (or its Anthropic/Gemini translation) that was sent.
Structured output: `refuse_format` answers 400 naming `response_format` whenever the request carries
one; `prose` answers plain text (a server that ignores the parameter); `invalid_json` answers a JSON
object of the wrong shape. An Anthropic request with LiteLLM's `json_tool_call` tool gets a tool_use.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("ok", "500", "503", "429", "401", "hang", "invalid_json", "context_length", "refuse_format", "prose")
FORMAT_KEYS = ("response_format", "output_format", "generationConfig")  # as sent to OpenAI, Anthropic, Gemini


@dataclass
class Route:
    """The scripted behaviour of one prefix: a default mode, a queue of one-shot modes, valid keys."""

    mode: str = "ok"
    queue: deque[str] = field(default_factory=deque)
    reply: str = "안녕하세요. 테스트 응답입니다."
    valid_keys: set[str] | None = None  # None = any key
    retry_after: str = "1"
    hang_s: float = 1.0
    prompt_tokens: int = 12
    completion_tokens: int = 7
    respond: Callable[[dict[str, Any]], str] | None = None  # a model that reads the request (e.g. obeys it)


class FakeLLM:
    """A threaded HTTP server scripted per prefix; `calls[(prefix, key)]` counts requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.calls: Counter[tuple[str, str]] = Counter()
        self.bodies: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        """Return the server's base URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def base(self, prefix: str) -> str:
        """Return the OpenAI-style api_base for a prefix (`<url>/<prefix>/v1`)."""
        return f"{self.url}/{prefix}/v1"

    def route(self, prefix: str) -> Route:
        """Return (creating) the scripted route of a prefix."""
        return self.routes.setdefault(prefix, Route())

    def script(self, prefix: str, mode: str = "ok", *, then: list[str] | None = None, **opts: Any) -> Route:
        """Set the default mode of a prefix, optional one-shot modes first, and route options."""
        assert mode in MODES and all(m in MODES for m in then or [])
        route = self.route(prefix)
        route.mode = mode
        route.queue = deque(then or [])
        for name, value in opts.items():
            setattr(route, name, value)
        return route

    def count(self, prefix: str, key: str | None = None) -> int:
        """Return how many requests reached a prefix (optionally with one key)."""
        return sum(n for (p, k), n in self.calls.items() if p == prefix and (key is None or k == key))

    def start(self) -> FakeLLM:
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def next_mode(self, prefix: str, key: str) -> tuple[Route, str]:
        """Count the call and return the route and the mode to play."""
        with self._lock:
            route = self.route(prefix)
            self.calls[(prefix, key)] += 1
            mode = route.queue.popleft() if route.queue else route.mode
            if mode == "ok" and route.valid_keys is not None and key not in route.valid_keys:
                mode = "401"
            return route, mode


def _make_handler(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes; avoid the 40 ms delayed ACK

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep test output quiet

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.bodies.append(body)
            prefix = self.path.strip("/").split("/", 1)[0]
            key = self._key()
            route, mode = fake.next_mode(prefix, key)
            kind = (
                "anthropic" if self.path.endswith("/messages") else "gemini" if ":generate" in self.path else "openai"
            )
            self._play(route, mode, kind, body, key)

        def _key(self) -> str:
            auth = self.headers.get("Authorization", "")
            if auth.lower().startswith("bearer "):
                return auth[7:]
            if "key=" in self.path:
                return self.path.split("key=", 1)[1].split("&", 1)[0]
            return self.headers.get("x-api-key") or self.headers.get("x-goog-api-key") or ""

        def _play(self, route: Route, mode: str, kind: str, body: dict[str, Any], key: str) -> None:
            if mode == "hang":
                time.sleep(route.hang_s)
                mode = "ok"
            if mode in ("500", "503"):
                return self._send(int(mode), {"error": {"message": "server error", "type": "server_error"}})
            if mode == "429":
                err = {"error": {"message": "rate limited", "type": "rate_limit_error"}}
                return self._send(429, err, {"Retry-After": route.retry_after})
            if mode == "401":
                # like OpenAI, echo the key: the gateway must redact it from every log and record
                err = {"error": {"message": f"Incorrect API key provided: {key}", "type": "invalid_request_error"}}
                return self._send(401, err)
            if mode == "context_length":
                msg = "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000."
                err = {"error": {"message": msg, "type": "invalid_request_error", "code": "context_length_exceeded"}}
                return self._send(400, err)
            if mode == "refuse_format":
                if structured(body):
                    msg = "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model."
                    err = {"error": {"message": msg, "type": "invalid_request_error", "param": "response_format"}}
                    return self._send(400, err)
                mode = "ok"
            reply = route.respond(body) if route.respond is not None else route.reply
            text = {"invalid_json": '{"unexpected": "shape"}', "prose": "네, 알겠습니다. 곧 안내드릴게요."}.get(
                mode, reply
            )
            model = str(body.get("model", "fake"))
            return self._send(200, _answer(kind, model, text, route, tool=_json_tool(body)))

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and hung up

    return Handler


def structured(body: dict[str, Any]) -> bool:
    """Return whether a request asks for structured output natively (in any provider's dialect)."""
    gen = body.get("generationConfig") or {}
    gemini = any(k in gen for k in ("responseSchema", "responseJsonSchema", "response_schema", "responseMimeType"))
    return "response_format" in body or "output_format" in body or bool(_json_tool(body)) or gemini


def _json_tool(body: dict[str, Any]) -> str | None:
    """Return the name of LiteLLM's forced JSON tool when an Anthropic request carries one."""
    for tool in body.get("tools") or []:
        if isinstance(tool, dict) and tool.get("name") == "json_tool_call":
            return "json_tool_call"
    return None


def _answer(kind: str, model: str, text: str, route: Route, *, tool: str | None = None) -> dict[str, Any]:
    pin, pout = route.prompt_tokens, route.completion_tokens
    if kind == "anthropic":
        content: list[dict[str, Any]] = [{"type": "text", "text": text}]
        if tool is not None:
            with contextlib.suppress(ValueError):  # not JSON: answer in text, as a model ignoring the tool would
                content = [{"type": "tool_use", "id": "toolu_fake", "name": tool, "input": json.loads(text)}]
        return {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": pin, "output_tokens": pout},
        }
    if kind == "gemini":
        return {
            "candidates": [
                {"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP", "index": 0}
            ],
            "usageMetadata": {"promptTokenCount": pin, "candidatesTokenCount": pout, "totalTokenCount": pin + pout},
            "modelVersion": model,
        }
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": pin, "completion_tokens": pout, "total_tokens": pin + pout},
    }
