"""The Telegram bot's composition root: `build_application(core)`, `serve(core, stop)` and `run_bot(core)`.

Long polling by default (bootstrap retried), a webhook with a secret token when
AEGIS_TELEGRAM__WEBHOOK_URL is set. An unreachable Bot API is retried with backoff instead of ending
the process; a rejected token ends it with one line that never contains the token. The token is
unwrapped only here, the adapter that sends it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
from typing import Any, TypeAlias

from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, CallbackQueryHandler, MessageHandler, filters
from telegram.request import BaseRequest

from bot import handlers
from bot.delivery import AlertSender
from engine.app import Aegis
from engine.dialogue import COMMANDS
from engine.errors import InvalidInput

log = logging.getLogger(__name__)

BotApplication: TypeAlias = "Application[Any, Any, Any, Any, Any, Any]"

CONCURRENT_UPDATES = 64
CONNECTION_POOL = 64
RATE_LIMIT_RETRIES = 3  # AIORateLimiter's default (0) would not retry a RetryAfter at all
RELOAD_SETTINGS_S = 60.0
BACKOFF_START_S = 1.0
BACKOFF_MAX_S = 60.0


def file_url_for(base_url: str) -> str:
    """Return the file-download base matching a Bot API base (`…/bot` → `…/file/bot`)."""
    root = base_url.rstrip("/")
    if root.endswith("/bot"):
        return root[: -len("/bot")] + "/file/bot"
    return root + "/file/bot"


def _token(core: Aegis) -> str:
    token = core.settings.telegram.bot_token
    if token is None or not token.get_secret_value().strip():
        raise InvalidInput(
            "AEGIS_TELEGRAM__BOT_TOKEN is not set", user_message="텔레그램 봇 토큰이 설정되지 않았습니다."
        )
    return token.get_secret_value().strip()


def build_application(
    core: Aegis, *, request: BaseRequest | None = None, get_updates_request: BaseRequest | None = None
) -> BotApplication:
    """Build the bot: every update goes to the dialogue; `request` replaces the HTTP transport (tests)."""
    base_url = core.settings.telegram.base_url
    builder = (
        ApplicationBuilder()
        .token(_token(core))
        .base_url(base_url)
        .base_file_url(file_url_for(base_url))
        .concurrent_updates(CONCURRENT_UPDATES)
        .rate_limiter(
            AIORateLimiter(  # one request per 1/rate s: evenly spaced, never a burst after a pause
                overall_max_rate=1,
                overall_time_period=1.0 / max(core.settings.telegram.send_rate_per_s, 0.1),
                max_retries=RATE_LIMIT_RETRIES,
            )
        )
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    else:
        builder = builder.connection_pool_size(CONNECTION_POOL)
    application = builder.build()
    application.bot_data["core"] = core
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, handlers.on_update))
    application.add_handler(CallbackQueryHandler(handlers.on_update))
    application.add_error_handler(handlers.on_error)
    return application


def menu_commands(core: Aegis) -> list[BotCommand]:
    """Return Telegram's command menu, derived from the dialogue's command table (operators' hidden)."""
    return [BotCommand(c.name, c.description[:256]) for c in COMMANDS if not c.operator]


def _redacted(core: Aegis, exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    token = core.settings.telegram.bot_token
    return text.replace(token.get_secret_value(), "***") if token is not None and token.get_secret_value() else text


async def _reload_settings(core: Aegis, stop: asyncio.Event, every: float) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
        if not stop.is_set():
            try:
                await asyncio.to_thread(core.reload_settings)
            except Exception:  # a failed reload keeps the running settings; logged
                log.exception("bot: reloading settings failed")


async def serve(
    core: Aegis,
    stop: asyncio.Event,
    *,
    poll_timeout: float = 10.0,
    reload_every_s: float = RELOAD_SETTINGS_S,
    sender_idle_s: float = 1.0,
) -> int:
    """Run the bot until `stop` is set: updates, the Telegram outbox, settings reloads; return the exit code."""
    backoff = BACKOFF_START_S
    while not stop.is_set():
        application = build_application(core)
        try:
            await _run_once(core, application, stop, poll_timeout, reload_every_s, sender_idle_s)
            return 0
        except InvalidToken:
            raise InvalidInput(
                "the Telegram Bot API rejected AEGIS_TELEGRAM__BOT_TOKEN",
                user_message="텔레그램 봇 토큰이 거절되었어요. AEGIS_TELEGRAM__BOT_TOKEN 을 확인해 주세요.",
            ) from None
        except NetworkError as exc:
            log.warning("Telegram Bot API unreachable (%s); retrying in %.0f s", _redacted(core, exc), backoff)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=backoff)
            backoff = min(backoff * 2, BACKOFF_MAX_S)
    return 0


async def _run_once(  # noqa: PLR0917 - private, called once
    core: Aegis,
    application: BotApplication,
    stop: asyncio.Event,
    poll_timeout: float,
    reload_every_s: float,
    sender_idle_s: float,
) -> None:
    telegram = core.settings.telegram
    async with application:  # initialize(): getMe (raises InvalidToken / NetworkError)
        with contextlib.suppress(NetworkError):
            await application.bot.set_my_commands(menu_commands(core))
        await application.start()
        updater = application.updater
        assert updater is not None  # built with the default updater
        if telegram.webhook_url:
            secret = telegram.webhook_secret.get_secret_value() if telegram.webhook_secret else secrets.token_hex(16)
            await updater.start_webhook(
                listen=telegram.webhook_listen,
                port=telegram.webhook_port,
                url_path="telegram",
                webhook_url=telegram.webhook_url,
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
                bootstrap_retries=-1,
            )
            log.info("bot webhook listening on %s:%s", telegram.webhook_listen, telegram.webhook_port)
        else:
            await updater.start_polling(
                timeout=int(poll_timeout), allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1
            )
            log.info("bot polling the Telegram Bot API")
        sender = AlertSender(core=core, bot=application.bot, idle_s=sender_idle_s)
        tasks = [
            asyncio.create_task(sender.run(stop)),
            asyncio.create_task(_reload_settings(core, stop, reload_every_s)),
        ]
        try:
            await stop.wait()
        finally:
            await asyncio.gather(*tasks, return_exceptions=True)
            if updater.running:
                await updater.stop()
            await application.stop()


def run_bot(core: Aegis) -> int:
    """Serve until SIGTERM/SIGINT, then shut down cleanly; return the exit code."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB 22: time periods as timedelta (no deprecation path)
    _token(core)  # fail fast, in one line, when no token is set

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        return await serve(core, stop)

    stop_metrics = None
    if core.settings.telegram.metrics_port is not None:  # the bot's own /metrics (engine/telemetry.py)
        from engine.telemetry import register_outbox_metrics, start_metrics_server

        register_outbox_metrics(core.db)
        stop_metrics = start_metrics_server(core.settings.metrics.host, core.settings.telegram.metrics_port)
    try:
        return asyncio.run(main())
    finally:
        if stop_metrics is not None:
            stop_metrics()
