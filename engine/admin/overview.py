"""The overview page's figures: programs by source and status, users, deliveries, providers, freshness, trends.

Everything is aggregated in SQL or over narrow column sets, so the page stays fast at 10,000 programs
and 100,000 users.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import Delivery, LLMCall, Program, ProviderHealth, Source, User
from engine.admin.labels import CIRCUIT_LABELS, STATUS_LABELS, kst, source_label, status_key
from engine.admin.quality import QualityScore, read_quality

TREND_DAYS = 30
DEFAULT_INTERVAL = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Freshness:
    """One source's time since its last successful run, and whether that is past its schedule."""

    source: str
    label: str
    enabled: bool
    last_success: str
    age_hours: float | None
    stale: bool


@dataclass
class Overview:
    """Every figure of the overview page."""

    programs_total: int = 0
    by_source_status: list[dict[str, Any]] = field(default_factory=list)  # {출처, 상태, 공고 수}
    new_this_week: int = 0
    closing_within_7d: int = 0
    users_total: int = 0
    users_active: int = 0
    users_onboarded: int = 0
    sent_today: int = 0
    failed_today: int = 0
    providers: list[dict[str, Any]] = field(default_factory=list)
    freshness: list[Freshness] = field(default_factory=list)
    trends: list[dict[str, Any]] = field(default_factory=list)  # {날짜, 신규 공고, 발송 알림, LLM 호출}
    quality: QualityScore | None = None

    @property
    def onboarding_rate(self) -> float:
        """Return the share of users who completed onboarding (0 with no users)."""
        return self.users_onboarded / self.users_total if self.users_total else 0.0


def cron_interval(cron: str) -> dt.timedelta:
    """Return the rough period of a cron expression: '0 */6 * * *' → 6 h, '30 7 * * *' → 24 h."""
    parts = cron.split()
    if len(parts) != 5:
        return DEFAULT_INTERVAL
    minute, hour, day, _month, weekday = parts
    if minute.startswith("*/"):
        return dt.timedelta(minutes=_int(minute[2:], 60))
    if hour == "*":
        return dt.timedelta(hours=1)
    if hour.startswith("*/"):
        return dt.timedelta(hours=_int(hour[2:], 24))
    if "," in hour:
        return dt.timedelta(hours=24 / len(hour.split(",")))
    if weekday != "*":
        return dt.timedelta(days=7)
    if day != "*":
        return dt.timedelta(days=31)
    return DEFAULT_INTERVAL


def _int(text: str, default: int) -> int:
    return int(text) if text.isdigit() and int(text) > 0 else default


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


def overview(db: Engine, *, now: dt.datetime, tz: ZoneInfo, quality_file: Path | None = None) -> Overview:
    """Return the overview's figures as of `now`."""
    today = now.astimezone(tz).date()
    day_start = dt.datetime.combine(today, dt.time.min, tzinfo=tz).astimezone(dt.UTC)
    out = Overview(quality=read_quality(quality_file))
    with Session(db) as session:
        _programs(session, out, now=now, today=today)
        _users(session, out)
        _deliveries(session, out, day_start=day_start)
        out.providers = [
            {
                "제공자": h.provider,
                "상태": "정상" if h.healthy else ("이상" if h.healthy is False else "확인 전"),
                "회로": CIRCUIT_LABELS.get(h.circuit_state, h.circuit_state),
                "지연(ms)": round(h.latency_ms) if h.latency_ms is not None else None,
                "마지막 점검": kst(h.checked_at, tz),
            }
            for h in session.exec(select(ProviderHealth).order_by(col(ProviderHealth.provider)))
        ]
        out.freshness = [_freshness(s, now=now, tz=tz) for s in session.exec(select(Source).order_by(col(Source.name)))]
        out.trends = _trends(session, now=now)
    return out


def _programs(session: Session, out: Overview, *, now: dt.datetime, today: dt.date) -> None:
    rows = (
        session.connection()
        .execute(  # Core, not ORM, rows: 10,000 of them on a big catalogue
            sa.select(
                col(Program.source),
                col(Program.window_kind),
                col(Program.window_start),
                col(Program.window_end),
                col(Program.closed_at).is_not(None).label("closed"),
                col(Program.first_seen),
            )
        )
        .all()
    )
    counts: Counter[tuple[str, str]] = Counter()
    week_ago = now - dt.timedelta(days=7)
    for r in rows:
        status = status_key(
            window_kind=r.window_kind, start=r.window_start, end=r.window_end, closed=r.closed, today=today
        )
        counts[(r.source, status)] += 1
        first_seen = _utc(r.first_seen)
        if first_seen is not None and first_seen >= week_ago:
            out.new_this_week += 1
        if status == "open" and r.window_end is not None and (r.window_end - today).days <= 7:
            out.closing_within_7d += 1
    out.programs_total = len(rows)
    out.by_source_status = [
        {"출처": source_label(source), "상태": STATUS_LABELS[status], "공고 수": n}
        for (source, status), n in sorted(counts.items())
    ]


def _users(session: Session, out: Overview) -> None:
    total, active, onboarded = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(col(User.state) == "active"),
            sa.func.count(col(User.onboarded_at)),
        ).select_from(User)
    ).one()
    out.users_total, out.users_active, out.users_onboarded = int(total), int(active), int(onboarded)


def _deliveries(session: Session, out: Overview, *, day_start: dt.datetime) -> None:
    out.sent_today = int(
        session.execute(
            sa.select(sa.func.count())
            .select_from(Delivery)
            .where(col(Delivery.status) == "sent", col(Delivery.sent_at) >= day_start)
        ).scalar_one()
    )
    out.failed_today = int(
        session.execute(
            sa.select(sa.func.count())
            .select_from(Delivery)
            .where(col(Delivery.status).in_(("failed", "dead")), col(Delivery.created_at) >= day_start)
        ).scalar_one()
    )


def _freshness(source: Source, *, now: dt.datetime, tz: ZoneInfo) -> Freshness:
    last = _utc(source.last_success_at)
    age = (now - last) if last is not None else None
    # Red when the last success is older than one and a half scheduled periods (or never, while enabled).
    stale = source.enabled and (age is None or age > cron_interval(source.schedule) * 1.5)
    label = source.config.get("label") if isinstance(source.config, dict) else None
    return Freshness(
        source=source.name,
        label=label if isinstance(label, str) else source_label(source.name),
        enabled=source.enabled,
        last_success=kst(last, tz),
        age_hours=round(age.total_seconds() / 3600, 1) if age is not None else None,
        stale=stale,
    )


def _per_day(session: Session, column: Any, since: dt.datetime, *where: Any) -> dict[str, int]:
    day = sa.func.date(column)
    query = sa.select(day, sa.func.count()).where(column >= since, *where).group_by(day)
    return {str(d)[:10]: int(n) for d, n in session.execute(query)}


def _trends(session: Session, *, now: dt.datetime) -> list[dict[str, Any]]:
    since = (now - dt.timedelta(days=TREND_DAYS - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    programs = _per_day(session, col(Program.first_seen), since)
    sent = _per_day(session, col(Delivery.sent_at), since, col(Delivery.status) == "sent")
    calls = _per_day(session, col(LLMCall.created_at), since)
    days = [(since + dt.timedelta(days=i)).date().isoformat() for i in range(TREND_DAYS)]
    return [
        {"날짜": d, "신규 공고": programs.get(d, 0), "발송 알림": sent.get(d, 0), "LLM 호출": calls.get(d, 0)}
        for d in days
    ]
