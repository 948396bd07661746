"""The gateway's own refinements of `engine.errors.GatewayError`, raised at the provider boundary.

    GatewayError (engine.errors)
    ├── ProviderUnavailable
    │   ├── ProviderTimeout        no answer within llm.timeout_s (provider-wide: skip its other models)
    │   ├── ProviderConnectError   connection refused or reset (provider-wide)
    │   ├── ProviderServerError    5xx (retried up to llm.max_retries)
    │   └── ProviderRateLimited    429 (.retry_after)
    ├── ProviderAuthError          401/403 (provider-wide; the secondary key is tried)
    ├── ProviderRequestError       400, context length exceeded: our request, not the provider's health
    │   └── StructuredOutputRefused   the deployment refuses `response_format`: ask in the prompt instead
    └── ProviderOutputError        invalid structured output (after the repair attempt)

None of these reaches a user-facing caller: the gateway turns them into fallbacks and the offline path.
"""

from __future__ import annotations

from engine.errors import GatewayError, ProviderAuthError, ProviderOutputError, ProviderUnavailable

__all__ = [
    "GatewayError",
    "ProviderAuthError",
    "ProviderConnectError",
    "ProviderOutputError",
    "ProviderRateLimited",
    "ProviderRequestError",
    "ProviderServerError",
    "ProviderTimeout",
    "ProviderUnavailable",
    "StructuredOutputRefused",
    "counts_against_breaker",
    "error_class",
    "is_provider_wide",
]


class ProviderTimeout(ProviderUnavailable):
    """The provider did not answer within the timeout."""


class ProviderConnectError(ProviderUnavailable):
    """The provider could not be reached."""


class ProviderServerError(ProviderUnavailable):
    """The provider answered 5xx."""


class ProviderRateLimited(ProviderUnavailable):
    """The provider answered 429; `.retry_after` in seconds when it said."""

    def __init__(self, message: str, *, provider: str, retry_after: float | None = None) -> None:
        super().__init__(message, provider=provider)
        self.retry_after = retry_after


class ProviderRequestError(GatewayError):
    """The provider refused this request (400, context length): the next provider may accept it."""


class StructuredOutputRefused(ProviderRequestError):
    """The deployment refuses native structured output (LiteLLM UnsupportedParamsError, a 400 naming it)."""


def error_class(exc: BaseException) -> str:
    """Return the short class name stored in llm_calls, provider_health and the fallback path."""
    return type(exc).__name__


def is_provider_wide(exc: GatewayError) -> bool:
    """Return whether the error condemns the whole provider for this request (not just one model)."""
    return isinstance(exc, ProviderTimeout | ProviderConnectError | ProviderAuthError)


def counts_against_breaker(exc: GatewayError) -> bool:
    """Return whether the error says the provider is unhealthy (a 400 or bad JSON proves it is alive)."""
    return isinstance(exc, ProviderUnavailable | ProviderAuthError)
