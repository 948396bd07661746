"""Collection runs and the job-request queue: what the dashboard shows and what the job runner drains.

The dashboard (or CLI) queues long work as `JobRequest` rows; the leader job runner claims them one at a
time, runs them and records the outcome. Pure DB functions; each owns its short transaction (writers
begin IMMEDIATE on SQLite, so they wait for the lock instead of failing on it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import CollectionRun, JobRequest
from db.session import session_scope, write_scope

ABANDONED_AFTER = dt.timedelta(hours=2)  # longer than any collection: a run still "running" was killed


def recent_runs(engine: Engine, *, limit: int = 20, source: str | None = None) -> list[CollectionRun]:
    """Return the latest collection and import runs, newest first."""
    with session_scope(engine) as session:
        query = select(CollectionRun).order_by(col(CollectionRun.started_at).desc(), col(CollectionRun.id).desc())
        if source:
            query = query.where(CollectionRun.source == source)
        return list(session.exec(query.limit(limit)))


def request_job(
    engine: Engine, *, kind: str, args: dict[str, Any], requested_by: str | None = None, now: dt.datetime
) -> int:
    """Queue a job for the runner and return its id."""
    with write_scope(engine) as session:
        job = JobRequest(kind=kind, args=args, requested_by=requested_by, created_at=now)
        session.add(job)
        session.flush()
        assert job.id is not None  # assigned by the flush
        return job.id


def claim_next_job(engine: Engine, *, now: dt.datetime) -> JobRequest | None:
    """Mark the oldest queued job running and return it; None when the queue is empty."""
    table = JobRequest.__table__  # type: ignore[attr-defined]
    with write_scope(engine) as session:
        while True:
            job = session.exec(
                select(JobRequest)
                .where(JobRequest.status == "queued")
                .order_by(col(JobRequest.created_at), col(JobRequest.id))
                .limit(1)
            ).first()
            if job is None:
                return None
            # Compare-and-set so that a second runner (a leader change mid-drain) cannot claim it too.
            claimed = session.exec(
                sa.update(table)
                .where(table.c.id == job.id, table.c.status == "queued")
                .values(status="running", started_at=now)
                .returning(table.c.id)
            )
            if claimed.first() is not None:
                session.refresh(job)
                return job


def finish_job(engine: Engine, *, job_id: int, ok: bool, result: dict[str, Any], now: dt.datetime) -> None:
    """Record a job's outcome: done with its result, or failed with the error."""
    with write_scope(engine) as session:
        job = session.get(JobRequest, job_id)
        if job is None:
            return
        job.status = "done" if ok else "failed"
        job.result = result
        job.finished_at = now
        session.add(job)


def recent_jobs(engine: Engine, *, limit: int = 20) -> list[JobRequest]:
    """Return the latest job requests, newest first."""
    with session_scope(engine) as session:
        query = select(JobRequest).order_by(col(JobRequest.created_at).desc(), col(JobRequest.id).desc())
        return list(session.exec(query.limit(limit)))


def start_run(session: Session, *, source: str, mode: str, now: dt.datetime) -> int:
    """Write a run row with status running (so a killed run leaves a trace) and return its id.

    Runs still "running" after ABANDONED_AFTER were killed: they are marked abandoned first.
    """
    table = CollectionRun.__table__  # type: ignore[attr-defined]
    session.exec(
        sa.update(table)
        .where(table.c.status == "running", table.c.started_at < now - ABANDONED_AFTER)
        .values(status="abandoned", error_class="Abandoned", error_message="the process ended before the run did")
    )
    run = CollectionRun(source=source, mode=mode, started_at=now, status="running")
    session.add(run)
    session.flush()
    assert run.id is not None  # assigned by the flush
    return run.id
