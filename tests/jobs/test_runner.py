"""The job runner: one leader among runners, takeover after expiry, the import job and the request queue."""

from __future__ import annotations

import datetime as dt
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.app import Aegis
from engine.leases import current_holder
from engine.programs import count_programs
from engine.runs import recent_jobs, recent_runs, request_job
from jobs.runner import JobRunner, drain_requests, import_file, queue_imports, run_jobs

T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=30)


class FakeClock:
    """An injected clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def _leader_gauge(runner: JobRunner) -> float | None:
    return runner.registry.get_sample_value("aegis_scheduler_leader")


def test_only_one_of_two_runners_on_one_sqlite_file_becomes_leader(make_core: Callable[[], Aegis]) -> None:
    clock = FakeClock(T0)
    first = JobRunner(make_core(), holder="host:1:a", ttl=TTL, clock=clock)
    second = JobRunner(make_core(), holder="host:2:b", ttl=TTL, clock=clock)
    assert first.heartbeat() is True
    assert second.heartbeat() is False
    assert (_leader_gauge(first), _leader_gauge(second)) == (1.0, 0.0)
    assert first.scheduler.get_job("drain") is not None
    assert second.scheduler.get_job("drain") is None


def test_standby_takes_over_when_the_leaders_lease_expires(make_core: Callable[[], Aegis]) -> None:
    clock = FakeClock(T0)
    leader = JobRunner(make_core(), holder="host:1:a", ttl=TTL, clock=clock)
    standby = JobRunner(make_core(), holder="host:2:b", ttl=TTL, clock=clock)
    leader.heartbeat()
    standby.heartbeat()
    clock.advance(20)
    assert leader.heartbeat() is True  # renewed in time: the standby keeps waiting
    clock.advance(20)
    assert standby.heartbeat() is False
    clock.advance(31)  # the leader stopped renewing (hung or killed)
    assert standby.heartbeat() is True
    assert leader.heartbeat() is False  # the old leader steps down on its next beat
    assert (_leader_gauge(leader), _leader_gauge(standby)) == (0.0, 1.0)
    assert leader.scheduler.get_job("drain") is None
    assert current_holder(standby.core.db, now=clock()) == "host:2:b"


def test_stopping_the_leader_releases_the_lease_for_the_standby(make_core: Callable[[], Aegis]) -> None:
    clock = FakeClock(T0)
    leader = JobRunner(make_core(), holder="host:1:a", ttl=TTL, clock=clock)
    standby = JobRunner(make_core(), holder="host:2:b", ttl=TTL, clock=clock)
    leader.heartbeat()
    leader.stop()
    assert _leader_gauge(leader) == 0.0
    assert standby.heartbeat() is True  # no need to wait for the expiry


def test_import_file_job_imports_the_payload(make_core: Callable[[], Aegis], bizinfo_file: Path) -> None:
    core = make_core()
    report = import_file(core, "bizinfo", bizinfo_file)
    assert (report.received, report.new) == (1, 1)
    assert count_programs(core.db) == 1


def test_queued_import_request_is_run_by_the_drain(make_core: Callable[[], Aegis], bizinfo_file: Path) -> None:
    core = make_core()
    [job_id] = queue_imports(core, [("bizinfo", bizinfo_file)], clock=lambda: T0)
    assert drain_requests(core, clock=lambda: T0) == 1
    [job] = recent_jobs(core.db)
    assert (job.id, job.status, job.result["new"]) == (job_id, "done", 1)
    assert recent_runs(core.db)[0].source == "bizinfo"
    assert drain_requests(core, clock=lambda: T0) == 0  # nothing left to do


def test_failing_request_is_recorded_as_failed_and_the_queue_goes_on(
    make_core: Callable[[], Aegis], tmp_path: Path
) -> None:
    core = make_core()
    request_job(core.db, kind="import", args={"source": "bizinfo", "path": str(tmp_path / "missing.json")}, now=T0)
    request_job(core.db, kind="no-such-kind", args={}, now=T0 + dt.timedelta(seconds=1))
    assert drain_requests(core, clock=lambda: T0) == 2
    newest, oldest = recent_jobs(core.db)
    assert (oldest.status, oldest.result["error_class"]) == ("failed", "InvalidInput")
    assert "missing.json" in oldest.result["error"]
    assert (newest.status, newest.result["user_message"]) == ("failed", "알 수 없는 작업 종류입니다.")


def test_started_leader_drains_queued_requests_on_its_schedule(make_core: Callable[[], Aegis], tmp_path: Path) -> None:
    core = make_core()
    runner = JobRunner(core, heartbeat_s=0.2, drain_s=0.1)
    runner.start()
    try:
        request_job(core.db, kind="no-such-kind", args={}, now=T0)
        deadline = time.monotonic() + 5
        while recent_jobs(core.db)[0].status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert recent_jobs(core.db)[0].status == "failed"
        assert runner.registry.get_sample_value("aegis_jobs_total", {"outcome": "failed"}) == 1.0
    finally:
        runner.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=2) as response:
        return str(response.read().decode("utf-8"))


def _wait_for(url: str, needle: str, timeout: float = 5.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            body = _get(url)
            if needle in body:
                return body
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{url} never showed {needle!r}")
        time.sleep(0.05)


def test_metrics_endpoint_reports_leader_and_standby(make_core: Callable[[], Aegis]) -> None:
    ports = _free_port(), _free_port()
    stops = threading.Event(), threading.Event()
    threads = []
    for port, stop in zip(ports, stops, strict=True):
        core = make_core()
        core.settings.metrics.port = port
        runner = JobRunner(core, heartbeat_s=0.2)
        thread = threading.Thread(target=run_jobs, args=(core,), kwargs={"stop": stop, "runner": runner})
        thread.start()
        threads.append(thread)
        _wait_for(
            f"http://127.0.0.1:{port}/metrics",
            "aegis_scheduler_leader 1.0" if port == ports[0] else "aegis_scheduler_leader",
        )
    try:
        assert "aegis_scheduler_leader 1.0" in _get(f"http://127.0.0.1:{ports[0]}/metrics")
        assert "aegis_scheduler_leader 0.0" in _get(f"http://127.0.0.1:{ports[1]}/metrics")
    finally:
        for stop in stops:
            stop.set()
        for thread in threads:
            thread.join(timeout=5)
    assert not any(thread.is_alive() for thread in threads)
    with pytest.raises(OSError):
        _get(f"http://127.0.0.1:{ports[0]}/metrics")  # the server is gone after a clean stop
