"""Every error Aegis raises on purpose, each with context and a Korean `user_message`.

    AegisError
    ├── InvalidInput            bad user or operator input (exit 2 on the CLI)
    │   └── UnknownSource
    ├── SourceError             a public-data source failed (.source)
    │   ├── SourceUnavailable   transport error, timeout, 5xx, maintenance page (retryable)
    │   │   ├── SourceQuotaExceeded   daily quota or 429 (.retry_after)
    │   │   └── SourceCircuitOpen     the source's circuit breaker is open: the call was skipped
    │   ├── SourceAuthError     key missing, unregistered or expired: an operator must act
    │   ├── SourceFormatError   the payload cannot be parsed, or the request itself is wrong
    │   └── SourceDegraded      a web page's selector suddenly matches nothing (.selector): a redesign
    ├── DatabaseBusy            other writers kept the database locked past the bounded wait (a failed run)
    ├── ChannelError            a message channel (SMTP, SENS, Telegram) failed (.channel, .retryable)
    │   ├── ChannelUnavailable  connection, timeout, 5xx, throttling (retried with backoff)
    │   ├── ChannelAuthError    credentials or sender refused: an operator must act
    │   └── ChannelRejected     this message or recipient was refused (dead-lettered at once)
    └── GatewayError            an LLM provider failed (.provider); never reaches a user-facing caller
        ├── ProviderUnavailable
        ├── ProviderAuthError
        └── ProviderOutputError invalid structured output

Outside errors are translated at the boundary with `raise ... from exc`.
"""

from __future__ import annotations


class AegisError(Exception):
    """Base of every deliberate Aegis error."""

    user_message = "요청을 처리하지 못했습니다."

    def __init__(self, message: str, *, user_message: str | None = None) -> None:
        super().__init__(message)
        if user_message is not None:
            self.user_message = user_message


class InvalidInput(AegisError):
    """Input that cannot be used: unreadable file, invalid JSON, a profile failing its schema."""

    user_message = "입력값을 확인해 주세요."


class UnknownSource(InvalidInput):
    """A source name that no collector is registered for."""

    user_message = "알 수 없는 수집 출처입니다."


class SourceError(AegisError):
    """A public-data source failed; `.source` names it, `.code` is the source's own error code."""

    user_message = "공고 수집 중 오류가 발생했습니다."
    retryable = False

    def __init__(self, message: str, *, source: str, code: str | None = None, user_message: str | None = None) -> None:
        super().__init__(message, user_message=user_message)
        self.source = source
        self.code = code

    @property
    def error_class(self) -> str:
        """Return the short class name stored in collection runs and metrics."""
        return type(self).__name__


class SourceUnavailable(SourceError):
    """Transport error, timeout, 5xx or a maintenance page: worth retrying later."""

    user_message = "공고 출처가 일시적으로 응답하지 않습니다."
    retryable = True


class SourceQuotaExceeded(SourceUnavailable):
    """The daily quota is spent or the source answered 429; `.retry_after` in seconds if known."""

    user_message = "공고 출처의 호출 한도를 초과했습니다."

    def __init__(self, message: str, *, source: str, code: str | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, source=source, code=code)
        self.retry_after = retry_after


class SourceCircuitOpen(SourceUnavailable):
    """The source failed too often recently; its circuit is open and the call was not made."""

    user_message = "공고 출처가 최근 계속 응답하지 않아 잠시 호출을 멈췄습니다."


class SourceAuthError(SourceError):
    """The key is missing, unregistered or expired: an operator must act."""

    user_message = "공고 출처의 인증키를 확인해야 합니다."


class SourceFormatError(SourceError):
    """The payload cannot be parsed, or the request itself is malformed (a bug on our side)."""

    user_message = "공고 출처의 응답 형식을 해석하지 못했습니다."


class DatabaseBusy(AegisError):
    """Other writers held the write lock past the bounded wait; the transaction was rolled back: run it again."""

    user_message = "다른 작업이 데이터베이스에 쓰는 중이라 기다렸지만 끝나지 않았습니다. 잠시 후 다시 실행해 주세요."

    def __init__(self, message: str, *, waited_s: float) -> None:
        super().__init__(message)
        self.waited_s = waited_s


class ChannelError(AegisError):
    """A message channel failed; `.channel` names it, `.retryable` says whether to try the delivery again."""

    user_message = "알림을 보내지 못했습니다."
    retryable = False

    def __init__(
        self, message: str, *, channel: str, retry_after: float | None = None, user_message: str | None = None
    ) -> None:
        super().__init__(message, user_message=user_message)
        self.channel = channel
        self.retry_after = retry_after


class ChannelUnavailable(ChannelError):
    """Connection refused, timeout, 5xx or throttling: the delivery is retried with backoff."""

    retryable = True


class ChannelAuthError(ChannelError):
    """The channel refused our credentials or sender: an operator must act (retried, then dead)."""

    retryable = True


class ChannelRejected(ChannelError):
    """The channel refused this message or recipient: retrying cannot help."""


class GatewayError(AegisError):
    """An LLM provider failed; `.provider` names it. The gateway turns these into fallbacks."""

    user_message = "AI 응답을 받지 못했습니다."

    def __init__(self, message: str, *, provider: str, user_message: str | None = None) -> None:
        super().__init__(message, user_message=user_message)
        self.provider = provider


class ProviderUnavailable(GatewayError):
    """Timeout, 5xx, 429 or an open circuit."""


class ProviderAuthError(GatewayError):
    """The provider refused the key."""


class ProviderOutputError(GatewayError):
    """The provider's answer is not valid for the task's schema."""


class SourceDegraded(SourceError):
    """A declarative web source's selector matched nothing (a site redesign); `.selector` names it.

    The run is recorded "degraded" and nothing is closed: an empty page never proves programs ended.
    """

    user_message = "공고 게시판의 구조가 바뀌어 수집하지 못했습니다. 선택자를 확인해 주세요."
    run_status = "degraded"

    def __init__(self, message: str, *, source: str, selector: str) -> None:
        super().__init__(message, source=source, code="selector")
        self.selector = selector
