"""Telegram handlers: `/start` and the bot's one error-translation point.

Each handler reads: parse the update → call the engine → render Korean text. The core object is in
`application.bot_data["core"]`, put there by `bot.app.build_application`.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import ContextTypes

from engine.app import Aegis
from engine.conversation import reply_to_description, source_labels, welcome_text
from engine.errors import AegisError
from engine.programs import count_programs

log = logging.getLogger(__name__)

GENERIC_ERROR = "죄송합니다. 일시적인 오류가 발생했어요. 잠시 후 다시 시도해 주세요."


def _core(context: ContextTypes.DEFAULT_TYPE) -> Aegis:
    core: Aegis = context.application.bot_data["core"]
    return core


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /start with what Aegis does and the next steps."""
    if update.effective_message is None:
        return
    # The engine's DB calls are synchronous; keep them off the event loop.
    count = await asyncio.to_thread(count_programs, _core(context).db)
    await update.effective_message.reply_text(welcome_text(count, source_labels()))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a free-text self-description with what was understood and the best programs."""
    message = update.effective_message
    if message is None or not message.text:
        return
    reply = await asyncio.to_thread(reply_to_description, _core(context), message.text)
    await message.reply_text(reply)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Turn any handler error into a Korean reply (the bot's one translation point)."""
    error = context.error
    if isinstance(error, AegisError):
        log.warning("handler failed: %s", error)
        text = error.user_message
    else:
        log.error("handler crashed", exc_info=error)
        text = GENERIC_ERROR
    if isinstance(update, Update) and update.effective_message is not None:
        await update.effective_message.reply_text(text)
