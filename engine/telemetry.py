"""Prometheus plumbing shared by the collectors and the gateway: a metric family built once per registry.

Tests build collectors and gateways many times over fresh or shared registries; registering the same
metric name twice on one registry raises, so each family is memoised per registry.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from prometheus_client import REGISTRY, CollectorRegistry

T = TypeVar("T")


class PerRegistry(Generic[T]):
    """Build a metric family with `build(registry)` on first use per registry, then return the same one."""

    def __init__(self, build: Callable[[CollectorRegistry], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._by_registry: weakref.WeakKeyDictionary[CollectorRegistry, T] = weakref.WeakKeyDictionary()

    def __call__(self, registry: CollectorRegistry | None = None) -> T:
        """Return the family on `registry` (default: the process registry), creating it on first use."""
        reg = REGISTRY if registry is None else registry
        with self._lock:
            found = self._by_registry.get(reg)
            if found is None:
                found = self._by_registry[reg] = self._build(reg)
            return found
