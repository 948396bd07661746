"""`aegis demo load`: import the bundled demo snapshot through the normal import path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from engine.app import Aegis
    from engine.ingest import RunReport

demo_app = typer.Typer(no_args_is_help=True, help="내장 데모 데이터")


def register(app: typer.Typer) -> None:
    """Add the demo commands to the CLI."""
    app.add_typer(demo_app, name="demo")


def import_demo(core: Aegis) -> Iterator[RunReport]:
    """Import each bundled payload through `Aegis.import_payload`, yielding its report as it lands."""
    from engine.demo import demo_payloads

    for source, payload in demo_payloads():
        yield core.import_payload(source=source, payload=payload)


def summary_line(report: RunReport) -> str:
    """Return the Korean one-line summary of one source's import."""
    from engine.collectors import get_collector
    from engine.errors import UnknownSource

    try:
        label = get_collector(report.source).label
    except UnknownSource:
        label = report.source
    return f"{label}: 신규 {report.new}, 변경 {report.updated}, 동일 {report.unchanged}, 거부 {report.rejected}"


@demo_app.command("load", epilog="예:  aegis db upgrade && aegis demo load")
def load_cmd() -> None:
    """내장 데모 공고와 정책자금 카탈로그를 가져옵니다 (두 번 실행해도 그대로)."""
    from engine.app import build_core

    core = build_core()
    try:
        for report in import_demo(core):
            typer.echo(summary_line(report))
            for error in report.errors:
                typer.echo(f"  거부 {error}", err=True)
    finally:
        core.db.dispose()
