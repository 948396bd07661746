"""collect_source: one live run end to end — ingest, run record, source row, metrics — and its failures."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import httpx
import pytest
from aiolimiter import AsyncLimiter
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from sqlmodel import Session, col, select

from db.models import CollectionRun, Program, Source
from engine.collect import collect_source
from engine.collectors.kstartup import KStartupCollector
from engine.errors import (
    InvalidInput,
    SourceAuthError,
    SourceCircuitOpen,
    SourceFormatError,
    SourceUnavailable,
    UnknownSource,
)
from engine.settings import Settings, SourceKeys

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SECRET = "Pl41n+Key/For=Tests=="
NOW = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)


class NoSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def settings() -> Settings:
    keys = SourceKeys(
        datagokr_service_key=SecretStr(SECRET),
        requests_per_second=1000.0,
        max_attempts=2,
        breaker_failures=2,
    )
    return Settings(environment="test", sources=keys)


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


def client_for(*answers: httpx.Response) -> tuple[httpx.AsyncClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers[min(len(seen), len(answers)) - 1]

    return httpx.AsyncClient(transport=httpx.MockTransport(handler)), seen


def dev_page(**changes: object) -> httpx.Response:
    data = json.loads((FIXTURES / "kstartup" / "dev_programs.json").read_bytes())
    data.update(changes)
    return httpx.Response(200, content=json.dumps(data, ensure_ascii=False).encode())


async def run(engine, settings, registry, client, *, now=NOW, collector=None):
    return await collect_source(
        name="kstartup",
        settings=settings,
        engine=engine,
        client=client,
        now=now,
        collector=collector or KStartupCollector(open_only=False),
        registry=registry,
        http_options={"sleep": NoSleep(), "limiter": AsyncLimiter(1000, 1)},
    )


@pytest.mark.asyncio
async def test_collect_source_ingests_records_the_run_and_the_source(engine, settings, registry) -> None:
    client, _ = client_for(dev_page())
    report = await run(engine, settings, registry, client)
    assert (report.received, report.new, report.rejected) == (10, 10, 0)
    with Session(engine) as session:
        (run_row,) = session.exec(select(CollectionRun)).all()
        source = session.get(Source, "kstartup")
        assert len(session.exec(select(Program)).all()) == 10
    assert (run_row.status, run_row.mode, run_row.new) == ("ok", "collect", 10)
    assert source is not None and source.breaker_state == "closed" and source.last_error_class is None
    assert source.last_success_at == NOW and source.last_run_at == NOW
    assert registry.get_sample_value("data_collection_records_total", {"source": "kstartup", "status": "new"}) == 10
    assert registry.get_sample_value("data_collection_duration_seconds_count", {"source": "kstartup"}) == 1


@pytest.mark.asyncio
async def test_collect_source_failure_records_a_failed_run_and_reraises(engine, settings, registry, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client, seen = client_for(httpx.Response(500))
    with pytest.raises(SourceUnavailable):
        await run(engine, settings, registry, client)
    assert len(seen) == 2  # max_attempts
    with Session(engine) as session:
        (run_row,) = session.exec(select(CollectionRun)).all()
        source = session.get(Source, "kstartup")
    assert (run_row.status, run_row.error_class) == ("failed", "SourceUnavailable")
    assert run_row.duration_ms is not None and "HTTP 500" in (run_row.error_message or "")
    assert SECRET not in (run_row.error_message or "") and "serviceKey=***" in (run_row.error_message or "")
    assert source is not None and source.last_error_class == "SourceUnavailable" and source.last_success_at is None
    assert all(SECRET not in r.getMessage() for r in caplog.records)


@pytest.mark.asyncio
async def test_collect_source_opens_the_breaker_across_runs_and_then_skips(engine, settings, registry) -> None:
    client, seen = client_for(httpx.Response(503))
    for _ in range(2):  # breaker_failures=2
        with pytest.raises(SourceUnavailable):
            await run(engine, settings, registry, client)
    with Session(engine) as session:
        source = session.get(Source, "kstartup")
    assert source is not None and source.breaker_state == "open" and source.breaker_since is not None
    calls = len(seen)
    with pytest.raises(SourceCircuitOpen):  # a new run (new SourceHttp) remembers the open circuit
        await run(engine, settings, registry, client)
    assert len(seen) == calls
    assert registry.get_sample_value("data_source_circuit_state", {"source": "kstartup"}) == 2


@pytest.mark.asyncio
async def test_collect_source_recovers_and_clears_the_error(engine, settings, registry) -> None:
    failing, _ = client_for(httpx.Response(500))
    with pytest.raises(SourceUnavailable):
        await run(engine, settings, registry, failing)
    working, _ = client_for(dev_page())
    await run(engine, settings, registry, working, now=NOW + dt.timedelta(hours=6))
    with Session(engine) as session:
        source = session.get(Source, "kstartup")
        statuses = [r.status for r in session.exec(select(CollectionRun).order_by(CollectionRun.id))]
    assert statuses == ["failed", "ok"]
    assert source is not None and source.last_error_class is None
    assert source.last_success_at == NOW + dt.timedelta(hours=6)


@pytest.mark.asyncio
async def test_collect_source_incomplete_listing_closes_nothing(engine, settings, registry) -> None:
    complete, _ = client_for(dev_page())
    await run(engine, settings, registry, complete)
    data = json.loads((FIXTURES / "kstartup" / "dev_programs.json").read_bytes())
    short, _ = client_for(dev_page(data=data["data"][:4], currentCount=4))  # totalCount still 10
    report = await run(engine, settings, registry, short, now=NOW + dt.timedelta(days=1))
    assert (report.unchanged, report.closed) == (4, 0)


@pytest.mark.asyncio
async def test_collect_source_filtered_live_listing_closes_nothing(engine, settings, registry) -> None:
    client, _ = client_for(dev_page())
    await run(engine, settings, registry, client)
    data = json.loads((FIXTURES / "kstartup" / "dev_programs.json").read_bytes())
    fewer, _ = client_for(dev_page(data=data["data"][:4], currentCount=4, totalCount=4, matchCount=4))
    report = await run(engine, settings, registry, fewer, collector=KStartupCollector())
    assert report.closed == 0  # open-only (cond[rcrt_prgs_yn::EQ]=Y) cannot prove the rest vanished


@pytest.mark.asyncio
async def test_collect_source_without_a_key_fails_as_auth_without_calling(engine, registry) -> None:
    client, seen = client_for(dev_page())
    with pytest.raises(SourceAuthError):
        await run(engine, Settings(environment="test"), registry, client)
    assert seen == []
    with Session(engine) as session:
        (run_row,) = session.exec(select(CollectionRun)).all()
    assert run_row.error_class == "SourceAuthError"


@pytest.mark.asyncio
async def test_collect_source_refuses_an_unknown_source(engine, settings) -> None:
    with pytest.raises(UnknownSource):
        await collect_source(name="nope", settings=settings, engine=engine)


@pytest.mark.asyncio
async def test_collect_source_run_has_a_finish_time_after_its_start(engine, settings, registry) -> None:
    client, _ = client_for(dev_page())
    await run(engine, settings, registry, client)
    with Session(engine) as session:
        (run_row,) = session.exec(select(CollectionRun)).all()
    assert run_row.finished_at is not None and run_row.finished_at > run_row.started_at


class Crashing(KStartupCollector):
    """A collection that dies midway, as a killed process would (the run row must already be there)."""

    async def collect(self, http, keys):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt


@pytest.mark.asyncio
async def test_a_killed_collection_leaves_a_run_that_the_next_run_marks_abandoned(engine, settings, registry) -> None:
    client, _ = client_for(dev_page())
    killed_at = NOW - dt.timedelta(hours=3)
    with pytest.raises(KeyboardInterrupt):
        await run(engine, settings, registry, client, now=killed_at, collector=Crashing(open_only=False))
    with Session(engine) as session:
        (left,) = session.exec(select(CollectionRun)).all()
    assert left.status == "running" and left.started_at == killed_at
    await run(engine, settings, registry, client)
    with Session(engine) as session:
        statuses = [r.status for r in session.exec(select(CollectionRun).order_by(col(CollectionRun.id)))]
    assert statuses == ["abandoned", "ok"]


@pytest.mark.asyncio
async def test_a_recent_running_run_of_another_process_is_not_marked_abandoned(engine, settings, registry) -> None:
    client, _ = client_for(dev_page())
    with pytest.raises(KeyboardInterrupt):
        await run(engine, settings, registry, client, now=NOW, collector=Crashing(open_only=False))
    await run(engine, settings, registry, client, now=NOW + dt.timedelta(minutes=5))
    with Session(engine) as session:
        statuses = [r.status for r in session.exec(select(CollectionRun).order_by(col(CollectionRun.id)))]
    assert statuses == ["running", "ok"]


@pytest.mark.asyncio
async def test_a_malformed_live_answer_is_a_failed_run_not_bad_input(engine, settings, registry) -> None:
    client, _ = client_for(httpx.Response(200, content=b'{"data": [{"pbanc_sn": 1'))
    with pytest.raises(SourceFormatError) as raised:
        await run(engine, settings, registry, client)
    assert not isinstance(raised.value, InvalidInput)  # the CLI's exit code 1, not 2
    with Session(engine) as session:
        (run_row,) = session.exec(select(CollectionRun)).all()
    assert (run_row.status, run_row.error_class) == ("failed", "SourceFormatError")
