"""The one table of error classes → retry policy (seed 7.1), used by every integration.

    unavailable  transport error, timeout, 5xx, open circuit, busy database  → exponential backoff
    quota        429, daily/per-second quota                                 → fixed 60 s (or Retry-After)
    auth         401/403, a rejected key, token or login                     → exponential backoff, operator alert
    format       a payload we cannot read, a 4xx request error, bad model output → no retry (fix the code/data)
    rejected     the recipient or message was refused for good               → no retry

Errors are classified by the name of their class or any base class, so `SourceQuotaExceeded` (a
`SourceUnavailable`) is quota, and an unknown error falls back to its nearest known base.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ErrorCategory = Literal["unavailable", "quota", "auth", "format", "rejected"]
QUOTA_WAIT_S = 60.0
MAX_BACKOFF_S = 6 * 3600.0  # as the outbox caps it


@dataclass(frozen=True)
class RetryPolicy:
    """How to retry one error category: exponential, fixed or none; `critical` raises the operator alert."""

    category: ErrorCategory
    kind: Literal["exponential", "fixed", "none"]
    base_s: float = 0.0
    critical: bool = False

    @property
    def retryable(self) -> bool:
        """Return whether this category is retried at all."""
        return self.kind != "none"

    def delay(self, attempt: int, *, base_s: float | None = None, retry_after: float | None = None) -> float | None:
        """Return the pause before retry number `attempt` (1 = first retry), or None for no retry.

        `base_s` overrides the table's first pause (a setting such as alerts.retry_backoff_s); a
        provider's Retry-After wins over a fixed quota wait when it is longer.
        """
        if self.kind == "none":
            return None
        base = self.base_s if base_s is None else base_s
        if self.kind == "fixed":
            return max(base, retry_after or 0.0)
        grown = base * 2.0 ** max(attempt - 1, 0)
        return float(min(MAX_BACKOFF_S, max(grown, retry_after or 0.0)))


POLICIES: dict[ErrorCategory, RetryPolicy] = {
    "unavailable": RetryPolicy("unavailable", "exponential", base_s=60.0),
    "quota": RetryPolicy("quota", "fixed", base_s=QUOTA_WAIT_S),
    "auth": RetryPolicy("auth", "exponential", base_s=300.0, critical=True),
    "format": RetryPolicy("format", "none"),
    "rejected": RetryPolicy("rejected", "none"),
}

# Error class name → category. Subclasses inherit their base's entry unless listed themselves.
ERROR_CLASSES: dict[str, ErrorCategory] = {
    # public-data sources (engine.errors)
    "SourceUnavailable": "unavailable",
    "SourceCircuitOpen": "unavailable",
    "SourceQuotaExceeded": "quota",
    "SourceAuthError": "auth",
    "SourceFormatError": "format",
    # LLM providers (engine.gateway.errors)
    "ProviderUnavailable": "unavailable",
    "ProviderTimeout": "unavailable",
    "ProviderConnectError": "unavailable",
    "ProviderServerError": "unavailable",
    "ProviderRateLimited": "quota",
    "ProviderAuthError": "auth",
    "ProviderRequestError": "format",
    "ProviderOutputError": "format",
    "StructuredOutputRefused": "format",
    # message channels (Telegram, email, SMS)
    "ChannelUnavailable": "unavailable",
    "ChannelAuthError": "auth",
    "ChannelRejected": "rejected",
    # storage and plain Python
    "DatabaseBusy": "unavailable",
    "OperationalError": "unavailable",
    "TimeoutError": "unavailable",
    "ConnectionError": "unavailable",
    "OSError": "unavailable",
    "ValueError": "format",
}

# Words of a doctor/health detail or a stored error message → category (when only text is left).
_DETAIL_WORDS: tuple[tuple[str, ErrorCategory], ...] = (
    ("한도", "quota"),
    ("429", "quota"),
    ("인증", "auth"),
    ("거부", "auth"),
    ("401", "auth"),
    ("403", "auth"),
    ("키", "auth"),
    ("해석할 수 없", "format"),
)


def category_of(error: BaseException | type[BaseException] | str) -> ErrorCategory:
    """Return the category of an error, its class, or a stored class name (unknown: unavailable)."""
    if isinstance(error, str):
        return ERROR_CLASSES.get(error, "unavailable")
    cls = error if isinstance(error, type) else type(error)
    for base in cls.__mro__:
        found = ERROR_CLASSES.get(base.__name__)
        if found is not None:
            return found
    return "unavailable"


def policy_for(error: BaseException | type[BaseException] | str) -> RetryPolicy:
    """Return the retry policy of an error (see the table in this module's docstring)."""
    return POLICIES[category_of(error)]


def retry_delay(
    error: BaseException | str, attempt: int, *, base_s: float | None = None, retry_after: float | None = None
) -> float | None:
    """Return the pause before retry `attempt` of an error, or None when it must not be retried."""
    if retry_after is None and isinstance(error, BaseException):
        value = getattr(error, "retry_after", None)
        retry_after = float(value) if isinstance(value, int | float) else None
    return policy_for(error).delay(attempt, base_s=base_s, retry_after=retry_after)


def classify_detail(detail: str) -> ErrorCategory:
    """Return the category a failure's Korean detail names (for checks that only left text)."""
    for word, category in _DETAIL_WORDS:
        if word in detail:
            return category
    return "unavailable"
