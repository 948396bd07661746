"""The Telegram bot's composition root: `build_application(core)` and `run_bot(core)` (`aegis bot`).

The token is unwrapped only here, the adapter that sends it; the Bot API base comes from
`AEGIS_TELEGRAM__BASE_URL` (a self-hosted `telegram-bot-api` server or a test server).
"""

from __future__ import annotations

import logging
import signal
from typing import Any, TypeAlias

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CommandHandler, MessageHandler, filters
from telegram.request import BaseRequest

from bot import handlers
from engine.app import Aegis
from engine.errors import InvalidInput

log = logging.getLogger(__name__)

BotApplication: TypeAlias = "Application[Any, Any, Any, Any, Any, Any]"

# Loggers that print request URLs, which carry the bot token.
URL_LOGGERS = ("httpx", "httpcore")


def file_url_for(base_url: str) -> str:
    """Return the file-download base matching a Bot API base (`…/bot` → `…/file/bot`)."""
    root = base_url.rstrip("/")
    if root.endswith("/bot"):
        return root[: -len("/bot")] + "/file/bot"
    return root + "/file/bot"


def build_application(
    core: Aegis, *, request: BaseRequest | None = None, get_updates_request: BaseRequest | None = None
) -> BotApplication:
    """Build the bot with its handlers; `request` replaces the HTTP transport (tests, proxies)."""
    token = core.settings.telegram.bot_token
    if token is None or not token.get_secret_value().strip():
        raise InvalidInput(
            "AEGIS_TELEGRAM__BOT_TOKEN is not set", user_message="텔레그램 봇 토큰이 설정되지 않았습니다."
        )
    base_url = core.settings.telegram.base_url
    builder = (
        ApplicationBuilder().token(token.get_secret_value()).base_url(base_url).base_file_url(file_url_for(base_url))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    application = builder.build()
    application.bot_data["core"] = core
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.on_text))
    application.add_error_handler(handlers.on_error)
    return application


def quiet_url_loggers() -> None:
    """Keep request URLs (and with them the token) out of the logs."""
    for name in URL_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def run_bot(core: Aegis) -> int:
    """Poll Telegram until SIGTERM/SIGINT, then shut down cleanly; return the exit code."""
    quiet_url_loggers()
    application = build_application(core)
    log.info("bot polling %s", core.settings.telegram.base_url)
    application.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=(signal.SIGINT, signal.SIGTERM))
    return 0
