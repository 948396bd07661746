"""The live-collection use case: write the run row, fetch one source through `SourceHttp`, ingest it.

A SourceError is stored on the run (failed, or degraded) with the source's breaker state and error
class, and re-raised; an incomplete listing never closes anything (ingest closes only on `batch.complete`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

import httpx
import sqlalchemy
from prometheus_client import CollectorRegistry
from sqlmodel import Session, col, select

from db.models import CollectionRun, Source
from engine.collectors import BUILTIN_COLLECTORS, Collector, configured_key
from engine.collectors.http import DEFAULT_TIMEOUT, USER_AGENT, SourceHttp, redact_text
from engine.collectors.metrics import collection_metrics
from engine.errors import SourceError
from engine.ingest import RunReport, ingest
from engine.runs import start_run
from engine.settings import Settings, SourceKeys
from engine.web_sources import resolve_collector
from engine.writes import write_transaction

log = logging.getLogger(__name__)

MAX_ERROR_MESSAGE = 1000
OUTAGE_CLASSES = frozenset({"SourceUnavailable", "SourceQuotaExceeded"})  # what a breaker counts as failures


async def collect_source(
    *,
    name: str,
    settings: Settings,
    engine: sqlalchemy.Engine,
    client: httpx.AsyncClient | None = None,
    now: dt.datetime | None = None,
    collector: Collector | None = None,
    registry: CollectorRegistry | None = None,
    http_options: dict[str, Any] | None = None,
) -> RunReport:
    """Collect one source live, store the batch and the run; on a SourceError store the failure and re-raise."""
    collector = collector or resolve_collector(engine, name)
    now = now or dt.datetime.now(dt.UTC)
    metrics = collection_metrics(registry)
    own_client = client is None
    if client is None:
        client = httpx.AsyncClient(timeout=DEFAULT_TIMEOUT, follow_redirects=True, headers={"User-Agent": USER_AGENT})
    started = time.perf_counter()
    try:
        previous = _source_row(engine, name, collector.kind)
        # The run row is written before anything is fetched: a killed collection leaves a trace.
        run_id = write_transaction(engine, lambda s: start_run(s, source=name, mode="collect", now=now))
        http = SourceHttp.from_keys(name, client, settings.sources, metrics=metrics, **(http_options or {}))
        failures = _recent_outages(engine, name, limit=settings.sources.breaker_failures)
        await http.restore_breaker(previous.breaker_state, previous.breaker_since, failures=failures)
        http.mark_known(up=previous.last_error_class is None)
        try:
            batch = await collector.collect(http, settings.sources)
        except SourceError as exc:
            elapsed = time.perf_counter() - started
            await _record_failure(
                engine, http, exc, previous, settings.sources, run_id=run_id, now=now, elapsed=elapsed
            )
            metrics.observe_run(name, elapsed, {})
            raise
        report = ingest(engine, batch, now=now, mode="collect", run_id=run_id)
        state = await _breaker(http, now)
        write_transaction(engine, lambda s: _store_source(s, name, collector.kind, state, now=now, error_class=None))
        elapsed = time.perf_counter() - started
        counts = {
            "new": report.new,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": report.rejected,
            "closed": report.closed,
        }
        metrics.observe_run(name, elapsed, counts)
        if previous.last_error_class is not None:
            log.info("source %s collected again after %s", name, previous.last_error_class)
        if not batch.complete:
            log.info("source %s: listing not provably complete; nothing closed by absence", name)
        return report
    finally:
        if own_client:
            await client.aclose()


def _source_row(engine: sqlalchemy.Engine, name: str, kind: str) -> Source:
    """Return a detached copy of the source's row (a default one when the source was never run)."""
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(Source, name)
        if row is None:
            return Source(name=name, kind=kind)
        session.expunge(row)
        return row


def _recent_outages(engine: sqlalchemy.Engine, name: str, *, limit: int) -> int:
    """Count the source's latest consecutive runs that failed for an outage (the breaker's memory across runs)."""
    query = (
        select(CollectionRun.status, CollectionRun.error_class)
        .where(CollectionRun.source == name, CollectionRun.mode == "collect")
        .order_by(col(CollectionRun.id).desc())
        .limit(max(1, limit) + 1)  # this run's own row comes first
    )
    count = 0
    with Session(engine) as session:
        for status, error_class in session.exec(query):
            if status in ("running", "abandoned"):
                continue  # this very run, or a killed one: neither says whether the source answered
            if status != "failed" or error_class not in OUTAGE_CLASSES:
                break
            count += 1
    return count


async def _breaker(http: SourceHttp, now: dt.datetime) -> tuple[str, dt.datetime]:
    """Return the source's circuit state and since when (now when the breaker never changed)."""
    return await http.breaker_state(), http.breaker_since or now


def _store_source(
    session: Session,
    name: str,
    kind: str,
    breaker: tuple[str, dt.datetime],
    *,
    now: dt.datetime,
    error_class: str | None,
) -> None:
    row = session.get(Source, name)
    if row is None:
        row = Source(name=name, kind=kind)
        session.add(row)
    state, since = breaker
    if state != row.breaker_state or row.breaker_since is None:
        row.breaker_since = since
    row.breaker_state = state
    row.last_error_class = error_class
    row.last_run_at = now
    if error_class is None:
        row.last_success_at = now
    session.flush()


async def _record_failure(
    engine: sqlalchemy.Engine,
    http: SourceHttp,
    exc: SourceError,
    previous: Source,
    keys: SourceKeys,
    *,
    run_id: int,
    now: dt.datetime,
    elapsed: float,
) -> None:
    message = redact_text(str(exc), _secrets(keys))[:MAX_ERROR_MESSAGE]
    if previous.last_error_class != exc.error_class:
        log.warning("source %s failed: %s: %s", exc.source, exc.error_class, message)
    else:
        log.debug("source %s still failing: %s", exc.source, exc.error_class)
    breaker = await _breaker(http, now)

    def store(session: Session) -> None:
        run = session.get(CollectionRun, run_id)
        if run is not None:
            run.finished_at = now + dt.timedelta(seconds=elapsed)
            run.status = str(getattr(exc, "run_status", "failed"))  # "degraded" when a site was redesigned
            run.error_class = exc.error_class
            run.error_message = message
            run.duration_ms = int(elapsed * 1000)
        _store_source(session, http.source, previous.kind, breaker, now=now, error_class=exc.error_class)

    write_transaction(engine, store)


def _secrets(keys: SourceKeys) -> list[str]:
    """Return every configured source key (from the registry's key settings), to mask in stored errors."""
    return [key for cls in BUILTIN_COLLECTORS if (key := configured_key(cls, keys)) is not None]
