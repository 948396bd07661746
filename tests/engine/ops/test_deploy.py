"""deploy/: every service starts from `aegis db upgrade`, and every metric the alerts and dashboard use exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.models import Delivery
from engine.app import Aegis
from engine.collectors.metrics import collection_metrics
from engine.gateway.metrics import gateway_metrics
from engine.settings import Settings
from engine.telemetry import register_outbox_metrics

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
AEGIS_SERVICES = ("jobs-1", "jobs-2", "bot", "dashboard")
METRIC = re.compile(r"\b((?:external|data|llm|aegis)_[a-z_]+)\b")


def _compose() -> dict[str, object]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_postgres_two_runners_bot_dashboard_and_prometheus() -> None:
    services = _compose()["services"]
    assert isinstance(services, dict)
    assert set(services) == {"postgres", "prometheus", *AEGIS_SERVICES}
    for name in AEGIS_SERVICES:
        [command] = services[name]["command"]
        assert command.startswith("aegis db upgrade && exec aegis "), name
        env = services[name]["environment"]
        assert env["AEGIS_METRICS__HOST"] == "0.0.0.0"
        assert env["AEGIS_DATABASE_URL"].startswith("postgresql+psycopg://")


def test_prometheus_scrapes_the_ports_the_services_serve() -> None:
    services = _compose()["services"]
    assert isinstance(services, dict)
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text(encoding="utf-8"))
    targets = {t for job in config["scrape_configs"] for c in job["static_configs"] for t in c["targets"]}
    jobs_port = services["jobs-1"]["environment"]["AEGIS_METRICS__PORT"]
    bot_port = services["bot"]["environment"]["AEGIS_TELEGRAM__METRICS_PORT"]
    assert targets == {f"jobs-1:{jobs_port}", f"jobs-2:{jobs_port}", f"bot:{bot_port}"}


@pytest.mark.parametrize("unit", sorted((DEPLOY / "systemd").glob("*.service")), ids=lambda p: p.name)
def test_systemd_units_upgrade_the_schema_before_starting(unit: Path) -> None:
    text = unit.read_text(encoding="utf-8")
    assert "ExecStartPre=/opt/aegis/.venv/bin/aegis db upgrade" in text
    assert "KillSignal=SIGTERM" in text and "EnvironmentFile=/etc/aegis/aegis.env" in text


def _exported(engine: Engine) -> set[str]:
    """The sample names a job runner's registry exposes (collectors, gateway, runner, outbox)."""
    from jobs.runner import JobRunner

    registry = CollectorRegistry()
    metrics = collection_metrics(registry)
    metrics.observe_call("bizinfo", "200", 0.1)
    metrics.mark("bizinfo", up=True)
    metrics.observe_run("bizinfo", 1.0, {"new": 1})
    metrics.set_circuit("bizinfo", "closed")
    gateway = gateway_metrics(registry)
    gateway.observe_attempt("openai", "ok", 0.1, 1, 1)
    gateway.add_cost("openai", 0.01)
    gateway.set_circuit("openai", 0)
    JobRunner(Aegis(settings=Settings(_env_file=None), db=engine), registry=registry)._count(True)
    with Session(engine) as session:
        session.add(Delivery(channel="telegram", status="pending", dedupe_key="k"))
        session.commit()
    register_outbox_metrics(engine, registry)
    return {sample.name for family in registry.collect() for sample in family.samples}


def test_every_metric_in_alerts_and_dashboard_is_exported(engine: Engine) -> None:
    exported = _exported(engine)
    alerts = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text(encoding="utf-8"))
    exprs = [rule["expr"] for group in alerts["groups"] for rule in group["rules"]]
    dashboard = json.loads((DEPLOY / "grafana" / "aegis.json").read_text(encoding="utf-8"))
    exprs += [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    used = {name for expr in exprs for name in METRIC.findall(expr)}
    assert {"external_service_status", "external_api_calls_total", "data_collection_records_total"} <= used
    assert used - exported == set()


def test_seed_metric_names_and_labels() -> None:
    registry = CollectorRegistry()
    metrics = collection_metrics(registry)
    metrics.observe_call("kstartup", "200", 0.2)
    metrics.mark("kstartup", up=False)
    assert registry.get_sample_value("external_api_calls_total", {"service_name": "kstartup", "status": "200"}) == 1
    assert registry.get_sample_value("external_api_duration_seconds_count", {"service_name": "kstartup"}) == 1
    assert registry.get_sample_value("external_service_status", {"service_name": "kstartup"}) == 0
