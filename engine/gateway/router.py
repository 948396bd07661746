"""The only module that imports LiteLLM (lazily): a Router over every deployment, and error translation.

Our gateway walks the chain itself and asks the Router for one named deployment at a time, with the
Router's own retries, fallbacks and cooldowns off: the breaker, the fallback path and the structured-
output repair need to see every attempt. Exceptions become `engine.gateway.errors` at this boundary.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from dataclasses import dataclass
from typing import Any

from engine.gateway.config import Deployment, ProviderPlan, model_list
from engine.gateway.errors import (
    GatewayError,
    ProviderAuthError,
    ProviderConnectError,
    ProviderRateLimited,
    ProviderRequestError,
    ProviderServerError,
    ProviderTimeout,
    ProviderUnavailable,
    StructuredOutputRefused,
)

logger = logging.getLogger(__name__)
QUIET_LOGGERS = ("httpx", "httpcore", "LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "openai", "aiohttp")
READONLY_WARNING = r"Items? .* on TypedDict class .* (is|are) using the `ReadOnly` qualifier"
# Words a 400 uses when it is the structured-output parameter it refuses (as sent, or as LiteLLM translated it).
_FORMAT_WORDS = ("response_format", "json_schema", "output_format", "response_schema", "responseschema")
_KEYLIKE = re.compile(r"(sk-|AIza|key=)[A-Za-z0-9_\-*.]{4,}")


@dataclass(frozen=True)
class RawAnswer:
    """What one deployment answered: text, tokens and LiteLLM's cost (None when it does not know)."""

    text: str
    input_tokens: int
    output_tokens: int
    litellm_cost: float | None
    model: str | None


def import_litellm() -> Any:
    """Import LiteLLM offline and quiet: local cost map, no network fetches, no debug banners."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
    # LiteLLM builds pydantic models over ReadOnly TypedDicts lazily (first Router, first Gemini call)
    # and pydantic warns each time; the warning is about LiteLLM's internals, not ours.
    warnings.filterwarnings("ignore", message=READONLY_WARNING, category=UserWarning)
    import litellm  # lazy on purpose: `import engine` must not pay for LiteLLM

    litellm.suppress_debug_info = True
    # drop_params stays off: a provider that cannot honour `response_format` must say so (the gateway then
    # asks for JSON in the prompt), not silently drop it.
    quiet_loggers()
    return litellm


def quiet_loggers() -> None:
    """Set the HTTP and LiteLLM loggers to WARNING: at INFO they log full URLs and request details."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


class RouterAdapter:
    """A LiteLLM Router holding every deployment of the chain; `call` runs one attempt on one of them."""

    def __init__(self, plans: list[ProviderPlan], *, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        # longest first, so that a key that is a prefix of another cannot leave the other's tail behind
        self._secrets = sorted(
            {d.api_key.get_secret_value() for p in plans for d in p.primary + p.secondary if d.api_key is not None},
            key=len,
            reverse=True,
        )
        self._router: Any = None
        self._plans = plans
        quiet_loggers()
        self._litellm: Any = None

    def prepare(self) -> Any:
        """Import LiteLLM and build the Router, once (a few seconds the first time)."""
        if self._router is None:
            self._litellm = import_litellm()
            self._router = self._litellm.Router(
                model_list=model_list(self._plans, timeout_s=self.timeout_s),
                num_retries=0,  # the gateway retries: LiteLLM's backoff sleeps up to seconds
                max_fallbacks=0,
                timeout=self.timeout_s,  # LiteLLM's own default is 6000 s
                disable_cooldowns=True,  # the gateway's breaker decides, per provider
            )
        return self._router

    async def call(
        self,
        dep: Deployment,
        messages: list[dict[str, Any]],
        *,
        max_tokens: int | None = None,
        response_format: dict[str, Any] | None = None,
    ) -> RawAnswer:
        """Run one attempt on one deployment; raise a `GatewayError` subclass on any failure.

        With `response_format`, StructuredOutputRefused when the deployment refuses that parameter.
        """
        router = self.prepare()
        kwargs: dict[str, Any] = {"timeout": self.timeout_s}
        if max_tokens is not None:
            kwargs["max_tokens"] = max_tokens
        if response_format is not None:
            kwargs["response_format"] = response_format
        try:
            resp = await router.acompletion(model=dep.deployment_id, messages=messages, **kwargs)
        except Exception as exc:  # the provider boundary: every outside error is translated here
            if response_format is not None and self.refuses_format(exc):
                raise StructuredOutputRefused(self._message(exc, dep), provider=dep.provider) from exc
            raise self.translate(exc, dep) from exc
        return self._read(resp, dep)

    def refuses_format(self, exc: BaseException) -> bool:
        """Return whether the error says the deployment cannot do structured output (not that it is down)."""
        lit = self._litellm
        if lit is not None and isinstance(exc, lit.UnsupportedParamsError):
            return True
        status = getattr(exc, "status_code", None)
        bad_request = status == 400 or (lit is not None and isinstance(exc, lit.BadRequestError))
        text = str(exc).lower()
        return bool(bad_request) and any(word in text for word in _FORMAT_WORDS)

    def _message(self, exc: BaseException, dep: Deployment) -> str:
        status = getattr(exc, "status_code", None)
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return f"{dep.deployment_id}: {type(exc).__name__} ({status}) {self.redact(first_line)[:200]}"

    def _read(self, resp: Any, dep: Deployment) -> RawAnswer:
        try:
            text = resp.choices[0].message.content or ""
            usage = getattr(resp, "usage", None)
            hidden = getattr(resp, "_hidden_params", None) or {}
        except (AttributeError, IndexError, TypeError) as exc:
            raise ProviderServerError(f"{dep.deployment_id}: malformed response", provider=dep.provider) from exc
        cost = hidden.get("response_cost")
        return RawAnswer(
            text=str(text),
            input_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            output_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            litellm_cost=float(cost) if isinstance(cost, int | float) else None,
            model=getattr(resp, "model", None) or dep.model,
        )

    def redact(self, text: str) -> str:
        """Remove every configured key (and anything key-shaped) from a message."""
        for secret in self._secrets:
            if secret:
                text = text.replace(secret, "***")
        return _KEYLIKE.sub(r"\1***", text)

    def translate(self, exc: BaseException, dep: Deployment) -> GatewayError:
        """Map a LiteLLM/transport exception to our error tree; the message is redacted and short."""
        lit = self._litellm
        status = getattr(exc, "status_code", None)
        msg = self._message(exc, dep)
        provider = dep.provider
        if (lit is not None and isinstance(exc, lit.Timeout)) or isinstance(exc, TimeoutError):
            return ProviderTimeout(msg, provider=provider)
        if (lit is not None and isinstance(exc, lit.RateLimitError)) or status == 429:
            return ProviderRateLimited(msg, provider=provider, retry_after=_retry_after(exc))
        if (lit is not None and isinstance(exc, lit.AuthenticationError | lit.PermissionDeniedError)) or status in (
            401,
            403,
        ):
            return ProviderAuthError(msg, provider=provider)
        if lit is not None and isinstance(exc, lit.BadRequestError | lit.NotFoundError):
            return ProviderRequestError(msg, provider=provider)  # incl. ContextWindowExceededError
        if (lit is not None and isinstance(exc, lit.APIConnectionError)) or isinstance(exc, ConnectionError):
            return ProviderConnectError(msg, provider=provider)  # LiteLLM's catch-all for unreachable hosts
        if isinstance(status, int) and 400 <= status < 500 and status != 408:
            return ProviderRequestError(msg, provider=provider)
        if (isinstance(status, int) and status >= 500) or (lit is not None and isinstance(exc, lit.APIError)):
            return ProviderServerError(msg, provider=provider)
        return ProviderUnavailable(msg, provider=provider)


def _retry_after(exc: BaseException) -> float | None:
    headers = getattr(exc, "litellm_response_headers", None)
    if headers is None:
        headers = getattr(getattr(exc, "response", None), "headers", None)
    try:
        value = headers.get("retry-after") if headers is not None else None
        return float(value) if value is not None else None
    except (TypeError, ValueError, AttributeError):
        return None
