"""Settings: contract names, secret masking and the placeholder guard."""

from __future__ import annotations

import json

import pytest

from engine.settings import Settings, masked_config


def test_settings_read_contract_names_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("AEGIS_LLM__CHAIN", "selfhosted, openai")
    monkeypatch.setenv("AEGIS_LLM__OPENAI__API_KEY", "sk-test-123")
    monkeypatch.setenv("AEGIS_LLM__SELFHOSTED__API_BASE", "http://127.0.0.1:9999/v1")
    monkeypatch.setenv("AEGIS_LLM__TIMEOUT_S", "7.5")
    monkeypatch.setenv("AEGIS_TELEGRAM__BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("AEGIS_METRICS__PORT", "9109")
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite:///x.db"
    assert settings.llm.chain == ["selfhosted", "openai"]
    assert settings.llm.openai.api_key is not None
    assert settings.llm.openai.api_key.get_secret_value() == "sk-test-123"
    assert settings.llm.selfhosted.api_base == "http://127.0.0.1:9999/v1"
    assert settings.llm.timeout_s == 7.5
    assert settings.telegram.base_url == "http://127.0.0.1:8081/bot"
    assert settings.metrics.port == 9109


def test_blank_values_from_a_copied_env_example_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_METRICS__PORT", "")
    monkeypatch.setenv("AEGIS_LLM__OPENAI__API_KEY", "")
    settings = Settings(_env_file=None)
    assert settings.metrics.port is None
    assert settings.llm.openai.api_key is None


def test_chain_rejects_unknown_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_LLM__CHAIN", "openai,mystery")
    with pytest.raises(ValueError, match="mystery"):
        Settings(_env_file=None)


def test_masked_config_never_shows_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_LLM__ANTHROPIC__API_KEY", "sk-ant-very-secret")
    monkeypatch.setenv("AEGIS_SOURCES__DATAGOKR_SERVICE_KEY", "abc%2Bdef-secret")
    monkeypatch.setenv("AEGIS_DATABASE_URL", "postgresql+psycopg://aegis:pw-secret@db:5432/aegis")
    text = json.dumps(masked_config(Settings(_env_file=None)), default=str)
    assert "very-secret" not in text
    assert "def-secret" not in text
    assert "pw-secret" not in text
    assert "**********" in text


def test_placeholder_secret_refused_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_ENVIRONMENT", "production")
    monkeypatch.setenv("AEGIS_TELEGRAM__BOT_TOKEN", "changethis")
    with pytest.raises(ValueError, match="AEGIS_TELEGRAM__BOT_TOKEN"):
        Settings(_env_file=None)


def test_placeholder_secret_allowed_in_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_TELEGRAM__BOT_TOKEN", "changethis")
    assert Settings(_env_file=None).telegram.bot_token is not None


def test_provider_keeps_its_default_model_when_only_the_key_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_LLM__OPENAI__API_KEY", "sk-test")
    monkeypatch.setenv("AEGIS_LLM__SELFHOSTED__API_BASE", "http://127.0.0.1:11434/v1")
    llm = Settings(_env_file=None).llm
    assert (llm.openai.model, llm.openai.cheap_model) == ("gpt-4.1", "gpt-4.1-mini")
    assert llm.selfhosted.model == "qwen2.5:7b-instruct"


def _names(model: object, prefix: str = "AEGIS_") -> list[str]:
    from pydantic import BaseModel

    out: list[str] = []
    for name, field in type(model).model_fields.items():  # type: ignore[attr-defined]
        value = getattr(model, name)
        env = (field.alias or name).upper()
        if isinstance(value, BaseModel):
            out.extend(_names(value, f"{prefix}{env}__"))
        else:
            out.append(f"{prefix}{env}")
    return out


def test_env_example_documents_every_setting() -> None:
    from pathlib import Path

    documented = Path(__file__).parents[2].joinpath(".env.example").read_text(encoding="utf-8")
    missing = [name for name in _names(Settings(_env_file=None)) if f"{name}=" not in documented]
    assert missing == []


def test_present_providers_agree_with_the_gateways_chain_without_building_it() -> None:
    from engine.gateway.config import build_chain

    llm = Settings(
        llm={  # type: ignore[arg-type]
            "chain": "gemini,openai,selfhosted,anthropic",
            "openai": {"api_key": "sk-x"},
            "anthropic": {"api_key": "  "},
            "selfhosted": {"api_base": "http://127.0.0.1:11434/v1"},
        },
        _env_file=None,
    ).llm
    assert llm.present_providers() == ["openai", "selfhosted"]
    assert [plan.name for plan in build_chain(llm)] == llm.present_providers()
