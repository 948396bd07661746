"""Native structured output: `response_format` with the task's strict schema, and the prompt when refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from engine.gateway import Gateway, ProfileDraft
from engine.gateway.tasks import ConditionsOpinion, strict_json_schema

MSGS = [{"role": "system", "content": "도우미입니다."}, {"role": "user", "content": "청년 창업 지원금 알려줘"}]
REPLY = json.dumps({"ok": True, "reason": "조건 충족"}, ensure_ascii=False)


class Inner(BaseModel):
    months: int
    note: str | None = None


class Verdict(BaseModel):
    ok: bool
    reason: str
    bound: Inner | None = None


def outcomes(result: Any) -> list[tuple[str, str]]:
    return [(a.provider, a.outcome) for a in result.fallback_path]


def _objects(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [o for item in node for o in _objects(item)]
    if not isinstance(node, dict):
        return []
    found = [node] if node.get("type") == "object" else []
    return found + [o for value in node.values() for o in _objects(value)]


def test_strict_schema_requires_every_property_and_closes_every_object() -> None:
    body, strict = strict_json_schema(Verdict)
    objects = _objects(body)
    assert strict and len(objects) == 2  # Verdict and the nested Inner
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert obj["required"] == list(obj["properties"])
    assert "default" not in json.dumps(body) and "title" not in json.dumps(body)


def test_a_schema_with_a_free_form_map_is_sent_without_strict() -> None:
    assert strict_json_schema(ConditionsOpinion)[1] is False  # evidence: dict[str, str]
    assert strict_json_schema(ProfileDraft)[1] is True


@pytest.mark.asyncio
async def test_openai_is_asked_through_response_format_not_the_prompt(fake: Any, llm: Any, registry: Any) -> None:
    fake.script("openai", "ok", reply=REPLY)
    result = await Gateway.from_settings(llm(chain="openai"), registry=registry).complete("verdict", MSGS, Verdict)
    assert result.parsed == Verdict(ok=True, reason="조건 충족")
    sent = fake.bodies[0]
    fmt = sent["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "verdict"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["required"] == ["ok", "reason", "bound"]
    assert "JSON schema" not in json.dumps(sent["messages"], ensure_ascii=False)


@pytest.mark.asyncio
async def test_a_400_naming_response_format_falls_back_to_the_prompt_and_is_remembered(
    fake: Any, llm: Any, registry: Any
) -> None:
    fake.script("openai", "refuse_format", reply=REPLY)
    gw = Gateway.from_settings(llm(chain="openai"), registry=registry)
    first = await gw.complete("verdict", MSGS, Verdict)
    assert first.parsed == Verdict(ok=True, reason="조건 충족")
    assert outcomes(first) == [("openai", "StructuredOutputRefused"), ("openai", "ok")]
    assert "response_format" not in fake.bodies[1]
    assert "JSON schema" in fake.bodies[1]["messages"][0]["content"]  # asked in the prompt instead
    assert gw.status()[0].state == "closed"  # refusing a parameter is not being down
    second = await gw.complete("verdict", MSGS, Verdict)
    assert outcomes(second) == [("openai", "ok")]  # remembered: not asked natively again
    assert "response_format" not in fake.bodies[2]


@pytest.mark.asyncio
async def test_a_server_that_ignores_response_format_gets_the_prompt_instead(
    fake: Any, llm: Any, registry: Any
) -> None:
    fake.script("selfhosted", "ok", then=["prose"], reply=REPLY)
    gw = Gateway.from_settings(llm(chain="selfhosted"), registry=registry)
    result = await gw.complete("verdict", MSGS, Verdict)
    assert result.parsed == Verdict(ok=True, reason="조건 충족")
    assert outcomes(result) == [("selfhosted", "not_json"), ("selfhosted", "ok")]
    assert "response_format" in fake.bodies[0] and "response_format" not in fake.bodies[1]
    assert gw.prompt_json == {"selfhosted:qwen2.5:7b-instruct:primary"}


@pytest.mark.asyncio
async def test_invalid_json_after_the_prompt_fallback_still_gets_one_repair(fake: Any, llm: Any, registry: Any) -> None:
    fake.script("openai", "refuse_format", then=["refuse_format", "invalid_json"], reply=REPLY)
    result = await Gateway.from_settings(llm(chain="openai"), registry=registry).complete("verdict", MSGS, Verdict)
    assert result.parsed == Verdict(ok=True, reason="조건 충족")
    assert outcomes(result) == [
        ("openai", "StructuredOutputRefused"),
        ("openai", "invalid_output"),
        ("openai", "repaired"),
    ]


@pytest.mark.asyncio
async def test_anthropic_gets_the_schema_through_litellms_translation(fake: Any, llm: Any, registry: Any) -> None:
    fake.script("anthropic", "ok", reply=REPLY)
    gw = Gateway.from_settings(llm(chain="anthropic"), registry=registry)
    result = await gw.complete("verdict", MSGS, Verdict)
    assert result.parsed == Verdict(ok=True, reason="조건 충족"), result.fallback_path
    sent = fake.bodies[0]
    tools = [t for t in sent.get("tools") or [] if t.get("name") == "json_tool_call"]
    schema = sent["output_format"]["schema"] if "output_format" in sent else tools[0]["input_schema"]
    assert set(schema["properties"]) == {"ok", "reason", "bound"}


@pytest.mark.asyncio
async def test_gemini_gets_the_schema_through_litellms_translation(fake: Any, llm: Any, registry: Any) -> None:
    fake.script("gemini", "ok", reply=REPLY)
    result = await Gateway.from_settings(llm(chain="gemini"), registry=registry).complete("verdict", MSGS, Verdict)
    assert result.parsed == Verdict(ok=True, reason="조건 충족"), result.fallback_path
    config = fake.bodies[0]["generationConfig"]
    assert config.get("response_mime_type", config.get("responseMimeType")) == "application/json"
    schema = next(config[k] for k in ("response_json_schema", "responseJsonSchema", "response_schema") if k in config)
    assert "ok" in schema["properties"]


def test_drop_params_is_never_switched_on(fake: Any, llm: Any, registry: Any) -> None:
    gw = Gateway.from_settings(llm(chain="openai"), registry=registry)
    gw.prepare()
    import litellm

    assert litellm.drop_params is not True
