"""Impossible and pathological profiles (issue 13): exit 2 and one short line that never echoes the value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aegis.cli import run

MAX_LINE = 200


def _rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, *extra: str) -> str:
    path = tmp_path / "profile.json"
    path.write_text(text, encoding="utf-8")
    assert run(["recommend", "--profile", str(path), *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    [line] = captured.err.strip().splitlines()
    assert len(line) < MAX_LINE
    return line


def test_business_founded_after_the_evaluation_date_is_rejected(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = json.dumps({"status": "operating", "region": "서울", "founded_on": "2027-03-01"})
    line = _rejected(tmp_path, capsys, profile, "--as-of", "2026-11-01")
    assert "founded_on" in line and "2026-11-01" in line


def test_business_founded_in_the_future_is_rejected_by_default(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = json.dumps({"status": "operating", "region": "서울", "founded_on": "2999-01-01"})
    assert "개업일" in _rejected(tmp_path, capsys, profile)


def test_business_founded_on_the_evaluation_date_is_accepted(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({"status": "operating", "region": "서울", "founded_on": "2026-11-01"}), "utf-8")
    assert run(["recommend", "--profile", str(path), "--as-of", "2026-11-01", "--json"]) == 0


def test_deeply_nested_json_is_rejected_without_recursion(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _rejected(tmp_path, capsys, '{"status": ' + "[" * 20_000 + "]" * 20_000 + "}")
    assert "중첩" in line


def test_million_item_array_is_rejected_by_size_in_a_short_line(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _rejected(tmp_path, capsys, '{"status": "operating", "region": "서울", "traits": [' + "1," * 10**6 + "1]}")
    assert "너무 큽니다" in line and "1,1" not in line


def test_long_array_under_the_size_bound_is_rejected_without_echoing_it(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps({"status": "operating", "region": "서울", "traits": ["veteran"] * 5000})
    line = _rejected(tmp_path, capsys, text)
    assert "traits" in line and "veteran', 'veteran" not in line


def test_huge_unknown_region_is_not_echoed(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _rejected(tmp_path, capsys, json.dumps({"status": "operating", "region": "아틀란티스" * 3000}))
    assert "region" in line


def test_profile_path_that_is_a_directory_is_bad_input(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["recommend", "--profile", str(tmp_path)]) == 2
    assert "폴더" in capsys.readouterr().err


@pytest.mark.parametrize("as_of", ["2026-13-01", "2026-02-30", "yesterday", ""])
def test_malformed_as_of_is_bad_input(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], as_of: str
) -> None:
    profile = json.dumps({"status": "operating", "region": "서울"})
    assert "YYYY-MM-DD" in _rejected(tmp_path, capsys, profile, "--as-of", as_of)


def test_users_import_rejects_a_deeply_nested_line_and_keeps_the_rest(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "users.jsonl"
    good = json.dumps({"profile": {"status": "operating", "region": "서울"}, "email": "a@example.kr"})
    path.write_text('{"profile": ' + "[" * 50_000 + "]" * 50_000 + "}\n" + good + "\n", encoding="utf-8")
    assert run(["users", "import", "--file", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["new"], out["rejected"]) == (1, 1)
    assert "중첩" in str(out["errors"][0]) and len(str(out["errors"][0])) < MAX_LINE
