"""A per-provider circuit breaker: closed → open after N consecutive failures → half-open probe → closed.

Time comes from an injected monotonic clock, so tests move it instead of sleeping; `since` is also
kept as a UTC datetime for the dashboard and the provider_health row.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from db.types import utcnow

logger = logging.getLogger(__name__)

CircuitState = Literal["closed", "open", "half_open"]
STATE_GAUGE: dict[CircuitState, int] = {"closed": 0, "half_open": 1, "open": 2}


@dataclass(frozen=True)
class ProviderStatus:
    """What the dashboard shows of one provider: circuit state, since when, why, last health check."""

    provider: str
    state: CircuitState
    since: dt.datetime | None
    consecutive_failures: int
    last_error_class: str | None
    healthy: bool | None = None
    checked_at: dt.datetime | None = None
    latency_ms: float | None = None


class CircuitBreaker:
    """The circuit of one provider; `allow()` before a call, `success()`/`failure()` after it."""

    def __init__(
        self,
        provider: str,
        *,
        failures: int,
        recovery_s: float,
        clock: Callable[[], float],
        on_change: Callable[[CircuitBreaker], None] | None = None,
    ) -> None:
        self.provider = provider
        self.threshold = max(1, failures)
        self.recovery_s = recovery_s
        self._clock = clock
        self._on_change = on_change
        self.state: CircuitState = "closed"
        self.since: dt.datetime | None = None
        self.opened_at: float | None = None  # monotonic
        self.consecutive_failures = 0
        self.last_error_class: str | None = None
        self._probe_in_flight = False

    def allow(self) -> bool:
        """Return whether a call may go out now; an open circuit past its recovery lets one probe through."""
        if self.state == "closed":
            return True
        if self.state == "open":
            if self.opened_at is not None and self._clock() - self.opened_at < self.recovery_s:
                return False
            self._set("half_open")
        if self._probe_in_flight:
            return False  # half-open: exactly one probe at a time
        self._probe_in_flight = True
        return True

    def success(self) -> None:
        """Record that the provider answered: reset the count and close the circuit."""
        self._probe_in_flight = False
        had_failures, self.consecutive_failures = self.consecutive_failures, 0
        if self.state != "closed":
            logger.info("LLM provider %s recovered; circuit closed", self.provider)
            self._set("closed")
        elif had_failures and self._on_change is not None:
            self._on_change(self)

    def failure(self, error_class: str) -> None:
        """Record a failure; open the circuit at the threshold, or again when the half-open probe fails."""
        self._probe_in_flight = False
        self.consecutive_failures += 1
        self.last_error_class = error_class
        if self.state == "half_open" or (self.state == "closed" and self.consecutive_failures >= self.threshold):
            self.trip(error_class)
        elif self._on_change is not None:
            self._on_change(self)

    def trip(self, error_class: str, *, opened_at: float | None = None, since: dt.datetime | None = None) -> None:
        """Open the circuit now (or at a past time, when restoring a stored state)."""
        was = self.state
        self.last_error_class = error_class
        self.opened_at = self._clock() if opened_at is None else opened_at
        self._probe_in_flight = False
        if was != "open":
            logger.warning("LLM provider %s circuit opened after %s", self.provider, error_class)
        self._set("open", since)

    def release_probe(self) -> None:
        """Give back a half-open probe slot that was not used (the request ended before reaching it)."""
        self._probe_in_flight = False

    def snapshot(self) -> ProviderStatus:
        """Return the state as a `ProviderStatus` (health fields left empty)."""
        if self.state == "open" and self.opened_at is not None and self._clock() - self.opened_at >= self.recovery_s:
            state: CircuitState = "half_open"  # due for a probe: report what the next call will do
        else:
            state = self.state
        return ProviderStatus(self.provider, state, self.since, self.consecutive_failures, self.last_error_class)

    def _set(self, state: CircuitState, since: dt.datetime | None = None) -> None:
        if state != self.state or self.since is None:
            self.since = since or utcnow()
        self.state = state
        if self._on_change is not None:
            self._on_change(self)
