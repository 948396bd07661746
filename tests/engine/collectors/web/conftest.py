"""Fixtures of the web-source tests: a fake board server and the bundled 당진 definition."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakeboard import FakeBoard, bundled_dangjin, serve

from engine.collectors.web import SourceDefinition


@pytest.fixture
def board() -> Iterator[FakeBoard]:
    """A fake board server on 127.0.0.1 (one per test)."""
    state = FakeBoard()
    server = serve(state)
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def definition() -> SourceDefinition:
    """The bundled 당진 definition as shipped (for pure extraction tests)."""
    return bundled_dangjin()
