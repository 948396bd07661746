"""The provider chain from settings: which providers are present, their deployments, their prices.

A deployment is one (provider, model, key slot). Secrets stay `SecretStr` here; `model_list` is the
only function that unwraps them, to hand them to the LiteLLM Router.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import SecretStr

from engine.settings import LLMSettings, ProviderSettings

KeySlot = Literal["primary", "secondary"]
# LiteLLM's provider prefix per chain name; selfhosted speaks the OpenAI protocol at its api_base.
LITELLM_PREFIX = {"openai": "openai", "anthropic": "anthropic", "gemini": "gemini", "selfhosted": "openai"}
# Ollama, vLLM and llama.cpp ignore the key, but the OpenAI client refuses to send none.
SELFHOSTED_DUMMY_KEY = "not-needed"


@dataclass(frozen=True)
class Deployment:
    """One model of one provider with one key: the unit the Router calls."""

    provider: str
    model: str
    tier: Literal["main", "cheap"]
    key_slot: KeySlot
    litellm_model: str
    api_base: str | None = field(repr=False)
    api_key: SecretStr | None = field(repr=False)
    input_cost_per_mtok: float | None = None
    output_cost_per_mtok: float | None = None

    @property
    def deployment_id(self) -> str:
        """Return the stable id used as the Router's model name and in records (`openai:gpt-4.1:primary`)."""
        return f"{self.provider}:{self.model}:{self.key_slot}"

    def cost_from_prices(self, input_tokens: int, output_tokens: int) -> float | None:
        """Return the USD cost from the configured per-token prices, or None when none are set."""
        if self.input_cost_per_mtok is None and self.output_cost_per_mtok is None:
            return None
        cin = (self.input_cost_per_mtok or 0.0) * input_tokens
        cout = (self.output_cost_per_mtok or 0.0) * output_tokens
        return (cin + cout) / 1_000_000


@dataclass(frozen=True)
class ProviderPlan:
    """A present provider: its deployments per key slot, main model first, then the cheap one."""

    name: str
    primary: tuple[Deployment, ...]
    secondary: tuple[Deployment, ...] = ()

    def deployments(self, slot: KeySlot) -> tuple[Deployment, ...]:
        """Return the deployments of one key slot (the primary ones when there is no secondary key)."""
        return self.secondary if slot == "secondary" and self.secondary else self.primary

    @property
    def cheapest(self) -> Deployment:
        """Return the deployment a health check calls: the cheap model when there is one."""
        return self.primary[-1]


def _secret(value: SecretStr | None) -> SecretStr | None:
    return value if value is not None and value.get_secret_value().strip() else None


def _litellm_model(provider: str, model: str) -> str:
    prefix = LITELLM_PREFIX[provider]
    return model if model.startswith(prefix + "/") else f"{prefix}/{model}"


def build_plan(name: str, cfg: ProviderSettings) -> ProviderPlan | None:
    """Return the provider's plan, or None when it is absent (no key; selfhosted: no api_base; no model)."""
    if not cfg.present(name):
        return None
    key = _secret(cfg.api_key)
    base = (cfg.api_base or "").strip() or None
    models = [cfg.model.strip()]
    if cfg.cheap_model and cfg.cheap_model.strip() and cfg.cheap_model.strip() != models[0]:
        models.append(cfg.cheap_model.strip())

    def slot(slot_name: KeySlot, slot_key: SecretStr | None) -> tuple[Deployment, ...]:
        return tuple(
            Deployment(
                provider=name,
                model=model,
                tier="main" if i == 0 else "cheap",
                key_slot=slot_name,
                litellm_model=_litellm_model(name, model),
                api_base=base,
                api_key=slot_key,
                input_cost_per_mtok=cfg.input_cost_per_mtok,
                output_cost_per_mtok=cfg.output_cost_per_mtok,
            )
            for i, model in enumerate(models)
        )

    secondary = _secret(cfg.api_key_secondary)
    return ProviderPlan(
        name=name, primary=slot("primary", key), secondary=slot("secondary", secondary) if secondary else ()
    )


def build_chain(llm: LLMSettings) -> list[ProviderPlan]:
    """Return the present providers in chain order (duplicates in the chain are ignored)."""
    plans: list[ProviderPlan] = []
    for name in dict.fromkeys(llm.chain):
        plan = build_plan(name, getattr(llm, name))
        if plan is not None:
            plans.append(plan)
    return plans


def model_list(plans: list[ProviderPlan], *, timeout_s: float) -> list[dict[str, Any]]:
    """Return the Router's model_list, one entry per deployment; the only place keys are unwrapped."""
    entries: list[dict[str, Any]] = []
    for plan in plans:
        for dep in plan.primary + plan.secondary:
            params: dict[str, Any] = {"model": dep.litellm_model, "timeout": timeout_s, "max_retries": 0}
            if dep.api_base:
                params["api_base"] = dep.api_base
            if dep.api_key is not None:
                params["api_key"] = dep.api_key.get_secret_value()
            elif dep.provider == "selfhosted":
                params["api_key"] = SELFHOSTED_DUMMY_KEY
            entries.append(
                {"model_name": dep.deployment_id, "litellm_params": params, "model_info": {"id": dep.deployment_id}}
            )
    return entries
