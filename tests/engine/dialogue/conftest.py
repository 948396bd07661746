"""Dialogue fixtures: a core on the in-memory database with a few programs, and a scripted talker."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from dialogue_helpers import LISTING, Talker
from sqlalchemy.engine import Engine

from engine.app import Aegis
from engine.settings import Settings


@pytest.fixture
def core(engine: Engine) -> Aegis:
    """A core with three stored programs and one operator chat."""
    settings = Settings(operators={"telegram_chat_ids": "999"}, _env_file=None)  # type: ignore[call-arg]
    aegis = Aegis(settings=settings, db=engine)
    aegis.import_payload(source="bizinfo", payload=json.dumps(LISTING, ensure_ascii=False).encode())
    return aegis


@pytest.fixture
def talker(core: Aegis) -> Callable[..., Talker]:
    """Make a talker on the shared core (pass another core to simulate a restart)."""

    def make(on: Aegis | None = None, **kwargs: object) -> Talker:
        return Talker(core=on or core, **kwargs)  # type: ignore[arg-type]

    return make
