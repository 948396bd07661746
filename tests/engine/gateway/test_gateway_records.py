"""Budgets, llm_calls rows, provider_health, health checks and metrics of the gateway."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
from typing import Any

import pytest
from pydantic import SecretStr
from sqlmodel import Session, select

from db.models import LLMCall, ProviderHealth
from engine.gateway import Gateway

MSGS = [{"role": "user", "content": "질문"}]


def rows(engine: Any, model: Any) -> list[Any]:
    with Session(engine) as session:
        return list(session.exec(select(model)).all())


@pytest.mark.asyncio
async def test_daily_cost_cap_sends_calls_offline_without_calling(fake: Any, llm: Any, registry: Any) -> None:
    settings = llm(chain="openai", daily_cost_cap_usd=0.01)
    settings.openai.input_cost_per_mtok = 500.0  # 12 tokens → 0.006 USD per call
    gw = Gateway.from_settings(settings, registry=registry)
    first = await gw.complete("answer", MSGS)
    second = await gw.complete("answer", MSGS)
    assert first.cost_usd == pytest.approx(0.006)
    assert second.provider == "openai"
    third = await gw.complete("answer", MSGS, offline=lambda: "오프라인")
    assert (third.provider, third.decided_by, third.text) == ("offline", "budget", "오프라인")
    assert fake.count("openai") == 2


@pytest.mark.asyncio
async def test_daily_cost_cap_counts_todays_rows_in_the_database(
    fake: Any, llm: Any, registry: Any, engine: Any
) -> None:
    from db.session import session_scope

    with session_scope(engine) as session:
        session.add(LLMCall(task="answer", provider="openai", outcome="ok", cost_usd=1.5))
        session.add(LLMCall(task="answer", provider="openai", outcome="ok", cost_usd=9.0,
                            created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)))  # fmt: skip
    gw = Gateway.from_settings(llm(daily_cost_cap_usd=1.0), engine=engine, registry=registry)
    assert (await gw.complete("answer", MSGS)).decided_by == "budget"
    gw2 = Gateway.from_settings(llm(daily_cost_cap_usd=2.0), engine=engine, registry=registry)
    assert (await gw2.complete("answer", MSGS)).provider == "openai"


@pytest.mark.asyncio
async def test_per_user_daily_request_cap(fake: Any, llm: Any, registry: Any, engine: Any) -> None:
    gw = Gateway.from_settings(llm(per_user_daily_requests=2), engine=engine, registry=registry)
    assert [(await gw.complete("answer", MSGS, user_ref="u1")).provider for _ in range(3)] == [
        "openai",
        "openai",
        "offline",
    ]
    assert (await gw.complete("answer", MSGS, user_ref="u2")).provider == "openai"
    assert (await gw.complete("answer", MSGS)).provider == "openai"  # no user: no per-user cap
    # a new process reads today's rows: u1 is still capped, refused calls do not count
    gw2 = Gateway.from_settings(llm(per_user_daily_requests=3), engine=engine, registry=registry)
    assert (await gw2.complete("answer", MSGS, user_ref="u1")).provider == "openai"
    assert (await gw2.complete("answer", MSGS, user_ref="u1")).decided_by == "budget"


@pytest.mark.asyncio
async def test_each_call_writes_an_llm_calls_row(fake: Any, llm: Any, registry: Any, engine: Any) -> None:
    fake.script("openai", "500")
    gw = Gateway.from_settings(llm(), engine=engine, registry=registry)
    await gw.complete("answer", MSGS, user_ref="user-7")
    for prefix in ("anthropic", "gemini", "selfhosted"):
        fake.script(prefix, "500")
    await gw.complete("explain", MSGS)
    ok, offline = rows(engine, LLMCall)
    assert (ok.task, ok.provider, ok.model, ok.outcome, ok.user_ref) == (
        "answer",
        "anthropic",
        "claude-sonnet-4-5",
        "fallback",
        "user-7",
    )
    assert (ok.input_tokens, ok.output_tokens) == (12, 7) and ok.cost_usd > 0 and ok.latency_ms > 0
    assert [a["outcome"] for a in ok.fallback_path] == ["ProviderServerError", "ProviderServerError", "ok"]
    assert ok.prompt is None  # log_prompts is off by default
    assert (offline.provider, offline.outcome, offline.error_class) == ("offline", "offline", "ProviderServerError")


@pytest.mark.asyncio
async def test_prompt_is_stored_only_with_log_prompts(fake: Any, llm: Any, registry: Any, engine: Any) -> None:
    await Gateway.from_settings(llm(log_prompts=True), engine=engine, registry=registry).complete("answer", MSGS)
    assert "질문" in (rows(engine, LLMCall)[0].prompt or "")


@pytest.mark.asyncio
async def test_metrics_count_attempts_tokens_cost_and_offline(fake: Any, llm: Any, registry: Any) -> None:
    fake.script("openai", "503")
    gw = Gateway.from_settings(llm(chain="openai,anthropic"), registry=registry)
    await gw.complete("answer", MSGS)
    value = registry.get_sample_value
    assert value("llm_requests_total", {"provider": "openai", "outcome": "ProviderServerError"}) == 2
    assert value("llm_requests_total", {"provider": "anthropic", "outcome": "ok"}) == 1
    assert value("llm_tokens_total", {"provider": "anthropic", "direction": "input"}) == 12
    assert value("llm_tokens_total", {"provider": "anthropic", "direction": "output"}) == 7
    assert value("llm_cost_usd_total", {"provider": "anthropic"}) > 0
    assert value("llm_latency_seconds_count", {"provider": "anthropic"}) == 1
    fake.script("anthropic", "503")
    await gw.complete("answer", MSGS)
    assert value("llm_requests_total", {"provider": "offline", "outcome": "all_failed"}) == 1


@pytest.mark.asyncio
async def test_rejected_answers_are_counted(fake: Any, llm: Any, registry: Any) -> None:
    gw = Gateway.from_settings(llm(chain="openai"), registry=registry)
    gw.count_rejection(await gw.complete("explain", MSGS), "ungrounded")
    labels = {"provider": "openai", "outcome": "rejected_ungrounded"}
    assert registry.get_sample_value("llm_requests_total", labels) == 1


def test_two_gateways_share_one_registry(llm: Any, registry: Any) -> None:
    Gateway.from_settings(llm(), registry=registry)
    Gateway.from_settings(llm(), registry=registry)  # no "Duplicated timeseries"
    Gateway.from_settings(llm())  # the default registry, twice
    Gateway.from_settings(llm())


@pytest.mark.asyncio
async def test_open_circuit_is_stored_and_restored_by_a_new_gateway(
    fake: Any, llm: Any, clock: Any, registry: Any, engine: Any
) -> None:
    fake.script("openai", "503")
    gw = Gateway.from_settings(llm(breaker_failures=1), engine=engine, clock=clock, registry=registry)
    await gw.complete("answer", MSGS)
    row = rows(engine, ProviderHealth)[0]
    assert (row.provider, row.circuit_state, row.last_error_class) == ("openai", "open", "ProviderServerError")
    assert row.circuit_since is not None
    restored = Gateway.from_settings(llm(breaker_failures=1), engine=engine, clock=clock, registry=registry)
    assert restored.status()[0].state == "open"
    calls = fake.count("openai")
    assert (await restored.complete("answer", MSGS)).provider == "anthropic"
    assert fake.count("openai") == calls


@pytest.mark.asyncio
async def test_health_check_skips_an_unhealthy_provider_until_it_recovers(
    fake: Any, llm: Any, clock: Any, registry: Any, engine: Any
) -> None:
    fake.script("openai", "503")
    gw = Gateway.from_settings(llm(chain="openai,anthropic"), engine=engine, clock=clock, registry=registry)
    statuses = await gw.health_check()
    assert [(s.provider, s.healthy, s.state) for s in statuses] == [
        ("openai", False, "open"),
        ("anthropic", True, "closed"),
    ]
    pings = {b["model"]: b for b in fake.bodies}
    assert set(pings) == {"gpt-4.1-mini", "claude-sonnet-4-5"}  # the cheap model of each provider
    assert pings["gpt-4.1-mini"].get("max_tokens", pings["gpt-4.1-mini"].get("max_completion_tokens")) == 1
    stored = {r.provider: r for r in rows(engine, ProviderHealth)}
    assert stored["openai"].healthy is False and stored["anthropic"].latency_ms is not None
    calls = fake.count("openai")
    assert (await gw.complete("answer", MSGS)).provider == "anthropic"
    assert fake.count("openai") == calls
    fake.script("openai", "ok")
    await gw.health_check()
    assert gw.status()[0].state == "closed"
    assert (await gw.complete("answer", MSGS)).provider == "openai"


@pytest.mark.asyncio
async def test_health_stored_by_another_process_is_applied(
    fake: Any, llm: Any, clock: Any, registry: Any, engine: Any
) -> None:
    serving = Gateway.from_settings(llm(health_interval_s=60), engine=engine, clock=clock, registry=registry)
    fake.script("openai", "503")
    await Gateway.from_settings(llm(), engine=engine, clock=clock, registry=registry).health_check()  # the job runner
    clock.advance(60)
    calls = fake.count("openai")
    assert (await serving.complete("answer", MSGS)).provider == "anthropic"
    assert fake.count("openai") == calls


@pytest.mark.asyncio
async def test_no_key_reaches_logs_rows_or_results(
    fake: Any, llm: Any, registry: Any, engine: Any, keys: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    settings = llm(chain="openai,anthropic")
    rotated = keys["openai"] + "-rotated"  # a key that extends another must not leave its tail behind
    settings.openai.api_key_secondary = SecretStr(rotated)
    fake.script("openai", "401")  # the fake echoes the key it was sent, as OpenAI does
    with caplog.at_level(logging.DEBUG):
        gw = Gateway.from_settings(settings, engine=engine, registry=registry)
        result = await gw.complete("answer", MSGS)
        await gw.health_check()
    assert result.provider == "anthropic"
    stored = repr(rows(engine, LLMCall)) + repr(rows(engine, ProviderHealth))
    assert "rotated" not in caplog.text
    for secret in (keys["openai"], rotated, keys["anthropic"]):
        assert secret not in caplog.text
        assert secret not in repr(result) and secret not in stored


def test_importing_the_gateway_does_not_import_litellm() -> None:
    code = "import sys, engine, engine.gateway; print('litellm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
