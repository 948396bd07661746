"""The `aegis` command line: the composition root above the front ends (shared/contracts/README.md).

Every command builds the core once, calls one use case and renders the result. Errors — usage, settings,
input, services — become one line and an exit code in `run()` (aegis/failures.py): 2 bad input, 1 failed run.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aegis.failures import FAILED_RUN, describe, report_failure, say
from engine.errors import AegisError, InvalidInput, SourceError
from engine.matching.labels import particle

if TYPE_CHECKING:
    from engine.app import Aegis

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="이지스(Aegis): 소상공인·창업자를 위한 정책자금·지원사업 추천. 명령마다 --help로 예시를 볼 수 있습니다.",
    epilog="예:  aegis db upgrade  ·  aegis demo load  ·  aegis search 카페 창업  ·  aegis recommend --profile p.json",
)
db_app = typer.Typer(no_args_is_help=True, help="데이터베이스 스키마 관리")
app.add_typer(db_app, name="db")


def _positive_int(value: str) -> int:
    """Parse --top: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise typer.BadParameter("1 이상의 정수를 적어 주세요 (예: --top 5)")
    return number


JsonOpt = Annotated[bool, typer.Option("--json", help="계약(shared/contracts)의 JSON 형식으로 출력합니다.")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="기준일 YYYY-MM-DD (기본: 오늘, 한국 시간). 업력·마감 판단에 씁니다.")
]
TopOpt = Annotated[int, typer.Option("--top", parser=_positive_int, metavar="N", help="보여 줄 공고 수 (1 이상).")]
ProfileOpt = Annotated[
    Path, typer.Option("--profile", metavar="PATH", help="사업장 프로필 JSON (contracts/profile.schema.json).")
]


def _core() -> Aegis:
    from engine.app import build_core

    return build_core()


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=None))


def _words(words: list[str], *, what: str) -> str:
    """Join an unquoted multi-word argument into one text; an empty one is bad input."""
    text = " ".join(" ".join(words).split())
    if not text:
        raise InvalidInput(f"{what}{particle(what, '이', '가')} 비어 있습니다")
    return text


@db_app.command("upgrade", epilog="예:  AEGIS_DATABASE_URL=sqlite:///data/aegis.db aegis db upgrade")
def db_upgrade() -> None:
    """AEGIS_DATABASE_URL의 스키마를 만들거나 최신으로 올립니다 (여러 번 실행해도 안전)."""
    from sqlalchemy.engine import make_url

    from db.migrate import upgrade
    from engine.app import load_settings
    from engine.settings import redact_url_password

    settings = load_settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        folder = Path(url.database).expanduser().parent
        if not folder.exists():
            folder.mkdir(parents=True)
            typer.echo(f"데이터베이스 폴더가 없어 새로 만들었습니다: {folder}", err=True)
    upgrade(settings.database_url)
    typer.echo(f"스키마가 최신입니다: {redact_url_password(settings.database_url)}", err=True)


@app.command(
    "import",
    epilog="예:  aegis import --source bizinfo --file bizinfo.json --json\n\n"
    "    aegis import --source gov24 --file serviceList.json --conditions supportConditions.json",
)
def import_cmd(
    source: Annotated[str, typer.Option("--source", help="출처 이름: bizinfo, kstartup, gov24 … (aegis sources list)")],
    file: Annotated[Path, typer.Option("--file", metavar="PATH", help="출처의 실제 응답 형식으로 저장한 파일.")],
    conditions: Annotated[
        Path | None, typer.Option("--conditions", metavar="PATH", help="gov24 전용: supportConditions 응답.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """저장해 둔 응답 파일을 실시간 수집과 같은 경로로 가져옵니다 (같은 파일을 두 번 넣어도 그대로)."""
    from engine.inputs import read_payload

    core = _core()
    core.check_source(source)  # an unknown source is bad input before any file is read
    options: dict[str, Any] = {}
    if conditions is not None:
        options["conditions"] = read_payload(conditions)
    try:
        report = core.import_payload(source=source, payload=read_payload(file), **options)
    except SourceError as exc:  # an error response saved to a file is bad input, whatever its class
        raise InvalidInput(f"{_source_label(source)}({source}) 파일을 가져올 수 없습니다: {exc}") from exc
    except RecursionError as exc:  # a hostile file nested thousands deep: bad input, not a crash
        raise InvalidInput(f"{file}: JSON·XML이 너무 깊게 중첩되어 있습니다") from exc
    if as_json:
        _print_json(report.as_json())
        return
    typer.echo(
        f"{_source_label(source)}: 받음 {report.received}, 신규 {report.new}, 변경 {report.updated}, "
        f"동일 {report.unchanged}, 거부 {report.rejected}, 마감 처리 {report.closed}"
    )
    for error in report.errors:
        typer.echo(f"  거부: {error}", err=True)


@app.command("collect", epilog="예:  aegis collect bizinfo  ·  aegis collect kstartup --json")
def collect_cmd(
    source: Annotated[str, typer.Argument(metavar="출처", help="출처 이름 (aegis sources list).")],
    as_json: JsonOpt = False,
) -> None:
    """한 출처를 지금 실시간으로 수집합니다 (설정된 인증키 사용)."""
    import asyncio

    from engine.collect import collect_source

    core = _core()
    core.check_source(source)
    try:
        report = asyncio.run(collect_source(name=source, settings=core.settings, engine=core.db))
    except SourceError as exc:  # whatever the live source did wrong, this run failed: 1, never "bad input"
        say(describe(exc))
        raise typer.Exit(FAILED_RUN) from exc
    if as_json:
        _print_json(report.as_json())
    else:
        typer.echo(f"{_source_label(source)}: 신규 {report.new}, 변경 {report.updated}, 마감 처리 {report.closed}")


@app.command(
    "recommend",
    epilog="예:  aegis recommend --profile cafe.json\n\n"
    "    aegis recommend --profile cafe.json --as-of 2026-10-15 --top 5 --include-ineligible --json",
)
def recommend_cmd(
    profile: ProfileOpt,
    as_of: AsOfOpt = None,
    top: TopOpt = 10,
    include_ineligible: Annotated[
        bool, typer.Option("--include-ineligible", help="자격 미충족 공고도 미충족 조건과 함께 보여 줍니다.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """사업장 프로필에 맞는 지원사업을 추천합니다 (자격 판단과 그 이유 포함)."""
    from aegis.render import recommendation_lines
    from engine.inputs import load_profile, parse_date

    core = _core()
    date = parse_date(as_of, default=core.today())
    parsed = load_profile(profile, today=date)
    out = core.recommend(profile=parsed, as_of=date, top=top, include_ineligible=include_ineligible)
    if as_json:
        _print_json(out)
        return
    for line in recommendation_lines(out):
        typer.echo(line)


@app.command("search", epilog="예:  aegis search 카페 창업  ·  aegis search 수출 바우처 --top 5 --json")
def search_cmd(
    query: Annotated[list[str], typer.Argument(metavar="검색어", help="찾을 말 (따옴표 없이 여러 단어도 됩니다).")],
    as_of: AsOfOpt = None,
    top: TopOpt = 10,
    as_json: JsonOpt = False,
) -> None:
    """접수 중·상시·접수 예정 공고를 검색합니다."""
    from engine.inputs import parse_date
    from engine.links import plain_title

    text = _words(query, what="검색어")
    core = _core()
    out = core.search(query=text, as_of=parse_date(as_of, default=core.today()), top=top)
    if as_json:
        _print_json(out)
        return
    if not out["results"]:
        typer.echo(f"'{text}'에 맞는 접수 중인 공고를 찾지 못했어요. 다른 말로 찾아보시겠어요?")
        return
    typer.echo(f"'{text}' 검색 결과예요.")
    for i, r in enumerate(out["results"], 1):
        typer.echo(f"{i}. {plain_title(r['title'])}  ({_source_label(r['program_id'].split(':', 1)[0])})")


@app.command(
    "ask",
    epilog="예:  aegis ask 마감 임박한 창업 지원사업 있어?\n\n    aegis ask 청년 창업자 보증 --profile me.json --json",
)
def ask_cmd(
    question: Annotated[list[str], typer.Argument(metavar="질문", help="한국어 질문 (따옴표 없이 여러 단어도 돼요).")],
    profile: Annotated[
        Path | None, typer.Option("--profile", metavar="PATH", help="자격을 함께 따질 프로필 JSON.")
    ] = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """정책자금 질문에 답하고, 근거로 삼은 공고를 밝힙니다."""
    from engine.inputs import load_profile, parse_date

    text = _words(question, what="질문")
    core = _core()
    date = parse_date(as_of, default=core.today())
    parsed = load_profile(profile, today=date) if profile is not None else None
    out = core.ask(question=text, profile=parsed, as_of=date)
    if as_json:
        _print_json(out)
        return
    typer.echo(out["answer"])
    provider = "AI 없이 기본 답변" if out["provider"] == "offline" else out["provider"]
    typer.echo(f"(근거 공고 {len(out['citations'])}건 · {provider})")


@app.command("draft-profile", epilog="예:  aegis draft-profile 대구에서 혼자 온라인 쇼핑몰을 운영합니다")
def draft_profile_cmd(
    text: Annotated[list[str], typer.Argument(metavar="설명", help="사업장 소개 (따옴표 없이 여러 단어도 됩니다).")],
    as_json: JsonOpt = False,
) -> None:
    """사업장 소개 글에서 프로필 항목을 뽑아 제안합니다 (아무것도 저장하지 않음)."""
    from aegis.render import draft_lines

    draft = _core().draft_profile(text=_words(text, what="설명"))
    out = {"fields": draft.fields, "missing": draft.missing, "provider": draft.provider}
    if as_json:
        _print_json(out)
        return
    for line in draft_lines(draft.fields, draft.missing):
        typer.echo(line)


@app.command("config", epilog="예:  aegis config  ·  aegis config --json")
def config_cmd(as_json: JsonOpt = False) -> None:
    """지금 적용되는 설정을 보여 줍니다 (비밀값은 가림)."""
    from aegis.render import config_lines
    from engine.app import load_settings
    from engine.settings import masked_config

    config = masked_config(load_settings())
    if as_json:
        typer.echo(json.dumps(config, ensure_ascii=False, indent=2))
        return
    for line in config_lines(config):
        typer.echo(line)


def _source_label(name: str) -> str:
    """Return a source's Korean label ('기업마당'), or its name when it is a stored web source."""
    from engine.collectors import collector_class

    cls = collector_class(name)
    return cls.label if cls is not None else name


def _register_fronts() -> None:
    from aegis import chat, dashcli, demo, opscli, serve, sourcescli, userscli, webcli

    serve.register(app)
    chat.register(app)
    demo.register(app)
    webcli.register(app)
    dashcli.register(app)
    sourcescli.register(app)
    userscli.register(app)
    opscli.register(app)


_register_fronts()


def main() -> None:
    """Run the CLI as a process."""
    sys.exit(run())


def run(argv: list[str] | None = None) -> int:
    """Run the CLI on `argv`; every failure becomes one line on stderr and an exit code (2 bad input, 1 failed run)."""
    # LiteLLM must never reach for the internet (cost map, model list); set before any lazy import.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
    try:
        _configure_logging(sys.argv[1:] if argv is None else argv)
        result = app(args=argv, standalone_mode=False, prog_name="aegis")
    except BaseException as exc:  # the CLI's one translation point (STYLE 12)
        return report_failure(exc)
    return result if isinstance(result, int) else 0


def _configure_logging(args: list[str]) -> None:
    """Load the settings and set up logging before anything logs; an invalid setting is bad input (but help works)."""
    from engine.app import load_settings
    from engine.logs import configure_logging

    configure_logging()  # redacting at WARNING until the settings load
    try:
        settings = load_settings()
    except AegisError:  # an invalid setting, or Vault unreachable: reported in one line, but help still works
        if args and not {"--help", "-h"} & set(args):
            raise
        return
    configure_logging(settings)  # level, format and secrets from the settings (engine/logs.py)
    logging.getLogger("alembic").setLevel(logging.WARNING)


if __name__ == "__main__":
    main()
