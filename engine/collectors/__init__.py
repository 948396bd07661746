"""The registry of built-in collectors: one module per source, one explicit tuple, like plugins.

Declarative (low-code) web sources configured in the dashboard run through the same protocol.
"""

from __future__ import annotations

from engine.collectors.base import Batch, Collector, CollectorClass, CollectorFacts, Rejection, configured_key
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
    cls = collector_class(name)
    if cls is not None:
        return cls()
    raise UnknownSource(f"unknown source {name!r} (known: {', '.join(collector_names())})")


def collector_class(name: str) -> CollectorClass | None:
    """Return the registered class of source `name`, or None (a declarative web source, or no source)."""
    for cls in BUILTIN_COLLECTORS:
        if cls.name == name:
            return cls
    return None


def scheduled_collectors() -> list[tuple[CollectorClass, str]]:
    """Return the registered collectors that have a default schedule, with their cron expression."""
    return [(cls, cls.schedule) for cls in BUILTIN_COLLECTORS if cls.schedule is not None]


def secret_params() -> tuple[str, ...]:
    """Return every query parameter a registered collector declares as carrying a secret."""
    return tuple(dict.fromkeys(p for cls in BUILTIN_COLLECTORS for p in cls.secret_params))


__all__ = [
    "BUILTIN_COLLECTORS",
    "Batch",
    "Collector",
    "CollectorClass",
    "CollectorFacts",
    "Rejection",
    "collector_class",
    "collector_names",
    "configured_key",
    "get_collector",
    "scheduled_collectors",
    "secret_params",
]
