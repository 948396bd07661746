"""What a gateway call returns: the answer, who gave it, what it cost, and every attempt on the way."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

DecidedBy = Literal["provider", "breaker", "budget", "all_failed", "no_provider"]
OFFLINE = "offline"


@dataclass(frozen=True)
class Attempt:
    """One step of the fallback path: a call (or a skip) of one provider's model, and how it ended.

    `outcome` is "ok", "repaired", an error class ("ProviderTimeout", "ProviderAuthError", ...),
    "invalid_output", or "circuit_open" for a provider skipped without a call.
    """

    provider: str
    model: str | None
    outcome: str
    latency_ms: float = 0.0
    key_slot: str | None = None
    deployment_id: str | None = None
    retry_after: float | None = None

    def as_record(self) -> dict[str, Any]:
        """Return the attempt as plain data for the llm_calls row."""
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class GatewayResult:
    """The gateway's answer; `provider="offline"` when no remote provider answered."""

    text: str
    parsed: BaseModel | None
    provider: str
    model: str | None
    deployment_id: str | None
    input_tokens: int
    output_tokens: int
    latency_ms: float
    cost_usd: float
    fallback_path: list[Attempt] = field(default_factory=list)
    decided_by: DecidedBy = "provider"
    error_class: str | None = None  # why it went offline, when it did

    @property
    def offline(self) -> bool:
        """Return whether the offline provider answered."""
        return self.provider == OFFLINE
