"""Telegram updates in, dialogue replies out: the bot composes no reply of its own.

Each update becomes an `Event`; the dialogue runs off the event loop under a per-chat lock (updates
are processed concurrently, one chat at a time); a callback query is answered before any slow work
and a typing indicator is repeated while the answer is prepared. The error handler is the bot's one
translation point.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import weakref

from telegram import Bot, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.render import render
from engine import users
from engine.app import Aegis
from engine.dialogue import Event, Reply, respond
from engine.errors import AegisError

log = logging.getLogger(__name__)

GENERIC_ERROR = "죄송합니다. 일시적인 오류가 발생했어요. 잠시 후 다시 시도해 주세요."
TYPING_EVERY_S = 4.0  # Telegram shows 'typing…' for about 5 s
TYPING_AFTER_S = 0.3  # fast answers need no indicator


def _core(context: ContextTypes.DEFAULT_TYPE) -> Aegis:
    core: Aegis = context.application.bot_data["core"]
    return core


def _lock(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> asyncio.Lock:
    locks: weakref.WeakValueDictionary[int, asyncio.Lock] = context.application.bot_data.setdefault(
        "chat_locks", weakref.WeakValueDictionary()
    )
    lock = locks.get(chat_id)
    if lock is None:
        lock = asyncio.Lock()
        locks[chat_id] = lock
    return lock


def event_from(update: Update) -> Event | None:
    """Return the dialogue event of a Telegram update (None for updates the dialogue ignores)."""
    user = update.effective_user
    sender = user.id if user else None
    name = user.full_name if user else None
    if (query := update.callback_query) is not None:
        return Event(kind="button", data=query.data or "", sender_id=sender, display_name=name)
    message = update.effective_message
    if message is None:
        return None
    if message.contact is not None:
        return Event(
            kind="contact",
            contact_phone=message.contact.phone_number,
            contact_user_id=message.contact.user_id,
            sender_id=sender,
            display_name=name,
        )
    if message.text:
        if message.text.startswith("/"):
            return Event(kind="command", text=message.text, sender_id=sender, display_name=name)
        return Event(kind="text", text=message.text, sender_id=sender, display_name=name)
    return None


async def keep_typing(bot: Bot, chat_id: int, *, every: float = TYPING_EVERY_S, after: float = TYPING_AFTER_S) -> None:
    """Show 'typing…' every few seconds until cancelled (starting only if the answer is not quick)."""
    await asyncio.sleep(after)
    while True:
        with contextlib.suppress(TelegramError):
            await bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
        await asyncio.sleep(every)


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer any update through the dialogue."""
    chat = update.effective_chat
    event = event_from(update)
    if chat is None or event is None:
        return
    if update.callback_query is not None:  # before slow work: late answers fail as 'query is too old'
        with contextlib.suppress(BadRequest):
            await update.callback_query.answer()
    core = _core(context)
    async with _lock(context, chat.id):
        typing = asyncio.create_task(keep_typing(context.bot, chat.id))
        try:
            replies = await asyncio.to_thread(
                respond, core, conversation=f"telegram:{chat.id}", event=event, now=dt.datetime.now(dt.UTC)
            )
        finally:
            typing.cancel()
        await send_replies(core, context.bot, chat.id, replies)


async def send_replies(core: Aegis, bot: Bot, chat_id: int, replies: list[Reply]) -> None:
    """Send replies in order; a chat that blocked the bot is marked inactive and left alone."""
    try:
        for reply in replies:
            for out in render(reply):
                if out.document is not None:
                    await bot.send_document(
                        chat_id=chat_id,
                        document=out.document,
                        caption=out.text or None,
                        parse_mode=ParseMode.HTML,
                        reply_markup=out.markup,
                    )
                else:
                    await bot.send_message(
                        chat_id=chat_id, text=out.text, parse_mode=ParseMode.HTML, reply_markup=out.markup
                    )
    except Forbidden:
        await asyncio.to_thread(mark_blocked, core, chat_id)


def mark_blocked(core: Aegis, chat_id: int) -> None:
    """Mark the user of a chat that blocked the bot inactive (no alert is sent to it again)."""
    user = users.find_user(core.db, telegram_chat_id=chat_id)
    if user is not None:
        users.mark_inactive(core.db, user_id=user.id, reason="blocked", now=dt.datetime.now(dt.UTC))
        log.info("user %s blocked the bot: marked inactive", user.id)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Turn any handler error into a Korean reply (the bot's one translation point)."""
    error = context.error
    if isinstance(error, AegisError):
        log.warning("handler failed: %s", error)
        text = error.user_message
    else:
        log.error("handler crashed", exc_info=error)
        text = GENERIC_ERROR
    if isinstance(update, Update) and update.effective_chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(chat_id=update.effective_chat.id, text=text)
