"""Operators' run-time settings: validated, audited, applied over the environment, reloaded."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from engine.app import Aegis
from engine.errors import InvalidInput
from engine.overrides import audit_entries, effective_settings, overridable_keys, set_setting
from engine.settings import Settings


def _base() -> Settings:
    return Settings(_env_file=None)


def test_override_changes_the_effective_setting_and_writes_an_audit_row(engine: Engine) -> None:
    base = _base()
    after = set_setting(engine, base=base, key="alerts.quiet_hours", value="23-07", actor="ops@example.kr")
    assert after.alerts.quiet_hours == "23-07"
    assert effective_settings(base, engine).alerts.quiet_hours == "23-07"
    [entry] = audit_entries(engine)
    assert (entry["actor"], entry["target"]) == ("ops@example.kr", "alerts.quiet_hours")
    assert entry["detail"] == {"before": "22-08", "after": "23-07"}


def test_invalid_override_is_refused_and_nothing_is_written(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match=r"llm\.chain"):
        set_setting(engine, base=_base(), key="llm.chain", value=["openai", "nosuch"], actor="ops")
    assert audit_entries(engine) == []


def test_secrets_and_endpoints_cannot_be_overridden(engine: Engine) -> None:
    keys = overridable_keys(_base())
    assert "llm.chain" in keys and "llm.openai.model" in keys
    assert not [k for k in keys if k.endswith("api_key") or k.endswith("_url")]
    with pytest.raises(InvalidInput):
        set_setting(engine, base=_base(), key="llm.openai.api_key", value="sk-x", actor="ops")


def test_removing_an_override_returns_to_the_environment_value(engine: Engine) -> None:
    base = _base()
    set_setting(engine, base=base, key="llm.daily_cost_cap_usd", value=1.5, actor="ops")
    assert (
        set_setting(engine, base=base, key="llm.daily_cost_cap_usd", value=None, actor="ops").llm.daily_cost_cap_usd
        == 5.0
    )
    assert [e["detail"]["after"] for e in audit_entries(engine)] == [5.0, 1.5]


def test_a_running_core_reloads_a_change_made_by_another_process(engine: Engine) -> None:
    core = Aegis(settings=_base(), db=engine)
    assert core.reload_settings() is False  # nothing stored yet
    set_setting(engine, base=_base(), key="llm.chain", value=["anthropic"], actor="dashboard")
    assert core.reload_settings() is True
    assert core.settings.llm.chain == ["anthropic"]
    assert core.reload_settings() is False  # unchanged since
