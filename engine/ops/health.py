"""Integration health every 5 minutes: the `external_service_status` gauge, and one operator alert per outage.

The job runner's leader runs the doctor's checks (LLM providers are read from the gateway's own health
job instead of being pinged twice). The last state per integration lives in `integration_status`, so an
outage queues ONE Telegram message per operator chat (sent by the bot) and one mail per operator email
(when SMTP is configured) when it begins, and one when it ends — however many checks fail in between.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine
from sqlmodel import select

from db.models import Delivery, IntegrationStatus
from db.session import session_scope
from engine.collectors.metrics import collection_metrics
from engine.ops.doctor import Check, run_checks
from engine.ops.retry import classify_detail

if TYPE_CHECKING:
    from engine.app import Aegis
    from engine.settings import Settings

log = logging.getLogger(__name__)

HEALTH_INTERVAL_S = 300
OPS_KIND = "ops"


@dataclass(frozen=True)
class Transition:
    """An integration went down (ok False) or recovered (ok True)."""

    name: str
    ok: bool
    detail: str
    since: dt.datetime | None  # when the previous state began (the outage's start, for a recovery)


async def current_checks(core: Aegis) -> list[Check]:
    """Run every configured integration's check; LLM providers come from the gateway's stored health."""
    checks = await run_checks(core.settings, only=None, skip_llm=True)
    return checks + llm_checks(core) + collection_checks(core.db)


def collection_checks(db: Engine) -> list[Check]:
    """Return `collect:<source>` per source from its last live run: down on a critical or format error.

    A key the portal stopped accepting (auth) or a payload the parser no longer reads (format) will not
    heal by retrying, so operators hear of it once; transient failures are the probes' and breakers' job.
    """
    import sqlalchemy as sa
    from sqlmodel import col

    from db.models import CollectionRun
    from engine.ops.retry import category_of

    latest = (
        sa.select(sa.func.max(col(CollectionRun.id)))
        .where(col(CollectionRun.mode) == "collect", col(CollectionRun.status) != "running")
        .group_by(col(CollectionRun.source))
    )
    with session_scope(db) as session:
        runs = session.exec(select(CollectionRun).where(col(CollectionRun.id).in_(latest))).all()
        out = []
        for run in runs:
            category = category_of(run.error_class) if run.status == "failed" and run.error_class else None
            if category in ("auth", "format"):
                reason = " ".join((run.error_message or "").split())[:200]
                detail = f"마지막 수집 실패 ({run.error_class}): {reason}".rstrip(": ")
                out.append(Check(name=f"collect:{run.source}", ok=False, detail=detail))
            else:
                out.append(Check(name=f"collect:{run.source}", ok=True, detail=f"마지막 수집 {run.status}"))
        return out


def llm_checks(core: Aegis) -> list[Check]:
    """Return the LLM providers' last stored health checks (the gateway's own job pings them)."""
    from engine.gateway.config import build_chain
    from engine.gateway.records import load_health
    from engine.ops.causes import LLM_CAUSES

    rows = load_health(core.db)
    out = []
    for plan in build_chain(core.settings.llm):
        row = rows.get(plan.name)
        if row is None or row.healthy is None:
            continue
        cls = row.last_error_class or "Unknown"
        detail = "응답함" if row.healthy else f"{LLM_CAUSES.get(cls, '응답하지 않습니다')} ({cls})"
        out.append(Check(name=f"llm:{plan.name}", ok=bool(row.healthy), detail=detail))
    return out


def integration_health(
    core: Aegis, *, now: dt.datetime, registry: CollectorRegistry | None = None, checks: list[Check] | None = None
) -> dict[str, Any]:
    """Check every configured integration, set the gauges, and alert operators on each change; return a summary."""
    if checks is None:
        checks = asyncio.run(current_checks(core))
    metrics = collection_metrics(registry)
    for check in checks:
        if check.configured:
            metrics.service_up.labels(service_name=check.name).set(1 if check.ok else 0)
    transitions = record_checks(core.db, checks, settings=core.settings, now=now)
    for change in transitions:
        if change.ok:
            log.info("integration %s recovered", change.name)
        else:
            log.warning("integration %s is down: %s", change.name, change.detail)
    return {
        "checked": sum(1 for c in checks if c.configured),
        "down": sorted(c.name for c in checks if c.configured and not c.ok),
        "changed": [c.name for c in transitions],
    }


def record_checks(db: Engine, checks: list[Check], *, settings: Settings, now: dt.datetime) -> list[Transition]:
    """Store each check; queue operator alerts for the integrations whose state flipped; return the flips."""
    transitions: list[Transition] = []
    with session_scope(db) as session:
        stored = {row.name: row for row in session.exec(select(IntegrationStatus)).all()}
        for check in checks:
            row = stored.get(check.name)
            if not check.configured:
                if row is not None:
                    session.delete(row)  # switched off: forget it, no alert
                continue
            error_class = None if check.ok else classify_detail(check.detail)
            if row is None:
                row = IntegrationStatus(name=check.name, ok=check.ok, checked_at=now, changed_at=now)
                if not check.ok:  # first seen broken: that is news; first seen healthy is not
                    transitions.append(Transition(check.name, False, check.detail, None))
            elif row.ok != check.ok:
                transitions.append(Transition(check.name, check.ok, check.detail, row.changed_at))
                row.ok, row.changed_at = check.ok, now
            row.detail, row.error_class, row.checked_at = check.detail, error_class, now
            session.add(row)
        for change in transitions:
            for delivery in operator_deliveries(change, settings=settings, now=now):
                session.add(delivery)
    return transitions


def operator_deliveries(change: Transition, *, settings: Settings, now: dt.datetime) -> list[Delivery]:
    """Return the outbox rows telling every operator about one change (Telegram always, email if SMTP is set)."""
    text, subject = alert_text(change, now=now, tz=ZoneInfo(settings.timezone))
    state = "up" if change.ok else "down"
    key = f"ops:{change.name}:{state}:{now.isoformat()}"
    payload = {"kind": OPS_KIND, "text": text, "subject": subject, "service": change.name, "state": state}
    rows = [
        Delivery(
            channel="telegram", address=str(chat), kind=OPS_KIND, dedupe_key=key, payload=payload, available_at=now
        )
        for chat in settings.operators.telegram_chat_ids
    ]
    if settings.smtp.host and settings.smtp.from_:
        rows += [
            Delivery(channel="email", address=email, kind=OPS_KIND, dedupe_key=key, payload=payload, available_at=now)
            for email in settings.operators.emails
        ]
    return rows


def alert_text(change: Transition, *, now: dt.datetime, tz: ZoneInfo) -> tuple[str, str]:
    """Return (message, mail subject) in Korean for one change."""
    at = now.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    if change.ok:
        lasted = ""
        if change.since is not None:
            minutes = max(1, round((now - change.since).total_seconds() / 60))
            lasted = f" (장애 {minutes}분)"
        subject = f"[이지스] 복구: {change.name}"
        return f"✅ {subject}{lasted}\n{at} KST 정상 응답을 확인했습니다.", subject
    subject = f"[이지스] 장애: {change.name}"
    text = f"⚠️ {subject}\n{change.detail}\n{at} KST 확인 · 복구되면 다시 알려 드립니다."
    return text, subject
