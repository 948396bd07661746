"""`aegis jobs --once`: every scheduled job once, in order — imported users hear of a new program once."""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr

from engine.alerts.outbox import counts
from engine.app import Aegis
from engine.settings import AlertSettings, SensSettings, Settings, SmtpSettings
from engine.users import import_users
from jobs.runner import run_once
from tests.engine.notify.fake_sens import ACCESS, SECRET, SERVICE, FakeSens, fake_sens
from tests.engine.notify.test_email import Inbox

REGISTERED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # before the program arrives
PROFILE = {"status": "operating", "region": "서울", "industry": "C", "employees": 3}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def relay() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def sens() -> Iterator[FakeSens]:
    with fake_sens() as state:
        yield state


def _core(db_url: str, smtp_port: int, sens_url: str) -> Aegis:
    settings = Settings(  # type: ignore[call-arg]
        database_url=db_url,
        _env_file=None,
        smtp=SmtpSettings(host="127.0.0.1", port=smtp_port, starttls=False, from_="a@aegis.example"),
        sens=SensSettings(
            access_key=SecretStr(ACCESS),
            secret_key=SecretStr(SECRET),
            service_id=SERVICE,
            from_number="0212345678",
            base_url=sens_url,
        ),
        alerts=AlertSettings(quiet_hours="off"),
    )
    return Aegis.build(settings)


def test_once_alerts_imported_users_on_each_channel_once_and_a_rerun_sends_nothing(
    db_url: str, bizinfo_file: Path, relay: tuple[Inbox, int], sens: FakeSens
) -> None:
    core = _core(db_url, relay[1], sens.base_url)
    line = {"profile": PROFILE, "email": "kim@example.com", "phone": "010-1234-5678", "telegram_chat_id": 77}
    import_users(core.db, lines=[json.dumps(line, ensure_ascii=False)], now=REGISTERED)
    core.import_payload(source="bizinfo", payload=bizinfo_file.read_bytes())

    assert run_once(core) == 0
    inbox = relay[0]
    assert [rcpts for _, rcpts, _ in inbox.messages] == [["kim@example.com"]]
    assert str(inbox.messages[0][2]["Subject"]) == "[이지스] 새로운 정책자금 추천"
    assert [m["to"] for body in sens.requests.values() for m in body["messages"]] == ["01012345678"]
    assert counts(core.db) == {"sent": 2, "pending": 1}  # the Telegram one waits for the bot

    assert run_once(core) == 0
    assert len(inbox.messages) == 1 and len(sens.requests) == 1
    assert counts(core.db) == {"sent": 2, "pending": 1}
    core.db.dispose()


def test_once_without_channels_configured_skips_sending_and_succeeds(make_core: Callable[[], Aegis]) -> None:
    assert run_once(make_core()) == 0
