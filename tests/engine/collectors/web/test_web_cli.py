"""`aegis scrape-test`: the contract JSON on the samples, one-line errors and exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakeboard import BUNDLED, FIXTURES

from aegis.cli import run

DEFINITION = str(BUNDLED / "localgov_dangjin.yaml")


def test_scrape_test_prints_rows_and_the_decoded_euckr_detail(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        [
            "scrape-test",
            "--source-file",
            DEFINITION,
            "--file",
            str(FIXTURES / "list.html"),
            "--detail",
            str(FIXTURES / "detail_1.euckr.html"),
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(out["rows"]) == 6
    assert {"title", "url", "date"} <= out["rows"][0].keys()
    assert out["rows"][0]["title"] == "[기업지원과] 2026년 하반기 당진시 소상공인 경영안정자금 이차보전 지원 공고"
    assert out["detail"]["신청기간"].startswith("2026. 10. 13.(화) ~ 2026. 11. 13.(금)")
    assert "「소상공인기본법」 제2조에 따른 소상공인" in out["detail"]["지원대상"]
    assert len(out["skipped"]) == 4


def test_scrape_test_without_json_prints_a_korean_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["scrape-test", "--source-file", DEFINITION, "--file", str(FIXTURES / "list.html")])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("localgov_dangjin: 공고 6건 (제외 4건)")


def test_scrape_test_exits_2_on_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = run(["scrape-test", "--source-file", DEFINITION, "--file", str(tmp_path / "nope.html"), "--json"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("오류: 파일을 읽을 수 없습니다") and err.count("\n") == 1


def test_scrape_test_exits_2_on_an_invalid_definition(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: Bad Name\nlabel: x\nlist_url: https://a.kr/\nlisting: {row: tr, title: a}\n", encoding="utf-8"
    )
    code = run(["scrape-test", "--source-file", str(bad), "--file", str(FIXTURES / "list.html")])
    assert code == 2
    assert "invalid source definition (name)" in capsys.readouterr().err


def test_scrape_test_names_the_selector_that_matches_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "other.html"
    page.write_text("<html><body><ul><li>공지 없음</li></ul></body></html>", encoding="utf-8")
    code = run(["scrape-test", "--source-file", DEFINITION, "--file", str(page)])
    assert code == 2
    assert "row selector 'table.board_list > tbody > tr' matched nothing" in capsys.readouterr().err
