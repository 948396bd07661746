"""`aegis doctor`: each integration's cheapest real call against fakes on 127.0.0.1, causes in Korean."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from ops_fakes import SAMPLES, FakeHttp

from aegis.cli import run
from db.migrate import upgrade
from engine.gateway.router import READONLY_WARNING
from engine.ops.doctor import Check, broken, run_checks
from engine.settings import Settings

KEY = "Abc+Def/Key==marker"


def _checks(monkeypatch: pytest.MonkeyPatch, only: set[str] | None = None, **env: str) -> dict[str, Check]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return {c.name: c for c in asyncio.run(run_checks(Settings(_env_file=None), only=only))}


def test_fresh_clone_lists_every_integration_as_not_configured(clean_env: pytest.MonkeyPatch) -> None:
    checks = _checks(clean_env)
    assert {"database", "bizinfo", "datagokr", "odcloud", "telegram", "smtp", "sens", "llm:openai"} <= set(checks)
    assert all(not c.configured and c.detail.startswith("설정 안 됨") for c in checks.values())
    assert broken(list(checks.values())) == []
    assert not Path("data").exists()  # the doctor creates nothing


def test_fresh_clone_doctor_command_exits_zero(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["doctor", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["checks"] == []
    assert "telegram" in out["not_configured"]


def test_datagokr_code_30_names_the_three_causes_without_the_key(
    clean_env: pytest.MonkeyPatch, fake_http: FakeHttp
) -> None:
    fake_http.on("/kstartup", raw=(SAMPLES / "datagokr" / "error_key_not_registered.xml").read_bytes())
    checks = _checks(
        clean_env,
        {"datagokr"},
        AEGIS_SOURCES__DATAGOKR_SERVICE_KEY=KEY,
        AEGIS_SOURCES__KSTARTUP_URL=f"{fake_http.url}/kstartup",
    )
    check = checks["datagokr"]
    assert not check.ok
    assert "코드 30 SERVICE_KEY_IS_NOT_REGISTERED_ERROR" in check.detail
    assert "이중 인코딩" in check.detail and "활용신청" in check.detail and "동기화(약 1시간)" in check.detail
    assert "marker" not in check.detail
    [(_method, path, _headers)] = fake_http.requests
    assert "perPage=1" in path
    assert "serviceKey=Abc%2BDef%2FKey%3D%3Dmarker" in path  # encoded exactly once


def test_datagokr_quota_is_reported_with_its_code(clean_env: pytest.MonkeyPatch, fake_http: FakeHttp) -> None:
    fake_http.on("/kstartup", 429, raw=(SAMPLES / "datagokr" / "error_quota.xml").read_bytes())
    checks = _checks(
        clean_env,
        {"datagokr"},
        AEGIS_SOURCES__DATAGOKR_SERVICE_KEY=KEY,
        AEGIS_SOURCES__KSTARTUP_URL=f"{fake_http.url}/kstartup",
    )
    assert "코드 22" in checks["datagokr"].detail
    assert "일일 요청 한도" in checks["datagokr"].detail


def test_datagokr_answering_the_dataset_is_ok(clean_env: pytest.MonkeyPatch, fake_http: FakeHttp) -> None:
    fake_http.on("/kstartup", raw=(SAMPLES / "kstartup" / "announcements.json").read_bytes())
    checks = _checks(
        clean_env,
        {"datagokr"},
        AEGIS_SOURCES__DATAGOKR_SERVICE_KEY=KEY,
        AEGIS_SOURCES__KSTARTUP_URL=f"{fake_http.url}/kstartup",
    )
    assert checks["datagokr"].ok, checks["datagokr"].detail
    assert "10건" in checks["datagokr"].detail


def test_odcloud_unauthorized_names_its_code_for_each_dataset(
    clean_env: pytest.MonkeyPatch, fake_http: FakeHttp
) -> None:
    fake_http.on("/gov24/serviceList", raw=(SAMPLES / "gov24" / "serviceList.json").read_bytes())
    fake_http.on("/gov24/supportConditions", 401, raw=(SAMPLES / "odcloud" / "error_unauthorized.json").read_bytes())
    checks = _checks(
        clean_env,
        {"odcloud"},
        AEGIS_SOURCES__ODCLOUD_API_KEY="odcloud-marker-key",
        AEGIS_SOURCES__GOV24_URL=f"{fake_http.url}/gov24",
    )
    check = checks["odcloud"]
    assert not check.ok
    assert "supportConditions" in check.detail and "코드 -401" in check.detail
    assert all(h.get("Authorization") == "Infuser odcloud-marker-key" for _m, _p, h in fake_http.requests)


def test_bizinfo_reqerr_is_shown_and_a_listing_is_ok(clean_env: pytest.MonkeyPatch, fake_http: FakeHttp) -> None:
    env = {"AEGIS_SOURCES__BIZINFO_API_KEY": "biz-marker", "AEGIS_SOURCES__BIZINFO_URL": f"{fake_http.url}/biz"}
    fake_http.on("/biz", raw=(SAMPLES / "bizinfo" / "error_reqErr.json").read_bytes())
    bad = _checks(clean_env, {"bizinfo"}, **env)["bizinfo"]
    assert not bad.ok and "인증키를 입력해주세요" in bad.detail and "biz-marker" not in bad.detail
    fake_http.on("/biz", raw=(SAMPLES / "bizinfo" / "list.json").read_bytes())
    assert _checks(clean_env, {"bizinfo"}, **env)["bizinfo"].ok
    assert "searchCnt=1" in fake_http.requests[-1][1]


def test_telegram_rejected_token_and_get_me(clean_env: pytest.MonkeyPatch, fake_http: FakeHttp) -> None:
    token = "123456:doctor-marker-token"
    env = {"AEGIS_TELEGRAM__BOT_TOKEN": token, "AEGIS_TELEGRAM__BASE_URL": f"{fake_http.url}/bot"}
    fake_http.on("/bot", 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    bad = _checks(clean_env, {"telegram"}, **env)["telegram"]
    assert not bad.ok and "401" in bad.detail and token not in bad.detail
    fake_http.on("/bot", 200, {"ok": True, "result": {"id": 1, "is_bot": True, "username": "aegis_bot"}})
    good = _checks(clean_env, {"telegram"}, **env)["telegram"]
    assert good.ok and "@aegis_bot" in good.detail
    assert fake_http.requests[-1][1] == f"/bot{token}/getMe"


def test_unreachable_service_is_a_connection_failure(clean_env: pytest.MonkeyPatch) -> None:
    check = _checks(
        clean_env,
        {"bizinfo"},
        AEGIS_SOURCES__BIZINFO_API_KEY="k-marker",
        AEGIS_SOURCES__BIZINFO_URL="http://127.0.0.1:9/nothing",
    )["bizinfo"]
    assert not check.ok and "연결할 수 없습니다" in check.detail


def test_database_at_head_is_ok_and_unmigrated_says_upgrade(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    (tmp_path / "ops.db").touch()
    bad = _checks(clean_env, {"database"}, AEGIS_DATABASE_URL=url)["database"]
    assert not bad.ok and "aegis db upgrade" in bad.detail
    upgrade(url)
    assert _checks(clean_env, {"database"}, AEGIS_DATABASE_URL=url)["database"].ok


def test_database_password_never_shown(clean_env: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://aegis:db-marker-pw@127.0.0.1:9/aegis"
    check = _checks(clean_env, {"database"}, AEGIS_DATABASE_URL=url)["database"]
    assert not check.ok and "db-marker-pw" not in check.detail


def test_smtp_login_refused_and_accepted(clean_env: pytest.MonkeyPatch, fake_smtp: tuple[int, str]) -> None:
    port, password = fake_smtp
    env = {
        "AEGIS_SMTP__HOST": "127.0.0.1",
        "AEGIS_SMTP__PORT": str(port),
        "AEGIS_SMTP__STARTTLS": "false",
        "AEGIS_SMTP__USERNAME": "ops",
        "AEGIS_SMTP__FROM": "ops@example.com",
    }
    bad = _checks(clean_env, {"smtp"}, AEGIS_SMTP__PASSWORD="wrong-marker", **env)["smtp"]
    assert not bad.ok and "로그인" in bad.detail and "wrong-marker" not in bad.detail
    assert _checks(clean_env, {"smtp"}, AEGIS_SMTP__PASSWORD=password, **env)["smtp"].ok


def _completion() -> dict[str, object]:
    return {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "pong"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@pytest.mark.filterwarnings(f"ignore:{READONLY_WARNING}:UserWarning")
def test_llm_provider_rejected_key_and_healthy(clean_env: pytest.MonkeyPatch, fake_http: FakeHttp) -> None:
    env = {
        "AEGIS_LLM__CHAIN": "selfhosted",
        "AEGIS_LLM__SELFHOSTED__API_BASE": f"{fake_http.url}/v1",
        "AEGIS_LLM__SELFHOSTED__API_KEY": "llm-marker-key",
        "AEGIS_LLM__TIMEOUT_S": "5",
    }
    fake_http.on("/v1", 401, {"error": {"message": "Incorrect API key", "type": "invalid_request_error"}})
    bad = _checks(clean_env, {"llm:selfhosted"}, **env)["llm:selfhosted"]
    assert not bad.ok and "ProviderAuthError" in bad.detail and "llm-marker-key" not in bad.detail
    fake_http.on("/v1", 200, _completion())
    good = _checks(clean_env, {"llm:selfhosted"}, **env)["llm:selfhosted"]
    assert good.ok, good.detail


def test_doctor_command_exits_one_when_a_configured_integration_fails(
    clean_env: pytest.MonkeyPatch, fake_http: FakeHttp, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_http.on("/bot", 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    clean_env.setenv("AEGIS_TELEGRAM__BOT_TOKEN", "123456:cli-marker-token")
    clean_env.setenv("AEGIS_TELEGRAM__BASE_URL", f"{fake_http.url}/bot")
    assert run(["doctor", "--json"]) == 1
    out = capsys.readouterr().out
    assert "cli-marker-token" not in out
    [telegram] = json.loads(out)["checks"]
    assert telegram["name"] == "telegram" and telegram["ok"] is False


@pytest.mark.parametrize(
    ("status", "code", "cause"),
    [(401, "200", "서버 시계(5분 이상 차이)"), (403, "210", "권한 없음")],
)
def test_sens_failures_name_the_gateway_code_and_its_cause(
    clean_env: pytest.MonkeyPatch, fake_http: FakeHttp, status: int, code: str, cause: str
) -> None:
    env = {
        "AEGIS_SENS__ACCESS_KEY": "sens-access-marker",
        "AEGIS_SENS__SECRET_KEY": "sens-secret-marker",
        "AEGIS_SENS__SERVICE_ID": "ncp:sms:kr:1:aegis",
        "AEGIS_SENS__FROM_NUMBER": "0212345678",
        "AEGIS_SENS__BASE_URL": fake_http.url,
    }
    error = {"error": {"errorCode": code, "message": "Authentication Failed", "details": "Invalid"}}
    fake_http.on("/sms/v2/services/", status, error)
    check = _checks(clean_env, {"sens"}, **env)["sens"]
    assert not check.ok
    assert f"코드 {code}" in check.detail and str(status) in check.detail and cause in check.detail
    assert "marker" not in check.detail
    [(_method, path, headers)] = fake_http.requests
    assert path.startswith("/sms/v2/services/ncp:sms:kr:1:aegis/messages?requestId=")
    assert headers["x-ncp-iam-access-key"] == "sens-access-marker" and headers["x-ncp-apigw-signature-v2"]
    fake_http.on("/sms/v2/services/", 404, {"error": {"errorCode": "300", "message": "Not Found"}})
    assert _checks(clean_env, {"sens"}, **env)["sens"].ok


@pytest.mark.postgres
def test_database_check_on_postgresql(postgres_url: str, clean_env: pytest.MonkeyPatch) -> None:
    bad = _checks(clean_env, {"database"}, AEGIS_DATABASE_URL=postgres_url)["database"]
    assert not bad.ok and "aegis db upgrade" in bad.detail
    upgrade(postgres_url)
    assert _checks(clean_env, {"database"}, AEGIS_DATABASE_URL=postgres_url)["database"].ok
