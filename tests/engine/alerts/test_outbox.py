"""Outbox claims, leases, retries with backoff and dead letters (SQLite here; PostgreSQL in test_outbox_pg)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.models import Delivery
from engine.alerts import outbox
from tests.engine.alerts.conftest import T0


def _queue(engine: Engine, n: int, *, channel: str = "email") -> list[int]:
    with Session(engine) as s:
        rows = [
            Delivery(channel=channel, address=f"u{i}@example.com", dedupe_key=f"k{i}", available_at=T0, payload={})
            for i in range(n)
        ]
        s.add_all(rows)
        s.commit()
        return [r.id for r in rows if r.id is not None]


def _row(engine: Engine, delivery_id: int) -> Delivery:
    with Session(engine) as s:
        row = s.get(Delivery, delivery_id)
        assert row is not None
        return row


def test_claimed_rows_are_leased_to_one_worker_until_the_lease_ends(engine: Engine) -> None:
    ids = _queue(engine, 3)
    first = outbox.claim_due(engine, channel="email", worker="a", limit=2, now=T0, lease_s=60)
    second = outbox.claim_due(engine, channel="email", worker="b", limit=5, now=T0, lease_s=60)
    assert [d.id for d in first] == ids[:2] and [d.id for d in second] == ids[2:]
    assert outbox.claim_due(engine, channel="sms", worker="c", limit=5, now=T0, lease_s=60) == []
    later = T0 + dt.timedelta(seconds=61)  # worker a died: its rows come back
    again = outbox.claim_due(engine, channel="email", worker="c", limit=5, now=later, lease_s=60)
    assert [d.id for d in again] == ids and again[0].attempts == 2


def test_sent_delivery_is_never_claimed_again(engine: Engine) -> None:
    (delivery_id,) = _queue(engine, 1)
    outbox.claim_due(engine, channel="email", worker="a", limit=1, now=T0, lease_s=1)
    assert outbox.mark_sent(engine, delivery_id=delivery_id, worker="a", provider_ref="m1", now=T0)
    assert not outbox.mark_sent(engine, delivery_id=delivery_id, worker="a", provider_ref="m2", now=T0)
    later = T0 + dt.timedelta(hours=1)
    assert outbox.claim_due(engine, channel="email", worker="b", limit=1, now=later, lease_s=1) == []
    row = _row(engine, delivery_id)
    assert (row.status, row.provider_ref, row.sent_at) == ("sent", "m1", T0)


def test_failures_back_off_then_dead_letter_with_the_error_class(engine: Engine) -> None:
    (delivery_id,) = _queue(engine, 1)
    now = T0
    statuses = []
    for _ in range(3):
        (claimed,) = outbox.claim_due(engine, channel="email", worker="a", limit=1, now=now, lease_s=60)
        statuses.append(
            outbox.mark_failed(
                engine,
                delivery_id=claimed.id,
                worker="a",
                error_class="SMTPServerDisconnected",
                message="lost",
                retryable=True,
                now=now,
                max_attempts=3,
                backoff_s=10,
            )
        )
        row = _row(engine, delivery_id)
        if row.status == "pending":
            assert outbox.claim_due(engine, channel="email", worker="a", limit=1, now=now, lease_s=60) == []
        now = row.available_at
    assert statuses == ["pending", "pending", "dead"]
    row = _row(engine, delivery_id)
    assert (row.error_class, row.attempts) == ("SMTPServerDisconnected", 3)


def test_backoff_doubles_and_a_permanent_error_is_dead_at_once(engine: Engine) -> None:
    first, second = _queue(engine, 2)
    outbox.claim_due(engine, channel="email", worker="a", limit=2, now=T0, lease_s=60)
    outbox.mark_failed(
        engine, delivery_id=first, worker="a", error_class="X", message="m", retryable=True, now=T0, backoff_s=10
    )
    assert _row(engine, first).available_at == T0 + dt.timedelta(seconds=10)
    status = outbox.mark_failed(
        engine,
        delivery_id=second,
        worker="a",
        error_class="SMTPRecipientsRefused",
        message="m",
        retryable=False,
        now=T0,
    )
    assert status == "dead"
