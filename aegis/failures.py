"""The CLI's one translation point: any failure becomes one line on stderr and an exit code, never a traceback.

Exit codes (shared/contracts/README.md): 2 bad input (usage, settings, files, profiles), 1 a failed run
(a source, the database, a bug), 130 interrupted.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from typing import Any

import typer

from engine.errors import AegisError, InvalidInput, SourceError
from engine.matching.labels import particle

log = logging.getLogger(__name__)

BAD_INPUT = 2
FAILED_RUN = 1
INTERRUPTED = 130
MAX_LINE_CHARS = 400  # a driver's or library's message can be pages long; one line stays readable

_GENERIC_MESSAGES = frozenset({AegisError.user_message, InvalidInput.user_message})
_HANGUL = re.compile(r"[가-힣]")


def report_failure(exc: BaseException) -> int:
    """Print `exc` as one line on stderr and return the exit code it means."""
    if isinstance(exc, typer.Exit):
        return exc.exit_code
    if isinstance(exc, typer.Abort | KeyboardInterrupt):
        say("중단했습니다.")
        return INTERRUPTED
    if isinstance(exc, typer.TyperException):
        return _usage_error(exc)
    if isinstance(exc, AegisError):
        say(describe(exc))
        # A source error outside a live run comes from a saved file or definition that does not fit: bad input.
        bad = isinstance(exc, InvalidInput) or (isinstance(exc, SourceError) and not exc.retryable)
        return BAD_INPUT if bad else FAILED_RUN
    database = _database_message(exc)
    if database is not None:
        say(database[0])
        return database[1]
    if isinstance(exc, OSError):
        say(f"파일·시스템 오류: {exc.strerror or exc}")
        return FAILED_RUN
    if isinstance(exc, SystemExit):
        return exc.code if isinstance(exc.code, int) else FAILED_RUN
    if not isinstance(exc, Exception):
        raise exc
    log.debug("unexpected error", exc_info=exc)
    say(f"내부 오류: {type(exc).__name__}: {exc} (AEGIS_LOG_LEVEL=DEBUG로 다시 실행하면 자세한 내용이 나옵니다)")
    return FAILED_RUN


def say(message: str) -> None:
    from engine.logs import redact

    line = redact(" ".join(message.split()))  # a library's message may carry a token or key
    if len(line) > MAX_LINE_CHARS:
        line = line[: MAX_LINE_CHARS - 1] + "…"
    typer.echo(f"오류: {line}", err=True)


def describe(exc: AegisError) -> str:
    """Return an Aegis error as one message, led by its Korean user message unless the detail is Korean already."""
    detail = str(exc)
    if _HANGUL.search(detail) or exc.user_message in _GENERIC_MESSAGES:
        return detail
    return f"{exc.user_message.rstrip('.')} — {detail}"


def _usage_error(exc: Any) -> int:
    """Say what is wrong with the command line in Korean, with where to find help."""
    from typer._click import exceptions as click_errors  # typer vendors click; its classes live here

    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "aegis"
    if isinstance(exc, click_errors.NoArgsIsHelpError):
        return BAD_INPUT  # the help text has been printed already
    if isinstance(exc, click_errors.MissingParameter):
        what = exc.param.get_error_hint().strip("'") if exc.param is not None else "값"
        if what.startswith("-"):
            message = f"{what} 옵션이 필요합니다"
        else:
            message = f"{what}{particle(what, '이', '가')} 필요합니다"
    elif isinstance(exc, click_errors.BadOptionUsage):
        message = f"{exc.option_name} 옵션의 값이 빠졌거나 올바르지 않습니다"
    elif isinstance(exc, click_errors.NoSuchOption):
        message = f"알 수 없는 옵션입니다: {exc.option_name}"
        if exc.possibilities:
            message += f" (혹시 {', '.join(sorted(exc.possibilities))}?)"
    elif isinstance(exc, click_errors.BadParameter):
        hint = exc.param.get_error_hint() if exc.param is not None else "값"
        message = f"{hint.strip(chr(39))} 값이 올바르지 않습니다: {exc.message}"
    elif isinstance(exc, click_errors.UsageError) and exc.message.startswith("No such command"):
        quoted = re.match(r"No such command '(.*?)'", exc.message)
        name = quoted.group(1) if quoted else exc.message
        message = f"알 수 없는 명령입니다: {name}"
        known = ctx.command.list_commands(ctx) if ctx is not None and hasattr(ctx.command, "list_commands") else []
        close = difflib.get_close_matches(name, known, n=1)
        if close:
            message += f" (혹시 {close[0]}?)"
    else:
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    say(f"{message} ('{command} --help'로 사용법을 볼 수 있습니다)")
    return int(getattr(exc, "exit_code", BAD_INPUT)) or BAD_INPUT


def _database_url() -> str:
    """Return the configured database URL (from the settings when they load, else the environment)."""
    from engine.app import load_settings

    try:
        return load_settings().database_url
    except InvalidInput:
        return os.environ.get("AEGIS_DATABASE_URL", "AEGIS_DATABASE_URL")


def _database_message(exc: BaseException) -> tuple[str, int] | None:
    """Name the real cause of a database failure: no schema, a lock, no server, a bad URL."""
    from sqlalchemy import exc as sa_exc

    from engine.settings import redact_url_password

    if not isinstance(exc, sa_exc.SQLAlchemyError):
        return None
    url = redact_url_password(_database_url())
    if isinstance(exc, sa_exc.ArgumentError):
        return f"AEGIS_DATABASE_URL을 해석할 수 없습니다 ({url}): {exc}", BAD_INPUT
    reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:200]
    text = reason.lower()
    driver_error = type(getattr(exc, "orig", None)).__name__
    if "no such table" in text or driver_error == "UndefinedTable":
        return f"데이터베이스 스키마가 없습니다 ({url}): 먼저 `aegis db upgrade`를 실행하세요", FAILED_RUN
    if "no such column" in text or driver_error == "UndefinedColumn":
        return f"데이터베이스 스키마가 오래되었습니다 ({url}): `aegis db upgrade`를 실행하세요 ({reason})", FAILED_RUN
    if "database is locked" in text or "database is busy" in text:
        return (
            f"데이터베이스가 다른 작업에 잠겨 있습니다 ({url}): 잠시 후 다시 실행하세요 ({reason})",
            FAILED_RUN,
        )
    if "unable to open database file" in text:
        return (
            f"데이터베이스 파일을 열 수 없습니다 ({url}): 폴더·권한을 보세요 (`aegis db upgrade`가 폴더를 만듭니다)",
            FAILED_RUN,
        )
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return f"데이터베이스에 연결할 수 없습니다 ({url}): {reason}", FAILED_RUN
    return f"데이터베이스 오류 ({url}): {reason}", FAILED_RUN
