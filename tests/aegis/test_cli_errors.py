"""Every way a person can get the CLI wrong ends in one Korean line and exit 2 (bad input) or 1 (failed run)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import exc as sa_exc

from aegis.cli import run
from aegis.failures import report_failure
from engine.errors import DatabaseBusy


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    assert line.startswith("오류: ")
    return line


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["nosuchcommand"], "알 수 없는 명령입니다: nosuchcommand"),
        (["serach", "카페"], "알 수 없는 명령입니다: serach (혹시 search?)"),
        (["sources", "enabel", "bizinfo"], "(혹시 enable?)"),
        (["recommend"], "--profile 옵션이 필요합니다"),
        (["search"], "검색어가 필요합니다"),
        (["ask"], "질문이 필요합니다"),
        (["draft-profile"], "설명이 필요합니다"),
        (["collect"], "출처가 필요합니다"),
        (["search", "카페", "--top", "abc"], "--top 값이 올바르지 않습니다"),
        (["search", "카페", "--top", "0"], "1 이상의 정수"),
        (["search", "카페", "--bogus"], "알 수 없는 옵션입니다: --bogus"),
        (["search", "카페", "--as-of"], "--as-of 옵션의 값이"),
        (["sources", "enable"], "출처가 필요합니다"),
    ],
)
def test_usage_errors_print_one_korean_line_and_exit_2(
    migrated_url: str, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    assert run(argv) == 2
    line = _one_line(capsys)
    assert said in line
    assert "--help" in line  # says where the usage is explained


@pytest.mark.parametrize("query", [[""], ["  ", " "]])
def test_empty_query_is_bad_input(migrated_url: str, capsys: pytest.CaptureFixture[str], query: list[str]) -> None:
    assert run(["search", *query]) == 2
    assert "검색어가 비어 있습니다" in _one_line(capsys)


@pytest.mark.parametrize(
    ("name", "value", "argv"),
    [
        ("AEGIS_LOG_LEVEL", "verbose", ["search", "카페"]),
        ("AEGIS_ENVIRONMENT", "x", ["config"]),
        ("AEGIS_LOG_LEVEL", "verbose", ["scrape-test", "--source-file", "a.yaml", "--file", "b.html"]),
    ],
)
def test_invalid_setting_is_bad_input_in_one_line(
    migrated_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str, value: str, argv
) -> None:
    monkeypatch.setenv(name, value)
    assert run(argv) == 2
    assert name in _one_line(capsys)


def test_help_still_works_with_an_invalid_setting(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AEGIS_LOG_LEVEL", "verbose")
    assert run(["search", "-h"]) == 0
    assert "aegis search 카페 창업" in capsys.readouterr().out


def test_unquoted_words_are_one_query(migrated_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert run(["search", "카페", "창업", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["query"] == "카페 창업"


def test_unreachable_postgres_is_a_failed_run_with_the_password_masked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AEGIS_DATABASE_URL", f"postgresql+psycopg://aegis:hunter2@127.0.0.1:{port}/aegis")
    assert run(["search", "카페"]) == 1
    line = _one_line(capsys)
    assert "데이터베이스에 연결할 수 없습니다" in line
    assert "hunter2" not in line
    assert "db upgrade" not in line


def test_unparsable_database_url_is_bad_input(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setenv("AEGIS_DATABASE_URL", "not a url")
    assert run(["search", "카페"]) == 2
    assert "AEGIS_DATABASE_URL" in _one_line(capsys)


def test_locked_database_names_the_lock_and_never_suggests_an_upgrade(capsys: pytest.CaptureFixture[str]) -> None:
    locked = sa_exc.OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))
    assert report_failure(locked) == 1
    line = _one_line(capsys)
    assert "잠겨" in line and "db upgrade" not in line and "INSERT" not in line


def test_database_busy_after_the_bounded_wait_is_a_failed_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert report_failure(DatabaseBusy("database is locked after 60.0 s", waited_s=60.0)) == 1
    line = _one_line(capsys)
    assert DatabaseBusy.user_message.rstrip(".") in line and "db upgrade" not in line


def test_missing_table_suggests_the_upgrade(capsys: pytest.CaptureFixture[str]) -> None:
    missing = sa_exc.OperationalError("SELECT ...", {}, sqlite3.OperationalError("no such table: programs"))
    assert report_failure(missing) == 1
    assert "aegis db upgrade" in _one_line(capsys)


def test_an_unexpected_bug_is_one_line_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert report_failure(ZeroDivisionError("division by zero")) == 1
    line = _one_line(capsys)
    assert "ZeroDivisionError" in line and "AEGIS_LOG_LEVEL=DEBUG" in line


def test_db_upgrade_says_when_it_creates_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "new" / "data"
    monkeypatch.setenv("AEGIS_DATABASE_URL", f"sqlite:///{folder}/aegis.db")
    assert run(["db", "upgrade"]) == 0
    assert f"새로 만들었습니다: {folder}" in capsys.readouterr().err
    assert (folder / "aegis.db").exists()
    assert run(["db", "upgrade"]) == 0
    assert "새로 만들었습니다" not in capsys.readouterr().err  # said only when it happened


def _leaf_commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Return the path of every runnable command under a click group."""
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        found += _leaf_commands(command, (*path, name)) if sub is not None else [(*path, name)]
    return found


def test_every_command_has_korean_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    import typer.main

    from aegis.cli import app

    commands = _leaf_commands(typer.main.get_command(app))
    assert ("sources", "enable") in commands and ("search",) in commands
    for command in commands:
        assert run([*command, "--help"]) == 0, command
        out = capsys.readouterr().out
        assert "예:" in out and f"aegis {command[0]}" in out, command
        summary = out.split("Usage:", 1)[1].split("╭", 1)[0]
        assert re.search("[가-힣]", summary), command  # the summary line is Korean


def test_import_of_a_deeply_nested_payload_is_bad_input(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"jsonArray": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    assert run(["import", "--source", "bizinfo", "--file", str(path)]) == 2
    assert "중첩" in _one_line(capsys)


@pytest.mark.parametrize(
    ("argv", "env", "code"),
    [
        (["nosuchcommand"], {}, 2),
        (["search"], {}, 2),
        (["search", "카페"], {"AEGIS_LOG_LEVEL": "verbose"}, 2),
        (["search", "카페"], {"AEGIS_DATABASE_URL": "postgresql+psycopg://a:b@127.0.0.1:1/x"}, 1),
    ],
)
def test_the_installed_entry_point_prints_one_line_and_no_traceback(
    tmp_path: Path, argv: list[str], env: dict[str, str], code: int
) -> None:
    import os
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if not k.startswith("AEGIS_")}
    base["AEGIS_DATABASE_URL"] = f"sqlite:///{tmp_path}/aegis.db"
    done = subprocess.run(
        [sys.executable, "-m", "aegis.cli", *argv], env=base | env, capture_output=True, timeout=120, check=False
    )
    err = done.stderr.decode()
    assert done.returncode == code, err
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    assert line.startswith("오류: ")
