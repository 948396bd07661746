"""The error-class → retry-policy table: backoff for unavailability, fixed 60 s for quota, none for format."""

from __future__ import annotations

import pytest

from engine.errors import (
    ChannelAuthError,
    ChannelRejected,
    ChannelUnavailable,
    SourceAuthError,
    SourceFormatError,
    SourceQuotaExceeded,
    SourceUnavailable,
)
from engine.gateway.errors import ProviderOutputError, ProviderRateLimited, ProviderTimeout
from engine.ops.retry import category_of, policy_for, retry_delay


@pytest.mark.parametrize(
    ("error", "category"),
    [
        (SourceUnavailable("x", source="s"), "unavailable"),
        (SourceQuotaExceeded("x", source="s"), "quota"),  # a SourceUnavailable subclass, listed itself
        (SourceAuthError("x", source="s"), "auth"),
        (SourceFormatError("x", source="s"), "format"),
        (ProviderTimeout("x", provider="p"), "unavailable"),
        (ProviderRateLimited("x", provider="p"), "quota"),
        (ProviderOutputError("x", provider="p"), "format"),
        (ChannelUnavailable("x", channel="email"), "unavailable"),
        (ChannelAuthError("x", channel="email"), "auth"),
        (ChannelRejected("x", channel="email"), "rejected"),
        (KeyError("x"), "unavailable"),  # unknown: treated as transient
    ],
)
def test_every_integration_error_has_its_category(error: BaseException, category: str) -> None:
    assert category_of(error) == category
    assert category_of(type(error).__name__) == category or type(error) is KeyError


def test_unavailability_backs_off_exponentially() -> None:
    error = SourceUnavailable("x", source="s")
    assert [retry_delay(error, n, base_s=10) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]


def test_quota_waits_a_fixed_minute_or_the_longer_retry_after() -> None:
    assert [retry_delay("ProviderRateLimited", n) for n in (1, 2, 5)] == [60, 60, 60]
    assert retry_delay(ProviderRateLimited("x", provider="p", retry_after=300), 1) == 300


def test_format_errors_are_never_retried() -> None:
    assert retry_delay(SourceFormatError("x", source="s"), 1) is None
    assert not policy_for("ProviderOutputError").retryable


def test_auth_failures_are_critical_for_operators() -> None:
    assert policy_for(SourceAuthError("x", source="s")).critical
    assert not policy_for(SourceUnavailable("x", source="s")).critical
