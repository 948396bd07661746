"""The outbox fill: queued alerts → one delivery per user and channel, respecting mode and quiet hours.

Immediate users get one message per program, several at once batched into one; digest users get one
message a day at their hour (alerts arriving before it is sent join it). Quiet hours (the setting, or
the user's own, or "off") move `available_at` to when they end. Alerts are marked queued in the same
transaction that writes their deliveries, and a delivery's key is unique per user and channel.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import Alert, AlertPreference, Contact, Delivery, Program, User
from db.session import session_scope
from engine.alerts.quiet import next_hour, parse_quiet, release_time
from engine.domain import Eligibility, Funding, Window
from engine.links import plain_title, safe_link
from engine.matching import Candidate
from engine.matching.ranking import recommend
from engine.settings import AlertSettings
from engine.users import profile_of

USERS_PER_BATCH = 200
MAX_ITEMS = 20  # per message; a longer digest says how many more


@dataclass(frozen=True)
class _Run:
    """What every user's fill in one run shares."""

    now: dt.datetime
    as_of: dt.date
    settings: AlertSettings
    tz: ZoneInfo
    candidates: dict[str, Candidate | None]


@dataclass
class FillReport:
    """What one run of the outbox fill did."""

    alerts: int = 0
    deliveries: int = 0


def fill_outbox(db: Engine, *, now: dt.datetime, as_of: dt.date, settings: AlertSettings, tz: ZoneInfo) -> FillReport:
    """Turn every queued alert into deliveries, a batch of users per transaction."""
    report = FillReport()
    run = _Run(now=now, as_of=as_of, settings=settings, tz=tz, candidates={})
    while True:
        with session_scope(db) as session:
            user_ids = list(
                session.exec(
                    select(Alert.user_id)
                    .where(col(Alert.queued_at).is_(None))
                    .group_by(col(Alert.user_id))
                    .order_by(col(Alert.user_id))
                    .limit(USERS_PER_BATCH)
                )
            )
            if not user_ids:
                return report
            alerts: dict[int, list[Alert]] = defaultdict(list)
            for alert in session.exec(
                select(Alert)
                .where(col(Alert.queued_at).is_(None), col(Alert.user_id).in_(user_ids))
                .order_by(col(Alert.id))
            ):
                alerts[alert.user_id].append(alert)
            for user_id, pending in alerts.items():
                report.deliveries += _fill_user(session, user_id, pending, run)
                for alert in pending:
                    alert.queued_at = now
                    session.add(alert)
                report.alerts += len(pending)


def _fill_user(session: Session, user_id: int, alerts: list[Alert], run: _Run) -> int:
    now, tz = run.now, run.tz
    user = session.get(User, user_id)
    pref = session.get(AlertPreference, user_id) or AlertPreference(user_id=user_id)
    if user is None or user.state != "active" or not pref.enabled:
        return 0
    contacts = [
        c
        for c in session.exec(select(Contact).where(Contact.user_id == user_id, col(Contact.verified).is_(True)))
        if pref.channels is None or c.channel in pref.channels
    ]
    if not contacts:
        return 0
    items = [_item(session, user, alert, run.as_of, run.candidates) for alert in alerts]
    quiet = parse_quiet(pref.quiet_hours if pref.quiet_hours is not None else run.settings.quiet_hours)
    not_before = max([now, *(_not_before(alert) for alert in alerts)])
    added = 0
    for contact in contacts:
        if pref.mode == "digest":
            added += _add_to_digest(session, contact, items, run, hour=pref.digest_hour, quiet=quiet)
            continue
        kind = "alert" if len(items) == 1 else "batch"
        if all(i["alert_kind"].startswith("reminder") for i in items):
            kind = "reminder"
        ids = ",".join(str(a.id) for a in alerts)
        key = f"alerts:{hashlib.sha1(ids.encode()).hexdigest()[:20]}"
        payload = {"kind": kind, "items": items[:MAX_ITEMS], "more": max(len(items) - MAX_ITEMS, 0)}
        available = release_time(not_before, quiet, tz)
        added += _add(session, contact, kind, key, payload, available=available, now=now)
    return added


def _add_to_digest(
    session: Session,
    contact: Contact,
    items: list[dict[str, Any]],
    run: _Run,
    *,
    hour: int,
    quiet: tuple[int, int] | None,
) -> int:
    """Append to the user's next unsent digest on this channel, or start one."""
    now, tz, user_id = run.now, run.tz, contact.user_id
    at = next_hour(now, hour, tz)
    for _ in range(3):  # today's digest already went out: tomorrow's
        key = f"digest:{at.astimezone(tz).date().isoformat()}"
        existing = session.exec(
            select(Delivery).where(
                Delivery.user_id == user_id, Delivery.channel == contact.channel, Delivery.dedupe_key == key
            )
        ).first()
        if existing is None:
            payload = {"kind": "digest", "items": items[:MAX_ITEMS], "more": max(len(items) - MAX_ITEMS, 0)}
            return _add(session, contact, "digest", key, payload, available=release_time(at, quiet, tz), now=now)
        if existing.status == "pending" and existing.lease_owner is None:
            old = list(existing.payload.get("items", []))
            merged = old + items
            existing.payload = {"kind": "digest", "items": merged[:MAX_ITEMS], "more": max(len(merged) - MAX_ITEMS, 0)}
            session.add(existing)
            return 0
        at += dt.timedelta(days=1)
    return 0


def _add(
    session: Session,
    contact: Contact,
    kind: str,
    key: str,
    payload: dict[str, Any],
    *,
    available: dt.datetime,
    now: dt.datetime,
) -> int:
    user_id = contact.user_id
    exists = session.exec(
        select(Delivery.id).where(
            Delivery.user_id == user_id, Delivery.channel == contact.channel, Delivery.dedupe_key == key
        )
    ).first()
    if exists is not None:
        return 0
    session.add(
        Delivery(
            user_id=user_id,
            channel=contact.channel,
            address=contact.address,
            kind=kind,
            dedupe_key=key,
            payload=payload,
            available_at=available,
            created_at=now,
        )
    )
    return 1


def _not_before(alert: Alert) -> dt.datetime:
    raw = alert.detail.get("not_before")
    return dt.datetime.fromisoformat(raw) if raw else dt.datetime.min.replace(tzinfo=dt.UTC)


def _item(
    session: Session, user: User, alert: Alert, as_of: dt.date, candidates: dict[str, Candidate | None]
) -> dict[str, Any]:
    """Return what a message says about one alert: the program, the verdict, the score and the why."""
    detail = alert.detail
    item: dict[str, Any] = {
        "alert_kind": alert.kind,
        "program_key": alert.program_key,
        "title": plain_title(str(detail.get("title") or alert.program_key)),
        "organization": detail.get("organization"),
        "url": program_link(alert.program_key, detail.get("url")),
        "window_end": detail.get("window_end"),
        "verdict": alert.verdict,
        "change": detail.get("change"),
        "fields": detail.get("fields", []),
    }
    if alert.program_key not in candidates:
        candidates[alert.program_key] = _candidate(session.get(Program, alert.program_key))
    candidate, profile = candidates[alert.program_key], profile_of(user)
    if candidate is not None and profile is not None:
        found = recommend(profile, [candidate], as_of=as_of, top=1, include_ineligible=True)
        if found:
            match = found[0]
            item |= {"score": match.score, "why": match.explanation, "unknown": list(match.unknown)[:3]}
    return item


def program_link(program_key: str, url: str | None) -> str | None:
    """Return the link to show for a program: its own when safe (source, government or agency domain)."""
    return safe_link(key=program_key, url=url)


def _candidate(program: Program | None) -> Candidate | None:
    if program is None:
        return None
    window = Window(kind=program.window_kind, start=program.window_start, end=program.window_end)
    return Candidate(
        program_id=program.key,
        source_ids=(program.key,),
        title=program.title,
        organization=program.organization,
        url=program.url,
        window=window,
        eligibility=Eligibility.model_validate(program.eligibility or {}),
        needs=tuple(program.needs or ()),
        category=program.category,
        support_types=tuple(program.support_types or ()),
        tokens=(),
        funding=Funding.model_validate(program.funding) if program.funding else None,
        summary=program.summary or "",
    )
