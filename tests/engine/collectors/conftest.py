"""Collector test helpers: recorded payloads, a recording sleep, and `SourceHttp` over an httpx MockTransport."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiolimiter import AsyncLimiter
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session

from engine.collectors.base import Batch
from engine.collectors.http import SourceHttp
from engine.ingest import RunReport, ingest_batch
from engine.settings import SourceKeys

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SECRET = "S3cr3t+Key/With=Chars=="  # characters that must be percent-encoded exactly once
NOW = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)

Handler = Callable[[httpx.Request], httpx.Response]


class RecordingSleep:
    """An injected sleep that records the waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def payload() -> Callable[[str, str], bytes]:
    """Return a reader of `tests/fixtures/<source>/<name>`."""

    def read(source: str, name: str) -> bytes:
        return (FIXTURES / source / name).read_bytes()

    return read


@pytest.fixture
def sleep() -> RecordingSleep:
    """A sleep that takes no time."""
    return RecordingSleep()


@pytest.fixture
def registry() -> CollectorRegistry:
    """A fresh Prometheus registry per test."""
    return CollectorRegistry()


@pytest.fixture
def keys() -> SourceKeys:
    """Source keys with a secret in every key field and fast retries."""
    return SourceKeys(
        bizinfo_api_key=SecretStr(SECRET),
        datagokr_service_key=SecretStr(SECRET),
        odcloud_api_key=SecretStr(SECRET),
        requests_per_second=1000.0,
        max_attempts=3,
        breaker_failures=3,
    )


@pytest.fixture
def make_http(
    sleep: RecordingSleep, registry: CollectorRegistry, keys: SourceKeys
) -> Iterator[Callable[..., SourceHttp]]:
    """Return a factory of `SourceHttp` for one source over a MockTransport handler."""
    clients: list[httpx.AsyncClient] = []

    def make(source: str, handler: Handler, **overrides: Any) -> SourceHttp:
        client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        clients.append(client)
        options: dict[str, Any] = {"sleep": sleep, "registry": registry, "limiter": AsyncLimiter(1000, 1)}
        options.update(overrides)
        return SourceHttp.from_keys(source, client, keys, **options)

    yield make
    # MockTransport holds no sockets; closing is not needed, and the clients die with the test.


def _serve(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = responses[min(len(seen), len(responses)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, seen


@pytest.fixture
def serve() -> Callable[..., tuple[Handler, list[httpx.Request]]]:
    """Return `serve(*responses)`: a handler answering them in order (the last repeats) and its requests."""
    return _serve


@pytest.fixture
def store(engine: Engine) -> Callable[..., RunReport]:
    """Return `store(batch, now=NOW)`: ingest a batch into the test database in one committed transaction."""

    def run(batch: Batch, now: dt.datetime = NOW) -> RunReport:
        with Session(engine) as session:
            report = ingest_batch(session, batch, now=now, mode="import")
            session.commit()
            return report

    return run


@pytest.fixture
def secret() -> str:
    """The key value every test key carries; it must never show up anywhere."""
    return SECRET
