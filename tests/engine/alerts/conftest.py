"""Builders for alert tests: programs, change events and users on the per-test SQLite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.models import Program, ProgramChange
from engine import users
from engine.domain import Profile

T0 = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # 10:00 KST: not quiet
AS_OF = dt.date(2026, 12, 1)


def add_program(
    engine: Engine, key: str = "bizinfo:P1", *, eligibility: dict[str, Any] | None = None, **fields: Any
) -> str:
    """Store a program (open until the end of December unless told otherwise)."""
    values: dict[str, Any] = {
        "key": key,
        "source": key.split(":", maxsplit=1)[0],
        "external_id": key.split(":")[1],
        "title": "소상공인 경영안정자금",
        "organization": "소상공인시장진흥공단",
        "url": f"https://www.bizinfo.go.kr/p/{key.split(':')[1]}",
        "window_kind": "dated",
        "window_start": dt.date(2026, 11, 20),
        "window_end": dt.date(2026, 12, 31),
        "eligibility": eligibility or {},
        "content_hash": "h",
        "group_id": key,
    } | fields
    with Session(engine) as s:
        s.add(Program(**values))
        s.commit()
    return key


def add_change(
    engine: Engine, key: str, *, kind: str = "new", at: dt.datetime = T0, fields: list[str] | None = None
) -> None:
    """Record a change event as ingest does."""
    with Session(engine) as s:
        s.add(ProgramChange(program_key=key, kind=kind, fields=fields or [], created_at=at))
        s.commit()


@pytest.fixture
def make_user(engine: Engine) -> Callable[..., int]:
    """Create an onboarded user with a Telegram chat (and optional email/phone); return the id."""
    counter = iter(range(1000, 100000))

    def build(
        *,
        region: str = "서울",
        onboarded: dt.datetime = T0 - dt.timedelta(days=1),
        email: str | None = None,
        phone: str | None = None,
        telegram: bool = True,
        **profile: Any,
    ) -> int:
        chat_id = next(counter)
        user = users.get_or_create_telegram_user(engine, chat_id=chat_id, display_name=None, now=onboarded)
        if not telegram:
            users.remove_contact(engine, user_id=user.id, channel="telegram")
        prof = Profile.model_validate({"status": "operating", "region": region} | profile)
        users.save_profile(engine, user_id=user.id, profile=prof, now=onboarded)
        if email:
            users.add_contact(engine, user_id=user.id, channel="email", address=email, verified=True, now=onboarded)
        if phone:
            users.add_contact(engine, user_id=user.id, channel="sms", address=phone, verified=True, now=onboarded)
        return user.id

    return build
