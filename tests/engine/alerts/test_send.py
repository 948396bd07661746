"""Draining the outbox: errors recorded per delivery; SMS accepted by SENS, then reconciled per recipient."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import Delivery
from engine.alerts.outbox import DeliveryView
from engine.alerts.send import drain, reconcile_sms, send_sms_due
from engine.errors import ChannelRejected, ChannelUnavailable
from engine.settings import AlertSettings, SensSettings, Settings
from tests.engine.alerts.conftest import T0
from tests.engine.notify.fake_sens import ACCESS, SECRET, SERVICE, FakeSens, fake_sens

ITEM = {"alert_kind": "new", "title": "스마트상점 기술보급", "window_end": "2026-12-31", "verdict": "eligible"}


def _queue(engine: Engine, channel: str, addresses: list[str], payload: dict[str, object]) -> None:
    with Session(engine) as s:
        for n, address in enumerate(addresses):
            s.add(Delivery(channel=channel, address=address, dedupe_key=f"k{n}", payload=payload, available_at=T0))
        s.commit()


def _statuses(engine: Engine) -> list[tuple[str | None, str, str | None]]:
    with Session(engine) as s:
        rows = s.exec(select(Delivery).order_by(col(Delivery.id)))
        return [(d.address, d.status, d.error_class) for d in rows]


async def test_drain_retries_a_transient_error_and_dead_letters_a_refusal(engine: Engine) -> None:
    _queue(engine, "email", ["ok@x.kr", "later@x.kr", "bounce@x.kr"], {"kind": "alert", "items": [ITEM]})

    async def send(delivery: DeliveryView) -> str:
        if delivery.address == "later@x.kr":
            raise ChannelUnavailable("timeout", channel="email")
        if delivery.address == "bounce@x.kr":
            raise ChannelRejected("550", channel="email")
        return "mid-1"

    report = await drain(engine, channel="email", send=send, alerts=AlertSettings(), worker="w", clock=lambda: T0)
    assert (report.sent, report.retried, report.dead) == (1, 1, 1)
    assert _statuses(engine) == [
        ("ok@x.kr", "sent", None),
        ("later@x.kr", "pending", "ChannelUnavailable"),
        ("bounce@x.kr", "dead", "ChannelRejected"),
    ]


@pytest.fixture
def sens() -> Iterator[FakeSens]:
    with fake_sens() as state:
        yield state


async def test_sms_is_accepted_then_reconciled_per_recipient(engine: Engine, sens: FakeSens) -> None:
    sens.failing.add("01022223333")
    _queue(engine, "sms", ["01011112222", "01022223333"], {"kind": "alert", "items": [ITEM]})
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        sens=SensSettings(
            access_key=SecretStr(ACCESS),
            secret_key=SecretStr(SECRET),
            service_id=SERVICE,
            from_number="0212345678",
            base_url=sens.base_url,
        ),
    )
    clock = lambda: T0  # noqa: E731
    async with httpx.AsyncClient() as client:
        sent = await send_sms_due(settings, engine, client=client, worker="w", clock=clock)
        assert sent.accepted == 2 and len(sens.requests) == 1
        assert [s for _, s, _ in _statuses(engine)] == ["accepted", "accepted"]
        done = await reconcile_sms(settings, engine, client=client, worker="w", clock=clock)
    assert (done.sent, done.dead) == (1, 1)
    assert _statuses(engine) == [("01011112222", "sent", None), ("01022223333", "dead", "SensDeliveryFailed")]
    (body,) = sens.requests.values()
    assert body["messages"][0]["content"].startswith("[이지스] 새로운 지원사업 공고")
    assert dt.date(2026, 12, 31).isoformat() in body["messages"][0]["content"]
