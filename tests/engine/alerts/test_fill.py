"""The outbox fill: batching, digests and quiet hours decide when each delivery becomes due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import Delivery
from engine import choices, users
from engine.alerts.fill import fill_outbox
from engine.alerts.match import match_changes
from engine.alerts.outbox import claim_due
from engine.settings import AlertSettings
from tests.engine.alerts.conftest import AS_OF, T0, add_change, add_program

KST = ZoneInfo("Asia/Seoul")
NIGHT = dt.datetime(2026, 12, 1, 14, 30, tzinfo=dt.UTC)  # 23:30 KST


def _deliveries(engine: Engine) -> list[Delivery]:
    with Session(engine) as s:
        return list(s.exec(select(Delivery).order_by(col(Delivery.id))))


def _run(engine: Engine, now: dt.datetime, quiet: str = "22-08") -> None:
    match_changes(engine, now=now, as_of=AS_OF)
    fill_outbox(engine, now=now, as_of=AS_OF, settings=AlertSettings(quiet_hours=quiet), tz=KST)


def test_immediate_user_gets_one_message_per_program_and_one_batch_for_several(
    engine: Engine, make_user: Callable[..., int]
) -> None:
    make_user(email="kim@example.com")
    add_change(engine, add_program(engine, "bizinfo:A"))
    _run(engine, T0)
    for key in ("bizinfo:B", "bizinfo:C"):
        add_change(engine, add_program(engine, key))
    _run(engine, T0)
    _run(engine, T0)  # a rerun queues nothing
    shape = [(d.channel, d.kind, len(d.payload["items"])) for d in _deliveries(engine)]
    assert shape == [("telegram", "alert", 1), ("email", "alert", 1), ("telegram", "batch", 2), ("email", "batch", 2)]
    item = _deliveries(engine)[0].payload["items"][0]
    assert item["title"] == "소상공인 경영안정자금" and item["url"] == "https://www.bizinfo.go.kr/p/A"
    assert item["score"] > 0 and item["why"]


def test_quiet_hours_hold_messages_until_they_end(engine: Engine, make_user: Callable[..., int]) -> None:
    make_user()
    add_change(engine, add_program(engine), at=NIGHT)
    _run(engine, NIGHT)
    (delivery,) = _deliveries(engine)
    assert delivery.available_at == dt.datetime(2026, 12, 1, 23, 0, tzinfo=dt.UTC)  # 08:00 KST
    assert claim_due(engine, channel="telegram", worker="w", limit=10, now=NIGHT, lease_s=60) == []
    released = claim_due(engine, channel="telegram", worker="w", limit=10, now=delivery.available_at, lease_s=60)
    assert [d.id for d in released] == [delivery.id]


def test_quiet_hours_off_and_a_user_override(engine: Engine, make_user: Callable[..., int]) -> None:
    night_owl = make_user()
    choices.set_alert_preferences(engine, user_id=night_owl, quiet_hours="off")
    make_user()
    add_change(engine, add_program(engine), at=NIGHT)
    _run(engine, NIGHT)
    due = {d.user_id: d.available_at for d in _deliveries(engine)}
    assert due[night_owl] == NIGHT
    assert min(due.values()) == NIGHT and max(due.values()) > NIGHT


def test_digest_batches_a_day_of_matches_into_one_message_at_the_users_hour(
    engine: Engine, make_user: Callable[..., int]
) -> None:
    user = make_user()
    choices.set_alert_preferences(engine, user_id=user, mode="digest", digest_hour=18)
    for n, key in enumerate(("bizinfo:A", "bizinfo:B", "bizinfo:C")):
        at = T0 + dt.timedelta(hours=n)
        add_change(engine, add_program(engine, key), at=at)
        _run(engine, at)
    (digest,) = _deliveries(engine)
    assert digest.kind == "digest" and len(digest.payload["items"]) == 3
    assert digest.available_at == dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # 18:00 KST
    assert digest.dedupe_key == "digest:2026-12-01"


def test_digest_already_sent_today_starts_tomorrows(engine: Engine, make_user: Callable[..., int]) -> None:
    user = make_user()
    choices.set_alert_preferences(engine, user_id=user, mode="digest", digest_hour=11)
    add_change(engine, add_program(engine, "bizinfo:A"))
    _run(engine, T0)  # 10:00 KST → today's 11:00 digest
    noon = T0 + dt.timedelta(hours=1)
    (sent,) = claim_due(engine, channel="telegram", worker="w", limit=1, now=noon, lease_s=60)
    add_change(engine, add_program(engine, "bizinfo:B"), at=noon)
    _run(engine, noon)
    keys = [d.dedupe_key for d in _deliveries(engine)]
    assert keys == ["digest:2026-12-01", "digest:2026-12-02"] and sent.dedupe_key == keys[0]


def test_users_without_a_verified_channel_or_inactive_get_nothing(
    engine: Engine, make_user: Callable[..., int]
) -> None:
    make_user(telegram=False)
    gone = make_user()
    users.mark_inactive(engine, user_id=gone, reason="blocked", now=T0)
    add_change(engine, add_program(engine))
    _run(engine, T0)
    assert _deliveries(engine) == []
