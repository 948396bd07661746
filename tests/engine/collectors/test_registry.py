"""Meta-test: every registered collector has recorded payloads and its own test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.collectors import BUILTIN_COLLECTORS, collector_names, get_collector
from engine.collectors.base import COLLECTOR_FACTS
from engine.collectors.web import DeclarativeCollector
from engine.dedup import STANDALONE_SOURCES, canonical_key
from engine.errors import UnknownSource
from engine.settings import SourceKeys

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


FACT_TYPES = {
    "name": (str,),
    "label": (str,),
    "kind": (str,),
    "key_setting": (str, type(None)),
    "schedule": (str, type(None)),
    "dedup_priority": (int,),
    "standalone": (bool,),
    "secret_params": (tuple,),
}


@pytest.mark.parametrize("cls", [*BUILTIN_COLLECTORS, DeclarativeCollector], ids=lambda c: c.__name__)
def test_every_collector_class_declares_each_of_its_facts_itself(cls) -> None:
    assert set(FACT_TYPES) == set(COLLECTOR_FACTS)
    for fact in COLLECTOR_FACTS:
        if cls is DeclarativeCollector and fact in ("name", "label"):
            continue  # a declarative source takes these from its definition
        assert fact in vars(cls), f"{cls.__name__} must declare {fact!r} on the class"
        assert isinstance(vars(cls)[fact], FACT_TYPES[fact]), f"{cls.__name__}.{fact} has the wrong type"
    assert cls.key_setting is None or cls.key_setting in SourceKeys.model_fields
    assert all(isinstance(p, str) and p for p in cls.secret_params)


def test_the_tables_derive_from_the_registry() -> None:
    standalone = {cls.name for cls in BUILTIN_COLLECTORS if cls.standalone}
    assert standalone == set(STANDALONE_SOURCES) == {"catalog"}
    ranked = sorted((c for c in BUILTIN_COLLECTORS if not c.standalone), key=lambda c: c.dedup_priority)
    keys = [f"{c.name}:1" for c in reversed(ranked)] + ["localgov_x:1"]
    assert canonical_key(keys) == f"{ranked[0].name}:1"


def test_collector_names_are_unique_and_include_the_api_track() -> None:
    names = collector_names()
    assert len(names) == len(set(names))
    assert {"bizinfo", "kstartup", "gov24"} <= set(names)


def test_unknown_source_is_refused() -> None:
    with pytest.raises(UnknownSource):
        get_collector("nope")
