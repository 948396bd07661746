"""The registry of built-in collectors: one module per source, one explicit tuple, like plugins.

Declarative (low-code) web sources configured in the dashboard run through the same protocol.
"""

from __future__ import annotations

from engine.collectors.base import Batch, Collector, CollectorClass, Rejection
from engine.collectors.bizinfo import BizinfoCollector
from engine.collectors.catalog import CatalogCollector
from engine.collectors.gov24 import Gov24Collector
from engine.collectors.kstartup import KStartupCollector
from engine.errors import UnknownSource

BUILTIN_COLLECTORS: tuple[CollectorClass, ...] = (
    BizinfoCollector,
    KStartupCollector,
    Gov24Collector,
    CatalogCollector,
)


def collector_names() -> list[str]:
    """Return the names of every registered collector."""
    return [c.name for c in BUILTIN_COLLECTORS]


def get_collector(name: str) -> Collector:
    """Return a fresh collector for `name`; raise UnknownSource for any other name."""
    for cls in BUILTIN_COLLECTORS:
        if cls.name == name:
            return cls()
    raise UnknownSource(f"unknown source {name!r} (known: {', '.join(collector_names())})")


__all__ = ["BUILTIN_COLLECTORS", "Batch", "Collector", "Rejection", "collector_names", "get_collector"]
