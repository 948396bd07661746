"""`aegis users import`: register users an operator onboarded (JSON Lines, or CSV by extension)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

users_app = typer.Typer(no_args_is_help=True, help="사용자 관리 (운영자가 등록한 고객)")


def register(app: typer.Typer) -> None:
    """Add the user commands to the CLI."""
    app.add_typer(users_app, name="users")


@users_app.command("import", epilog="예:  aegis users import --file clients.jsonl --json")
def import_cmd(
    file: Annotated[Path, typer.Option("--file", metavar="PATH", help="한 줄에 한 명씩 JSON Lines (.csv면 CSV).")],
    as_json: Annotated[bool, typer.Option("--json", help="계약(shared/contracts)의 JSON 형식으로 출력합니다.")] = False,
) -> None:
    """운영자가 온보딩한 사용자를 등록합니다 (같은 연락처면 갱신, 잘못된 줄은 줄 번호와 함께 거부)."""
    from engine.app import build_core
    from engine.errors import InvalidInput
    from engine.inputs import read_payload
    from engine.userimport import csv_to_lines
    from engine.users import import_users

    raw = read_payload(file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{file} is not UTF-8 text") from exc
    lines = csv_to_lines(text) if file.suffix.lower() == ".csv" else text.splitlines()
    core = build_core()
    report = import_users(core.db, lines=lines, now=dt.datetime.now(dt.UTC))
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    typer.echo(f"사용자: 신규 {report.new}, 갱신 {report.updated}, 거부 {report.rejected} (받은 줄 {report.received})")
    for error in report.errors:
        typer.echo(f"  {error}")
