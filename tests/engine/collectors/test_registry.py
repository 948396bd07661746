"""Meta-test: every registered collector has recorded payloads and its own test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.collectors import BUILTIN_COLLECTORS, collector_names, get_collector
from engine.errors import UnknownSource

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS.parents[1] / "fixtures"


@pytest.mark.parametrize("cls", BUILTIN_COLLECTORS, ids=lambda c: c.name)
def test_every_collector_has_fixtures_and_a_test_module(cls) -> None:
    folder = FIXTURES / cls.name
    payloads = [p for p in folder.glob("*") if p.is_file() and p.suffix != ".md"] if folder.is_dir() else []
    assert payloads, f"tests/fixtures/{cls.name}/ needs at least one recorded payload"
    assert (TESTS / f"test_{cls.name}.py").is_file(), f"tests/engine/collectors/test_{cls.name}.py is missing"


@pytest.mark.parametrize("cls", BUILTIN_COLLECTORS, ids=lambda c: c.name)
def test_every_collector_declares_name_label_and_kind(cls) -> None:
    assert cls.name and cls.label and cls.kind in {"api", "html", "catalog"}
    assert callable(cls().parse) and callable(cls().collect)


def test_collector_names_are_unique_and_include_the_api_track() -> None:
    names = collector_names()
    assert len(names) == len(set(names))
    assert {"bizinfo", "kstartup", "gov24"} <= set(names)


def test_unknown_source_is_refused() -> None:
    with pytest.raises(UnknownSource):
        get_collector("nope")
