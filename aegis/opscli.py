"""Operator commands: `aegis doctor [--json]` and `aegis keys rotate SERVICE` (shared/contracts/README.md)."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Annotated

import typer

keys_app = typer.Typer(no_args_is_help=True, help="API 키 관리 (교체)")

MARKS = {True: "정상", False: "실패"}


def register(app: typer.Typer) -> None:
    """Add `doctor` and `keys` to the CLI."""
    app.command("doctor")(doctor_cmd)
    app.add_typer(keys_app, name="keys")


def doctor_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="계약 형식의 JSON으로 출력합니다.")] = False,
) -> None:
    """설정된 외부 연동마다 가장 가벼운 실제 호출로 점검합니다 (하나라도 실패하면 종료 코드 1).

    예: aegis doctor · aegis doctor --json
    """
    from engine.app import load_settings
    from engine.logs import configure_logging
    from engine.ops.doctor import broken, run_checks

    settings = load_settings()
    configure_logging(settings)
    checks = asyncio.run(run_checks(settings))
    if as_json:
        configured = [c for c in checks if c.configured]
        data = {
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in configured],
            "not_configured": [c.name for c in checks if not c.configured],
        }
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        width = max(len(c.name) for c in checks)
        for check in checks:
            mark = MARKS[check.ok] if check.configured else "-"
            typer.echo(f"{check.name:<{width}}  {mark:<2}  {check.detail}")
    if broken(checks):
        raise typer.Exit(1)


@keys_app.command("rotate")
def rotate_cmd(
    service: Annotated[str, typer.Argument(help="bizinfo, datagokr, odcloud, telegram, smtp, sens, openai, ...")],
    actor: Annotated[str, typer.Option("--actor", help="감사 기록에 남길 작업자")] = "cli",
) -> None:
    """표준 입력으로 새 키를 받아 점검한 뒤, 통과할 때만 저장합니다 (실패하면 이전 키 유지).

    예: printf '%s' "$NEW_KEY" | aegis keys rotate bizinfo
    """
    from engine.app import build_core
    from engine.ops.keys import rotate_key

    new_key = sys.stdin.readline().strip()
    core = build_core()
    result = asyncio.run(rotate_key(core, service=service, new_key=new_key, actor=actor))
    typer.echo(result.message)
    if not result.ok:
        raise typer.Exit(1)
