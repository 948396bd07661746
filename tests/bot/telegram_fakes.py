"""Telegram fakes: a recording `BaseRequest` (python-telegram-bot's own transport seam) and update JSON."""

from __future__ import annotations

import json
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
