"""The provider chain from settings: presence, priority, LiteLLM model names, and where keys are unwrapped."""

from __future__ import annotations

from engine.gateway.config import SELFHOSTED_DUMMY_KEY, build_chain, model_list
from engine.settings import LLMSettings, ProviderSettings


def test_build_chain_keeps_priority_and_drops_providers_without_key_or_base() -> None:
    llm = LLMSettings(
        openai=ProviderSettings(api_key="sk-o", model="gpt-4.1", cheap_model="gpt-4.1-mini"),
        anthropic=ProviderSettings(model="claude-sonnet-4-5"),  # no key: absent
        gemini=ProviderSettings(api_key="g", model="gemini-2.5-flash"),
        selfhosted=ProviderSettings(model="qwen"),  # no api_base: absent
    )
    plans = build_chain(llm)
    assert [p.name for p in plans] == ["openai", "gemini"]
    assert [d.model for d in plans[0].primary] == ["gpt-4.1", "gpt-4.1-mini"]
    assert [d.tier for d in plans[0].primary] == ["main", "cheap"]


def test_build_chain_follows_the_configured_order() -> None:
    llm = LLMSettings(
        chain="selfhosted,openai",
        openai=ProviderSettings(api_key="sk-o", model="gpt-4.1"),
        selfhosted=ProviderSettings(api_base="http://127.0.0.1:11434/v1", model="qwen"),
    )
    assert [p.name for p in build_chain(llm)] == ["selfhosted", "openai"]


def test_build_chain_is_empty_without_any_key() -> None:
    assert build_chain(LLMSettings()) == []


def test_model_list_prefixes_models_per_provider_and_unwraps_keys_only_there() -> None:
    llm = LLMSettings(
        openai=ProviderSettings(api_key="sk-o1", api_key_secondary="sk-o2", model="gpt-4.1", api_base="http://x/v1"),
        anthropic=ProviderSettings(api_key="sk-a", model="claude-sonnet-4-5"),
        gemini=ProviderSettings(api_key="g", model="gemini/gemini-2.5-flash"),
        selfhosted=ProviderSettings(api_base="http://127.0.0.1:11434/v1", model="qwen2.5:7b-instruct"),
    )
    plans = build_chain(llm)
    assert "sk-o1" not in repr(plans)  # keys stay SecretStr and out of reprs
    entries = {e["model_name"]: e["litellm_params"] for e in model_list(plans, timeout_s=3.0)}
    assert entries["openai:gpt-4.1:primary"]["api_key"] == "sk-o1"
    assert entries["openai:gpt-4.1:secondary"]["api_key"] == "sk-o2"
    assert entries["openai:gpt-4.1:primary"]["api_base"] == "http://x/v1"
    assert entries["anthropic:claude-sonnet-4-5:primary"]["model"] == "anthropic/claude-sonnet-4-5"
    assert entries["gemini:gemini/gemini-2.5-flash:primary"]["model"] == "gemini/gemini-2.5-flash"
    selfhosted = entries["selfhosted:qwen2.5:7b-instruct:primary"]
    assert selfhosted["model"] == "openai/qwen2.5:7b-instruct"
    assert selfhosted["api_key"] == SELFHOSTED_DUMMY_KEY
    assert all(p["timeout"] == 3.0 for p in entries.values())


def test_configured_prices_override_litellm_cost() -> None:
    llm = LLMSettings(
        openai=ProviderSettings(api_key="k", model="m", input_cost_per_mtok=2.0, output_cost_per_mtok=8.0)
    )
    dep = build_chain(llm)[0].primary[0]
    assert dep.cost_from_prices(1_000_000, 500_000) == 6.0
    no_prices = build_chain(LLMSettings(openai=ProviderSettings(api_key="k", model="m")))[0].primary[0]
    assert no_prices.cost_from_prices(10, 10) is None
