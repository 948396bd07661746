"""Draining the outbox: claim due deliveries of a channel, send each, record the answer; SENS reconcile.

`drain` works for any channel given a `send` function (email here, SMS in batches, Telegram in the
bot, a fake in tests and the bench). A channel error is recorded on the row (retry with backoff, or
dead with its class); the loop never stops on one bad message.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from sqlalchemy.engine import Engine

from engine.alerts import outbox
from engine.alerts.outbox import DeliveryView
from engine.alerts.render import render_email, render_sms
from engine.errors import ChannelError, ChannelRejected
from engine.settings import AlertSettings, Settings

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Send = Callable[[DeliveryView], Awaitable[str | None]]
BATCH = 50


@dataclass
class SendReport:
    """What one drain did."""

    sent: int = 0
    accepted: int = 0
    retried: int = 0
    dead: int = 0

    def __iadd__(self, other: SendReport) -> SendReport:
        self.sent += other.sent
        self.accepted += other.accepted
        self.retried += other.retried
        self.dead += other.dead
        return self


def worker_id() -> str:
    """Return a name for this process's outbox worker (host and pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def utcnow() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.UTC)


async def drain(
    db: Engine,
    *,
    channel: str,
    send: Send,
    alerts: AlertSettings,
    worker: str,
    clock: Clock = utcnow,
    batch: int = BATCH,
    max_batches: int | None = None,
) -> SendReport:
    """Send every due delivery of `channel`, a claimed batch at a time, until none is due."""
    report = SendReport()
    batches = 0
    while max_batches is None or batches < max_batches:
        claimed = outbox.claim_due(db, channel=channel, worker=worker, limit=batch, now=clock(), lease_s=alerts.lease_s)
        if not claimed:
            break
        batches += 1
        for delivery in claimed:
            try:
                ref = await send(delivery)
            except ChannelError as exc:
                _record_failure(db, delivery, exc, alerts=alerts, worker=worker, now=clock())
                report.retried += exc.retryable
                report.dead += not exc.retryable
                continue
            outbox.mark_sent(db, delivery_id=delivery.id, worker=worker, provider_ref=ref, now=clock())
            report.sent += 1
    return report


async def send_email_due(settings: Settings, db: Engine, *, worker: str, clock: Clock = utcnow) -> SendReport:
    """Send the due email deliveries through SMTP."""
    from engine.notify.email import send_email

    async def send(delivery: DeliveryView) -> str | None:
        if not delivery.address:
            raise ChannelRejected("no email address", channel="email")
        return await send_email(settings.smtp, to=delivery.address, mail=render_email(delivery.payload))

    return await drain(db, channel="email", send=send, alerts=settings.alerts, worker=worker, clock=clock)


async def send_sms_due(
    settings: Settings, db: Engine, *, client: httpx.AsyncClient, worker: str, clock: Clock = utcnow
) -> SendReport:
    """Send the due SMS deliveries through SENS, up to 100 a request; each becomes accepted with the requestId."""
    from engine.notify import sms

    report = SendReport()
    while True:
        claimed = outbox.claim_due(
            db, channel="sms", worker=worker, limit=sms.MAX_RECIPIENTS, now=clock(), lease_s=settings.alerts.lease_s
        )
        if not claimed:
            return report
        groups: dict[str, list[tuple[DeliveryView, sms.SmsMessage]]] = {}
        for delivery in claimed:
            message = sms.SmsMessage(delivery.address or "", sms.clean(render_sms(delivery.payload)))
            groups.setdefault(sms.message_type(message.content), []).append((delivery, message))
        for group in groups.values():
            try:
                request_id = await sms.send_batch(settings.sens, client=client, messages=[m for _, m in group])
            except ChannelError as exc:
                for delivery, _ in group:
                    _record_failure(db, delivery, exc, alerts=settings.alerts, worker=worker, now=clock())
                report.retried += len(group) if exc.retryable else 0
                report.dead += 0 if exc.retryable else len(group)
                continue
            for delivery, _ in group:
                outbox.mark_accepted(db, delivery_id=delivery.id, worker=worker, provider_ref=request_id, now=clock())
            report.accepted += len(group)


async def reconcile_sms(
    settings: Settings, db: Engine, *, client: httpx.AsyncClient, worker: str, clock: Clock = utcnow
) -> SendReport:
    """Read SENS's per-recipient results of accepted requests: mark each delivery sent or failed."""
    from engine.notify import sms

    report = SendReport()
    for request_id in outbox.accepted_refs(db, channel="sms"):
        try:
            results = await sms.request_results(settings.sens, client=client, request_id=request_id)
        except ChannelError as exc:
            log.warning("SENS result of %s not available: %s", request_id, type(exc).__name__)
            continue
        by_number = {r.to: r for r in results}
        for delivery in outbox.accepted_deliveries(db, channel="sms", provider_ref=request_id):
            result = by_number.get(delivery.address or "")
            if result is None or result.status == "pending":
                continue
            if result.status == "sent":
                outbox.mark_sent(db, delivery_id=delivery.id, worker=worker, provider_ref=request_id, now=clock())
                report.sent += 1
            else:
                outbox.mark_failed(
                    db,
                    delivery_id=delivery.id,
                    worker=worker,
                    error_class="SensDeliveryFailed",
                    message=f"SENS result {result.detail}",
                    retryable=False,
                    now=clock(),
                )
                report.dead += 1
    return report


def _record_failure(
    db: Engine, delivery: DeliveryView, exc: ChannelError, *, alerts: AlertSettings, worker: str, now: dt.datetime
) -> None:
    status = outbox.mark_failed(
        db,
        delivery_id=delivery.id,
        worker=worker,
        error_class=type(exc).__name__,
        message=str(exc),
        retryable=exc.retryable,
        now=now,
        max_attempts=alerts.max_attempts,
        backoff_s=alerts.retry_backoff_s,
        retry_after=exc.retry_after,
    )
    log.warning("%s delivery %d failed (%s): %s", delivery.channel, delivery.id, type(exc).__name__, status)
