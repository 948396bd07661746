"""The match job: program changes → alert rows, written in the transaction that marks the change processed.

Users are found by reverse matching (SQL filters per condition kind), then judged by the pure matcher:
eligible, or unknown when the user allows 확인 필요. Only users registered before the change hear of it;
a saved program's changes always reach its savers. Reminders (D-7, D-3, D-1) follow saved deadlines.
Every alert has a unique key (user, program, kind, window), so reruns queue nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import Alert, AlertPreference, Feedback, Program, ProgramChange, SavedProgram, User
from db.session import session_scope
from engine.alerts.bulk import insert_rows
from engine.alerts.quiet import next_hour
from engine.domain import Eligibility, Profile, Window
from engine.matching.conditions import verdict_of_checks
from engine.matching.kinds import compile_checks
from engine.matching.window import window_status
from engine.reverse import user_filters

CHANGE_BATCH = 50  # changes per transaction
INSERT_CHUNK = 5000
ALERTING_FIELDS = frozenset({"window", "amount", "conditions"})  # an update worth telling matched users
REMINDER_DAYS = (7, 3, 1)
_PROFILE_COLUMNS = (
    col(User.id),
    col(User.status),
    col(User.region),
    col(User.district),
    col(User.industry),
    col(User.founded_on),
    col(User.employees),
    col(User.annual_revenue_krw),
    col(User.representative_age),
    col(User.traits),
    col(User.needs),
)


@dataclass
class MatchReport:
    """What one run of the match job did."""

    changes: int = 0
    alerts: int = 0


def match_changes(db: Engine, *, now: dt.datetime, as_of: dt.date, limit: int | None = None) -> MatchReport:
    """Turn unprocessed program changes into alerts, a batch per transaction, until none is left."""
    report = MatchReport()
    while limit is None or report.changes < limit:
        with session_scope(db) as session:
            query = (
                select(ProgramChange)
                .where(col(ProgramChange.processed_at).is_(None))
                .order_by(col(ProgramChange.id))
                .limit(CHANGE_BATCH)
                .with_for_update(skip_locked=True)
            )
            changes = list(session.exec(query))
            for change in changes:
                report.alerts += _alerts_for_change(session, change, as_of)
                change.processed_at = now  # the progress mark, committed with the alerts
                session.add(change)
        report.changes += len(changes)
        if len(changes) < CHANGE_BATCH:
            break
    return report


def queue_reminders(db: Engine, *, now: dt.datetime, today: dt.date, hour: int, tz: ZoneInfo) -> int:
    """Queue D-7, D-3 and D-1 reminders of saved programs due today (sent from `hour` local); return how many."""
    ends = {today + dt.timedelta(days=d): d for d in REMINDER_DAYS}
    not_before = next_hour(dt.datetime.combine(today, dt.time(0), tzinfo=tz), hour, tz)
    with session_scope(db) as session:
        rows = session.exec(
            select(SavedProgram.user_id, Program)
            .join(Program, col(Program.key) == col(SavedProgram.program_key))
            .join(User, col(User.id) == col(SavedProgram.user_id))
            .where(col(Program.window_end).in_(list(ends)), col(Program.closed_at).is_(None), User.state == "active")
        ).all()
        alerts = []
        for user_id, program in rows:
            assert program.window_end is not None  # filtered above
            kind = f"reminder_d{ends[program.window_end]}"
            detail = _program_detail(program) | {"not_before": not_before.isoformat()}
            alerts.append(
                _alert(user_id, program.key, kind, "eligible", window=_window_token(program), detail=detail, now=now)
            )
        return _insert(session, alerts)


def _alerts_for_change(session: Session, change: ProgramChange, as_of: dt.date) -> int:
    program = session.get(Program, change.program_key)
    if program is None or (change.kind == "closed" and change.detail.get("reason") == "window passed"):
        return 0  # a deadline simply passing is no news: savers had their D-1 reminder
    head = session.get(Program, program.group_id) or program
    window = Window(kind=head.window_kind, start=head.window_start, end=head.window_end, raw=head.window_raw)
    status = window_status(window, as_of)
    detail = _program_detail(head) | {"change": change.kind, "fields": list(change.fields)}
    token = _window_token(head)
    alerts: dict[int, dict[str, Any]] = {}
    if change.kind != "new":  # a change to a saved program always alerts its savers
        group = select(Program.key).where(Program.group_id == head.group_id)
        savers = session.exec(
            select(SavedProgram.user_id)
            .join(User, col(User.id) == col(SavedProgram.user_id))
            .where(col(SavedProgram.program_key).in_(group), User.state == "active")
        )
        for user_id in savers:
            alerts[user_id] = _alert(
                user_id, head.key, "changed", "eligible", window=token, detail=detail, now=change.created_at
            )
    matched_kind = _matched_kind(change)
    if matched_kind is not None and status != "closed":
        for user_id, verdict in _matching_users(session, head, as_of, registered_before=change.created_at):
            alerts.setdefault(
                user_id,
                _alert(user_id, head.key, matched_kind, verdict, window=token, detail=detail, now=change.created_at),
            )
    return _insert(session, alerts.values())


def _matched_kind(change: ProgramChange) -> str | None:
    if change.kind == "new":
        return "new"
    if change.kind == "reopened" or (change.kind == "updated" and ALERTING_FIELDS & set(change.fields)):
        return "changed"
    return None


def _matching_users(
    session: Session, program: Program, as_of: dt.date, *, registered_before: dt.datetime
) -> list[tuple[int, str]]:
    """Return (user id, verdict) of users the program fits, respecting their strictness and feedback."""
    eligibility = Eligibility.model_validate(program.eligibility or {})
    checks = compile_checks(eligibility)
    filters = [*user_filters(eligibility, as_of), col(User.onboarded_at) < registered_before]
    declined = _declined(session, program.group_id)
    out: list[tuple[int, str]] = []
    for row in session.execute(sa.select(*_PROFILE_COLUMNS).where(*filters)):
        if row.id in declined:
            continue
        profile = Profile.model_construct(
            status=row.status,
            region=row.region,
            district=row.district,
            industry=row.industry,
            founded_on=row.founded_on,
            employees=row.employees,
            annual_revenue_krw=row.annual_revenue_krw,
            representative_age=row.representative_age,
            traits=row.traits,
            needs=row.needs or [],
        )
        verdict = verdict_of_checks(checks, profile, as_of)
        if verdict == "ineligible" or (verdict == "unknown" and row.id in declined.strict):
            continue
        out.append((row.id, verdict))
    return out


class _Declined(set[int]):
    """Users who turned alerts off or said 관심 없음 (a set), and those who want eligible only (`strict`)."""

    strict: set[int]


def _declined(session: Session, group_id: str) -> _Declined:
    declined = _Declined()
    declined.strict = set()
    for user_id, enabled, include_unknown in session.exec(
        select(AlertPreference.user_id, AlertPreference.enabled, AlertPreference.include_unknown).where(
            sa.or_(col(AlertPreference.enabled).is_(False), col(AlertPreference.include_unknown).is_(False))
        )
    ):
        if not enabled:
            declined.add(user_id)
        elif not include_unknown:
            declined.strict.add(user_id)
    group = select(Program.key).where(Program.group_id == group_id)
    declined.update(
        session.exec(
            select(Feedback.user_id).where(Feedback.kind == "not_interested", col(Feedback.program_key).in_(group))
        )
    )
    return declined


def _program_detail(program: Program) -> dict[str, Any]:
    return {
        "title": program.title,
        "organization": program.organization or program.executor,
        "url": program.url,
        "window_kind": program.window_kind,
        "window_end": program.window_end.isoformat() if program.window_end else None,
    }


def _window_token(program: Program) -> str:
    if program.window_kind == "dated":
        return f"{program.window_start or ''}~{program.window_end or ''}"
    return program.window_kind


def _alert(
    user_id: int, program_key: str, kind: str, verdict: str, *, window: str, detail: dict[str, Any], now: dt.datetime
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "program_key": program_key,
        "kind": kind,
        "verdict": verdict,
        "detail": detail,
        "dedupe_key": f"{user_id}:{program_key}:{kind}:{window}"[:300],
        "created_at": now,
    }


def _insert(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """Insert alerts, skipping any whose key exists (a rerun, or a crash after the insert); return how many."""
    batch = list(rows)
    table = Alert.__table__  # type: ignore[attr-defined]
    return sum(
        insert_rows(session, table, batch[start : start + INSERT_CHUNK], unique="dedupe_key")
        for start in range(0, len(batch), INSERT_CHUNK)
    )
