"""Fixtures of the gateway tests: the fake LLM server, settings pointing at it, a clock, a DB, a registry."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import db.models  # noqa: F401 - registers the tables for create_all
from db.session import make_engine
from engine.gateway.router import READONLY_WARNING
from engine.settings import LLMSettings, ProviderSettings

# Loaded by path so that it works under every pytest import mode (tests/ has no __init__.py).
_spec = importlib.util.spec_from_file_location("gateway_fake_llm", Path(__file__).with_name("fake_llm.py"))
assert _spec is not None and _spec.loader is not None
fake_llm = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = fake_llm
_spec.loader.exec_module(fake_llm)
FakeLLM = fake_llm.FakeLLM

KEYS = {
    "openai": "sk-openai-primary-0001",
    "openai2": "sk-openai-secondary-0002",
    "anthropic": "sk-ant-primary-0003",
    "gemini": "AIza-gemini-primary-0004",
    "selfhosted": "selfhosted-key-0005",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Ignore pydantic's ReadOnly-TypedDict warning about LiteLLM's own models (filterwarnings=error)."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.filterwarnings(f"ignore:{READONLY_WARNING}:UserWarning"))


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def _server() -> Iterator[Any]:
    server = FakeLLM().start()
    yield server
    server.stop()


@pytest.fixture
def fake(_server: Any) -> Any:
    """The fake LLM server, every route reset to answering."""
    _server.routes.clear()
    _server.calls.clear()
    _server.bodies.clear()
    return _server


@pytest.fixture
def keys() -> dict[str, str]:
    """The API keys the fake providers are configured with."""
    return dict(KEYS)


@pytest.fixture
def clock() -> FakeClock:
    """A hand-moved monotonic clock."""
    return FakeClock()


@pytest.fixture
def registry() -> CollectorRegistry:
    """A fresh Prometheus registry."""
    return CollectorRegistry()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh SQLite database with every table."""
    eng = make_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
    SQLModel.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def llm(fake: Any) -> Any:
    """Return a builder of LLM settings pointing at the fake server: `llm(chain=..., **overrides)`."""
    return lambda chain="openai,anthropic,gemini,selfhosted", **overrides: make_llm(fake, chain, **overrides)


def make_llm(fake: Any, chain: str = "openai,anthropic,gemini,selfhosted", **overrides: Any) -> LLMSettings:
    """Return LLM settings whose providers all point at the fake server, with short test timings."""
    values: dict[str, Any] = {
        "chain": chain,
        "openai": ProviderSettings(
            api_key=KEYS["openai"], api_base=fake.base("openai"), model="gpt-4.1", cheap_model="gpt-4.1-mini"
        ),
        "anthropic": ProviderSettings(
            api_key=KEYS["anthropic"], api_base=f"{fake.url}/anthropic", model="claude-sonnet-4-5"
        ),
        "gemini": ProviderSettings(api_key=KEYS["gemini"], api_base=f"{fake.url}/gemini", model="gemini-2.5-flash"),
        "selfhosted": ProviderSettings(api_base=fake.base("selfhosted"), model="qwen2.5:7b-instruct"),
        "timeout_s": 0.4,
        "max_retries": 0,
        "retry_backoff_s": 0.0,
        "breaker_failures": 2,
        "breaker_recovery_s": 10.0,
        "daily_cost_cap_usd": 100.0,
        "per_user_daily_requests": 100,
    }
    values.update(overrides)
    return LLMSettings(**values)
