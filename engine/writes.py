"""Short write transactions that survive other writers: BEGIN IMMEDIATE, whole-transaction retries, a bound.

Every writer that may meet another (imports, collection, the job runner, dashboard-queued jobs) runs its
transaction through `write_transaction`; when the lock stays taken past the bound it raises DatabaseBusy.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.session import is_contention, write_scope
from engine.errors import DatabaseBusy

log = logging.getLogger(__name__)
T = TypeVar("T")

WRITE_WAIT_S = 120.0  # the longest a writer waits, in total, for the others (each try also waits busy_timeout)
RETRY_BACKOFF_S = 0.05
RETRY_BACKOFF_MAX_S = 2.0


def write_transaction(
    engine: Engine,
    work: Callable[[Session], T],
    *,
    max_wait_s: float = WRITE_WAIT_S,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Run `work(session)` in one write transaction, again from the start while other writers hold the lock.

    `work` must be safe to run twice: a retried attempt starts from a rolled-back database. After
    `max_wait_s` in total the last lock error becomes DatabaseBusy (the cause, not a migration hint).
    """
    started = clock()
    attempt = 0
    while True:
        try:
            with write_scope(engine) as session:
                return work(session)
        except sa.exc.DBAPIError as exc:
            waited = clock() - started
            if not is_contention(exc):
                raise
            if waited >= max_wait_s:
                raise DatabaseBusy(
                    f"database is locked by other writers; gave up after {waited:.0f}s "
                    f"({' '.join(str(exc.orig).split())[:120]})",
                    waited_s=waited,
                ) from exc
            attempt += 1
            pause = min(RETRY_BACKOFF_MAX_S, RETRY_BACKOFF_S * 2**attempt) * (0.5 + random.random() / 2)
            log.info("database busy (attempt %d, %.1fs waited); retrying the transaction", attempt, waited)
            sleep(min(pause, max(0.0, max_wait_s - waited)))
