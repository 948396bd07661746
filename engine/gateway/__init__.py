"""The Living Gateway: every LLM call of Aegis, over a LiteLLM Router, with fallbacks, breakers and budgets.

`Gateway.complete(task, messages, schema)` returns a `GatewayResult` and never raises; the offline
provider answers when no remote one can. Importing this package does not import LiteLLM.
"""

from engine.gateway.breaker import CircuitState, ProviderStatus
from engine.gateway.core import Gateway
from engine.gateway.offline import GENERIC_OFFLINE_TEXT
from engine.gateway.results import Attempt, DecidedBy, GatewayResult
from engine.gateway.tasks import (
    TASK_SCHEMAS,
    Answer,
    ConditionsOpinion,
    Explanation,
    ProfileDraft,
    answer_messages,
    explain_messages,
    extract_conditions_messages,
    extract_profile_messages,
    fence,
    numbers_grounded,
    validate_citations,
)

__all__ = [
    "GENERIC_OFFLINE_TEXT",
    "TASK_SCHEMAS",
    "Answer",
    "Attempt",
    "CircuitState",
    "ConditionsOpinion",
    "DecidedBy",
    "Explanation",
    "Gateway",
    "GatewayResult",
    "ProfileDraft",
    "ProviderStatus",
    "answer_messages",
    "explain_messages",
    "extract_conditions_messages",
    "extract_profile_messages",
    "fence",
    "numbers_grounded",
    "validate_citations",
]
