"""Provider health: cheap check calls, the provider_health rows, and the breakers they open or close.

The job runner schedules `Gateway.health_check`; request-serving processes re-read the stored results
every `health_interval_s`, so a provider another process found unhealthy is skipped here too.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from db.types import utcnow
from engine.gateway.breaker import CircuitBreaker, ProviderStatus
from engine.gateway.config import KeySlot, ProviderPlan
from engine.gateway.errors import GatewayError, counts_against_breaker, error_class
from engine.gateway.records import load_health, save_health

if TYPE_CHECKING:
    from engine.gateway.router import RouterAdapter

logger = logging.getLogger(__name__)
PING = [{"role": "user", "content": "ping"}]


class HealthBook:
    """The last health check per provider, kept in memory and in provider_health."""

    def __init__(
        self,
        breakers: dict[str, CircuitBreaker],
        *,
        engine: Engine | None,
        clock: Callable[[], float],
        interval_s: float,
    ) -> None:
        self._breakers = breakers
        self._engine = engine
        self._clock = clock
        self._interval_s = interval_s
        self._synced_at: float | None = None
        self.healthy: dict[str, bool | None] = {}
        self.checked_at: dict[str, dt.datetime] = {}
        self.latency_ms: dict[str, float] = {}

    async def check(self, plan: ProviderPlan, router: RouterAdapter, slot: KeySlot) -> None:
        """Make one cheap call to a provider, store the result, and open or close its circuit."""
        dep = plan.deployments(slot)[-1]
        t0 = time.perf_counter()
        breaker = self._breakers[plan.name]
        try:
            await router.call(dep, PING, max_tokens=1)
            healthy, failure = True, None
        except GatewayError as exc:
            healthy = not counts_against_breaker(exc)  # a 400 still proves the provider is up
            failure = None if healthy else error_class(exc)
            logger.info("LLM health check of %s failed: %s", plan.name, exc)
        self.latency_ms[plan.name] = (time.perf_counter() - t0) * 1000
        self.healthy[plan.name] = healthy
        self.checked_at[plan.name] = utcnow()
        if failure is not None:
            breaker.trip(failure)
        else:
            breaker.success()
        self._save(plan.name, breaker)

    def restore(self) -> None:
        """Load the stored states at start: open circuits stay open for the rest of their recovery time."""
        if self._engine is None:
            return
        rows = load_health(self._engine)
        now = utcnow()
        for name, breaker in self._breakers.items():
            row = rows.get(name)
            if row is None:
                continue
            self._remember(name, row.healthy, row.checked_at, row.latency_ms)
            if row.circuit_state != "closed" and row.circuit_since is not None:
                age = (now - row.circuit_since).total_seconds()
                breaker.consecutive_failures = row.consecutive_failures
                breaker.trip(row.last_error_class or "Unknown", opened_at=self._clock() - age, since=row.circuit_since)
        self._synced_at = self._clock()

    def sync(self) -> None:
        """Apply health checks stored by other processes since the last read (at most every interval)."""
        if self._engine is None or (self._synced_at is not None and self._clock() - self._synced_at < self._interval_s):
            return
        self._synced_at = self._clock()
        for name, row in load_health(self._engine).items():
            breaker = self._breakers.get(name)
            seen = self.checked_at.get(name)
            if breaker is None or row.checked_at is None or (seen is not None and row.checked_at <= seen):
                continue
            self._remember(name, row.healthy, row.checked_at, row.latency_ms)
            if row.healthy is False and breaker.state == "closed":
                breaker.trip(row.last_error_class or "HealthCheckFailed")
            elif row.healthy and breaker.state != "closed":
                breaker.success()

    def status(self, snap: ProviderStatus) -> ProviderStatus:
        """Return a breaker snapshot completed with the provider's last health check."""
        name = snap.provider
        return ProviderStatus(
            provider=name,
            state=snap.state,
            since=snap.since,
            consecutive_failures=snap.consecutive_failures,
            last_error_class=snap.last_error_class,
            healthy=self.healthy.get(name),
            checked_at=self.checked_at.get(name),
            latency_ms=self.latency_ms.get(name),
        )

    def save_circuit(self, breaker: CircuitBreaker) -> None:
        """Store a breaker's state in provider_health."""
        if self._engine is not None:
            save_health(
                self._engine,
                breaker.provider,
                circuit_state=breaker.state,
                circuit_since=breaker.since,
                consecutive_failures=breaker.consecutive_failures,
                last_error_class=breaker.last_error_class,
            )

    def _save(self, name: str, breaker: CircuitBreaker) -> None:
        if self._engine is not None:
            save_health(
                self._engine,
                name,
                healthy=self.healthy.get(name),
                checked_at=self.checked_at.get(name),
                latency_ms=self.latency_ms.get(name),
                circuit_state=breaker.state,
                circuit_since=breaker.since,
                consecutive_failures=breaker.consecutive_failures,
                last_error_class=breaker.last_error_class,
            )

    def _remember(self, name: str, healthy: bool | None, checked_at: dt.datetime | None, latency: float | None) -> None:
        self.healthy[name] = healthy
        if checked_at is not None:
            self.checked_at[name] = checked_at
        if latency is not None:
            self.latency_ms[name] = latency
