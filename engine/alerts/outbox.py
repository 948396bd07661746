"""The outbox: claim due deliveries of one channel, then mark each sent, accepted, retried or dead.

A claim is one UPDATE over a sub-select: on PostgreSQL the sub-select locks with FOR UPDATE SKIP
LOCKED, so concurrent workers never wait for or share a row; on SQLite (which compiles `skip_locked`
to nothing) the single statement is atomic under SQLite's one writer. Either way a claim writes a
lease (owner, until): a worker killed mid-send loses its rows when the lease runs out, so only the
in-flight sends at a crash can be repeated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.models import Delivery
from engine.ops.retry import policy_for

MAX_BACKOFF = dt.timedelta(hours=6)
_T = Delivery.__table__  # type: ignore[attr-defined]
# The columns of a DeliveryView, in its field order.
_VIEW_COLUMNS = (
    _T.c.id,
    _T.c.user_id,
    _T.c.channel,
    _T.c.address,
    _T.c.kind,
    _T.c.dedupe_key,
    _T.c.payload,
    _T.c.attempts,
)


@dataclass(frozen=True)
class DeliveryView:
    """A claimed delivery: where it goes and what it says (render.py words the payload)."""

    id: int
    user_id: int | None
    channel: str
    address: str | None
    kind: str
    dedupe_key: str
    payload: dict[str, Any]
    attempts: int


def claim_due(
    db: Engine, *, channel: str, worker: str, limit: int, now: dt.datetime, lease_s: float
) -> list[DeliveryView]:
    """Lease up to `limit` pending deliveries of `channel` that are due, oldest first, for `worker`."""
    due = (
        sa.select(_T.c.id)
        .where(
            _T.c.channel == channel,
            _T.c.status == "pending",
            _T.c.available_at <= now,
            sa.or_(_T.c.lease_until.is_(None), _T.c.lease_until < now),
        )
        .order_by(_T.c.available_at, _T.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claim = (
        sa.update(_T)
        .where(_T.c.id.in_(due.scalar_subquery()))
        .values(lease_owner=worker, lease_until=now + dt.timedelta(seconds=lease_s), attempts=_T.c.attempts + 1)
        .returning(*_VIEW_COLUMNS)
    )
    with db.begin() as conn:
        rows = conn.execute(claim).all()
    views = [DeliveryView(*row) for row in rows]
    return sorted(views, key=lambda v: v.id)


def mark_sent(db: Engine, *, delivery_id: int, worker: str, provider_ref: str | None, now: dt.datetime) -> bool:
    """Record the provider's answer and mark the delivery sent, in one transaction; False if already done."""
    return _finish(db, delivery_id, status="sent", provider_ref=provider_ref, sent_at=now)


def mark_accepted(db: Engine, *, delivery_id: int, worker: str, provider_ref: str, now: dt.datetime) -> bool:
    """Record that the provider accepted the message for later delivery (SENS 202 with its requestId)."""
    return _finish(db, delivery_id, status="accepted", provider_ref=provider_ref, sent_at=now)


def mark_failed(
    db: Engine,
    *,
    delivery_id: int,
    worker: str,
    error_class: str,
    message: str,
    retryable: bool,
    now: dt.datetime,
    max_attempts: int = 5,
    backoff_s: float = 60.0,
    retry_after: float | None = None,
) -> str:
    """Record a failed attempt: back to pending after a backoff, or dead; return the new status.

    The pause doubles per attempt (capped at six hours); a provider's Retry-After wins when longer.
    A permanent error, or the `max_attempts`-th failure, dead-letters the delivery with its error class.
    """
    with db.begin() as conn:
        # Write first: SQLite then holds the write lock (waiting out a busy writer) before it reads.
        conn.execute(sa.update(_T).where(_T.c.id == delivery_id).values(lease_until=_T.c.lease_until))
        row = conn.execute(sa.select(_T.c.attempts, _T.c.status).where(_T.c.id == delivery_id)).first()
        if row is None or row.status not in ("pending", "accepted"):
            return row.status if row is not None else "missing"
        attempts = max(int(row.attempts), 1)
        policy = policy_for(error_class)  # the one error-class → retry table (engine/ops/retry.py)
        dead = not retryable or not policy.retryable or attempts >= max_attempts
        base = backoff_s if policy.kind == "exponential" else None
        delay = policy.delay(attempts, base_s=base, retry_after=retry_after) or 0.0
        pause = min(dt.timedelta(seconds=delay), MAX_BACKOFF)
        if retry_after is not None:
            pause = max(pause, dt.timedelta(seconds=retry_after))
        status = "dead" if dead else "pending"
        conn.execute(
            sa.update(_T)
            .where(_T.c.id == delivery_id)
            .values(
                status=status,
                error_class=error_class[:50],
                last_error=message[:1000],
                available_at=now if dead else now + pause,
                lease_owner=None,
                lease_until=None,
            )
        )
        return status


def release(db: Engine, *, delivery_id: int, worker: str, available_at: dt.datetime) -> None:
    """Give a claimed delivery back untouched (not attempted), due again at `available_at`."""
    with db.begin() as conn:
        conn.execute(
            sa.update(_T)
            .where(_T.c.id == delivery_id, _T.c.status == "pending", _T.c.lease_owner == worker)
            .values(lease_owner=None, lease_until=None, available_at=available_at, attempts=_T.c.attempts - 1)
        )


def accepted_refs(db: Engine, *, channel: str, limit: int = 100) -> list[str]:
    """Return provider references of deliveries accepted but not yet confirmed (SENS request ids)."""
    with db.connect() as conn:
        rows = conn.execute(
            sa.select(_T.c.provider_ref)
            .where(_T.c.channel == channel, _T.c.status == "accepted", _T.c.provider_ref.is_not(None))
            .group_by(_T.c.provider_ref)
            .order_by(sa.func.min(_T.c.id))
            .limit(limit)
        )
        return [str(ref) for (ref,) in rows]


def accepted_deliveries(db: Engine, *, channel: str, provider_ref: str) -> list[DeliveryView]:
    """Return the deliveries accepted under one provider reference."""
    with db.connect() as conn:
        rows = conn.execute(
            sa.select(*_VIEW_COLUMNS).where(
                _T.c.channel == channel, _T.c.status == "accepted", _T.c.provider_ref == provider_ref
            )
        ).all()
    return [DeliveryView(*row) for row in rows]


def counts(db: Engine, *, channel: str | None = None) -> dict[str, int]:
    """Return how many deliveries are in each status (optionally for one channel)."""
    query = sa.select(_T.c.status, sa.func.count()).group_by(_T.c.status)
    if channel is not None:
        query = query.where(_T.c.channel == channel)
    with db.connect() as conn:
        return {str(status): int(n) for status, n in conn.execute(query)}


def _finish(db: Engine, delivery_id: int, *, status: str, provider_ref: str | None, sent_at: dt.datetime) -> bool:
    with db.begin() as conn:
        done = conn.execute(
            sa.update(_T)
            .where(_T.c.id == delivery_id, col(Delivery.status).in_(("pending", "accepted")))
            .values(
                status=status,
                provider_ref=provider_ref,
                sent_at=sent_at,
                lease_owner=None,
                lease_until=None,
                error_class=None,
            )
        )
        return bool(done.rowcount)
