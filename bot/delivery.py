"""Telegram push alerts: the bot process drains the Telegram part of the outbox, and is its only sender.

Rows are claimed with a lease (engine/alerts/outbox.py), so two bot instances never send the same
delivery; the overall rate is AIORateLimiter's (set on the application), and this sender paces each
chat to one message a second itself. Each delivery is marked sent or failed; a chat that blocked the
bot dead-letters its delivery and marks the user inactive.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.render import alert_keyboard
from engine import users
from engine.alerts import outbox
from engine.alerts.outbox import DeliveryView
from engine.alerts.render import render_telegram
from engine.app import Aegis

log = logging.getLogger(__name__)


def worker_name() -> str:
    """Return this process's lease owner name (host:pid)."""
    return f"bot:{socket.gethostname()}:{os.getpid()}"


def _seconds(value: int | float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


@dataclass
class AlertSender:
    """Drains due Telegram deliveries: a bounded pipeline of sends, paced overall and per chat.

    The overall rate is the application's AIORateLimiter (evenly spaced at
    `settings.telegram.send_rate_per_s`, retrying a RetryAfter); each chat gets at most one message
    per `per_chat_interval_s`, and a chat waiting for its turn never holds up the others.
    """

    core: Aegis
    bot: Bot
    worker: str = field(default_factory=worker_name)
    max_inflight: int = 200  # waiting for a chat's turn is cheap; enough must be ready for every rate slot
    idle_s: float = 1.0
    sent: int = 0
    failed: int = 0
    _next_at: dict[str, float] = field(default_factory=dict)
    _chat_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def run(self, stop: asyncio.Event) -> None:
        """Claim and send until `stop` is set; sends in flight are finished before returning."""
        inflight: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                room = self.max_inflight - len(inflight)
                rows = await self._claim(room) if room > 0 else []
                for row in rows:
                    task = asyncio.create_task(self._send_paced(row))
                    inflight.add(task)
                    task.add_done_callback(inflight.discard)
                if rows and len(inflight) < self.max_inflight:
                    continue  # more may be due: claim again at once
                self._forget_idle_chats()
                stopping = asyncio.ensure_future(stop.wait())
                full = len(inflight) >= self.max_inflight
                waits: set[asyncio.Future[Any]] = {stopping, *inflight} if full else {stopping}
                await asyncio.wait(waits, timeout=self.idle_s, return_when=asyncio.FIRST_COMPLETED)
                stopping.cancel()
        finally:
            if inflight:
                await asyncio.gather(*inflight, return_exceptions=True)

    async def _claim(self, limit: int) -> list[DeliveryView]:
        try:
            return await asyncio.to_thread(
                outbox.claim_due,
                self.core.db,
                channel="telegram",
                worker=self.worker,
                limit=limit,
                now=dt.datetime.now(dt.UTC),
                lease_s=self.core.settings.alerts.lease_s,
            )
        except Exception:  # the sender must outlive a database blip; logged, claimed again later
            log.exception("alert sender: claiming deliveries failed")
            return []

    async def _send_paced(self, item: DeliveryView) -> None:
        chat = item.address or ""
        lock = self._chat_locks.setdefault(chat, asyncio.Lock())
        async with lock:
            wait = self._next_at.get(chat, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                await self._send(item)
            finally:
                self._next_at[chat] = time.monotonic() + self.core.settings.telegram.per_chat_interval_s

    def _forget_idle_chats(self) -> None:
        """Drop the pacing state of chats whose pause is over (keeps memory flat over millions of chats)."""
        now = time.monotonic()
        for chat in [c for c, at in self._next_at.items() if at < now]:
            lock = self._chat_locks.get(chat)
            if lock is None or not lock.locked():
                self._next_at.pop(chat, None)
                self._chat_locks.pop(chat, None)

    async def _send(self, item: DeliveryView) -> None:
        text, buttons = render_telegram(item.payload)
        try:
            if not (item.address or "").lstrip("-").isdigit():
                raise BadRequest("delivery has no Telegram chat id")
            message = await self.bot.send_message(
                chat_id=int(item.address or "0"),
                text=text,
                parse_mode=ParseMode.HTML,
                reply_markup=alert_keyboard(buttons),
            )
        except Forbidden as exc:
            await self._failed(item, "blocked", exc, retryable=False)
            if item.user_id is not None:
                await asyncio.to_thread(
                    users.mark_inactive,
                    self.core.db,
                    user_id=item.user_id,
                    reason="blocked",
                    now=dt.datetime.now(dt.UTC),
                )
            return
        except RetryAfter as exc:
            await self._failed(item, "rate_limited", exc, retryable=True, retry_after=_seconds(exc.retry_after))
            return
        except BadRequest as exc:
            await self._failed(item, "bad_request", exc, retryable=False)
            return
        except (NetworkError, TelegramError) as exc:
            await self._failed(item, "network", exc, retryable=True)
            return
        await asyncio.to_thread(
            outbox.mark_sent,
            self.core.db,
            delivery_id=item.id,
            worker=self.worker,
            provider_ref=str(message.message_id),
            now=dt.datetime.now(dt.UTC),
        )
        self.sent += 1

    async def _failed(
        self, item: DeliveryView, error_class: str, exc: Exception, *, retryable: bool, retry_after: float | None = None
    ) -> None:
        self.failed += 1
        alerts = self.core.settings.alerts
        status = await asyncio.to_thread(
            outbox.mark_failed,
            self.core.db,
            delivery_id=item.id,
            worker=self.worker,
            error_class=error_class,
            message=f"{type(exc).__name__}: {exc}",
            retryable=retryable,
            now=dt.datetime.now(dt.UTC),
            max_attempts=alerts.max_attempts,
            backoff_s=alerts.retry_backoff_s,
            retry_after=retry_after,
        )
        log.info("telegram delivery %s failed (%s): now %s", item.id, error_class, status)
