"""Integration health: the status gauge, and ONE operator alert when an outage begins and one when it ends."""

from __future__ import annotations

import datetime as dt

import pytest
from ops_fakes import FakeHttp
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.models import Delivery, IntegrationStatus
from engine.app import Aegis
from engine.ops.doctor import Check
from engine.ops.health import integration_health
from engine.settings import Settings

T0 = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)
DOWN = Check(name="bizinfo", ok=False, detail="기업마당: HTTP 503 서버 오류 (잠시 후 다시 확인)")
UP = Check(name="bizinfo", ok=True, detail="기업마당 API 응답")


def _core(engine: Engine, monkeypatch: pytest.MonkeyPatch, **env: str) -> Aegis:
    monkeypatch.setenv("AEGIS_OPERATORS__TELEGRAM_CHAT_IDS", "111,222")
    monkeypatch.setenv("AEGIS_OPERATORS__EMAILS", "ops@example.com")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Aegis(settings=Settings(_env_file=None), db=engine)


def _deliveries(engine: Engine) -> list[Delivery]:
    with Session(engine) as session:
        return list(session.exec(select(Delivery).order_by(Delivery.id)).all())  # type: ignore[arg-type]


def test_an_outage_alerts_each_operator_once_and_the_recovery_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    core = _core(engine, monkeypatch)
    registry = CollectorRegistry()
    for minute in range(0, 20, 5):  # four failed checks in a row
        integration_health(core, now=T0 + dt.timedelta(minutes=minute), registry=registry, checks=[DOWN])
    down = _deliveries(engine)
    assert [(d.channel, d.address) for d in down] == [("telegram", "111"), ("telegram", "222")]  # no SMTP: no mail
    assert all(d.kind == "ops" and "장애: bizinfo" in d.payload["text"] for d in down)
    assert "HTTP 503" in down[0].payload["text"]
    assert registry.get_sample_value("external_service_status", {"service_name": "bizinfo"}) == 0
    integration_health(core, now=T0 + dt.timedelta(minutes=25), registry=registry, checks=[UP])
    integration_health(core, now=T0 + dt.timedelta(minutes=30), registry=registry, checks=[UP])
    recovered = _deliveries(engine)[2:]
    assert len(recovered) == 2
    assert "복구: bizinfo" in recovered[0].payload["text"] and "장애 25분" in recovered[0].payload["text"]
    assert registry.get_sample_value("external_service_status", {"service_name": "bizinfo"}) == 1


def test_a_healthy_first_check_alerts_nobody(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    core = _core(engine, monkeypatch)
    integration_health(core, now=T0, registry=CollectorRegistry(), checks=[UP])
    assert _deliveries(engine) == []
    with Session(engine) as session:
        row = session.get(IntegrationStatus, "bizinfo")
        assert row is not None and row.ok


def test_operators_get_mail_too_when_smtp_is_configured(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    core = _core(engine, monkeypatch, AEGIS_SMTP__HOST="127.0.0.1", AEGIS_SMTP__FROM="aegis@example.com")
    integration_health(core, now=T0, registry=CollectorRegistry(), checks=[DOWN])
    assert sorted(d.channel for d in _deliveries(engine)) == ["email", "telegram", "telegram"]


def test_unconfigured_integrations_are_not_recorded(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    core = _core(engine, monkeypatch)
    off = Check(name="sens", ok=True, detail="설정 안 됨", configured=False)
    summary = integration_health(core, now=T0, registry=CollectorRegistry(), checks=[off])
    assert summary == {"checked": 0, "down": [], "changed": []}
    with Session(engine) as session:
        assert session.get(IntegrationStatus, "sens") is None


def test_health_job_runs_the_real_checks(engine: Engine, monkeypatch: pytest.MonkeyPatch, fake_http: FakeHttp) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("AEGIS_"):
            monkeypatch.delenv(name)
    fake_http.on("/bot", 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    core = _core(
        engine,
        monkeypatch,
        AEGIS_TELEGRAM__BOT_TOKEN="123:health-marker",
        AEGIS_TELEGRAM__BASE_URL=f"{fake_http.url}/bot",
        AEGIS_DATABASE_URL="sqlite://",
    )
    summary = integration_health(core, now=T0, registry=CollectorRegistry())
    assert "telegram" in summary["down"]
    assert all("health-marker" not in d.payload["text"] for d in _deliveries(engine))


def test_operator_alert_renders_for_telegram_and_mail(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.alerts.render import render_email, render_telegram

    core = _core(engine, monkeypatch, AEGIS_SMTP__HOST="127.0.0.1", AEGIS_SMTP__FROM="aegis@example.com")
    integration_health(core, now=T0, registry=CollectorRegistry(), checks=[DOWN])
    by_channel = {d.channel: d.payload for d in _deliveries(engine)}
    text, buttons = render_telegram(by_channel["telegram"])
    assert "장애: bizinfo" in text and buttons == []
    mail = render_email(by_channel["email"])
    assert mail.subject == "[이지스] 장애: bizinfo"
    assert "HTTP 503" in mail.text and "<br>" in mail.html


def test_a_source_failing_on_its_key_or_format_alerts_once_and_recovers(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db.models import CollectionRun
    from engine.ops.health import collection_checks

    core = _core(engine, monkeypatch)
    with Session(engine) as session:
        session.add(CollectionRun(source="kstartup", status="ok", started_at=T0))
        session.add(CollectionRun(source="bizinfo", status="failed", error_class="SourceUnavailable", started_at=T0))
        session.add(CollectionRun(source="gov24", status="failed", error_class="SourceFormatError", started_at=T0))
        session.add(CollectionRun(source="gov24", mode="import", status="ok", started_at=T0))  # a file: not live
        session.commit()
    checks = {c.name: c for c in collection_checks(engine)}
    assert checks["collect:kstartup"].ok and checks["collect:bizinfo"].ok  # transient: the probes' job
    assert not checks["collect:gov24"].ok and "SourceFormatError" in checks["collect:gov24"].detail
    integration_health(core, now=T0, registry=CollectorRegistry(), checks=list(checks.values()))
    integration_health(
        core, now=T0 + dt.timedelta(minutes=5), registry=CollectorRegistry(), checks=list(checks.values())
    )
    assert [d.payload["service"] for d in _deliveries(engine)] == ["collect:gov24", "collect:gov24"]  # two chats
