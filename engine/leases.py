"""The job runner's leader lease on `scheduler_leases`: acquire-or-renew with an expiry, one transaction.

Works the same on SQLite and PostgreSQL: a conditional UPDATE takes over an expired (or our own) lease,
and an INSERT ... ON CONFLICT DO NOTHING creates a missing one, so two runners never both win.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db.models import SchedulerLease
from db.session import session_scope, write_scope

SCHEDULER_LEASE = "scheduler"
HOLDER_MAX = 100  # the column's length


def make_holder_id() -> str:
    """Return a holder id unique to this process: hostname:pid:uuid."""
    suffix = f":{os.getpid()}:{uuid.uuid4().hex[:12]}"
    return socket.gethostname()[: HOLDER_MAX - len(suffix)] + suffix


def acquire_or_renew(
    engine: Engine, *, name: str = SCHEDULER_LEASE, holder: str, ttl: dt.timedelta, now: dt.datetime
) -> bool:
    """Take or extend the lease `name` for `holder` until now + ttl; return whether `holder` holds it."""
    expires = now + ttl
    table = SchedulerLease.__table__  # type: ignore[attr-defined]
    with write_scope(engine) as session:  # SQLite: take the write lock at BEGIN, waiting the busy timeout
        # Ours, or expired: take it. A concurrent taker blocks on the row lock (PostgreSQL) or the
        # write lock (SQLite) and then no longer matches the WHERE clause.
        # RETURNING rather than rowcount: the ORM session does not report rowcount for every dialect.
        taken = session.exec(
            sa.update(table)
            .where(table.c.name == name, sa.or_(table.c.holder == holder, table.c.expires_at <= now))
            .values(holder=holder, expires_at=expires)
            .returning(table.c.name)
        )
        if taken.first() is not None:
            return True
        dialect = engine.dialect.name
        if dialect not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"leases are implemented for SQLite and PostgreSQL, not {dialect}")
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        created = session.exec(
            insert(table)
            .values(name=name, holder=holder, expires_at=expires)
            .on_conflict_do_nothing(index_elements=["name"])
            .returning(table.c.name)
        )
        return created.first() is not None


def release(engine: Engine, *, name: str = SCHEDULER_LEASE, holder: str) -> None:
    """Give up the lease if `holder` holds it, so a standby can take over at once."""
    table = SchedulerLease.__table__  # type: ignore[attr-defined]
    with write_scope(engine) as session:
        session.exec(sa.delete(table).where(table.c.name == name, table.c.holder == holder))


def current_holder(engine: Engine, *, name: str = SCHEDULER_LEASE, now: dt.datetime) -> str | None:
    """Return who holds an unexpired lease `name`, or None."""
    with session_scope(engine) as session:
        lease = session.exec(
            select(SchedulerLease).where(SchedulerLease.name == name, col(SchedulerLease.expires_at) > now)
        ).first()
        return lease.holder if lease else None
