"""`aegis sources list | enable NAME | disable NAME`: see the collection sources and switch one without SQL."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import unicodedata
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from engine.app import Aegis
    from engine.sources import SourceView

sources_app = typer.Typer(
    no_args_is_help=True,
    help="수집 출처 보기와 켜기·끄기 (웹 게시판은 aegis scrape-test로 먼저 시험해 보세요)",
    epilog="예:  aegis sources list  ·  aegis sources enable seoul_sinbo  ·  aegis sources disable gov24",
)
TRACKS = {"api": "API", "html": "웹 게시판", "catalog": "카탈로그"}

JsonOpt = Annotated[bool, typer.Option("--json", help="JSON으로 출력합니다.")]
NameArg = Annotated[str, typer.Argument(metavar="출처", help="출처 이름 (aegis sources list의 첫 칸).")]


def register(app: typer.Typer) -> None:
    """Add the sources commands to the CLI."""
    app.add_typer(sources_app, name="sources")


@sources_app.command("list", epilog="예:  aegis sources list  ·  aegis sources list --json")
def list_cmd(as_json: JsonOpt = False) -> None:
    """모든 출처를 보여 줍니다: 이름, 출처명, 방식, 사용 여부, 수집 일정, 최근 실행."""
    from engine.app import build_core
    from engine.sources import list_sources

    core = build_core()
    try:
        views = list_sources(core.db, core.settings)
        if as_json:
            typer.echo(json.dumps({"sources": [source_json(v) for v in views]}, ensure_ascii=False))
            return
        rows = [["이름", "출처", "방식", "사용", "일정(cron)", "최근 실행", "최근 오류"]]
        rows += [_row(view, core) for view in views]
        for line in aligned(rows):
            typer.echo(line)
    finally:
        core.db.dispose()


@sources_app.command("enable", epilog="예:  aegis sources enable seoul_sinbo")
def enable_cmd(name: NameArg, as_json: JsonOpt = False) -> None:
    """출처를 켭니다: 작업 실행기(aegis jobs)가 일정에 따라 수집합니다."""
    _switch(name, enabled=True, as_json=as_json)


@sources_app.command("disable", epilog="예:  aegis sources disable gov24")
def disable_cmd(name: NameArg, as_json: JsonOpt = False) -> None:
    """출처를 끕니다: 일정 수집을 멈춥니다 (저장된 공고는 그대로)."""
    _switch(name, enabled=False, as_json=as_json)


def _switch(name: str, *, enabled: bool, as_json: bool) -> None:
    """Switch source `name` on or off (audited); an unknown or unschedulable name is bad input."""
    from engine.admin.sources import set_source_enabled
    from engine.app import build_core
    from engine.errors import InvalidInput, UnknownSource
    from engine.matching.labels import topic_particle
    from engine.sources import list_sources

    core = build_core()
    try:
        views = {view.name: view for view in list_sources(core.db, core.settings)}
        view = views.get(name)
        if view is None:
            raise UnknownSource(f"알 수 없는 출처입니다: {name[:50]!r} (있는 출처: {', '.join(views)})")
        if view.schedule is None:
            raise InvalidInput(
                f"{view.label}({name}){topic_particle(view.label)} 일정 수집이 없습니다: aegis import로 가져오세요"
            )
        set_source_enabled(core.db, name=name, enabled=enabled, actor=_actor(), now=dt.datetime.now(dt.UTC))
        [after] = [v for v in list_sources(core.db, core.settings) if v.name == name]
    finally:
        core.db.dispose()
    if as_json:
        typer.echo(json.dumps(source_json(after), ensure_ascii=False))
        return
    typer.echo(f"{after.label}({name}) 출처를 {'켰습니다' if enabled else '껐습니다'}.")
    if enabled and not after.runnable:
        typer.echo("  인증키가 설정되지 않아 키를 넣을 때까지 수집하지 않습니다 (aegis config로 확인).", err=True)


def source_json(view: SourceView) -> dict[str, Any]:
    """Return one source as JSON: name, label, track, enabled, schedule, runnable and its last run."""
    return {
        "name": view.name,
        "label": view.label,
        "track": view.kind,
        "enabled": view.enabled,
        "schedule": view.schedule,
        "runnable": view.runnable,
        "last_run_at": view.last_run_at.isoformat() if view.last_run_at else None,
        "last_success_at": view.last_success_at.isoformat() if view.last_success_at else None,
        "last_error_class": view.last_error_class,
    }


def _row(view: SourceView, core: Aegis) -> list[str]:
    switch = ("켜짐" if view.runnable else "켜짐(키 없음)") if view.enabled else "꺼짐"
    last = view.last_run_at.astimezone(core.tz).strftime("%Y-%m-%d %H:%M") if view.last_run_at else "-"
    return [
        view.name,
        view.label,
        TRACKS.get(view.kind, view.kind),
        switch,
        view.schedule or "수동 가져오기",
        last,
        view.last_error_class or "-",
    ]


def _width(text: str) -> int:
    """Return how many terminal columns `text` takes (Hangul takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def aligned(rows: list[list[str]]) -> list[str]:
    """Return rows as lines with each column padded to its widest cell."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip() for row in rows]


def _actor() -> str:
    """Return who made a change from the command line, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"
