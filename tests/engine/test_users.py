"""The user repository: accounts, contacts, verification, preferences, saved programs, import."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from db.models import Contact, Delivery, Program, User
from engine import choices, users
from engine.domain import Profile
from engine.errors import InvalidInput

NOW = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)
PROFILE = {"status": "operating", "region": "서울", "industry": "I", "employees": 3}


def _program(engine: Engine, key: str = "bizinfo:1") -> str:
    with Session(engine) as s:
        s.add(Program(key=key, source="bizinfo", external_id="1", title="카페 지원", content_hash="x", group_id=key))
        s.commit()
    return key


@pytest.mark.parametrize("raw", ["010-1234-5678", "01012345678", "+82 10-1234-5678", "+821012345678", "010 1234 5678"])
def test_normalize_phone_accepts_usual_korean_forms(raw: str) -> None:
    assert users.normalize_phone(raw) == "01012345678"


@pytest.mark.parametrize("raw", ["02-123-4567", "1234", "010-12-34", "abc"])
def test_normalize_phone_rejects_non_mobile_numbers(raw: str) -> None:
    with pytest.raises(InvalidInput):
        users.normalize_phone(raw)


def test_telegram_user_is_created_once_with_a_verified_contact(engine: Engine) -> None:
    first = users.get_or_create_telegram_user(engine, chat_id=42, display_name="민수", now=NOW)
    again = users.get_or_create_telegram_user(engine, chat_id=42, display_name="민수", now=NOW)
    assert first.id == again.id
    assert first.contacts == (users.ContactView("telegram", "42", True),)
    assert first.profile is None and not first.onboarded


def test_saved_profile_round_trips_and_starts_alerts(engine: Engine) -> None:
    user = users.get_or_create_telegram_user(engine, chat_id=1, display_name=None, now=NOW)
    profile = Profile.model_validate(PROFILE | {"traits": ["woman_owned"], "needs": ["working_capital"]})
    users.save_profile(engine, user_id=user.id, profile=profile, now=NOW)
    stored = users.user_profile(engine, user_id=user.id)
    assert stored is not None and stored.region == "11" and stored.traits == ["woman_owned"]
    view = users.get_user(engine, user_id=user.id)
    assert view is not None and view.onboarded_at == NOW


def test_blocked_user_is_inactive_and_pending_deliveries_dropped(engine: Engine) -> None:
    user = users.get_or_create_telegram_user(engine, chat_id=7, display_name=None, now=NOW)
    with Session(engine) as s:
        s.add(Delivery(user_id=user.id, channel="telegram", address="7", dedupe_key="k"))
        s.commit()
    users.mark_inactive(engine, user_id=user.id, reason="blocked", now=NOW)
    view = users.get_user(engine, user_id=user.id)
    assert view is not None and view.state == "inactive"
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Delivery)).one() == 0
    assert users.get_or_create_telegram_user(engine, chat_id=7, display_name=None, now=NOW).state == "active"


def test_email_verification_accepts_the_mailed_code_only(engine: Engine) -> None:
    user = users.get_or_create_telegram_user(engine, chat_id=3, display_name=None, now=NOW)
    code = users.start_email_verification(
        engine, user_id=user.id, email="Kim@Example.COM", now=NOW, public_url="https://aegis.example"
    )
    with Session(engine) as s:
        mail = s.exec(select(Delivery)).one()
        assert mail.kind == "verification" and mail.address == "Kim@example.com"
        assert mail.payload["code"] == code and code in mail.payload["link"]
        assert s.exec(select(Contact).where(Contact.channel == "email")).one().verify_code_hash != code
    wrong = "000000" if code != "000000" else "111111"
    assert not users.verify_email(engine, user_id=user.id, code=wrong, now=NOW)
    assert not users.verify_email(engine, user_id=user.id, code=code, now=NOW + dt.timedelta(hours=1))
    assert users.verify_email(engine, user_id=user.id, code=code, now=NOW + dt.timedelta(minutes=5))
    assert users.ContactView("email", "Kim@example.com", True) in users.contacts(engine, user_id=user.id)


def test_email_verification_locks_after_five_wrong_codes(engine: Engine) -> None:
    user = users.get_or_create_telegram_user(engine, chat_id=4, display_name=None, now=NOW)
    code = users.start_email_verification(engine, user_id=user.id, email="a@b.kr", now=NOW)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        users.verify_email(engine, user_id=user.id, code=wrong, now=NOW)
    assert not users.verify_email(engine, user_id=user.id, code=code, now=NOW)


def test_alert_preferences_default_then_change(engine: Engine) -> None:
    user = users.get_or_create_telegram_user(engine, chat_id=5, display_name=None, now=NOW)
    assert choices.get_alert_preferences(engine, user_id=user.id) == choices.AlertPrefs()
    choices.set_alert_preferences(engine, user_id=user.id, mode="digest", digest_hour=8, quiet_hours="off")
    prefs = choices.get_alert_preferences(engine, user_id=user.id)
    assert (prefs.mode, prefs.digest_hour, prefs.quiet_hours) == ("digest", 8, "off")
    with pytest.raises(InvalidInput):
        choices.set_alert_preferences(engine, user_id=user.id, quiet_hours="late")


def test_saved_programs_and_feedback(engine: Engine) -> None:
    key = _program(engine)
    user = users.get_or_create_telegram_user(engine, chat_id=6, display_name=None, now=NOW)
    assert choices.save_program(engine, user_id=user.id, program_key=key, now=NOW)
    assert not choices.save_program(engine, user_id=user.id, program_key=key, now=NOW)
    assert [v.program_key for v in choices.saved_programs(engine, user_id=user.id)] == [key]
    choices.add_feedback(engine, user_id=user.id, program_key=key, kind="not_interested", reason="small", now=NOW)
    assert choices.not_interested_keys(engine, user_id=user.id) == {key}
    assert choices.unsave_program(engine, user_id=user.id, program_key=key)
    assert choices.saved_programs(engine, user_id=user.id) == []


def test_delete_user_erases_everything(engine: Engine) -> None:
    key = _program(engine)
    user = users.get_or_create_telegram_user(engine, chat_id=8, display_name=None, now=NOW)
    choices.save_program(engine, user_id=user.id, program_key=key, now=NOW)
    users.start_email_verification(engine, user_id=user.id, email="x@y.kr", now=NOW)
    assert users.delete_user(engine, user_id=user.id)
    with Session(engine) as s:
        for table in (User, Contact, Delivery):
            assert s.exec(select(func.count()).select_from(table)).one() == 0


def _line(**fields: object) -> str:
    return json.dumps({"profile": PROFILE} | fields, ensure_ascii=False)


def test_import_registers_updates_and_rejects_by_line_number(engine: Engine) -> None:
    lines = [
        _line(name="김사장", email="kim@example.com", phone="010-1234-5678"),
        "",
        "{not json",
        _line(telegram_chat_id=99),
        json.dumps({"profile": {"status": "operating"}, "email": "b@example.com"}),
        _line(phone="02-123-4567"),
    ]
    report = users.import_users(engine, lines=lines, now=NOW)
    assert report.as_dict() | {"errors": len(report.errors)} == {
        "received": 5,
        "new": 2,
        "updated": 0,
        "rejected": 3,
        "errors": 3,
    }
    assert [e.split(":")[0] for e in report.errors] == ["line 3", "line 5", "line 6"]
    found = users.find_user(engine, phone="01012345678")
    assert found is not None and found.onboarded_at == NOW and found.display_name == "김사장"
    assert {(c.channel, c.verified) for c in found.contacts} == {("email", True), ("sms", True)}
    assert choices.get_alert_preferences(engine, user_id=found.id) == choices.AlertPrefs()

    again = users.import_users(
        engine, lines=[_line(email="kim@example.com", phone="+82 10-1234-5678").replace('"I"', '"C"')], now=NOW
    )
    assert (again.new, again.updated) == (0, 1)
    profile = users.user_profile(engine, user_id=found.id)
    assert profile is not None and profile.industry == "C"


def test_import_rejects_contacts_of_two_different_users(engine: Engine) -> None:
    users.import_users(engine, lines=[_line(email="a@x.kr"), _line(phone="01011112222")], now=NOW)
    report = users.import_users(engine, lines=[_line(email="a@x.kr", phone="01011112222")], now=NOW)
    assert report.rejected == 1 and "different" in report.errors[0]
