"""The `aegis` command line: the composition root above the front ends (shared/contracts/README.md).

Every command builds the core once, calls one use case and renders the result. Errors are turned
into a one-line message and an exit code here and only here: 2 for bad input, 1 for a failed run.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from engine.errors import AegisError, InvalidInput, SourceError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Aegis (이지스): 정책자금 추천")
db_app = typer.Typer(no_args_is_help=True, help="Database schema")
app.add_typer(db_app, name="db")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (the contract's shape).")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Evaluation date YYYY-MM-DD (default: today, KST).")]


def _core() -> Any:
    from engine.app import build_core

    return build_core()


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=None))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema of AEGIS_DATABASE_URL (idempotent)."""
    from db.migrate import upgrade
    from engine.app import load_settings
    from engine.settings import redact_url_password

    settings = load_settings()
    upgrade(settings.database_url)
    typer.echo(f"database at head: {redact_url_password(settings.database_url)}", err=True)


@app.command("import")
def import_cmd(
    source: Annotated[str, typer.Option("--source", help="bizinfo, kstartup, gov24, ...")],
    file: Annotated[Path, typer.Option("--file", help="A payload in the source's live format.")],
    conditions: Annotated[Path | None, typer.Option("--conditions", help="gov24: supportConditions.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a saved payload through the same path as live collection."""
    from engine.app import read_payload

    core = _core()
    core.check_source(source)  # an unknown source is bad input before any file is read
    options: dict[str, Any] = {}
    if conditions is not None:
        options["conditions"] = read_payload(conditions)
    try:
        report = core.import_payload(source=source, payload=read_payload(file), **options)
    except SourceError as exc:  # an error response saved to a file is bad input, whatever its class
        raise InvalidInput(f"{source} payload is an error response: {exc}") from exc
    if as_json:
        _print_json(report.as_json())
    else:
        typer.echo(
            f"{source}: received {report.received}, new {report.new}, updated {report.updated}, "
            f"unchanged {report.unchanged}, rejected {report.rejected}, closed {report.closed}"
        )
        for error in report.errors:
            typer.echo(f"  rejected {error}", err=True)


@app.command("collect")
def collect_cmd(source: str, as_json: JsonOpt = False) -> None:
    """Collect one source live (keys from settings)."""
    import asyncio

    from engine.collect import collect_source

    core = _core()
    core.check_source(source)
    report = asyncio.run(collect_source(name=source, settings=core.settings, engine=core.db))
    if as_json:
        _print_json(report.as_json())
    else:
        typer.echo(f"{source}: new {report.new}, updated {report.updated}, closed {report.closed}")


@app.command("recommend")
def recommend_cmd(
    profile: Annotated[Path, typer.Option("--profile", help="Profile JSON (contracts/profile.schema.json).")],
    as_of: AsOfOpt = None,
    top: Annotated[int, typer.Option("--top", min=1)] = 10,
    include_ineligible: Annotated[bool, typer.Option("--include-ineligible")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Recommend programs for a business profile."""
    from engine.app import load_profile, parse_date

    parsed = load_profile(profile)
    core = _core()
    date = parse_date(as_of, default=core.today())
    out = core.recommend(profile=parsed, as_of=date, top=top, include_ineligible=include_ineligible)
    if as_json:
        _print_json(out)
        return
    if not out["results"]:
        typer.echo("조건에 맞는 공고가 없습니다.")
    for i, r in enumerate(out["results"], 1):
        deadline = r["deadline"] or {"always": "상시"}.get(r["status"], "-")
        typer.echo(f"{i:>2}. [{r['eligibility']}] {r['title']} (마감 {deadline})")
        typer.echo(f"    {r['explanation']}")


@app.command("search")
def search_cmd(
    query: str, as_of: AsOfOpt = None, top: Annotated[int, typer.Option("--top", min=1)] = 10, as_json: JsonOpt = False
) -> None:
    """Search open, always-open and upcoming programs."""
    from engine.app import parse_date

    core = _core()
    out = core.search(query=query, as_of=parse_date(as_of, default=core.today()), top=top)
    if as_json:
        _print_json(out)
        return
    for i, r in enumerate(out["results"], 1):
        typer.echo(f"{i:>2}. {r['title']} ({r['program_id']}, {r['score']:.2f})")


@app.command("ask")
def ask_cmd(
    question: str,
    profile: Annotated[Path | None, typer.Option("--profile", help="Profile JSON, for eligibility questions.")] = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer a Korean funding question, citing the programs it relies on."""
    from engine.app import load_profile, parse_date

    parsed = load_profile(profile) if profile is not None else None
    core = _core()
    out = core.ask(question=question, profile=parsed, as_of=parse_date(as_of, default=core.today()))
    if as_json:
        _print_json(out)
        return
    typer.echo(out["answer"])
    typer.echo(f"(출처: {', '.join(out['citations']) or '없음'} · {out['provider']})")


@app.command("draft-profile")
def draft_profile_cmd(text: str, as_json: JsonOpt = False) -> None:
    """Propose profile fields from a description in the user's own words (nothing is saved)."""
    draft = _core().draft_profile(text=text)
    out = {"fields": draft.fields, "missing": draft.missing, "provider": draft.provider}
    if as_json:
        _print_json(out)
        return
    for name, value in draft.fields.items():
        typer.echo(f"{name}: {value}")
    if draft.missing:
        typer.echo(f"(아직 모르는 항목: {', '.join(draft.missing)})")


@app.command("config")
def config_cmd() -> None:
    """Print the effective configuration with every secret masked."""
    from engine.app import load_settings
    from engine.settings import masked_config

    _print_json(masked_config(load_settings()))


def _register_fronts() -> None:
    from aegis import chat, demo, serve, webcli

    serve.register(app)
    chat.register(app)
    demo.register(app)
    webcli.register(app)


_register_fronts()


def main() -> None:
    """Run the CLI as a process."""
    sys.exit(run())


def run(argv: list[str] | None = None) -> int:
    """Run the CLI on `argv`, turning Aegis errors into one-line messages; return the exit code."""
    # LiteLLM must never reach for the internet (cost map, model list); set before any lazy import.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
    logging.basicConfig(
        level=os.environ.get("AEGIS_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)  # httpx logs full URLs, which may carry keys
    try:
        result = app(args=argv, standalone_mode=False, prog_name="aegis")
    except (InvalidInput, SourceError) as exc:
        typer.echo(f"error: {_one_line(exc)}", err=True)
        return 2 if isinstance(exc, InvalidInput) or not exc.retryable else 1
    except AegisError as exc:
        typer.echo(f"error: {_one_line(exc)}", err=True)
        return 1
    except _database_errors() as exc:
        from engine.settings import redact_url_password

        reason = _one_line(getattr(exc, "orig", None) or exc)
        url = redact_url_password(os.environ.get("AEGIS_DATABASE_URL", "the configured database"))
        typer.echo(f"error: database not ready ({url}): {reason}; run `aegis db upgrade`", err=True)
        return 1
    except (typer.Abort, KeyboardInterrupt):
        return 130
    except _click_exception() as exc:
        exc.show()
        return exc.exit_code
    return result if isinstance(result, int) else 0


def _database_errors() -> tuple[type[Exception], ...]:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    return (OperationalError, ProgrammingError)


def _click_exception() -> type[Exception]:
    import click

    return click.ClickException


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


if __name__ == "__main__":
    main()
