"""The scheduled-job table: unique names, the dependency order --once follows, and what each runner runs."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry

from engine.app import Aegis
from jobs.runner import JobRunner
from jobs.tasks import TASKS, ordered

PIPELINE = ("collect", "close_expired", "match_alerts", "reminders", "fill_outbox", "send_email", "send_sms")


def test_job_names_are_unique_and_the_pipeline_runs_in_dependency_order() -> None:
    names = [task.name for task in TASKS]
    assert len(names) == len(set(names))
    order = [task.name for task in ordered()]
    assert [name for name in order if name in PIPELINE] == list(PIPELINE)
    assert order.index("send_sms") < order.index("reconcile_sms")


def test_leader_schedules_the_alert_pipeline_and_every_runner_reloads_settings(
    make_core: Callable[[], Aegis],
) -> None:
    runner = JobRunner(make_core(), registry=CollectorRegistry())
    runner.heartbeat()
    ids = {job.id for job in runner.scheduler.get_jobs()}
    assert {"match_alerts", "reminders", "fill_outbox", "close_expired", "drain"} <= ids
    assert "send_email" not in ids  # SMTP is not configured: nothing to send with
    runner._schedule(task for task in ordered() if not task.leader_only)
    assert runner.scheduler.get_job("reload_settings") is not None
