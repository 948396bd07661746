"""The circuit breaker on an injected clock: open at the threshold, half-open after recovery, one probe."""

from __future__ import annotations

from engine.gateway.breaker import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_at_threshold_and_half_opens_after_recovery() -> None:
    clock = Clock()
    changes: list[str] = []
    breaker = CircuitBreaker(
        "openai", failures=3, recovery_s=60, clock=clock, on_change=lambda b: changes.append(b.state)
    )
    for _ in range(2):
        assert breaker.allow()
        breaker.failure("ProviderTimeout")
    assert breaker.state == "closed"
    breaker.failure("ProviderTimeout")
    assert breaker.state == "open" and breaker.since is not None
    assert not breaker.allow()
    clock.now = 59.9
    assert not breaker.allow()
    clock.now = 60.0
    assert breaker.snapshot().state == "half_open"
    assert breaker.allow()  # the one probe
    assert not breaker.allow()  # a second caller waits for the probe
    breaker.success()
    assert breaker.state == "closed" and breaker.consecutive_failures == 0
    assert changes[-1] == "closed" and "open" in changes and "half_open" in changes


def test_breaker_reopens_when_the_half_open_probe_fails() -> None:
    clock = Clock()
    breaker = CircuitBreaker("anthropic", failures=1, recovery_s=10, clock=clock)
    breaker.failure("ProviderServerError")
    clock.now = 10
    assert breaker.allow()
    breaker.failure("ProviderServerError")
    assert breaker.state == "open"
    assert not breaker.allow()
    clock.now = 20
    assert breaker.allow()


def test_breaker_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker("gemini", failures=2, recovery_s=10, clock=Clock())
    breaker.failure("ProviderTimeout")
    breaker.success()
    breaker.failure("ProviderTimeout")
    assert breaker.state == "closed"


def test_released_probe_lets_the_next_caller_probe() -> None:
    clock = Clock()
    breaker = CircuitBreaker("openai", failures=1, recovery_s=1, clock=clock)
    breaker.failure("ProviderTimeout")
    clock.now = 1
    assert breaker.allow()
    breaker.release_probe()
    assert breaker.allow()
