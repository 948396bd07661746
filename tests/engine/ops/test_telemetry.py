"""/metrics: the server any process starts, and the outbox gauges read from the database at scrape time."""

from __future__ import annotations

import socket
import urllib.request

from prometheus_client import CollectorRegistry, Gauge
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.models import Delivery
from engine.telemetry import register_outbox_metrics, start_metrics_server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_metrics_server_serves_the_registry_and_stops() -> None:
    registry = CollectorRegistry()
    Gauge("aegis_test_gauge", "a test gauge", registry=registry).set(3)
    port = _free_port()
    stop = start_metrics_server("127.0.0.1", port, registry)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            assert "aegis_test_gauge 3.0" in response.read().decode()
    finally:
        stop()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_outbox_depth_and_outcomes_per_channel(engine: Engine) -> None:
    with Session(engine) as session:
        for i, (channel, status) in enumerate(
            [("telegram", "pending"), ("telegram", "failed"), ("telegram", "sent"), ("email", "dead")]
        ):
            session.add(Delivery(channel=channel, status=status, dedupe_key=f"k{i}"))
        session.commit()
    registry = CollectorRegistry()
    register_outbox_metrics(engine, registry)
    register_outbox_metrics(engine, registry)  # idempotent
    assert registry.get_sample_value("aegis_outbox_depth", {"channel": "telegram"}) == 2
    assert registry.get_sample_value("aegis_outbox_depth", {"channel": "email"}) is None
    assert registry.get_sample_value("aegis_deliveries", {"channel": "email", "status": "dead"}) == 1
    assert registry.get_sample_value("aegis_deliveries", {"channel": "telegram", "status": "sent"}) == 1
