"""`aegis ask` and `aegis recommend` through the gateway, configured only by the contract's variables."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from aegis.cli import run
from db.migrate import upgrade

PROGRAM = "bizinfo:PBLN_000000000900001"
LISTING = {
    "jsonArray": [
        {
            "pblancId": "PBLN_000000000900001",
            "pblancNm": "[서울] 2026년 서울시 소상공인 카페 리모델링 자금 지원 공고",
            "bsnsSumryCn": "<p>☞&nbsp;서울특별시 소재 사업장을 운영 중인 소상공인</p><p>- 업체당 최대 2천만원</p>",
            "reqstBeginEndDe": "2026-10-01 ~ 2026-12-31",
            "jrsdInsttNm": "서울특별시",
            "hashtags": "금융,서울,2026",
            "pblancUrl": "https://www.bizinfo.go.kr/sii/siia/selectSIIA200Detail.do?pblancId=PBLN_000000000900001",
            "totCnt": 1,
        }
    ]
}


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite database holding one program; no provider configured yet."""
    url = f"sqlite:///{tmp_path}/aegis.db"
    monkeypatch.setenv("AEGIS_DATABASE_URL", url)
    monkeypatch.setenv("AEGIS_LLM__TIMEOUT_S", "2")
    monkeypatch.setenv("AEGIS_LLM__MAX_RETRIES", "0")
    upgrade(url)
    payload = tmp_path / "list.json"
    payload.write_text(json.dumps(LISTING, ensure_ascii=False), encoding="utf-8")
    assert run(["import", "--source", "bizinfo", "--file", str(payload)]) == 0
    return tmp_path


def _ask(capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, Any], str]:
    code = run(["ask", "카페 리모델링 자금 지원이 있나요?", "--as-of", "2026-11-01", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out), out + err


def test_ask_without_provider_answers_offline(cli_env: Path, capsys) -> None:
    out, _ = _ask(capsys)
    assert out["provider"] == "offline"
    assert out["model"] is None
    assert out["citations"] == [PROGRAM]


def test_ask_reports_the_openai_compatible_provider_and_never_prints_its_key(
    cli_env: Path, fake: Any, keys: dict[str, str], capsys, caplog, monkeypatch: pytest.MonkeyPatch
) -> None:
    reply = {
        "notes": [
            {"program_id": PROGRAM, "note": "카페 리모델링 자금을 지원합니다."},
            {"program_id": "bizinfo:PBLN_FAKE", "note": "없는 공고입니다."},
        ]
    }
    fake.script("openai", reply=json.dumps(reply, ensure_ascii=False))
    monkeypatch.setenv("AEGIS_LLM__CHAIN", "openai")
    monkeypatch.setenv("AEGIS_LLM__OPENAI__API_KEY", keys["openai"])
    monkeypatch.setenv("AEGIS_LLM__OPENAI__API_BASE", fake.base("openai"))
    caplog.set_level(logging.DEBUG)
    out, printed = _ask(capsys)
    assert out["provider"] == "openai"
    assert out["model"]
    assert out["citations"] == [PROGRAM]  # the id outside the context was dropped
    assert "카페 리모델링 자금을 지원합니다." in out["answer"] and "없는 공고" not in out["answer"]
    assert keys["openai"] not in printed
    assert keys["openai"] not in caplog.text


def test_ask_falls_over_to_the_next_provider_when_the_first_fails(
    cli_env: Path, fake: Any, keys: dict[str, str], capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.script("openai", "503")
    reply = {"notes": [{"program_id": PROGRAM, "note": "카페 리모델링 자금을 지원합니다."}]}
    fake.script("selfhosted", reply=json.dumps(reply, ensure_ascii=False))
    monkeypatch.setenv("AEGIS_LLM__CHAIN", "openai,selfhosted")
    monkeypatch.setenv("AEGIS_LLM__OPENAI__API_KEY", keys["openai"])
    monkeypatch.setenv("AEGIS_LLM__OPENAI__API_BASE", fake.base("openai"))
    monkeypatch.setenv("AEGIS_LLM__SELFHOSTED__API_BASE", fake.base("selfhosted"))
    out, _ = _ask(capsys)
    assert out["provider"] == "selfhosted"
    assert fake.count("openai") >= 1


def test_ask_answers_offline_when_every_provider_fails(
    cli_env: Path, fake: Any, keys: dict[str, str], capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.script("openai", "500")
    monkeypatch.setenv("AEGIS_LLM__CHAIN", "openai")
    monkeypatch.setenv("AEGIS_LLM__OPENAI__API_KEY", keys["openai"])
    monkeypatch.setenv("AEGIS_LLM__OPENAI__API_BASE", fake.base("openai"))
    out, _ = _ask(capsys)
    assert out["provider"] == "offline"
    assert out["citations"] == [PROGRAM]


def _recommend(cli_env: Path, capsys) -> dict[str, Any]:
    profile = cli_env / "p.json"
    profile.write_text(json.dumps({"status": "operating", "region": "서울", "employees": 2}), encoding="utf-8")
    assert run(["recommend", "--profile", str(profile), "--as-of", "2026-11-01", "--json"]) == 0
    return json.loads(capsys.readouterr().out)["results"][0]


def test_recommend_uses_a_grounded_llm_explanation(
    cli_env: Path, fake: Any, keys: dict[str, str], capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    offline = _recommend(cli_env, capsys)["explanation"]
    text = "서울에서 가게를 운영하는 소상공인이라 신청할 수 있는 자금입니다."
    fake.script("selfhosted", reply=json.dumps({"text": text}, ensure_ascii=False))
    monkeypatch.setenv("AEGIS_LLM__CHAIN", "selfhosted")
    monkeypatch.setenv("AEGIS_LLM__SELFHOSTED__API_BASE", fake.base("selfhosted"))
    assert _recommend(cli_env, capsys)["explanation"] == text != offline


def test_recommend_rejects_an_llm_explanation_with_invented_numbers(
    cli_env: Path, fake: Any, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    offline = _recommend(cli_env, capsys)["explanation"]
    made_up = {"text": "최대 9억 7천만원까지 연 0.1% 금리로 받을 수 있습니다."}
    fake.script("selfhosted", reply=json.dumps(made_up, ensure_ascii=False))
    monkeypatch.setenv("AEGIS_LLM__CHAIN", "selfhosted")
    monkeypatch.setenv("AEGIS_LLM__SELFHOSTED__API_BASE", fake.base("selfhosted"))
    assert _recommend(cli_env, capsys)["explanation"] == offline
