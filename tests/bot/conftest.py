"""Bot test fixtures: a recording Bot API transport, a fake Bot API server, and the real bot in a thread."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel
from telegram_fakes import TOKEN, FakeBotAPI, RecordingRequest

from db.session import make_engine
from engine.app import Aegis
from engine.settings import Settings

os.environ.setdefault("PTB_TIMEDELTA", "true")  # as bot.app.run_bot sets it: RetryAfter.retry_after is a timedelta
sys.path.insert(0, str(Path(__file__).parents[1] / "engine" / "dialogue"))
from dialogue_helpers import LISTING


@pytest.fixture
def recording_request() -> RecordingRequest:
    """A fresh recording transport."""
    return RecordingRequest()


@pytest.fixture
def make_core(engine: Engine) -> Callable[..., Aegis]:
    """Build a core on the in-memory database with the given Telegram settings."""

    def build(**telegram: Any) -> Aegis:
        settings = Settings(telegram={"bot_token": TOKEN, **telegram}, _env_file=None)  # type: ignore[call-arg]
        return Aegis(settings=settings, db=engine)

    return build


@pytest.fixture
def file_db(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite file database with every table (threads share it as separate connections)."""
    eng = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    SQLModel.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def fake_api() -> Iterator[FakeBotAPI]:
    """A fake Bot API server on 127.0.0.1."""
    with FakeBotAPI() as fake:
        yield fake


@pytest.fixture
def live_core(file_db: Engine, fake_api: FakeBotAPI) -> Aegis:
    """A core on the file database whose Bot API is the fake server, with the three test programs."""
    settings = Settings(  # type: ignore[call-arg]
        telegram={"bot_token": TOKEN, "base_url": fake_api.base_url, "per_chat_interval_s": 0.05},
        operators={"telegram_chat_ids": "999"},
        alerts={"retry_backoff_s": 0.1},
        _env_file=None,
    )
    core = Aegis(settings=settings, db=file_db)
    today = dt.datetime.now(ZoneInfo("Asia/Seoul")).date()  # the live bot runs on the real clock
    start, end, end2 = (today - dt.timedelta(days=1), today + dt.timedelta(days=18), today + dt.timedelta(days=29))
    text = json.dumps(LISTING, ensure_ascii=False)
    text = text.replace("20990301 ~ 20990320", f"{start:%Y%m%d} ~ {end:%Y%m%d}")
    text = text.replace("20990301 ~ 20990331", f"{start:%Y%m%d} ~ {end2:%Y%m%d}").replace("2099", str(today.year))
    core.import_payload(source="bizinfo", payload=text.encode())
    return core
