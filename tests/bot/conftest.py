"""Bot test fixtures: a recording Bot API transport and a core on the in-memory database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from telegram_fakes import TOKEN, RecordingRequest

from engine.app import Aegis
from engine.settings import Settings


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
