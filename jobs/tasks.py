"""The scheduled jobs as one table: name, trigger, what runs, and the order `aegis jobs --once` follows.

Leader-only jobs run on the one runner holding the scheduler lease; the others (settings reload,
sending email and SMS) run on every runner, since the outbox is claimed safely by several workers.
Add a job by adding an entry; each function takes the core and the run context and returns a summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine import upkeep
from engine.ops import health as ops_health
from engine.ops import housekeeping

if TYPE_CHECKING:
    from engine.app import Aegis


@dataclass(frozen=True)
class Every:
    """Run every `seconds` (or every `setting(core)` seconds when given)."""

    seconds: float = 60.0
    setting: Callable[[Aegis], float] | None = None


@dataclass(frozen=True)
class Daily:
    """Run once a day at `hour`:`minute` Asia/Seoul (or the hour a setting names)."""

    hour: int = 0
    minute: int = 0
    setting: Callable[[Aegis], int] | None = None


@dataclass(frozen=True)
class PerSource:
    """One job per enabled source, on the source's own cron schedule (jobs named `collect:<source>`)."""


Trigger = Every | Daily | PerSource


@dataclass(frozen=True)
class Context:
    """What a job run gets besides the core: the time and this process's worker name."""

    now: dt.datetime
    worker: str


JobFn = Callable[["Aegis", Context], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Task:
    """One scheduled job. `enabled(core)` false: not scheduled and skipped by --once (no key, no config)."""

    name: str
    trigger: Trigger
    run: JobFn
    order: int
    leader_only: bool = True
    enabled: Callable[[Aegis], bool] | None = None

    def is_enabled(self, core: Aegis) -> bool:
        """Return whether this job applies to the core's configuration."""
        return self.enabled is None or self.enabled(core)


def _reload(core: Aegis, ctx: Context) -> dict[str, Any]:
    return {"changed": core.reload_settings()}


def _llm_configured(core: Aegis) -> bool:
    return core.llm_configured


def _llm_health(core: Aegis, ctx: Context) -> dict[str, Any]:
    import asyncio

    asyncio.run(core.gateway.health_check())
    return {}


def _smtp_configured(core: Aegis) -> bool:
    from engine.notify.email import configured

    return configured(core.settings.smtp)


def _sens_configured(core: Aegis) -> bool:
    from engine.notify.sms import configured

    return configured(core.settings.sens)


# The runner fills in "drain" (queued job requests) and "collect" (per source) with its own methods,
# since they report to its metrics; every other job is a plain engine use case.
TASKS: tuple[Task, ...] = (
    Task("reload_settings", Every(60), _reload, order=0, leader_only=False),
    Task("drain", Every(5), lambda core, ctx: None, order=5),
    Task("collect", PerSource(), lambda core, ctx: None, order=10),
    Task("close_expired", Daily(0, 5), lambda core, ctx: upkeep.close_passed_windows(core, now=ctx.now), order=20),
    Task("match_alerts", Every(60), lambda core, ctx: upkeep.match_alerts(core, now=ctx.now), order=30),
    Task(
        "reminders",
        Daily(0, 10),
        lambda core, ctx: upkeep.queue_reminders(core, now=ctx.now),
        order=40,
    ),
    Task("fill_outbox", Every(60), lambda core, ctx: upkeep.fill_outbox(core, now=ctx.now), order=50),
    Task(
        "send_email",
        Every(30),
        lambda core, ctx: upkeep.send_email(core, worker=ctx.worker),
        order=60,
        leader_only=False,
        enabled=_smtp_configured,
    ),
    Task(
        "send_sms",
        Every(30),
        lambda core, ctx: upkeep.send_sms(core, worker=ctx.worker),
        order=70,
        leader_only=False,
        enabled=_sens_configured,
    ),
    Task(
        "reconcile_sms",
        Every(300),
        lambda core, ctx: upkeep.reconcile_sms(core, worker=ctx.worker),
        order=80,
        enabled=_sens_configured,
    ),
    Task(
        "llm_health",
        Every(setting=lambda core: core.settings.llm.health_interval_s),
        _llm_health,
        order=90,
        enabled=_llm_configured,
    ),
    # Operations (engine/ops): integration checks → external_service_status + one operator alert per outage.
    Task(
        "integration_health",
        Every(ops_health.HEALTH_INTERVAL_S),
        lambda core, ctx: ops_health.integration_health(core, now=ctx.now),
        order=95,
    ),
    Task("housekeeping", Daily(3, 30), lambda core, ctx: housekeeping.housekeeping(core, now=ctx.now), order=100),
    Task("vacuum", Daily(4, 0), lambda core, ctx: housekeeping.weekly_vacuum(core, now=ctx.now), order=110),
)


def ordered(tasks: tuple[Task, ...] = TASKS) -> list[Task]:
    """Return the jobs in dependency order (collect → close → match → remind → fill → send → reconcile)."""
    return sorted(tasks, key=lambda task: task.order)
