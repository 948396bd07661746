"""The gateway against the fake server: priority, failover, breaker, key rotation, structured output, offline."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from pydantic import BaseModel, SecretStr

from engine.gateway import GENERIC_OFFLINE_TEXT, Answer, Gateway
from engine.gateway.tasks import ProgramNote
from engine.settings import LLMSettings

MSGS = [{"role": "user", "content": "청년 창업 지원금 알려줘"}]


def outcomes(result: Any) -> list[tuple[str, str]]:
    return [(a.provider, a.outcome) for a in result.fallback_path]


@pytest.mark.asyncio
async def test_first_provider_in_priority_order_answers(fake: Any, llm: Any, clock: Any, registry: Any) -> None:
    gw = Gateway.from_settings(llm(), clock=clock, registry=registry)
    assert gw.configured == ["openai", "anthropic", "gemini", "selfhosted"]
    result = await gw.complete("explain", MSGS)
    assert (result.provider, result.model, result.decided_by) == ("openai", "gpt-4.1", "provider")
    assert result.deployment_id == "openai:gpt-4.1:primary"
    assert (result.input_tokens, result.output_tokens) == (12, 7)
    assert result.cost_usd > 0  # LiteLLM's pricing map knows gpt-4.1
    assert fake.count("openai") == 1 and fake.count("anthropic") == 0


@pytest.mark.asyncio
async def test_failover_to_anthropic_when_openai_fails(fake: Any, llm: Any, clock: Any, registry: Any) -> None:
    fake.script("openai", "503")
    gw = Gateway.from_settings(llm(), clock=clock, registry=registry)
    result = await gw.complete("explain", MSGS)
    assert result.provider == "anthropic"
    assert outcomes(result) == [
        ("openai", "ProviderServerError"),
        ("openai", "ProviderServerError"),  # the cheap model, tried after the main one
        ("anthropic", "ok"),
    ]
    assert fake.bodies[-1]["model"] == "claude-sonnet-4-5"  # through the Anthropic /v1/messages route


@pytest.mark.asyncio
async def test_cheap_model_answers_when_the_main_one_is_rate_limited(fake: Any, llm: Any, registry: Any) -> None:
    fake.script("openai", "ok", then=["429"], retry_after="7")
    result = await Gateway.from_settings(llm(), registry=registry).complete("explain", MSGS)
    assert (result.provider, result.model) == ("openai", "gpt-4.1-mini")
    assert result.fallback_path[0].outcome == "ProviderRateLimited"
    assert result.fallback_path[0].retry_after == 7.0


@pytest.mark.asyncio
async def test_timeout_moves_to_the_next_provider_without_trying_the_cheap_model(
    fake: Any, llm: Any, registry: Any
) -> None:
    fake.script("openai", "hang", hang_s=1.0)
    result = await Gateway.from_settings(llm(timeout_s=0.3), registry=registry).complete("explain", MSGS)
    assert result.provider == "anthropic"
    assert outcomes(result) == [("openai", "ProviderTimeout"), ("anthropic", "ok")]
    assert result.fallback_path[0].latency_ms < 900


@pytest.mark.asyncio
async def test_server_error_is_retried_up_to_max_retries(fake: Any, llm: Any, registry: Any) -> None:
    fake.script("openai", "ok", then=["500"])
    result = await Gateway.from_settings(llm(max_retries=1), registry=registry).complete("explain", MSGS)
    assert (result.provider, result.model) == ("openai", "gpt-4.1")
    assert outcomes(result) == [("openai", "ProviderServerError"), ("openai", "ok")]
    assert fake.count("openai") == 2


@pytest.mark.asyncio
async def test_context_length_error_falls_over_without_counting_against_the_breaker(
    fake: Any, llm: Any, registry: Any
) -> None:
    fake.script("openai", "context_length")
    gw = Gateway.from_settings(llm(breaker_failures=1), registry=registry)
    result = await gw.complete("answer", MSGS)
    assert result.provider == "anthropic"
    assert result.fallback_path[0].outcome == "ProviderRequestError"
    assert gw.status()[0].state == "closed"


@pytest.mark.asyncio
async def test_circuit_opens_skips_half_opens_and_closes(fake: Any, llm: Any, clock: Any, registry: Any) -> None:
    fake.script("openai", "503")
    gw = Gateway.from_settings(llm(breaker_failures=2, breaker_recovery_s=30), clock=clock, registry=registry)
    for _ in range(2):
        assert (await gw.complete("explain", MSGS)).provider == "anthropic"
    status = gw.status()[0]
    assert (status.provider, status.state, status.last_error_class) == ("openai", "open", "ProviderServerError")
    assert registry.get_sample_value("llm_circuit_state", {"provider": "openai"}) == 2
    calls = fake.count("openai")

    result = await gw.complete("explain", MSGS)
    assert fake.count("openai") == calls  # skipped without a call
    assert outcomes(result) == [("openai", "circuit_open"), ("anthropic", "ok")]

    fake.script("openai", "ok")
    clock.advance(30)
    assert gw.status()[0].state == "half_open"
    result = await gw.complete("explain", MSGS)
    assert result.provider == "openai" and fake.count("openai") == calls + 1
    assert gw.status()[0].state == "closed"
    assert registry.get_sample_value("llm_circuit_state", {"provider": "openai"}) == 0


@pytest.mark.asyncio
async def test_failed_half_open_probe_reopens_the_circuit(fake: Any, llm: Any, clock: Any, registry: Any) -> None:
    fake.script("openai", "503")
    gw = Gateway.from_settings(llm(breaker_failures=1, breaker_recovery_s=5), clock=clock, registry=registry)
    await gw.complete("explain", MSGS)
    clock.advance(5)
    await gw.complete("explain", MSGS)  # the probe fails
    assert gw.status()[0].state == "open"
    calls = fake.count("openai")
    await gw.complete("explain", MSGS)
    assert fake.count("openai") == calls


@pytest.mark.asyncio
async def test_all_providers_failing_returns_the_callers_offline_answer(fake: Any, llm: Any, registry: Any) -> None:
    for prefix in ("openai", "anthropic", "gemini", "selfhosted"):
        fake.script(prefix, "500")
    gw = Gateway.from_settings(llm(), registry=registry)
    result = await gw.complete("explain", MSGS, offline=lambda: "템플릿 설명입니다.")
    assert (result.provider, result.text, result.decided_by) == ("offline", "템플릿 설명입니다.", "all_failed")
    assert [a.provider for a in result.fallback_path] == ["openai", "openai", "anthropic", "gemini", "selfhosted"]
    assert result.model is None and result.cost_usd == 0


@pytest.mark.asyncio
async def test_open_circuits_everywhere_answer_offline_decided_by_breaker(
    fake: Any, llm: Any, clock: Any, registry: Any
) -> None:
    fake.script("openai", "500")
    gw = Gateway.from_settings(llm(chain="openai", breaker_failures=1), clock=clock, registry=registry)
    await gw.complete("explain", MSGS)
    result = await gw.complete("explain", MSGS)
    assert (result.provider, result.decided_by, result.text) == ("offline", "breaker", GENERIC_OFFLINE_TEXT)


@pytest.mark.asyncio
async def test_no_provider_configured_answers_offline_with_a_model(registry: Any) -> None:
    gw = Gateway.from_settings(LLMSettings(), registry=registry)
    assert gw.configured == [] and gw.status() == []
    default = Answer(notes=[ProgramNote(program_id="a:1", note="기본 답변")])
    result = await gw.complete("answer", MSGS, Answer, offline=lambda: default)
    assert (result.provider, result.decided_by) == ("offline", "no_provider")
    assert isinstance(result.parsed, Answer) and result.parsed.citations == ["a:1"]


@pytest.mark.asyncio
async def test_secondary_key_is_used_after_a_401_and_kept(
    fake: Any, llm: Any, registry: Any, keys: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    settings = llm()
    settings.openai.api_key_secondary = SecretStr(keys["openai2"])
    fake.script("openai", "ok", valid_keys={keys["openai2"]})
    gw = Gateway.from_settings(settings, registry=registry)
    with caplog.at_level(logging.DEBUG):
        first = await gw.complete("explain", MSGS)
        second = await gw.complete("explain", MSGS)
    assert first.provider == "openai" and first.deployment_id == "openai:gpt-4.1:secondary"
    assert [(a.outcome, a.key_slot) for a in first.fallback_path] == [
        ("ProviderAuthError", "primary"),
        ("ok", "secondary"),
    ]
    assert [(a.outcome, a.key_slot) for a in second.fallback_path] == [("ok", "secondary")]
    assert fake.count("openai", keys["openai"]) == 1 and fake.count("openai", keys["openai2"]) == 2
    assert "rejected its primary key" in caplog.text
    for secret in (keys["openai"], keys["openai2"]):
        assert secret not in caplog.text and secret not in repr(first) and secret not in repr(gw.status())


class Verdict(BaseModel):
    ok: bool
    reason: str


@pytest.mark.asyncio
async def test_invalid_json_gets_one_repair_attempt(fake: Any, llm: Any, registry: Any) -> None:
    fake.script("openai", "ok", then=["invalid_json"], reply=json.dumps({"ok": True, "reason": "조건 충족"}))
    result = await Gateway.from_settings(llm(), registry=registry).complete("explain", MSGS, Verdict)
    assert result.provider == "openai" and result.parsed == Verdict(ok=True, reason="조건 충족")
    assert outcomes(result) == [("openai", "invalid_output"), ("openai", "repaired")]
    assert fake.bodies[0]["response_format"]["json_schema"]["strict"] is True  # asked natively, not in the prompt
    assert fake.bodies[1]["response_format"] == fake.bodies[0]["response_format"]  # the repair too
    assert (
        fake.bodies[1]["messages"][-1]["role"] == "user"
        and "not valid JSON" in fake.bodies[1]["messages"][-1]["content"]
    )
    assert (result.input_tokens, result.output_tokens) == (24, 14)  # both calls are paid for


@pytest.mark.asyncio
async def test_invalid_json_after_repair_moves_on_then_goes_offline(fake: Any, llm: Any, registry: Any) -> None:
    for prefix in ("openai", "anthropic"):
        fake.script(prefix, "invalid_json")
    gw = Gateway.from_settings(llm(chain="openai,anthropic", breaker_failures=1), registry=registry)
    result = await gw.complete("explain", MSGS, Verdict, offline=lambda: Verdict(ok=False, reason="template"))
    assert result.provider == "offline" and result.parsed == Verdict(ok=False, reason="template")
    assert [a.outcome for a in result.fallback_path].count("invalid_output") == 6  # 2 openai models + anthropic, x2
    assert all(s.state == "closed" for s in gw.status())  # answering badly is not being down


@pytest.mark.asyncio
async def test_gemini_and_selfhosted_routes_answer(fake: Any, llm: Any, registry: Any) -> None:
    gemini = await Gateway.from_settings(llm(chain="gemini"), registry=registry).complete("explain", MSGS)
    selfhosted = await Gateway.from_settings(llm(chain="selfhosted"), registry=registry).complete("explain", MSGS)
    assert (gemini.provider, gemini.text) == ("gemini", "안녕하세요. 테스트 응답입니다."), gemini.fallback_path
    assert (gemini.provider, gemini.text) == ("gemini", "안녕하세요. 테스트 응답입니다.")
    assert (selfhosted.provider, selfhosted.model) == ("selfhosted", "qwen2.5:7b-instruct")
    assert fake.count("gemini") == 1 and fake.count("selfhosted") == 1


def test_complete_sync_runs_twice_in_fresh_loops(fake: Any, llm: Any, registry: Any) -> None:
    gw = Gateway.from_settings(llm(chain="openai"), registry=registry)
    assert gw.complete_sync("answer", MSGS).provider == "openai"
    assert gw.complete_sync("answer", MSGS).provider == "openai"


@pytest.mark.asyncio
@pytest.mark.parametrize("provider", ["anthropic", "gemini", "selfhosted"])
async def test_every_route_honours_the_timeout(fake: Any, llm: Any, registry: Any, provider: str) -> None:
    fake.script(provider, "hang", hang_s=1.0)
    result = await Gateway.from_settings(llm(chain=provider, timeout_s=0.3), registry=registry).complete("x", MSGS)
    assert result.provider == "offline"
    assert outcomes(result) == [(provider, "ProviderTimeout")]
    assert result.fallback_path[0].latency_ms < 900
