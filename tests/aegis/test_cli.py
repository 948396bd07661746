"""The CLI contract (shared/contracts/README.md): exit codes, one-line errors, idempotent import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aegis.cli import run

FIXTURES = Path(__file__).parents[1] / "fixtures"
LIST = json.dumps(
    {
        "jsonArray": [
            {
                "pblancId": "PBLN_000000000900001",
                "pblancNm": "[서울] 2026년 서울시 소상공인 경영안정자금 지원 공고",
                "bsnsSumryCn": "<p>☞&nbsp;서울특별시 소재 사업장을 운영 중인 소상공인</p><p>- 업력 7년 미만</p>",
                "reqstBeginEndDe": "2026-10-01 ~ 2026-12-31",
                "jrsdInsttNm": "서울특별시",
                "excInsttNm": "서울신용보증재단",
                "hashtags": "금융,서울,2026",
                "pblancUrl": "https://www.bizinfo.go.kr/sii/siia/selectSIIA200Detail.do?pblancId=PBLN_000000000900001",
                "totCnt": 1,
                "inqireCo": 10,
            }
        ]
    },
    ensure_ascii=False,
)


@pytest.fixture
def db_url(migrated_url: str) -> str:
    return migrated_url


def _import(tmp_path: Path, capsys: pytest.CaptureFixture[str], payload: str) -> tuple[int, str, str]:
    path = tmp_path / "payload.json"
    path.write_text(payload, encoding="utf-8")
    code = run(["import", "--source", "bizinfo", "--file", str(path), "--json"])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_twice_reports_nothing_new_the_second_time(db_url: str, tmp_path: Path, capsys) -> None:
    code, out, _ = _import(tmp_path, capsys, LIST)
    first = json.loads(out)
    assert code == 0
    assert (first["received"], first["new"], first["rejected"]) == (1, 1, 0)
    code, out, _ = _import(tmp_path, capsys, LIST)
    second = json.loads(out)
    assert code == 0
    assert (second["new"], second["updated"], second["unchanged"]) == (0, 0, 1)


def test_import_of_error_response_exits_2_naming_the_error(db_url: str, tmp_path: Path, capsys) -> None:
    code, out, err = _import(tmp_path, capsys, '{"reqErr":"인증키를 입력해주세요."}')
    assert code == 2
    assert out == ""
    assert "인증키를 입력해주세요" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import", "--source", "nosuch", "--file", "x.json"], "unknown source"),
        (["import", "--source", "bizinfo", "--file", "/nonexistent/x.json"], "파일을 읽을 수 없습니다"),
        (["recommend", "--profile", "/nonexistent/p.json"], "파일을 읽을 수 없습니다"),
        (["recommend", "--profile", "{profile}", "--as-of", "2026-13-01"], "날짜 형식이 올바르지 않습니다"),
    ],
)
def test_bad_input_exits_2_with_one_line(db_url: str, tmp_path: Path, capsys, argv: list[str], message: str) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"status": "operating", "region": "서울"}), encoding="utf-8")
    code = run([a.replace("{profile}", str(profile)) for a in argv])
    _, err = capsys.readouterr()
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_invalid_json_payload_exits_2_and_writes_nothing(db_url: str, tmp_path: Path, capsys) -> None:
    code, _, err = _import(tmp_path, capsys, '{"jsonArray": [{"pblancId": "PBLN_1", ')
    assert code == 2
    assert "invalid JSON" in err
    code, out, _ = _import(tmp_path, capsys, LIST)
    assert json.loads(out)["new"] == 1  # nothing from the failed import was kept


@pytest.mark.parametrize(
    "profile",
    [
        {"status": "operating"},
        {"status": "retired", "region": "서울"},
        {"status": "operating", "region": "아틀란티스"},
        {"status": "operating", "region": "서울", "industry": "cafe"},
        {"status": "operating", "region": "서울", "favourite_color": "blue"},
    ],
)
def test_recommend_rejects_profile_failing_schema(db_url: str, tmp_path: Path, capsys, profile: dict) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    code = run(["recommend", "--profile", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("오류: 프로필이 올바르지 않습니다")
    assert len(err.strip().splitlines()) == 1


def test_recommend_filters_by_region_and_open_status(db_url: str, tmp_path: Path, capsys) -> None:
    _import(tmp_path, capsys, LIST)
    seoul = tmp_path / "seoul.json"
    seoul.write_text(json.dumps({"status": "operating", "region": "11", "founded_on": "2022-01-01"}), encoding="utf-8")
    busan = tmp_path / "busan.json"
    busan.write_text(json.dumps({"status": "operating", "region": "부산"}), encoding="utf-8")

    assert run(["recommend", "--profile", str(seoul), "--as-of", "2026-11-01", "--json"]) == 0
    ids = [r["program_id"] for r in json.loads(capsys.readouterr().out)["results"]]
    assert ids == ["bizinfo:PBLN_000000000900001"]

    assert run(["recommend", "--profile", str(busan), "--as-of", "2026-11-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"] == []

    assert run(["recommend", "--profile", str(seoul), "--as-of", "2027-01-05", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"] == []  # closed after 2026-12-31


def test_recommend_output_is_valid_against_contract_schema(db_url: str, tmp_path: Path, capsys) -> None:
    import jsonschema

    from engine.schemas import load_schema

    _import(tmp_path, capsys, LIST)
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"status": "operating", "region": "서울"}), encoding="utf-8")
    assert run(["recommend", "--profile", str(path), "--as-of", "2026-11-01", "--include-ineligible", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    jsonschema.validate(out, load_schema("recommend-output.schema.json"))
    assert out["results"][0]["eligibility"] == "unknown"  # 업력 needs founded_on


def test_config_masks_secrets(db_url: str, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_LLM__OPENAI__API_KEY", "sk-live-do-not-print")
    assert run(["config", "--json"]) == 0
    out = capsys.readouterr().out
    assert "sk-live-do-not-print" not in out
    assert json.loads(out)["llm"]["openai"]["api_key"] == "**********"
    assert run(["config"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "AEGIS_LLM__OPENAI__API_KEY" in "".join(lines) and "sk-live-do-not-print" not in "".join(lines)
    [key_line] = [line for line in lines if line.startswith("AEGIS_LLM__OPENAI__API_KEY ")]
    assert key_line.split(" = ")[1] == "**********"
    assert len({line.index(" = ") for line in lines}) == 1  # aligned


def test_unmigrated_database_gives_a_one_line_hint(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AEGIS_DATABASE_URL", f"sqlite:///{tmp_path}/empty.db")
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"status": "operating", "region": "서울"}), encoding="utf-8")
    assert run(["recommend", "--profile", str(profile)]) == 1
    err = capsys.readouterr().err
    assert "aegis db upgrade" in err
    assert len(err.strip().splitlines()) == 1


def test_draft_profile_prints_fields_and_what_is_missing(db_url: str, capsys) -> None:
    assert run(["draft-profile", "대구에서 혼자 온라인 쇼핑몰을 운영합니다", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["provider"] == "offline"
    assert (out["fields"]["region"], out["fields"]["industry"], out["fields"]["employees"]) == ("27", "G", 0)
    assert out["missing"] == ["founded_on"]


def test_chat_greets_and_answers_a_description_like_the_bot(
    db_url: str, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    _import(tmp_path, capsys, LIST)
    stdin = "1\n강남구에서 2022년에 개업한 카페를 운영해요\n1\n건너뛰기\n종료\n"  # 1 = 동의, then 확인
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert run(["chat"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("안녕하세요! 이지스(Aegis)는")
    assert "1) 동의   2) 동의하지 않음" in out
    assert "이렇게 이해했어요" in out and "- 지역: 서울특별시 강남구" in out
    assert "직원(상시근로자)은 몇 명" in out


def test_search_prints_the_contract_shape_and_hides_closed_programs(db_url: str, tmp_path: Path, capsys) -> None:
    _import(tmp_path, capsys, LIST)
    assert run(["search", "소상공인 경영안정자금", "--as-of", "2026-11-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["query"] == "소상공인 경영안정자금"
    [hit] = out["results"]
    assert set(hit) == {"program_id", "source_ids", "title", "score"}
    assert hit["program_id"] == "bizinfo:PBLN_000000000900001" and hit["score"] > 0
    assert run(["search", "소상공인 경영안정자금", "--as-of", "2027-02-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"] == []


def test_recommend_prints_verdicts_and_windows_as_words_not_codes(db_url: str, tmp_path: Path, capsys) -> None:
    _import(tmp_path, capsys, LIST)
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"status": "operating", "region": "서울", "founded_on": "2022-01-01"}), "utf-8")
    assert run(["recommend", "--profile", str(path), "--as-of", "2026-11-01"]) == 0
    out = capsys.readouterr().out
    assert "서울특별시 · D-60\n❔ 확인 필요" in out  # the bot's card; 소상공인 needs the head count
    assert "[unknown]" not in out and "unknown" not in out


def test_draft_profile_prints_region_and_industry_names(db_url: str, capsys) -> None:
    assert run(["draft-profile", "대구에서", "혼자", "온라인", "쇼핑몰을", "운영합니다"]) == 0
    out = capsys.readouterr().out
    assert "- 지역: 대구광역시" in out
    assert "- 업종: 도매 및 소매업" in out
    assert ": 27" not in out
