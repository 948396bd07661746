"""The use cases the job runner schedules, over the core: close passed windows, the alert pipeline, sends.

Each returns a small summary (JSON-ready) for the runner's log; a channel that is not configured is
skipped (None), never an error. The runner (jobs/) calls only these, never the database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from db.session import session_scope

if TYPE_CHECKING:
    import httpx

    from engine.alerts.send import SendReport
    from engine.app import Aegis


def close_passed_windows(core: Aegis, *, now: dt.datetime) -> dict[str, Any]:
    """Close programs whose dated window ended before today (Asia/Seoul)."""
    from engine.ingest import close_expired

    with session_scope(core.db) as session:
        return {"closed": close_expired(session, today=core.today(), now=now)}


def match_alerts(core: Aegis, *, now: dt.datetime) -> dict[str, Any]:
    """Turn new and changed programs into alerts for the users they fit."""
    from engine.alerts.match import match_changes

    report = match_changes(core.db, now=now, as_of=now.astimezone(core.tz).date())
    return {"changes": report.changes, "alerts": report.alerts}


def queue_reminders(core: Aegis, *, now: dt.datetime) -> dict[str, Any]:
    """Queue today's D-7, D-3 and D-1 reminders of saved programs (sent from the reminder hour)."""
    from engine.alerts.match import queue_reminders as queue

    today = now.astimezone(core.tz).date()
    return {"reminders": queue(core.db, now=now, today=today, hour=core.settings.alerts.reminder_hour, tz=core.tz)}


def fill_outbox(core: Aegis, *, now: dt.datetime) -> dict[str, Any]:
    """Turn queued alerts into per-channel deliveries (batches, digests, quiet hours)."""
    from engine.alerts.fill import fill_outbox as fill

    report = fill(core.db, now=now, as_of=now.astimezone(core.tz).date(), settings=core.settings.alerts, tz=core.tz)
    return {"alerts": report.alerts, "deliveries": report.deliveries}


def send_email(core: Aegis, *, worker: str) -> dict[str, Any] | None:
    """Send due email deliveries; None when SMTP is not configured."""
    from engine.alerts.send import send_email_due
    from engine.notify.email import configured

    if not configured(core.settings.smtp):
        return None
    return vars(asyncio.run(send_email_due(core.settings, core.db, worker=worker)))


def send_sms(core: Aegis, *, worker: str) -> dict[str, Any] | None:
    """Send due SMS deliveries through SENS; None when SENS is not configured."""
    from engine.alerts.send import send_sms_due

    return _with_sens(core, lambda client: send_sms_due(core.settings, core.db, client=client, worker=worker))


def reconcile_sms(core: Aegis, *, worker: str) -> dict[str, Any] | None:
    """Read SENS's per-recipient results of accepted SMS; None when SENS is not configured."""
    from engine.alerts.send import reconcile_sms as reconcile

    return _with_sens(core, lambda client: reconcile(core.settings, core.db, client=client, worker=worker))


def outbox_counts(core: Aegis) -> dict[str, int]:
    """Return how many deliveries are in each status."""
    from engine.alerts.outbox import counts

    return counts(core.db)


def _with_sens(core: Aegis, call: Callable[[httpx.AsyncClient], Awaitable[SendReport]]) -> dict[str, Any] | None:
    import httpx

    from engine.notify.sms import configured

    if not configured(core.settings.sens):
        return None

    async def run() -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=core.settings.sens.timeout_s) as client:
            report = await call(client)
            return dict(vars(report))

    return asyncio.run(run())
