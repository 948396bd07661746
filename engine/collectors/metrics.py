"""Prometheus metrics of the collectors, created once per registry so that tests may build them again.

Names follow the seed: `external_api_*` per HTTP call, `external_service_status`, `data_collection_*`
per run, and `data_source_circuit_state` for each source's breaker.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from engine.telemetry import PerRegistry

CALL_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 40.0)
RUN_BUCKETS = (0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
CircuitState = Literal["closed", "open", "half_open"]  # the one definition of a source's circuit states
CIRCUIT_VALUES: dict[CircuitState, int] = {"closed": 0, "half_open": 1, "open": 2}


@dataclass
class CollectionMetrics:
    """The collector metrics on one registry, plus who is known to be down (to log transitions once)."""

    calls: Counter
    call_duration: Histogram
    service_up: Gauge
    records: Counter
    run_duration: Histogram
    circuit: Gauge
    down: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def observe_call(self, service: str, status: str, seconds: float) -> None:
        """Count one HTTP attempt with its outcome (status code or error kind) and duration."""
        self.calls.labels(service_name=service, status=status).inc()
        self.call_duration.labels(service_name=service).observe(seconds)

    def mark(self, service: str, *, up: bool) -> bool:
        """Set the service's up/down gauge; return True when this changes what was known."""
        self.service_up.labels(service_name=service).set(1 if up else 0)
        with self.lock:
            changed = (service in self.down) == up
            if up:
                self.down.discard(service)
            else:
                self.down.add(service)
        return changed

    def set_circuit(self, source: str, state: CircuitState) -> None:
        """Set the breaker gauge: 0 closed, 1 half-open, 2 open."""
        self.circuit.labels(source=source).set(CIRCUIT_VALUES[state])

    def observe_run(self, source: str, seconds: float, counts: dict[str, int]) -> None:
        """Record one collection run: its duration and how many records ended in each status."""
        self.run_duration.labels(source=source).observe(seconds)
        for status, n in counts.items():
            if n:
                self.records.labels(source=source, status=status).inc(n)


def _build(reg: CollectorRegistry) -> CollectionMetrics:
    """Build the collector metrics on one registry."""
    return CollectionMetrics(
        calls=Counter(
            "external_api_calls", "HTTP calls to public-data sources", ["service_name", "status"], registry=reg
        ),
        call_duration=Histogram(
            "external_api_duration_seconds",
            "Duration of one HTTP call to a source",
            ["service_name"],
            buckets=CALL_BUCKETS,
            registry=reg,
        ),
        service_up=Gauge(
            "external_service_status", "1 when the source answers, 0 when down", ["service_name"], registry=reg
        ),
        records=Counter("data_collection_records", "Collected records by outcome", ["source", "status"], registry=reg),
        run_duration=Histogram(
            "data_collection_duration_seconds",
            "Duration of one collection run",
            ["source"],
            buckets=RUN_BUCKETS,
            registry=reg,
        ),
        circuit=Gauge(
            "data_source_circuit_state",
            "Breaker state: 0 closed, 1 half-open, 2 open",
            ["source"],
            registry=reg,
        ),
    )


# The metrics of a registry (default: the process one), created on first use.
collection_metrics = PerRegistry(_build)
