"""The leader schedules each enabled source, the daily close and (when configured) LLM health checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from sqlmodel import Session, select

from db.models import CollectionRun, Source
from db.session import session_scope
from engine.app import Aegis
from engine.sources import enabled_schedules, seed_sources
from jobs.runner import JobRunner


def test_seed_adds_api_sources_on_only_with_a_key_and_web_sources_off(make_core: Callable[[], Aegis]) -> None:
    core = make_core()
    core.settings.sources.bizinfo_api_key = SecretStr("crtfc-test")
    added = seed_sources(core.db, core.settings)
    assert {"bizinfo", "kstartup", "gov24", "localgov_dangjin"} <= set(added)
    assert seed_sources(core.db, core.settings) == []  # idempotent
    with Session(core.db) as session:
        enabled = {s.name for s in session.exec(select(Source).where(Source.enabled))}
    assert enabled == {"bizinfo"}
    assert [s.name for s in enabled_schedules(core.db, core.settings)] == ["bizinfo"]


def test_leader_schedules_enabled_sources_and_the_daily_close(make_core: Callable[[], Aegis]) -> None:
    core = make_core()
    seed_sources(core.db, core.settings)
    with session_scope(core.db) as session:
        row = session.get(Source, "localgov_dangjin")
        assert row is not None
        row.enabled = True
    runner = JobRunner(core, registry=CollectorRegistry())
    runner.start()
    try:
        assert runner.is_leader
        ids = {job.id for job in runner.scheduler.get_jobs()}
        assert {"drain", "close_expired", "collect:localgov_dangjin"} <= ids
        assert "collect:bizinfo" not in ids  # no key configured
        assert "llm_health" not in ids  # no provider configured
    finally:
        runner.stop()
    assert not {job.id for job in runner.scheduler.get_jobs()} & {"collect:localgov_dangjin"}


def test_scheduled_collection_failure_is_recorded_and_the_runner_goes_on(make_core: Callable[[], Aegis]) -> None:
    core = make_core()
    seed_sources(core.db, core.settings)
    with session_scope(core.db) as session:
        row = session.get(Source, "localgov_dangjin")
        assert row is not None
        config = dict(row.config)
        config["list_url"] = "http://127.0.0.1:9/board/list.do"  # nothing listens on the discard port
        config["allowed_host"] = "127.0.0.1"
        config["retries"] = 0
        row.config = config
    runner = JobRunner(core, registry=CollectorRegistry())
    runner.scheduled_collect("localgov_dangjin")
    with Session(core.db) as session:
        runs = session.exec(select(CollectionRun)).all()
    assert [(r.source, r.status) for r in runs] == [("localgov_dangjin", "failed")]
    assert runner.jobs_total.labels(outcome="failed")._value.get() == 1


def test_close_expired_job_closes_programs_past_their_window(make_core: Callable[[], Aegis], bizinfo_file) -> None:
    core = make_core()
    core.import_payload(source="bizinfo", payload=bizinfo_file.read_bytes())  # window ends 2026-12-31
    runner = JobRunner(core, registry=CollectorRegistry(), clock=lambda: dt.datetime(2027, 1, 2, tzinfo=dt.UTC))
    runner.core.today = lambda: dt.date(2027, 1, 2)  # type: ignore[method-assign]
    assert runner.close_expired() == 1
