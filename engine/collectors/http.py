"""`SourceHttp`: the one way collectors reach the network — timeouts, retries, rate limit, breaker, metrics.

Idempotent GETs only. Outside errors are translated here (`raise SourceUnavailable(...) from exc`), and
secrets (serviceKey, crtfcKey, api_key, the Authorization header) never reach a log, an error or a metric.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

import httpx
from aiolimiter import AsyncLimiter
from prometheus_client import CollectorRegistry
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import Context, OpenedState
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_base

from engine.collectors import secret_params
from engine.collectors.metrics import CircuitState, CollectionMetrics, collection_metrics
from engine.errors import (
    SourceAuthError,
    SourceCircuitOpen,
    SourceError,
    SourceFormatError,
    SourceQuotaExceeded,
    SourceUnavailable,
)
from engine.settings import SourceKeys

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
DEFAULT_MAX_RETRY_AFTER_S = 120.0
DEFAULT_BREAKER_FAILURES = 5
DEFAULT_BREAKER_RECOVERY_S = 600.0
DEFAULT_REQUESTS_PER_SECOND = 2.0
USER_AGENT = "Aegis/1.0 (policy-funding recommender)"
NON_RETRYABLE_QUOTA_CODES = frozenset({"22"})  # data.go.kr daily quota: waiting minutes does not help

# The registered collectors' own secret parameters, and the usual names of keys in anyone's URLs.
SECRET_PARAMS = tuple(dict.fromkeys((*secret_params(), "serviceKey", "api_key", "apiKey", "authKey", "access_token")))
SECRET_HEADERS = frozenset({"authorization", "x-api-key"})
_SECRET_QUERY = re.compile(r"(?i)([?&;](?:" + "|".join(SECRET_PARAMS) + r")=)[^&#\s]*")
_SECRET_HEADER_TEXT = re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:infuser|bearer|basic)?\s*)[^\s\"',}]+")
REDACTED = "***"

_PURGATORY_STATES: dict[str, CircuitState] = {"closed": "closed", "opened": "open", "half-opened": "half_open"}
ResponseCheck = Callable[[int, bytes], None]
Sleep = Callable[[float], Awaitable[None]]


def redact_url(url: str | httpx.URL) -> str:
    """Return the URL with the value of every secret query parameter replaced by `***`."""
    return _SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, str(url))


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Return text with secret query values, Authorization values and the given secret strings masked."""
    out = _SECRET_HEADER_TEXT.sub(lambda m: m.group(1) + REDACTED, redact_url(text))
    for secret in secrets:
        if secret and len(secret) >= 4:
            out = out.replace(secret, REDACTED)
    return out


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Return the seconds a `Retry-After` header asks for (delta-seconds or an HTTP date), else None."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _BackoffHonouringRetryAfter(wait_base):
    """Exponential backoff with jitter; a quota error's `retry_after` (from Retry-After) wins."""

    def __init__(self, base_s: float, cap_s: float, rand: Callable[[], float]) -> None:
        self.base_s: float = base_s
        self.cap_s: float = cap_s
        self.rand: Callable[[], float] = rand

    def __call__(self, retry_state: RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, SourceQuotaExceeded) and exc.retry_after is not None:
            return float(exc.retry_after)
        backoff = min(self.cap_s, self.base_s * 2.0 ** (retry_state.attempt_number - 1))
        return backoff * (0.5 + self.rand() / 2)  # equal jitter: never below half, spreads retries


class SourceHttp:
    """HTTP access to one source through an injected `httpx.AsyncClient`."""

    def __init__(
        self,
        source: str,
        client: httpx.AsyncClient,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff_s: float = DEFAULT_BACKOFF_S,
        max_retry_after_s: float = DEFAULT_MAX_RETRY_AFTER_S,
        requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND,
        limiter: AsyncLimiter | None = None,
        breakers: AsyncCircuitBreakerFactory | None = None,
        breaker_failures: int = DEFAULT_BREAKER_FAILURES,
        breaker_recovery_s: float = DEFAULT_BREAKER_RECOVERY_S,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        registry: CollectorRegistry | None = None,
        metrics: CollectionMetrics | None = None,
    ) -> None:
        self.source = source
        self.client = client
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.max_retry_after_s = max_retry_after_s
        self.limiter = limiter or _limiter(requests_per_second)
        self.breaker_failures = max(1, breaker_failures)
        self.breaker_recovery_s = breaker_recovery_s
        self.breakers = breakers or AsyncCircuitBreakerFactory(
            default_threshold=self.breaker_failures, default_ttl=breaker_recovery_s
        )
        self.breakers.add_listener(self._on_breaker_event)
        self.breaker_since: dt.datetime | None = None
        self._sleep = sleep
        self._wait = _BackoffHonouringRetryAfter(backoff_s, MAX_BACKOFF_S, rand)
        self.metrics = metrics or collection_metrics(registry)
        self._secrets: set[str] = set()

    @classmethod
    def from_keys(cls, source: str, client: httpx.AsyncClient, keys: SourceKeys, **overrides: Any) -> SourceHttp:
        """Build the source's HTTP access with the timeouts, retries, rate and breaker of `keys`."""
        options: dict[str, Any] = {
            "timeout": httpx.Timeout(keys.timeout_s, connect=min(5.0, keys.timeout_s)),
            "max_attempts": keys.max_attempts,
            "backoff_s": keys.backoff_s,
            "max_retry_after_s": keys.max_retry_after_s,
            "requests_per_second": keys.requests_per_second,
            "breaker_failures": keys.breaker_failures,
            "breaker_recovery_s": keys.breaker_recovery_s,
        }
        options.update(overrides)
        return cls(source, client, **options)

    async def restore_breaker(self, state: str, since: dt.datetime | None, *, failures: int = 0) -> None:
        """Seed the circuit from stored state: a new process must not forget an open circuit or recent failures."""
        if state in ("open", "half_open") and since is not None:
            context = Context(
                self.source, self.breaker_failures, self.breaker_recovery_s, state="opened", opened_at=since.timestamp()
            )
            self.breaker_since = since
            self.metrics.set_circuit(self.source, "open")
        elif failures > 0:
            context = Context(
                self.source, self.breaker_failures, self.breaker_recovery_s, failure_count=min(failures, 10_000)
            )
        else:
            return
        async with self.breakers.uow as uow:
            await uow.contexts.register(context)

    async def breaker_state(self) -> CircuitState:
        """Return the circuit state for the dashboard: closed, open, or half_open when a probe is due."""
        async with self.breakers.uow as uow:
            context = await uow.contexts.get(self.source)
        if context is None:
            return "closed"
        state = _PURGATORY_STATES.get(context.state, "closed")
        opened_at = context.opened_at
        if state == "open" and opened_at is not None and time.time() > opened_at + context.ttl:
            return "half_open"
        return state

    def mark_known(self, *, up: bool) -> None:
        """Tell the status tracker what the last run found, so a transition is logged once across runs."""
        self.metrics.mark(self.source, up=up)

    async def get_json(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        raw_query: str | None = None,
        check: ResponseCheck | None = None,
    ) -> Any:
        """GET and decode JSON; a body that is not JSON is a SourceFormatError."""
        body = await self.get_bytes(url, params=params, headers=headers, raw_query=raw_query, check=check)
        try:
            return json.loads(body)
        except ValueError as exc:
            raise SourceFormatError(f"{self.source} answered with invalid JSON: {exc}", source=self.source) from exc

    async def get_bytes(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        raw_query: str | None = None,
        check: ResponseCheck | None = None,
    ) -> bytes:
        """GET a URL with retries, rate limit and breaker; return the body or raise a SourceError.

        `raw_query` is appended verbatim (already encoded: data.go.kr keys must be encoded exactly once);
        `check(status, body)` may raise the source's own error for an error envelope, even inside HTTP 200.
        """
        full_url = _build_url(url, params, raw_query)
        self._remember_secrets(params, headers, raw_query)
        try:
            breaker = await self.breakers.get_breaker(
                self.source,
                exclude=[SourceAuthError, SourceFormatError],  # the source answered: not an outage
            )
            async with breaker:
                body = await self._with_retries(full_url, headers, check)
        except OpenedState as exc:
            self.metrics.observe_call(self.source, "circuit_open", 0.0)
            raise SourceCircuitOpen(
                f"{self.source} circuit is open after repeated failures; call skipped", source=self.source
            ) from exc
        except SourceUnavailable as exc:
            if self.metrics.mark(self.source, up=False):
                log.warning("source %s is down: %s", self.source, exc.error_class)
            raise
        if self.metrics.mark(self.source, up=True):
            log.info("source %s recovered", self.source)
        return body

    async def _with_retries(self, url: str, headers: Mapping[str, str] | None, check: ResponseCheck | None) -> bytes:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(self._retryable),
            sleep=self._sleep,
            before_sleep=self._log_retry,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._attempt(url, headers, check)
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

    def _retryable(self, exc: BaseException) -> bool:
        if not isinstance(exc, SourceUnavailable) or isinstance(exc, SourceCircuitOpen):
            return False
        if isinstance(exc, SourceQuotaExceeded):
            if exc.code in NON_RETRYABLE_QUOTA_CODES:
                return False
            if exc.retry_after is not None and exc.retry_after > self.max_retry_after_s:
                return False
        return True

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.info(
            "%s: attempt %d failed (%s); retrying in %.1fs",
            self.source,
            state.attempt_number,
            type(exc).__name__,
            wait,
        )

    async def _attempt(self, url: str, headers: Mapping[str, str] | None, check: ResponseCheck | None) -> bytes:
        await self.limiter.acquire()
        started = time.perf_counter()
        shown = redact_url(url)
        try:
            response = await self.client.get(url, headers=_headers(headers), timeout=self.timeout)
        except httpx.TimeoutException as exc:
            self.metrics.observe_call(self.source, "timeout", time.perf_counter() - started)
            raise SourceUnavailable(
                f"{self.source}: timeout on GET {shown}", source=self.source, code="timeout"
            ) from exc
        except httpx.TransportError as exc:
            self.metrics.observe_call(self.source, "transport_error", time.perf_counter() - started)
            reason = self._scrub(f"{type(exc).__name__}: {exc}")
            raise SourceUnavailable(
                f"{self.source}: transport error on GET {shown} ({reason})", source=self.source, code="transport"
            ) from exc
        self.metrics.observe_call(self.source, str(response.status_code), time.perf_counter() - started)
        body = response.content
        if check is not None:
            check(response.status_code, body)  # the source's own error envelope names the problem best
        if response.status_code >= 300:
            what = f"{self.source}: HTTP {response.status_code} on GET {shown}"
            retry_after = response.headers.get("Retry-After")
            raise status_error(self.source, response.status_code, what, retry_after=retry_after)
        return body

    def _remember_secrets(
        self, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None, raw_query: str | None
    ) -> None:
        for name, value in (params or {}).items():
            if name.lower() in {p.lower() for p in SECRET_PARAMS}:
                self._secrets.add(str(value))
        for name, value in (headers or {}).items():
            if name.lower() in SECRET_HEADERS:
                self._secrets.add(value.split(" ", 1)[-1])
        if raw_query:
            for match in _SECRET_QUERY.finditer("&" + raw_query):
                self._secrets.add(("&" + raw_query)[match.end(1) : match.end()])

    def _scrub(self, text: str) -> str:
        return redact_text(text, self._secrets)

    def _on_breaker_event(self, name: str, kind: str, event: Any) -> None:
        if name != self.source or kind != "state_changed":
            return
        state = _PURGATORY_STATES.get(getattr(event, "state", ""), "closed")
        self.breaker_since = dt.datetime.now(dt.UTC)
        self.metrics.set_circuit(self.source, state)
        if state == "open":
            log.warning("source %s circuit opened", self.source)
        elif state == "closed":
            log.info("source %s circuit closed", self.source)


def _limiter(requests_per_second: float) -> AsyncLimiter:
    if requests_per_second >= 1:
        return AsyncLimiter(requests_per_second, 1.0)
    return AsyncLimiter(1, 1.0 / max(requests_per_second, 1e-3))  # slower than one a second


def _build_url(url: str, params: Mapping[str, Any] | None, raw_query: str | None) -> str:
    parts = [urlencode([(k, str(v)) for k, v in params.items() if v is not None])] if params else []
    if raw_query:
        parts.append(raw_query)
    query = "&".join(p for p in parts if p)
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    out = {"User-Agent": USER_AGENT, "Accept": "application/json, application/xml;q=0.9, */*;q=0.5"}
    out.update(headers or {})
    return out


def status_error(
    source: str, status: int, message: str, *, retry_after: str | None = None, user_message: str | None = None
) -> SourceError:
    """Return the SourceError an HTTP error status stands for (the one mapping for APIs and web boards).

    401/403 → SourceAuthError, 429 → SourceQuotaExceeded (with Retry-After), 5xx → SourceUnavailable,
    any other status → SourceFormatError. `user_message` replaces the class's Korean message.
    """
    code = str(status)
    if status in (401, 403):
        return SourceAuthError(message, source=source, code=code, user_message=user_message)
    if status == 429:
        return SourceQuotaExceeded(message, source=source, code=code, retry_after=parse_retry_after(retry_after))
    if status >= 500:
        return SourceUnavailable(message, source=source, code=code, user_message=user_message)
    return SourceFormatError(message, source=source, code=code, user_message=user_message)


__all__ = [
    "DEFAULT_TIMEOUT",
    "SourceHttp",
    "parse_retry_after",
    "redact_text",
    "redact_url",
    "status_error",
]
