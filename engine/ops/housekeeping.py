"""Retention (daily) and SQLite VACUUM (weekly): old raw payloads, LLM calls, deliveries and runs are purged.

Ages come from settings.retention. Programs stay; only their raw source record is emptied once they
have been closed (or untouched) longer than the raw-payload age. Deliveries still waiting are kept.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.models import CollectionRun, Delivery, JobRequest, LLMCall, Program, ProgramChange
from db.session import session_scope
from engine.settings import RetentionSettings

if TYPE_CHECKING:
    from engine.app import Aegis

log = logging.getLogger(__name__)

FINISHED_DELIVERIES = ("sent", "dead", "accepted")  # accepted: SENS took it; its report is long settled
FINISHED_JOBS = ("done", "failed")
VACUUM_WEEKDAY = 6  # Sunday (Asia/Seoul)


def purge(db: Engine, *, retention: RetentionSettings, now: dt.datetime) -> dict[str, int]:
    """Delete rows older than their retention age; return how many went per kind."""
    raw_cut = now - dt.timedelta(days=retention.raw_payload_days)
    llm_cut = now - dt.timedelta(days=retention.llm_call_days)
    delivery_cut = now - dt.timedelta(days=retention.delivery_days)
    run_cut = now - dt.timedelta(days=retention.job_run_days)
    out: dict[str, int] = {}
    with session_scope(db) as session:
        stale = sa.or_(
            col(Program.closed_at) < raw_cut,
            sa.and_(col(Program.closed_at).is_(None), col(Program.updated_at) < raw_cut),
        )
        keys = list(session.execute(sa.select(col(Program.key)).where(stale)).scalars())
        emptied = 0
        for key in keys:
            program = session.get(Program, key)
            if program is not None and program.raw:
                program.raw = {}
                session.add(program)
                emptied += 1
        out["raw_payloads"] = emptied
        out["program_changes"] = _delete(session, ProgramChange, col(ProgramChange.created_at) < raw_cut)
        out["llm_calls"] = _delete(session, LLMCall, col(LLMCall.created_at) < llm_cut)
        out["deliveries"] = _delete(
            session,
            Delivery,
            sa.and_(col(Delivery.created_at) < delivery_cut, col(Delivery.status).in_(FINISHED_DELIVERIES)),
        )
        out["job_requests"] = _delete(
            session,
            JobRequest,
            sa.and_(col(JobRequest.created_at) < run_cut, col(JobRequest.status).in_(FINISHED_JOBS)),
        )
        latest = sa.select(sa.func.max(col(CollectionRun.id))).group_by(col(CollectionRun.source))
        out["collection_runs"] = _delete(
            session,
            CollectionRun,
            sa.and_(
                col(CollectionRun.started_at) < run_cut,
                col(CollectionRun.id).not_in(latest),
                col(CollectionRun.status) != "running",
            ),
        )
    return out


def _delete(session: Any, model: Any, where: Any) -> int:
    result = session.execute(sa.delete(model).where(where))
    return int(result.rowcount or 0)


def vacuum(db: Engine) -> bool:
    """VACUUM a SQLite database (reclaims the space purges freed); return False on other databases."""
    if db.dialect.name != "sqlite":
        return False
    raw = db.raw_connection()  # VACUUM cannot run inside the transaction SQLAlchemy would open
    try:
        sqlite = raw.driver_connection
        assert sqlite is not None
        previous = sqlite.isolation_level
        sqlite.isolation_level = None
        try:
            sqlite.execute("VACUUM")
        finally:
            sqlite.isolation_level = previous
    finally:
        raw.close()
    return True


def housekeeping(core: Aegis, *, now: dt.datetime) -> dict[str, Any]:
    """The daily job: purge by retention age; return the counts."""
    counts = purge(core.db, retention=core.settings.retention, now=now)
    if any(counts.values()):
        log.info("housekeeping purged %s", ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    return counts


def weekly_vacuum(core: Aegis, *, now: dt.datetime) -> dict[str, Any]:
    """The daily slot of the weekly VACUUM: runs on Sundays (Asia/Seoul) on SQLite, else does nothing."""
    if now.astimezone(core.tz).weekday() != VACUUM_WEEKDAY:
        return {"vacuumed": False, "reason": "not sunday"}
    return {"vacuumed": vacuum(core.db)}
