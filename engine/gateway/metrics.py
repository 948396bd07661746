"""Prometheus metrics of the gateway, created once per registry so that two gateways can share one."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from engine.telemetry import PerRegistry

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 40.0, 60.0)


@dataclass(frozen=True)
class GatewayMetrics:
    """The five gateway metrics on one registry."""

    requests: Counter
    latency: Histogram
    tokens: Counter
    cost: Counter
    circuit: Gauge

    def observe_attempt(self, provider: str, outcome: str, latency_s: float, tokens_in: int, tokens_out: int) -> None:
        """Count one provider attempt (or the offline answer) with its latency and tokens."""
        self.requests.labels(provider=provider, outcome=outcome).inc()
        self.latency.labels(provider=provider).observe(latency_s)
        if tokens_in:
            self.tokens.labels(provider=provider, direction="input").inc(tokens_in)
        if tokens_out:
            self.tokens.labels(provider=provider, direction="output").inc(tokens_out)

    def add_cost(self, provider: str, usd: float) -> None:
        """Add spent USD for a provider."""
        if usd > 0:
            self.cost.labels(provider=provider).inc(usd)

    def set_circuit(self, provider: str, value: int) -> None:
        """Set the circuit gauge (0 closed, 1 half-open, 2 open)."""
        self.circuit.labels(provider=provider).set(value)


def _build(reg: CollectorRegistry) -> GatewayMetrics:
    """Build the gateway metrics on one registry."""
    return GatewayMetrics(
        requests=Counter("llm_requests", "LLM attempts by provider and outcome", ["provider", "outcome"], registry=reg),
        latency=Histogram(
            "llm_latency_seconds", "LLM attempt latency", ["provider"], buckets=LATENCY_BUCKETS, registry=reg
        ),
        tokens=Counter("llm_tokens", "LLM tokens by provider and direction", ["provider", "direction"], registry=reg),
        cost=Counter("llm_cost_usd", "LLM spend in USD by provider", ["provider"], registry=reg),
        circuit=Gauge("llm_circuit_state", "Circuit state: 0 closed, 1 half-open, 2 open", ["provider"], registry=reg),
    )


# The metrics of a registry (default: the process one), created on first use.
gateway_metrics = PerRegistry(_build)
