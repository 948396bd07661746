"""The overview page, rendered by Streamlit's AppTest against a real (temporary) database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.overview import program_rows, regions_label, run_rows
from db.models import CollectionRun, Program
from engine.app import Aegis
from engine.runs import recent_runs

APP_FILE = Path(__file__).resolve().parents[2] / "streamlit_app.py"
TITLE = "2026년 소상공인 경영환경 개선 지원사업 공고"


def _run_app() -> AppTest:
    app = AppTest.from_file(str(APP_FILE), default_timeout=30)
    app.run()
    assert not app.exception, app.exception
    return app


def test_overview_lists_an_imported_program_with_korean_labels(core: Aegis, bizinfo_payload: bytes) -> None:
    core.import_payload(source="bizinfo", payload=bizinfo_payload)
    app = _run_app()
    programs, runs = app.dataframe[0].value, app.dataframe[1].value
    assert list(programs.columns) == ["공고명", "출처", "소관기관", "접수 상태", "마감일", "지역"]
    [row] = programs.to_dict("records")
    assert (row["공고명"], row["출처"], row["소관기관"], row["마감일"]) == (
        TITLE,
        "기업마당",
        "중소벤처기업부",
        "2026-12-31",
    )
    assert runs.iloc[0]["출처"] == "기업마당"
    assert runs.iloc[0]["신규"] == 1
    assert app.metric[0].value == "1건"
    assert not app.error


def test_overview_of_an_empty_database_says_how_to_import(core: Aegis) -> None:
    app = _run_app()
    assert not app.dataframe
    assert "aegis import" in app.info[0].value
    assert app.metric[0].value == "0건"


def test_overview_shows_a_korean_error_instead_of_a_traceback(core: Aegis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_ENVIRONMENT", "not-an-environment")  # settings refuse it
    app = _run_app()
    assert app.error[0].value == "설정값을 확인해 주세요: AEGIS_ENVIRONMENT (AEGIS_* 환경 변수, .env)"


def _program(**fields: object) -> Program:
    base: dict[str, object] = {
        "key": "bizinfo:1",
        "source": "bizinfo",
        "external_id": "1",
        "title": "t",
        "content_hash": "h",
        "group_id": "bizinfo:1",
    }
    return Program(**(base | fields))


@pytest.mark.parametrize(
    ("fields", "status", "deadline"),
    [
        (
            {"window_kind": "dated", "window_start": dt.date(2026, 11, 1), "window_end": dt.date(2026, 12, 31)},
            "접수 중",
            "2026-12-31",
        ),
        ({"window_kind": "dated", "window_start": dt.date(2026, 12, 10), "window_end": None}, "접수 예정", "-"),
        ({"window_kind": "dated", "window_end": dt.date(2026, 11, 1)}, "마감", "2026-11-01"),
        ({"window_kind": "always"}, "상시 접수", "상시"),
        ({"window_kind": "unknown"}, "일정 미정", "-"),
    ],
)
def test_program_rows_show_status_and_deadline(fields: dict[str, object], status: str, deadline: str) -> None:
    [row] = program_rows([_program(**fields)], today=dt.date(2026, 11, 26))
    assert (row["접수 상태"], row["마감일"]) == (status, deadline)


def test_regions_label_names_sido_or_nationwide() -> None:
    assert regions_label(None) == "전국"
    assert regions_label(["11", "41"]) == "서울, 경기"


def test_run_rows_show_times_in_seoul(core: Aegis, bizinfo_payload: bytes) -> None:
    core.import_payload(source="bizinfo", payload=bizinfo_payload)
    run = recent_runs(core.db)[0]
    run.started_at = dt.datetime(2026, 11, 26, 0, 30, tzinfo=dt.UTC)
    [row] = run_rows([run], tz=ZoneInfo("Asia/Seoul"))
    assert (row["시작"], row["방식"], row["상태"]) == ("2026-11-26 09:30", "가져오기", "성공")
    assert isinstance(run, CollectionRun)
