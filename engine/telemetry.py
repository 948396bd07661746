"""Prometheus plumbing: a metric family built once per registry, the /metrics server, the outbox gauges.

Tests build collectors and gateways many times over fresh or shared registries; registering the same
metric name twice on one registry raises, so each family is memoised per registry.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy.engine import Engine

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


def start_metrics_server(host: str, port: int, registry: CollectorRegistry | None = None) -> Callable[[], None]:
    """Serve Prometheus text of `registry` (default: the process one) at http://host:port/metrics; return `stop`.

    The job runner serves on settings.metrics, the bot on settings.telegram.metrics_port.
    """
    from prometheus_client import start_http_server

    server, thread = start_http_server(port, addr=host, registry=REGISTRY if registry is None else registry)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop


class OutboxCollector:
    """Read at scrape time: `aegis_outbox_depth{channel}` (pending or failed, waiting to be sent) and
    `aegis_deliveries{channel,status}` (rows per outcome). A database error yields no samples."""

    def __init__(self, db: Engine) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        """Yield the two gauge families from one GROUP BY over deliveries."""
        import sqlalchemy as sa

        from db.models import Delivery

        depth = GaugeMetricFamily("aegis_outbox_depth", "Deliveries waiting to be sent, by channel", labels=["channel"])
        rows = GaugeMetricFamily(
            "aegis_deliveries", "Deliveries by channel and outcome (rows in the outbox)", labels=["channel", "status"]
        )
        waiting: dict[str, int] = {}
        try:
            with self.db.connect() as conn:
                result = conn.execute(
                    sa.select(Delivery.channel, Delivery.status, sa.func.count()).group_by(  # type: ignore[call-overload]
                        Delivery.channel, Delivery.status
                    )
                ).all()
        except sa.exc.SQLAlchemyError:
            return
        for channel, status, count in result:
            rows.add_metric([channel, status], count)
            if status in ("pending", "failed"):
                waiting[channel] = waiting.get(channel, 0) + count
        for channel, count in waiting.items():
            depth.add_metric([channel], count)
        yield depth
        yield rows


_outbox_collectors: weakref.WeakKeyDictionary[CollectorRegistry, OutboxCollector] = weakref.WeakKeyDictionary()


def register_outbox_metrics(db: Engine, registry: CollectorRegistry | None = None) -> None:
    """Register the outbox gauges on `registry` once (later calls point them at `db`)."""
    reg = REGISTRY if registry is None else registry
    found = _outbox_collectors.get(reg)
    if found is not None:
        found.db = db
        return
    collector = OutboxCollector(db)
    reg.register(collector)
    _outbox_collectors[reg] = collector
