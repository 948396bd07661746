"""Telegram push alerts: the bot process drains the Telegram part of the outbox, and is its only sender.

Rows are claimed with a lease (engine/alerts/outbox.py), so two bot instances never send the same
delivery; the overall rate is AIORateLimiter's (set on the application), and this sender paces each
chat to one message a second itself. Each delivery is marked sent or failed; a chat that blocked the
bot dead-letters its delivery and marks the user inactive.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field

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
    """Drains due Telegram deliveries in batches, one message per chat per `per_chat_interval_s`."""

    core: Aegis
    bot: Bot
    worker: str = field(default_factory=worker_name)
    batch: int = 60
    idle_s: float = 1.0
    sent: int = 0
    failed: int = 0
    _next_at: dict[str, float] = field(default_factory=dict)

    @property
    def per_chat_interval_s(self) -> float:
        """Return the pause between two messages to one chat (settings.telegram.per_chat_interval_s)."""
        return self.core.settings.telegram.per_chat_interval_s

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until `stop` is set, waiting `idle_s` whenever nothing is due."""
        while not stop.is_set():
            try:
                done = await self.drain_once()
            except Exception:  # the sender loop must outlive a database blip; logged, retried
                log.exception("alert sender: drain failed")
                done = 0
            if done == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.idle_s)

    async def drain_once(self) -> int:
        """Claim one batch and send it; return how many deliveries were attempted."""
        now = dt.datetime.now(dt.UTC)
        rows = await asyncio.to_thread(
            outbox.claim_due,
            self.core.db,
            channel="telegram",
            worker=self.worker,
            limit=self.batch,
            now=now,
            lease_s=self.core.settings.alerts.lease_s,
        )
        by_chat: dict[str, list[DeliveryView]] = defaultdict(list)
        for row in rows:
            by_chat[row.address or ""].append(row)
        await asyncio.gather(*(self._send_chat(chat, items) for chat, items in by_chat.items()))
        if len(self._next_at) > 10_000:  # forget chats whose pause is long over
            cutoff = time.monotonic()
            self._next_at = {c: t for c, t in self._next_at.items() if t > cutoff}
        return len(rows)

    async def _send_chat(self, chat: str, items: list[DeliveryView]) -> None:
        for item in items:
            wait = self._next_at.get(chat, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_at[chat] = time.monotonic() + self.per_chat_interval_s
            await self._send(item)

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
