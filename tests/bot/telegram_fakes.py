"""Telegram fakes: a recording `BaseRequest` (python-telegram-bot's own transport seam), update JSON, and a
fake Bot API server on 127.0.0.1 that the real bot long-polls."""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import threading
import time
import urllib.parse
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from telegram.request import BaseRequest, RequestData

TOKEN = "123456:TEST-token-never-logged"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Aegis", "username": "aegis_test_bot"}


class RecordingRequest(BaseRequest):
    """Answers Bot API methods with canned JSON and records every call (url, method name, parameters)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append((url, name, params))
        result: Any = True
        if name == "getMe":
            result = BOT_USER
        elif name == "sendMessage":
            chat = {"id": params["chat_id"], "type": "private", "first_name": "사용자"}
            result = {"message_id": len(self.calls), "date": 0, "chat": chat, "text": params["text"]}
        return 200, json.dumps({"ok": True, "result": result}).encode("utf-8")

    def sent(self, name: str) -> list[dict[str, Any]]:
        """Return the parameters of every call to Bot API method `name`."""
        return [params for _url, called, params in self.calls if called == name]


def command_update(text: str, *, chat_id: int = 4242, update_id: int = 1) -> dict[str, Any]:
    """Return the Bot API JSON of a private message carrying a command."""
    command = text.split(maxsplit=1)[0]
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_790_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "사용자"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "사용자", "language_code": "ko"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        },
    }


def text_update(text: str, *, chat_id: int = 4242, update_id: int = 2) -> dict[str, Any]:
    """Return the Bot API JSON of a private plain-text message."""
    update = command_update(text, chat_id=chat_id, update_id=update_id)
    del update["message"]["entities"]
    return update


# --- a fake Bot API server on 127.0.0.1 (real HTTP, real long polling) -----------------------------


def _decode(value: str) -> Any:
    """Return a form value as PTB encoded it: JSON for numbers, objects and lists; plain strings as is."""
    try:
        return json.loads(value)
    except ValueError:
        return value


class FakeBotAPI:
    """A Bot API server for tests and benches: queues updates for getUpdates, records what the bot sends.

    Scripted trouble: `blocked` chats answer 403; `storm` answers the next N send calls with 429;
    `overall_per_s` / `per_chat_interval_s` enforce Telegram's limits (violations are counted and
    answered 429, as Telegram does).
    """

    SEND_METHODS = frozenset({"sendMessage", "sendDocument", "editMessageText"})

    def __init__(
        self,
        *,
        token: str = TOKEN,
        overall_per_s: float | None = None,
        per_chat_interval_s: float | None = None,
        latency_s: float = 0.0,
    ) -> None:
        self.token = token
        self.overall_per_s = overall_per_s
        self.per_chat_interval_s = per_chat_interval_s
        self.latency_s = latency_s
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.blocked: set[int] = set()
        self.storm = 0
        self.storm_retry_after = 1
        self.violations = 0
        self.reject_token = False
        self._updates: list[dict[str, Any]] = []
        self._next_update = 1
        self._next_message = 1000
        self._cond = threading.Condition()
        self._send_times: list[float] = []
        self._last_by_chat: dict[int, float] = {}
        self.per_chat: dict[int, list[float]] = defaultdict(list)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """Return the Bot API base URL for AEGIS_TELEGRAM__BASE_URL."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def __enter__(self) -> FakeBotAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # -- scripting users -------------------------------------------------------------------------

    def _push(self, update: dict[str, Any]) -> None:
        with self._cond:
            update["update_id"] = self._next_update
            self._next_update += 1
            self._updates.append(update)
            self._cond.notify_all()

    @staticmethod
    def _user(chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "is_bot": False, "first_name": f"사용자{chat_id}", "language_code": "ko"}

    def _message(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        with self._cond:
            self._next_message += 1
            mid = self._next_message
        chat = {"id": chat_id, "type": "private", "first_name": f"사용자{chat_id}"}
        return {"message_id": mid, "date": int(time.time()), "chat": chat, "from": self._user(chat_id), **fields}

    def user_says(self, chat_id: int, text: str) -> None:
        """Queue a text message (a command when it starts with '/')."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}]
        self._push({"message": self._message(chat_id, **fields)})

    def user_presses(self, chat_id: int, data: str) -> None:
        """Queue a callback query for a button with `data`."""
        message = self._message(chat_id, text="(button)")
        message["from"] = {"id": 123456, "is_bot": True, "first_name": "Aegis"}
        query = {"id": f"q{self._next_update}", "from": self._user(chat_id), "chat_instance": "ci", "data": data}
        self._push({"callback_query": {**query, "message": message}})

    def user_shares_contact(self, chat_id: int, phone: str, *, owner: int) -> None:
        """Queue a shared contact card whose owner is `owner`."""
        contact = {"phone_number": phone, "first_name": "사장님", "user_id": owner}
        self._push({"message": self._message(chat_id, contact=contact)})

    # -- reading what the bot did ----------------------------------------------------------------

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        """Return the parameters of every successful call to `method` (to one chat when given)."""
        with self._cond:
            calls = list(self.calls)
        return [p for m, p in calls if m == method and (chat_id is None or int(p.get("chat_id", 0)) == chat_id)]

    def wait_sent(
        self, count: int, *, chat_id: int | None = None, method: str = "sendMessage", timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Block until at least `count` such calls were made; return them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.sent(method, chat_id)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} {method} calls, got {self.sent(method, chat_id)}")

    # -- the server ------------------------------------------------------------------------------

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.reject_token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method in self.SEND_METHODS or method == "sendChatAction":
            chat_id = int(params.get("chat_id", 0))
            if chat_id in self.blocked:
                return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if method in self.SEND_METHODS:
            refused = self._limit(int(params.get("chat_id", 0)))
            if refused is not None:
                return 429, refused
            if self.latency_s:
                time.sleep(self.latency_s)
            with self._cond:
                self.calls.append((method, params))
            text = params.get("text") or params.get("caption") or ""
            return 200, {"ok": True, "result": self._message(int(params["chat_id"]), text=str(text))}
        with self._cond:
            self.calls.append((method, params))
        return 200, {"ok": True, "result": True}

    def _limit(self, chat_id: int) -> dict[str, Any] | None:
        with self._cond:
            if self.storm > 0:
                self.storm -= 1
                return self._too_many(self.storm_retry_after)
            now = time.monotonic()
            if self.overall_per_s is not None:
                self._send_times = [t for t in self._send_times if t > now - 1.0]
                if len(self._send_times) >= self.overall_per_s:
                    self.violations += 1
                    return self._too_many(1)
            if self.per_chat_interval_s is not None:
                last = self._last_by_chat.get(chat_id)
                if last is not None and now - last < self.per_chat_interval_s * 0.95:
                    self.violations += 1
                    return self._too_many(1)
            self._send_times.append(now)
            self._last_by_chat[chat_id] = now
            self.per_chat[chat_id].append(now)
        return None

    @staticmethod
    def _too_many(retry_after: int) -> dict[str, Any]:
        return {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        }

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)
        deadline = time.monotonic() + timeout
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._cond.wait(timeout=max(deadline - time.monotonic(), 0.01))
            return list(self._updates[:100])

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Telegram: no connection (and thread) per request

            def handle(self) -> None:
                with contextlib.suppress(ConnectionResetError, BrokenPipeError):  # a killed or stopped client
                    super().handle()

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                path = urllib.parse.urlparse(self.path).path
                prefix = f"/bot{fake.token}/"
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not path.startswith(prefix):
                    self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                status, payload = fake._answer(path[len(prefix) :], self._params(body))
                self._reply(status, payload)

            def _params(self, body: bytes) -> dict[str, Any]:
                ctype = self.headers.get("Content-Type", "")
                if ctype.startswith("multipart/form-data"):
                    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                        f"Content-Type: {ctype}\r\n\r\n".encode() + body
                    )
                    params: dict[str, Any] = {}
                    for part in message.iter_parts():
                        name = part.get_param("name", header="content-disposition")
                        content = part.get_payload(decode=True) or b""
                        if part.get_filename():
                            params[str(name)] = {"filename": part.get_filename(), "content": content}
                        else:
                            params[str(name)] = _decode(content.decode("utf-8"))
                    return params
                if ctype.startswith("application/json"):
                    return dict(json.loads(body or b"{}"))
                return {k: _decode(v[0]) for k, v in urllib.parse.parse_qs(body.decode("utf-8")).items()}

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the bot stopped polling
                    self.wfile.write(data)

        return Handler
