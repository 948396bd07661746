"""`/start`, the menu and the error handler, offline through a recording Bot API transport."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from telegram import Update
from telegram.ext import CommandHandler, ContextTypes
from telegram_fakes import TOKEN, RecordingRequest, command_update

from bot.app import build_application, file_url_for, menu_commands
from bot.handlers import GENERIC_ERROR
from engine.app import Aegis
from engine.errors import InvalidInput


@pytest.mark.asyncio
async def test_start_asks_for_consent_with_the_agree_button_first(
    make_core: Callable[..., Aegis], recording_request: RecordingRequest
) -> None:
    application = build_application(make_core(), request=recording_request)
    async with application:
        await application.process_update(Update.de_json(command_update("/start"), application.bot))
    [sent] = recording_request.sent("sendMessage")
    assert sent["chat_id"] == 4242 and sent["parse_mode"] == "HTML"
    assert sent["text"].startswith("안녕하세요! 이지스(Aegis)는")
    assert "개인정보 수집·이용 동의" in sent["text"]
    buttons = sent["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["동의", "동의하지 않음"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)


def test_menu_comes_from_the_dialogue_command_table_without_operator_commands(
    make_core: Callable[..., Aegis],
) -> None:
    names = [c.command for c in menu_commands(make_core())]
    assert names[:3] == ["start", "profile", "recommend"] and "stats" not in names and "broadcast" not in names


@pytest.mark.asyncio
async def test_bot_calls_the_configured_base_url(
    make_core: Callable[..., Aegis], recording_request: RecordingRequest
) -> None:
    base = "http://127.0.0.1:8081/custom/bot"
    application = build_application(make_core(base_url=base), request=recording_request)
    async with application:  # initialize() calls getMe
        await application.process_update(Update.de_json(command_update("/start"), application.bot))
    urls = [url for url, _name, _params in recording_request.calls]
    names = [name for _url, name, _params in recording_request.calls if name != "sendChatAction"]
    assert names == ["getMe", "sendMessage"]
    assert all(url.startswith(f"{base}{TOKEN}/") for url in urls)
    assert application.bot.base_file_url == f"http://127.0.0.1:8081/custom/file/bot{TOKEN}"


def test_file_url_follows_the_bot_api_base() -> None:
    assert file_url_for("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url_for("http://localhost:8081/bot/") == "http://localhost:8081/file/bot"


def test_building_the_bot_without_a_token_is_invalid_input(make_core: Callable[..., Aegis]) -> None:
    with pytest.raises(InvalidInput, match="AEGIS_TELEGRAM__BOT_TOKEN"):
        build_application(make_core(bot_token=None))


async def _fail_with_aegis_error(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise InvalidInput("bad profile", user_message="프로필을 확인해 주세요.")


async def _crash(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise RuntimeError("boom")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("callback", "expected"), [(_fail_with_aegis_error, "프로필을 확인해 주세요."), (_crash, GENERIC_ERROR)]
)
async def test_error_handler_answers_in_korean(
    make_core: Callable[..., Aegis], recording_request: RecordingRequest, callback: Any, expected: str
) -> None:
    application = build_application(make_core(), request=recording_request)
    application.add_handler(CommandHandler("fail", callback), group=-1)
    async with application:
        await application.process_update(Update.de_json(command_update("/fail"), application.bot))
    assert recording_request.sent("sendMessage")[0]["text"] == expected  # then the dialogue answers /fail
