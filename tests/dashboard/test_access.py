"""The login gate: nothing before login, wrong passwords refused, logged, audited and throttled, sessions expire."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest

from engine.app import Aegis
from engine.overrides import audit_entries
from tests.dashboard.conftest import APP_FILE, log_in


def _nothing_but_login(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert [h.value for h in at.header] == ["로그인"]
    assert not at.title and not at.metric and not at.dataframe and not at.sidebar.button


def test_before_login_only_the_login_form_shows(populated: Aegis, app: Callable[..., AppTest]) -> None:
    at = app(login=False)
    _nothing_but_login(at)
    assert at.text_input(key="login_password").value == ""


def test_a_wrong_password_is_refused_and_audited(populated: Aegis, app: Callable[..., AppTest]) -> None:
    at = log_in(app(login=False), "not the password")
    _nothing_but_login(at)
    assert [e.value for e in at.error] == ["비밀번호가 올바르지 않습니다."]
    [entry] = [e for e in audit_entries(populated.db) if e["action"] == "dashboard.login_failed"]
    assert entry["actor"] == "anonymous:local"


def test_the_right_password_opens_the_overview_and_is_audited(populated: Aegis, app: Callable[..., AppTest]) -> None:
    at = app()
    assert at.title[0].value == "개요"
    assert any(e["action"] == "dashboard.login" for e in audit_entries(populated.db))


def test_logins_are_throttled_after_too_many_failures(
    populated: Aegis, app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AEGIS_DASHBOARD__MAX_FAILED_LOGINS", "2")
    at = app(login=False)
    for _ in range(2):
        log_in(at, "wrong")
    log_in(at)  # the right password, but too late
    _nothing_but_login(at)
    assert "로그인 실패가 너무 많습니다" in at.error[0].value


def test_a_session_expires_after_its_lifetime(populated: Aegis, app: Callable[..., AppTest]) -> None:
    at = app()
    at.session_state["aegis_login"]["at"] = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=481)
    at.run()
    _nothing_but_login(at)
    assert at.warning[0].value == "세션이 만료되었습니다. 다시 로그인해 주세요."


def test_logout_returns_to_the_login_form(populated: Aegis, app: Callable[..., AppTest]) -> None:
    at = app()
    at.sidebar.button[0].click().run()
    _nothing_but_login(at)


def test_without_any_login_configured_the_dashboard_stays_closed(
    populated: Aegis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AEGIS_DASHBOARD__PASSWORD_HASH")
    at = AppTest.from_file(str(APP_FILE), default_timeout=60).run()
    assert "aegis hash-password" in at.error[0].value
    assert not at.text_input and not at.title and not at.metric


def test_an_unmigrated_database_asks_for_db_upgrade(
    populated: Aegis, app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    url = f"sqlite:///{tmp_path}/empty.db"
    create_engine(url).dispose()
    monkeypatch.setenv("AEGIS_DATABASE_URL", url)
    at = app()
    assert "`aegis db upgrade`를 먼저 실행하세요" in at.error[0].value
    assert not at.title


def test_a_settings_error_is_shown_in_korean(populated: Aegis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_ENVIRONMENT", "not-an-environment")  # settings refuse it
    at = AppTest.from_file(str(APP_FILE), default_timeout=60).run()
    assert at.error[0].value == "설정값을 확인해 주세요: AEGIS_ENVIRONMENT (AEGIS_* 환경 변수, .env)"
