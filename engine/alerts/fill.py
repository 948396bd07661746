"""The outbox fill: queued alerts → one delivery per user and channel, respecting mode and quiet hours.

Immediate users get one message per program, several at once batched into one; digest users get one
message a day at their hour (alerts arriving before it is sent join it). Quiet hours (the setting, or
the user's own, or "off") move `available_at` to when they end. Alerts are marked queued in the same
transaction that writes their deliveries, and a delivery's key is unique per user and channel.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import Alert, AlertPreference, Contact, Delivery, Program, User
from db.session import session_scope
from engine.alerts.bulk import in_ids, insert_rows
from engine.alerts.quiet import next_hour, parse_quiet, release_time
from engine.choices import AlertPrefs, prefs_view
from engine.domain import Profile
from engine.links import plain_title, safe_link
from engine.matching import Candidate
from engine.matching.ranking import recommend
from engine.programs import candidate_from_rows
from engine.settings import AlertSettings
from engine.users import profile_of

USERS_PER_BATCH = 500
MAX_ITEMS = 20  # per message; a longer digest says how many more
DEFAULT_PREFS = AlertPrefs()
_DELIVERIES = Delivery.__table__  # type: ignore[attr-defined]
_ALERTS = Alert.__table__  # type: ignore[attr-defined]
_ALERT_COLUMNS = [
    _ALERTS.c[name] for name in ("id", "user_id", "program_key", "kind", "verdict", "detail", "queued_at")
]
AlertRow = Any  # a row of _ALERT_COLUMNS (attribute access by column name)
UserRow = Any  # a row of the users table
ContactRow = Any  # (user_id, channel, address) of a verified contact


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
    with session_scope(db) as session:  # one pass over the queue; then each batch reads by user id
        waiting = sorted(set(session.exec(select(Alert.user_id).where(col(Alert.queued_at).is_(None)))))
    for start in range(0, len(waiting), USERS_PER_BATCH):
        user_ids = waiting[start : start + USERS_PER_BATCH]
        with session_scope(db) as session:
            alerts: dict[int, list[AlertRow]] = defaultdict(list)
            for alert in session.execute(  # plain rows: ORM objects cost more than the rest of the fill
                sa.select(*_ALERT_COLUMNS).where(in_ids(session, _ALERTS.c.user_id, user_ids)).order_by(_ALERTS.c.id)
            ):
                if alert.queued_at is None:  # filtered here: the index on user_id is the one to use
                    alerts[alert.user_id].append(alert)
            batch = _Batch.load(session, user_ids)
            for user_id, pending in alerts.items():
                _fill_user(session, batch, user_id, pending, run)
            insert_rows(session, _DELIVERIES, batch.rows)
            alert_ids = [a.id for pending in alerts.values() for a in pending if a.id is not None]
            session.execute(
                sa.update(_ALERTS).where(in_ids(session, _ALERTS.c.id, alert_ids)).values(queued_at=now),
                execution_options={"synchronize_session": False},
            )
            report.deliveries += len(batch.rows) + batch.merged
            report.alerts += len(alert_ids)
    return report


@dataclass
class _Batch:
    """One batch of users, loaded in three queries, and the delivery rows to insert for them."""

    users: dict[int, UserRow]
    prefs: dict[int, AlertPrefs]
    contacts: dict[int, list[ContactRow]]
    rows: list[dict[str, Any]] = field(default_factory=list)
    merged: int = 0

    @classmethod
    def load(cls, session: Session, user_ids: list[int]) -> _Batch:
        users_table = User.__table__  # type: ignore[attr-defined]
        users = {  # plain rows: ORM objects would cost more than the rest of the fill
            row.id: row
            for row in session.execute(sa.select(users_table).where(in_ids(session, users_table.c.id, user_ids)))
        }
        prefs = {
            p.user_id: prefs_view(p)
            for p in session.exec(
                select(AlertPreference).where(in_ids(session, col(AlertPreference.user_id), user_ids))
            )
        }
        contacts: dict[int, list[ContactRow]] = defaultdict(list)
        table = Contact.__table__  # type: ignore[attr-defined]
        for contact in session.execute(
            sa.select(table.c.user_id, table.c.channel, table.c.address)
            .where(in_ids(session, table.c.user_id, user_ids), table.c.verified.is_(True))
            .order_by(table.c.id)
        ):
            contacts[contact.user_id].append(contact)
        return cls(users=users, prefs=prefs, contacts=contacts)


def _fill_user(session: Session, batch: _Batch, user_id: int, alerts: list[AlertRow], run: _Run) -> None:
    now, tz = run.now, run.tz
    user = batch.users.get(user_id)
    pref = batch.prefs.get(user_id, DEFAULT_PREFS)
    if user is None or user.state != "active" or not pref.enabled:
        return
    contacts = [c for c in batch.contacts.get(user_id, []) if pref.channels is None or c.channel in pref.channels]
    if not contacts:
        return
    # The ranking's score and reasons (a few ms a user) are what the mail's top 3 show; a Telegram or SMS
    # alert names the program, deadline and verdict, so a large fan-out over those channels stays fast.
    profile = profile_of(user) if any(c.channel == "email" for c in contacts) else None
    items = [_item(session, profile, alert, run.as_of, run.candidates) for alert in alerts]
    quiet = parse_quiet(pref.quiet_hours if pref.quiet_hours is not None else run.settings.quiet_hours)
    not_before = max([now, *(_not_before(alert) for alert in alerts)])
    for contact in contacts:
        if pref.mode == "digest":
            batch.merged += _add_to_digest(session, contact, items, run, hour=pref.digest_hour, quiet=quiet)
            continue
        kind = "alert" if len(items) == 1 else "batch"
        if all(i["alert_kind"].startswith("reminder") for i in items):
            kind = "reminder"
        # The alerts are marked queued in this transaction, so a key made of their ids is new.
        ids = ",".join(str(a.id) for a in alerts)
        key = f"alerts:{hashlib.sha1(ids.encode()).hexdigest()[:20]}"
        payload = {"kind": kind, "items": items[:MAX_ITEMS], "more": max(len(items) - MAX_ITEMS, 0)}
        batch.rows.append(_row(contact, kind, key, payload, available=release_time(not_before, quiet, tz), now=now))


def _add_to_digest(
    session: Session,
    contact: ContactRow,
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
            row = _row(contact, "digest", key, payload, available=release_time(at, quiet, tz), now=now)
            session.add(Delivery(**row))
            session.flush()  # a second channel or a later user in this batch finds it
            return 1
        if existing.status == "pending" and existing.lease_owner is None:
            old = list(existing.payload.get("items", []))
            merged = old + items
            existing.payload = {"kind": "digest", "items": merged[:MAX_ITEMS], "more": max(len(merged) - MAX_ITEMS, 0)}
            session.add(existing)
            return 0
        at += dt.timedelta(days=1)
    return 0


def _row(
    contact: ContactRow, kind: str, key: str, payload: dict[str, Any], *, available: dt.datetime, now: dt.datetime
) -> dict[str, Any]:
    return {
        "user_id": contact.user_id,
        "channel": contact.channel,
        "address": contact.address,
        "kind": kind,
        "dedupe_key": key,
        "payload": payload,
        "status": "pending",
        "available_at": available,
        "attempts": 0,
        "created_at": now,
    }


def _not_before(alert: AlertRow) -> dt.datetime:
    raw = alert.detail.get("not_before")
    return dt.datetime.fromisoformat(raw) if raw else dt.datetime.min.replace(tzinfo=dt.UTC)


@functools.lru_cache(maxsize=4096)
def _base_item(program_key: str, title: str, url: str | None) -> dict[str, Any]:
    """Return the program's key, plain title and safe link (the same for every user alerted about it)."""
    return {
        "program_key": program_key,
        "title": plain_title(title or program_key),
        "url": safe_link(key=program_key, url=url),
    }


def _item(
    session: Session, profile: Profile | None, alert: AlertRow, as_of: dt.date, candidates: dict[str, Candidate | None]
) -> dict[str, Any]:
    """Return what a message says about one alert: the program, the verdict, the score and the why."""
    detail = alert.detail
    item = dict(_base_item(alert.program_key, str(detail.get("title") or ""), detail.get("url")))
    item |= {
        "alert_kind": alert.kind,
        "organization": detail.get("organization"),
        "window_end": detail.get("window_end"),
        "verdict": alert.verdict,
        "change": detail.get("change"),
        "fields": detail.get("fields", []),
    }
    if alert.program_key not in candidates:
        program = session.get(Program, alert.program_key)
        candidates[alert.program_key] = candidate_from_rows([program]) if program is not None else None
    candidate = candidates[alert.program_key]
    if candidate is not None and profile is not None:
        found = recommend(profile, [candidate], as_of=as_of, top=1, include_ineligible=True)
        if found:
            match = found[0]
            item |= {"score": match.score, "why": match.explanation, "unknown": list(match.unknown)[:3]}
    return item
