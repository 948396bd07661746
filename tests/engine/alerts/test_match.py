"""The match job: changes → alerts for the users a program fits, once, after they registered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import Alert, ProgramChange
from engine import choices
from engine.alerts.match import match_changes, queue_reminders
from tests.engine.alerts.conftest import AS_OF, T0, add_change, add_program

SEOUL_SMALL = {"regions": ["11"], "employees_max": {"n": 5, "inclusive": False}}
KST = ZoneInfo("Asia/Seoul")


def _alerts(engine: Engine) -> list[tuple[int, str, str]]:
    with Session(engine) as s:
        return [(a.user_id, a.kind, a.verdict) for a in s.exec(select(Alert).order_by(col(Alert.user_id)))]


def test_new_program_alerts_fitting_users_with_their_verdict(engine: Engine, make_user: Callable[..., int]) -> None:
    fits = make_user(employees=3)
    unknown = make_user()  # employees not given: 확인 필요
    strict = make_user()
    choices.set_alert_preferences(engine, user_id=strict, include_unknown=False)
    elsewhere = make_user(region="부산", employees=3)
    too_big = make_user(employees=9)
    add_change(engine, add_program(engine, eligibility=SEOUL_SMALL))

    report = match_changes(engine, now=T0, as_of=AS_OF)

    assert (report.changes, report.alerts) == (1, 2)
    assert _alerts(engine) == [(fits, "new", "eligible"), (unknown, "new", "unknown")]
    assert {elsewhere, too_big, strict}.isdisjoint({a[0] for a in _alerts(engine)})
    with Session(engine) as s:
        assert s.exec(select(ProgramChange)).one().processed_at == T0


def test_rerun_and_a_repeated_change_queue_nothing_twice(engine: Engine, make_user: Callable[..., int]) -> None:
    make_user(employees=1)
    key = add_program(engine, eligibility=SEOUL_SMALL)
    add_change(engine, key)
    match_changes(engine, now=T0, as_of=AS_OF)
    assert match_changes(engine, now=T0, as_of=AS_OF).changes == 0
    add_change(engine, key)  # the same program reported new again (e.g. an import re-run elsewhere)
    assert match_changes(engine, now=T0, as_of=AS_OF).alerts == 0
    assert len(_alerts(engine)) == 1


def test_users_registered_after_the_change_are_not_alerted(engine: Engine, make_user: Callable[..., int]) -> None:
    make_user(employees=1, onboarded=T0 + dt.timedelta(minutes=1))
    add_change(engine, add_program(engine, eligibility=SEOUL_SMALL))
    assert match_changes(engine, now=T0, as_of=AS_OF).alerts == 0


def test_not_interested_and_disabled_users_are_skipped(engine: Engine, make_user: Callable[..., int]) -> None:
    key = add_program(engine)
    declined = make_user()
    choices.add_feedback(engine, user_id=declined, program_key=key, kind="not_interested", now=T0)
    off = make_user()
    choices.set_alert_preferences(engine, user_id=off, enabled=False)
    add_change(engine, key)
    assert match_changes(engine, now=T0, as_of=AS_OF).alerts == 0


def test_change_to_a_saved_program_always_alerts_its_savers(engine: Engine, make_user: Callable[..., int]) -> None:
    key = add_program(engine, eligibility=SEOUL_SMALL)
    saver = make_user(region="부산")  # does not fit, saved it anyway
    choices.save_program(engine, user_id=saver, program_key=key, now=T0)
    add_change(engine, key, kind="updated", fields=["content"])
    add_change(engine, key, kind="closed", at=T0 + dt.timedelta(hours=1))
    match_changes(engine, now=T0, as_of=AS_OF)
    assert _alerts(engine) == [(saver, "changed", "eligible")]  # one key per window: the close does not repeat


def test_deadline_change_alerts_matched_users_again(engine: Engine, make_user: Callable[..., int]) -> None:
    user = make_user(employees=2)
    key = add_program(engine, eligibility=SEOUL_SMALL)
    add_change(engine, key)
    match_changes(engine, now=T0, as_of=AS_OF)
    with Session(engine) as s:
        from db.models import Program

        program = s.get(Program, key)
        assert program is not None
        program.window_end = dt.date(2027, 1, 15)
        s.add(program)
        s.commit()
    add_change(engine, key, kind="updated", fields=["window"], at=T0 + dt.timedelta(days=1))
    match_changes(engine, now=T0, as_of=AS_OF)
    assert _alerts(engine) == [(user, "new", "eligible"), (user, "changed", "eligible")]


def test_reminders_follow_saved_deadlines_once(engine: Engine, make_user: Callable[..., int]) -> None:
    user = make_user()
    soon = add_program(engine, "bizinfo:P3", window_end=AS_OF + dt.timedelta(days=3))
    later = add_program(engine, "bizinfo:P4", window_end=AS_OF + dt.timedelta(days=5))
    for key in (soon, later):
        choices.save_program(engine, user_id=user, program_key=key, now=T0)
    assert queue_reminders(engine, now=T0, today=AS_OF, hour=9, tz=KST) == 1
    assert queue_reminders(engine, now=T0, today=AS_OF, hour=9, tz=KST) == 0
    with Session(engine) as s:
        alert = s.exec(select(Alert)).one()
    assert (alert.kind, alert.program_key) == ("reminder_d3", soon)
    assert alert.detail["not_before"] == "2026-12-01T00:00:00+00:00"  # 09:00 KST


def test_a_deadline_simply_passing_does_not_alert_savers(engine: Engine, make_user: Callable[..., int]) -> None:
    key = add_program(engine)
    saver = make_user()
    choices.save_program(engine, user_id=saver, program_key=key, now=T0)
    with Session(engine) as s:
        s.add(ProgramChange(program_key=key, kind="closed", fields=["window"], detail={"reason": "window passed"}))
        s.commit()
    assert match_changes(engine, now=T0, as_of=AS_OF).alerts == 0
