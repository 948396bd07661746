"""What a user chose: alert preferences, saved programs and feedback on programs.

Keyword-only functions over the DB engine, each its own transaction, returning plain dataclasses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db.models import AlertPreference, Feedback, Program, SavedProgram
from db.session import session_scope
from engine.errors import InvalidInput
from engine.users import CHANNELS, require_user

_PREF_FIELDS = frozenset({"enabled", "mode", "digest_hour", "quiet_hours", "include_unknown", "channels"})
_QUIET = re.compile(r"^(?:off|([01]?\d|2[0-3])-([01]?\d|2[0-3]))$")


@dataclass(frozen=True)
class AlertPrefs:
    """How and when a user wants alerts (defaults when the user never chose)."""

    enabled: bool = True
    mode: str = "immediate"  # immediate | digest
    digest_hour: int = 9
    quiet_hours: str | None = None  # None = the setting's default
    include_unknown: bool = True
    channels: tuple[str, ...] | None = None  # None = every verified contact


@dataclass(frozen=True)
class SavedView:
    """A saved program with what a list needs to show it."""

    program_key: str
    title: str
    window_end: dt.date | None
    saved_at: dt.datetime


def get_alert_preferences(db: Engine, *, user_id: int) -> AlertPrefs:
    """Return a user's alert preferences (the defaults when never set)."""
    with session_scope(db) as session:
        return prefs_view(session.get(AlertPreference, user_id))


def set_alert_preferences(db: Engine, *, user_id: int, now: dt.datetime | None = None, **fields: Any) -> AlertPrefs:
    """Change some alert preferences (enabled, mode, digest_hour, quiet_hours, include_unknown, channels)."""
    unknown = set(fields) - _PREF_FIELDS
    if unknown:
        raise InvalidInput(f"unknown alert preference: {', '.join(sorted(unknown))}")
    _check_prefs(fields)
    with session_scope(db) as session:
        require_user(session, user_id)
        pref = session.get(AlertPreference, user_id) or AlertPreference(user_id=user_id)
        for name, value in fields.items():
            setattr(pref, name, list(value) if name == "channels" and value is not None else value)
        pref.updated_at = now or dt.datetime.now(dt.UTC)
        session.add(pref)
        session.flush()
        return prefs_view(pref)


# --- saved programs and feedback ------------------------------------------------------------------


def save_program(db: Engine, *, user_id: int, program_key: str, now: dt.datetime) -> bool:
    """Save a program for a user (reminders and change alerts follow it); return whether it was new."""
    with session_scope(db) as session:
        require_user(session, user_id)
        if session.get(Program, program_key) is None:
            raise InvalidInput(f"unknown program: {program_key}", user_message="공고를 찾을 수 없어요.")
        if session.get(SavedProgram, (user_id, program_key)) is not None:
            return False
        session.add(SavedProgram(user_id=user_id, program_key=program_key, saved_at=now))
        return True


def unsave_program(db: Engine, *, user_id: int, program_key: str) -> bool:
    """Forget a saved program; return whether it was saved."""
    with session_scope(db) as session:
        row = session.get(SavedProgram, (user_id, program_key))
        if row is None:
            return False
        session.delete(row)
        return True


def saved_programs(db: Engine, *, user_id: int) -> list[SavedView]:
    """Return a user's saved programs, the nearest deadline first."""
    with session_scope(db) as session:
        rows = session.exec(
            select(SavedProgram, Program)
            .join(Program, col(Program.key) == col(SavedProgram.program_key))
            .where(SavedProgram.user_id == user_id)
        ).all()
    views = [SavedView(p.key, p.title, p.window_end, s.saved_at) for s, p in rows]
    return sorted(views, key=lambda v: (v.window_end or dt.date.max, v.title))


def add_feedback(
    db: Engine,
    *,
    user_id: int,
    program_key: str,
    kind: str,
    reason: str | None = None,
    now: dt.datetime,
    comment: str | None = None,
) -> None:
    """Record a reaction to a program (up | down | not_interested, with an optional reason)."""
    if kind not in ("up", "down", "not_interested"):
        raise InvalidInput(f"unknown feedback kind: {kind!r}")
    if reason is not None and reason not in ("industry", "received", "small", "other"):
        raise InvalidInput(f"unknown feedback reason: {reason!r}")
    with session_scope(db) as session:
        require_user(session, user_id)
        session.add(
            Feedback(
                user_id=user_id, program_key=program_key, kind=kind, reason=reason, comment=comment, created_at=now
            )
        )


def not_interested_keys(db: Engine, *, user_id: int) -> set[str]:
    """Return the programs a user said they are not interested in (left out of alerts and lists)."""
    with session_scope(db) as session:
        rows = session.exec(
            select(Feedback.program_key).where(Feedback.user_id == user_id, Feedback.kind == "not_interested")
        )
        return set(rows)


def prefs_view(pref: AlertPreference | None) -> AlertPrefs:
    """Return a stored preference row as the plain view (the defaults when there is none)."""
    if pref is None:
        return AlertPrefs()
    return AlertPrefs(
        enabled=pref.enabled,
        mode=pref.mode,
        digest_hour=pref.digest_hour,
        quiet_hours=pref.quiet_hours,
        include_unknown=pref.include_unknown,
        channels=tuple(pref.channels) if pref.channels is not None else None,
    )


def _check_prefs(fields: dict[str, Any]) -> None:
    if "mode" in fields and fields["mode"] not in ("immediate", "digest"):
        raise InvalidInput(f"unknown alert mode: {fields['mode']!r}")
    if "digest_hour" in fields and not (isinstance(fields["digest_hour"], int) and 0 <= fields["digest_hour"] <= 23):
        raise InvalidInput(f"digest hour must be 0-23: {fields['digest_hour']!r}")
    quiet = fields.get("quiet_hours")
    if quiet is not None and not _QUIET.match(str(quiet)):
        raise InvalidInput(f"quiet hours must be 'HH-HH' or 'off': {quiet!r}")
    channels = fields.get("channels")
    if channels is not None and any(c not in CHANNELS for c in channels):
        raise InvalidInput(f"unknown channel in {channels!r}")
