"""The job runner (`aegis jobs`): the only scheduler, leader-locked, and the jobs' one translation point.

Every runner renews a lease heartbeat; only the lease holder runs the leader's jobs of the table in
jobs/tasks.py, a standby keeps retrying and takes over when the leader's lease expires; every runner
sends email and SMS (the outbox is claimed safely by several). `run_once` runs the whole table once.
Prometheus text is served on 127.0.0.1:`AEGIS_METRICS__PORT` (gauge `aegis_scheduler_leader`).
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, start_http_server

from engine import upkeep
from engine.app import Aegis
from engine.collectors.metrics import collection_metrics
from engine.errors import AegisError
from engine.ingest import RunReport
from engine.inputs import read_payload
from engine.leases import SCHEDULER_LEASE, acquire_or_renew, make_holder_id, release
from engine.runs import claim_next_job, finish_job, request_job
from engine.sources import enabled_schedules, seed_sources
from engine.telemetry import register_outbox_metrics
from jobs.tasks import Context, Daily, PerSource, Task, ordered

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
JobHandler = Callable[[Aegis, dict[str, Any]], dict[str, Any]]

# A crashed leader is replaced within TTL + one standby heartbeat + one heartbeat that waited out the
# SQLite busy timeout behind a writer (5 s) + the next heartbeat: 15 + 3 + 5 + 3 = 26 s, within 30 s.
LEASE_TTL = dt.timedelta(seconds=15)
HEARTBEAT_S = 3.0  # renew well within the TTL so a few slow renewals do not lose the lease
DRAIN_S = 5.0  # how soon a job queued by the dashboard starts
DRAIN_LIMIT = 20  # jobs per drain, so a full queue cannot starve the other scheduled work
METRICS_ADDR = "127.0.0.1"
RUN_AT_START = frozenset({"integration_health"})  # external_service_status is known from the start


def utcnow() -> dt.datetime:
    """Return the current time in UTC (the default clock)."""
    return dt.datetime.now(dt.UTC)


def import_file(core: Aegis, source: str, path: str | Path) -> RunReport:
    """Import a saved payload file of `source` through the normal import path."""
    return core.import_payload(source=source, payload=read_payload(Path(path)))


def _import_job(core: Aegis, args: dict[str, Any]) -> dict[str, Any]:
    return import_file(core, str(args["source"]), str(args["path"])).as_json()


def collect(core: Aegis, source: str) -> RunReport:
    """Collect one source live (the run, failed or not, is recorded by the engine)."""
    import asyncio

    from engine.collect import collect_source

    return asyncio.run(collect_source(name=source, settings=core.settings, engine=core.db))


def _collect_job(core: Aegis, args: dict[str, Any]) -> dict[str, Any]:
    return collect(core, str(args["source"])).as_json()


# Job kinds the runner knows; the dashboard and CLI queue `JobRequest(kind=..., args=...)` rows.
JOB_KINDS: dict[str, JobHandler] = {"import": _import_job, "collect": _collect_job}


class QueuedJob(Protocol):
    """A job request as the engine hands it over: id, kind and arguments."""

    @property
    def id(self) -> int | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def args(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class _Scheduled:
    id: int | None
    kind: str
    args: dict[str, Any]


def run_job(core: Aegis, job: QueuedJob) -> tuple[bool, dict[str, Any]]:
    """Run one claimed job; return (ok, result). Errors become a failed result, never a crash."""
    handler = JOB_KINDS.get(job.kind)
    if handler is None:
        return False, {"error": f"unknown job kind {job.kind!r}", "user_message": "알 수 없는 작업 종류입니다."}
    try:
        return True, handler(core, dict(job.args))
    except AegisError as exc:
        log.warning("job %s (%s) failed: %s", job.id, job.kind, exc)
        return False, {"error": str(exc), "error_class": type(exc).__name__, "user_message": exc.user_message}
    except Exception as exc:  # the jobs' translation point: one bad job must not stop the runner
        log.exception("job %s (%s) crashed", job.id, job.kind)
        return False, {
            "error": str(exc),
            "error_class": type(exc).__name__,
            "user_message": "작업 중 오류가 발생했습니다.",
        }


def drain_requests(
    core: Aegis, *, clock: Clock = utcnow, limit: int = DRAIN_LIMIT, on_done: Callable[[bool], None] | None = None
) -> int:
    """Run queued job requests oldest first until the queue is empty or `limit` ran; return how many."""
    ran = 0
    while ran < limit:
        job = claim_next_job(core.db, now=clock())
        if job is None or job.id is None:
            break
        ok, result = run_job(core, job)
        if on_done is not None:  # before the outcome is visible, so metrics never lag behind the table
            on_done(ok)
        finish_job(core.db, job_id=job.id, ok=ok, result=result, now=clock())
        ran += 1
    return ran


class JobRunner:
    """One runner process: a lease heartbeat always, the leader's jobs only while it holds the lease."""

    def __init__(
        self,
        core: Aegis,
        *,
        holder: str | None = None,
        ttl: dt.timedelta = LEASE_TTL,
        heartbeat_s: float = HEARTBEAT_S,
        drain_s: float = DRAIN_S,
        clock: Clock = utcnow,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self.core = core
        self.holder = holder or make_holder_id()
        self.ttl = ttl
        self.heartbeat_s = heartbeat_s
        self.drain_s = drain_s
        self.clock = clock
        self.is_leader = False
        self.registry = registry or CollectorRegistry()
        self.leader_gauge = Gauge(
            "aegis_scheduler_leader", "1 on the process that runs the scheduler, 0 on a standby", registry=self.registry
        )
        self.jobs_total = Counter("aegis_jobs", "Job requests run, by outcome", ["outcome"], registry=self.registry)
        self.scheduler = BackgroundScheduler(
            timezone=ZoneInfo(core.settings.timezone),
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
        )
        self._lock = threading.Lock()  # heartbeat runs on the scheduler's pool and on stop()
        self._jobs: list[str] = []  # the leader's scheduled job ids

    def heartbeat(self) -> bool:
        """Acquire or renew the lease; start or stop the leader's jobs when leadership changes."""
        with self._lock:
            try:
                leader = acquire_or_renew(
                    self.core.db, name=SCHEDULER_LEASE, holder=self.holder, ttl=self.ttl, now=self.clock()
                )
            except Exception:  # database down: step down, a standby (or we) retry on the next beat
                log.exception("lease renewal failed; acting as standby")
                leader = False
            if leader and not self.is_leader:
                self._lead()
            elif not leader and self.is_leader:
                self._stand_by()
            return leader

    def drain(self) -> int:
        """Run queued job requests (a leader-only job)."""
        return drain_requests(self.core, clock=self.clock, on_done=self._count)

    def _count(self, ok: bool) -> None:
        self.jobs_total.labels(outcome="ok" if ok else "failed").inc()

    def scheduled_collect(self, source: str) -> None:
        """Collect one source on its schedule; a failure is logged and recorded, the runner goes on."""
        ok, result = run_job(self.core, _Scheduled(None, "collect", {"source": source}))
        self._count(ok)
        if not ok:
            log.info("scheduled collection of %s failed: %s", source, result.get("error_class"))

    def close_expired(self) -> int:
        """Close programs whose application window has passed (daily)."""
        return int(upkeep.close_passed_windows(self.core, now=self.clock())["closed"])

    def run_task(self, task: Task) -> bool:
        """Run one job of the table; a failure is logged and counted, the runner goes on."""
        ok = run_task(self.core, task, Context(now=self.clock(), worker=self.holder))
        self._count(ok)
        return ok

    def _schedule(self, tasks: Iterable[Task]) -> list[str]:
        tz = ZoneInfo(self.core.settings.timezone)
        add = self.scheduler.add_job
        ids: list[str] = []
        for task in tasks:
            if not task.is_enabled(self.core):
                continue
            if task.name == "drain":
                add(
                    self.drain,
                    "interval",
                    seconds=self.drain_s,
                    id="drain",
                    replace_existing=True,
                    next_run_time=self.clock(),
                )
                ids.append("drain")
            elif isinstance(task.trigger, PerSource):
                ids.extend(self._schedule_sources(tz))
            elif isinstance(task.trigger, Daily):
                hour = task.trigger.setting(self.core) if task.trigger.setting else task.trigger.hour
                trigger = CronTrigger(hour=hour, minute=task.trigger.minute, timezone=tz)
                add(self.run_task, trigger, args=[task], id=task.name, replace_existing=True)
                ids.append(task.name)
            else:
                seconds = task.trigger.setting(self.core) if task.trigger.setting else task.trigger.seconds
                opts: dict[str, Any] = {"replace_existing": True}
                if task.name in RUN_AT_START:
                    opts["next_run_time"] = self.clock()
                add(self.run_task, "interval", seconds=seconds, args=[task], id=task.name, **opts)
                ids.append(task.name)
        return ids

    def _schedule_sources(self, tz: ZoneInfo) -> list[str]:
        ids = []
        for plan in enabled_schedules(self.core.db, self.core.settings):
            job_id = f"collect:{plan.name}"
            try:
                trigger = CronTrigger.from_crontab(plan.cron, timezone=tz)
            except ValueError:
                log.warning("source %s has an invalid schedule %r; not scheduled", plan.name, plan.cron)
                continue
            self.scheduler.add_job(self.scheduled_collect, trigger, args=[plan.name], id=job_id, replace_existing=True)
            ids.append(job_id)
        return ids

    def _leader_jobs(self) -> list[str]:
        return self._schedule(task for task in ordered() if task.leader_only)

    def _lead(self) -> None:
        log.info("became scheduler leader (%s)", self.holder)
        self.is_leader = True
        self.leader_gauge.set(1)
        self._jobs = self._leader_jobs()

    def _stand_by(self) -> None:
        log.warning("lost the scheduler lease (%s); standing by", self.holder)
        self.is_leader = False
        self.leader_gauge.set(0)
        for job_id in self._jobs:
            if self.scheduler.get_job(job_id) is not None:
                self.scheduler.remove_job(job_id)
        self._jobs = []

    def start(self) -> None:
        """Take the lease if free and start the scheduler with the heartbeat and every runner's jobs."""
        self.heartbeat()
        self.scheduler.add_job(self.heartbeat, "interval", seconds=self.heartbeat_s, id="lease", replace_existing=True)
        self._schedule(task for task in ordered() if not task.leader_only)
        self.scheduler.start()

    def stop(self) -> None:
        """Stop the scheduler, wait for running jobs and hand the lease back."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        with self._lock:
            if self.is_leader:
                try:
                    release(self.core.db, name=SCHEDULER_LEASE, holder=self.holder)
                except Exception:  # the lease simply expires; nothing else to undo
                    log.exception("could not release the scheduler lease")
            self.is_leader = False
            self.leader_gauge.set(0)


def run_task(core: Aegis, task: Task, ctx: Context) -> bool:
    """Run one job of the table and log its summary; return whether it succeeded (never raises)."""
    try:
        summary = task.run(core, ctx)
    except AegisError as exc:
        log.warning("job %s failed: %s (%s)", task.name, exc, type(exc).__name__)
        return False
    except Exception:  # the jobs' translation point: one failing job must not stop the runner
        log.exception("job %s crashed", task.name)
        return False
    if summary is None:
        log.debug("job %s skipped (not configured)", task.name)
    else:
        log.info("job %s: %s", task.name, summary)
    return True


def run_once(core: Aegis, *, clock: Clock = utcnow, worker: str | None = None) -> int:
    """Run every scheduled job once in dependency order (`aegis jobs --once`); return 0, or 1 if one failed.

    Sources without a key are not scheduled, so they are skipped, never an error.
    """
    seed_sources(core.db, core.settings)
    worker = worker or make_holder_id()
    failed: list[str] = []
    for task in ordered():
        if not task.is_enabled(core):
            continue
        if task.name == "drain":
            results: list[bool] = []
            drain_requests(core, clock=clock, on_done=results.append)
            ok = all(results)
        elif isinstance(task.trigger, PerSource):
            ok = True
            for plan in enabled_schedules(core.db, core.settings):
                done, result = run_job(core, _Scheduled(None, "collect", {"source": plan.name}))
                if not done:
                    log.warning("collection of %s failed: %s", plan.name, result.get("error_class"))
                ok = ok and done
        else:
            ok = run_task(core, task, Context(now=clock(), worker=worker))
        if not ok:
            failed.append(task.name)
    if failed:
        log.warning("jobs failed: %s", ", ".join(failed))
    return 1 if failed else 0


def queue_imports(core: Aegis, imports: Iterable[tuple[str, Path]], *, clock: Clock = utcnow) -> list[int]:
    """Queue one import job per (source, path); whichever runner leads will run them."""
    return [
        request_job(
            core.db,
            kind="import",
            args={"source": source, "path": str(path.resolve())},
            requested_by="aegis jobs",
            now=clock(),
        )
        for source, path in imports
    ]


def run_jobs(core: Aegis, *, stop: threading.Event | None = None, runner: JobRunner | None = None) -> int:
    """Run the job runner until SIGTERM/SIGINT (or `stop` is set); return the exit code."""
    stop = stop or threading.Event()
    seed_sources(core.db, core.settings)
    # The process registry: the runner's gauges next to the collectors' and the gateway's metrics,
    # registered now so that /metrics lists them before the first collection.
    collection_metrics(REGISTRY)
    register_outbox_metrics(core.db, REGISTRY)  # outbox depth per channel, deliveries by outcome
    runner = runner or JobRunner(core, registry=REGISTRY)
    server = None
    if core.settings.metrics.port is not None:
        host = core.settings.metrics.host or METRICS_ADDR
        server, _thread = start_http_server(core.settings.metrics.port, addr=host, registry=runner.registry)
        log.info("metrics on http://%s:%d/metrics", host, core.settings.metrics.port)

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping the job runner", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, _on_signal)
    try:
        runner.start()
        while not stop.wait(0.5):
            pass
    finally:
        runner.stop()
        if server is not None:
            server.shutdown()
            server.server_close()
    return 0
