"""`aegis sources list | enable NAME | disable NAME` (shared/contracts/README.md)."""

from __future__ import annotations

import json

import pytest

from aegis.cli import run
from db.session import make_engine
from engine.overrides import audit_entries

WEB_SOURCES = {"localgov_dangjin", "seoul_sinbo", "busan_biz"}


def _sources(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    assert run(["sources", "list", "--json"]) == 0
    return {s["name"]: s for s in json.loads(capsys.readouterr().out)["sources"]}


def test_list_shows_every_collector_and_web_source_with_label_track_and_switch(
    migrated_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = _sources(capsys)
    assert {"bizinfo", "kstartup", "gov24", "catalog"} | WEB_SOURCES <= set(sources)
    assert sources["bizinfo"]["label"] == "기업마당" and sources["bizinfo"]["track"] == "api"
    assert sources["seoul_sinbo"]["track"] == "html" and sources["seoul_sinbo"]["enabled"] is False
    assert sources["catalog"]["schedule"] is None
    assert set(sources["bizinfo"]) == {
        "name", "label", "track", "enabled", "schedule", "runnable", "last_run_at", "last_success_at",
        "last_error_class",
    }  # fmt: skip


def test_list_prints_names_and_korean_columns(migrated_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sources", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["이름", "출처", "방식", "사용", "일정(cron)", "최근", "실행", "최근", "오류"]
    [sinbo] = [line for line in lines if line.startswith("seoul_sinbo ")]
    assert "서울신용보증재단 공지사항" in sinbo and "웹 게시판" in sinbo and "꺼짐" in sinbo


def test_enable_then_disable_switches_a_web_source_and_audits_both(
    migrated_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["sources", "enable", "seoul_sinbo"]) == 0
    assert "켰습니다" in capsys.readouterr().out
    after = _sources(capsys)["seoul_sinbo"]
    assert after["enabled"] is True and after["runnable"] is True
    assert run(["sources", "disable", "seoul_sinbo", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["enabled"] is False
    db = make_engine(migrated_url)
    try:
        rows = [r for r in audit_entries(db) if r["action"] == "source.enable"]
    finally:
        db.dispose()
    assert [(r["target"], r["detail"]["after"]) for r in rows] == [("seoul_sinbo", False), ("seoul_sinbo", True)]
    assert all(str(r["actor"]).startswith("cli") for r in rows)


def test_enabling_an_api_source_without_its_key_says_it_will_not_run(
    migrated_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AEGIS_SOURCES__BIZINFO_API_KEY", raising=False)
    assert run(["sources", "enable", "bizinfo"]) == 0
    assert "인증키" in capsys.readouterr().err
    assert _sources(capsys)["bizinfo"]["runnable"] is False


@pytest.mark.parametrize(("name", "said"), [("nosuch", "알 수 없는 출처"), ("catalog", "일정 수집이 없습니다")])
def test_unknown_or_unschedulable_source_is_bad_input(
    migrated_url: str, capsys: pytest.CaptureFixture[str], name: str, said: str
) -> None:
    assert run(["sources", "enable", name]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert said in line
