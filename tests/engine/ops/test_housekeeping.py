"""Retention: old LLM calls, finished deliveries, job runs and raw payloads purged; waiting work kept."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from db.models import CollectionRun, Delivery, JobRequest, LLMCall, Program
from engine.ops.housekeeping import purge, vacuum
from engine.settings import RetentionSettings

NOW = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
OLD = NOW - dt.timedelta(days=400)
NEW = NOW - dt.timedelta(days=1)


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _program(key: str, *, closed: dt.datetime | None, updated: dt.datetime) -> Program:
    return Program(
        key=key,
        source="bizinfo",
        external_id=key,
        title=key,
        raw={"x": 1},
        updated_at=updated,
        closed_at=closed,
        group_id=key,
        content_hash=key,
    )


def test_purge_removes_only_what_is_older_than_its_age(engine: Engine) -> None:
    _purge_scenario(engine)


@pytest.mark.postgres
def test_purge_on_postgresql(postgres_url: str) -> None:
    from db.migrate import upgrade
    from db.session import make_engine

    upgrade(postgres_url)
    _purge_scenario(make_engine(postgres_url))


def _purge_scenario(engine: Engine) -> None:
    with Session(engine) as session:
        session.add_all(
            [
                LLMCall(created_at=OLD, provider="openai", task="ask", outcome="ok"),
                LLMCall(created_at=NEW, provider="openai", task="ask", outcome="ok"),
                Delivery(created_at=OLD, dedupe_key="a", status="sent"),
                Delivery(created_at=OLD, dedupe_key="b", status="pending"),  # still waiting: kept
                Delivery(created_at=NEW, dedupe_key="c", status="sent"),
                JobRequest(created_at=OLD, kind="collect", status="done"),
                JobRequest(created_at=NEW, kind="collect", status="done"),
                CollectionRun(source="bizinfo", started_at=OLD, status="ok"),
                CollectionRun(source="bizinfo", started_at=OLD, status="ok"),
                CollectionRun(source="kstartup", started_at=OLD, status="ok"),  # its source's last run: kept
                _program("old-closed", closed=OLD, updated=OLD),
                _program("open", closed=None, updated=NEW),
            ]
        )
        session.commit()
    counts = purge(engine, retention=RetentionSettings(), now=NOW)
    assert counts["llm_calls"] == 1 and _count(engine, LLMCall) == 1
    assert counts["deliveries"] == 1 and _count(engine, Delivery) == 2
    assert counts["job_requests"] == 1 and _count(engine, JobRequest) == 1
    assert counts["collection_runs"] == 1 and _count(engine, CollectionRun) == 2
    assert counts["raw_payloads"] == 1
    with Session(engine) as session:
        old, kept = session.get(Program, "old-closed"), session.get(Program, "open")
        assert old is not None and old.raw == {} and old.title == "old-closed"
        assert kept is not None and kept.raw == {"x": 1}
    assert purge(engine, retention=RetentionSettings(), now=NOW)["llm_calls"] == 0


def test_vacuum_runs_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from db.migrate import upgrade
    from db.session import make_engine

    url = f"sqlite:///{tmp_path / 'v.db'}"
    upgrade(url)
    assert vacuum(make_engine(url)) is True
