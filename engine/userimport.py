"""Import of users an operator onboarded (JSON Lines or CSV): one user a line, idempotent by contact.

Each line is checked on its own and lands in its own savepoint, so a bad line is rejected with its
number while the rest land. Contacts given become verified channels; alerts start from the import.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.models import AlertPreference, User
from db.session import session_scope
from engine.domain import Profile
from engine.errors import InvalidInput
from engine.inputs import load_json
from engine.users import (
    ImportReport,
    _apply_profile,
    _find,
    _id,
    _upsert_contact,
    normalize_email,
    normalize_phone,
)

CSV_COLUMNS = ("name", "telegram_chat_id", "email", "phone")


@dataclass(frozen=True)
class ImportLine:
    """One validated line: who the user is and how to reach them."""

    name: str | None
    profile: Profile
    telegram_chat_id: int | None
    email: str | None
    phone: str | None


def parse_line(text: str) -> ImportLine:
    """Validate one JSON line; raise InvalidInput saying what is wrong."""
    data = load_json(text.encode("utf-8"), what="이 줄")  # bounded nesting: a hostile line is one rejection
    if not isinstance(data, dict):
        raise InvalidInput("not a JSON object")
    return parse_record(data)


def parse_record(data: dict[str, Any]) -> ImportLine:
    """Validate one user record (profile and contacts)."""
    from engine.inputs import parse_profile

    if "profile" not in data:
        raise InvalidInput("missing profile")
    profile = parse_profile(data["profile"])
    chat_id = data.get("telegram_chat_id")
    if chat_id is not None and (isinstance(chat_id, bool) or not isinstance(chat_id, int)):
        raise InvalidInput(f"invalid telegram_chat_id: {chat_id!r}")
    email = _text(data, "email")
    phone = _text(data, "phone")
    if chat_id is None and email is None and phone is None:
        raise InvalidInput("no contact: give telegram_chat_id, email or phone")
    name = _text(data, "name")
    return ImportLine(
        name=name,
        profile=profile,
        telegram_chat_id=chat_id,
        email=normalize_email(email) if email else None,
        phone=normalize_phone(phone) if phone else None,
    )


def csv_to_lines(text: str) -> list[str]:
    """Turn CSV (name, telegram_chat_id, email, phone and the profile's fields as columns) into JSON lines."""
    lines: list[str] = []
    for row in csv.DictReader(text.splitlines()):
        record: dict[str, Any] = {}
        profile: dict[str, Any] = {}
        for key, cell in row.items():
            value = (cell or "").strip()
            if not key or not value:
                continue
            if key in CSV_COLUMNS:
                record[key] = int(value) if key == "telegram_chat_id" and value.lstrip("-").isdigit() else value
            elif key in ("traits", "needs"):
                profile[key] = [v.strip() for v in value.split(";") if v.strip()]
            elif key in ("employees", "annual_revenue_krw", "representative_age") and value.isdigit():
                profile[key] = int(value)
            else:
                profile[key] = value
        record["profile"] = profile
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def import_lines(db: Engine, *, lines: Iterable[str], now: dt.datetime) -> ImportReport:
    """Register or update one user per line; bad lines are reported by number, the rest land."""
    report = ImportReport()
    with session_scope(db) as session:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            report.received += 1
            try:
                line = parse_line(text)
                with session.begin_nested():
                    created = _apply(session, line, now)
            except InvalidInput as exc:
                report.rejected += 1
                report.errors.append(f"line {number}: {exc}")
                continue
            if created:
                report.new += 1
            else:
                report.updated += 1
    return report


def _apply(session: Session, line: ImportLine, now: dt.datetime) -> bool:
    """Create or update the user of one line; return whether it was created."""
    found = {
        _id(user)
        for user in (
            _find(session, line.telegram_chat_id, None, None) if line.telegram_chat_id is not None else None,
            _find(session, None, line.email, None) if line.email else None,
            _find(session, None, None, line.phone) if line.phone else None,
        )
        if user is not None
    }
    if len(found) > 1:
        raise InvalidInput("contacts belong to different existing users")
    user = session.get(User, found.pop()) if found else None
    created = user is None
    if user is None:
        user = User(source="import", created_at=now, telegram_chat_id=line.telegram_chat_id)
        session.add(user)
    elif line.telegram_chat_id is not None:
        user.telegram_chat_id = line.telegram_chat_id
    _apply_profile(user, line.profile)
    if line.name:
        user.display_name = line.name
    user.state = "active"
    user.consented_at = user.consented_at or now  # consent is on file with the operator
    user.onboarded_at = user.onboarded_at or now
    user.updated_at = now
    session.flush()
    user_id = _id(user)
    if line.telegram_chat_id is not None:
        _upsert_contact(session, user_id, "telegram", str(line.telegram_chat_id), verified=True, now=now)
    if line.email:
        _upsert_contact(session, user_id, "email", line.email, verified=True, now=now)
    if line.phone:
        _upsert_contact(session, user_id, "sms", line.phone, verified=True, now=now)
    if session.get(AlertPreference, user_id) is None:
        session.add(
            AlertPreference(user_id=user_id, enabled=True, mode="immediate", include_unknown=True, updated_at=now)
        )
    session.flush()
    return created


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"invalid {key}: {value!r}")
    return value
