"""`aegis hash-password`, `aegis record-score`, and the one-time dashboard password made when no login is configured.

`aegis dashboard` (and `aegis run`) call `prepare_login()` before starting Streamlit: with neither a
password hash nor OIDC configured, a random password is printed once and only its hash reaches the child.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

import typer

from engine.errors import InvalidInput

HASH_ENV = "AEGIS_DASHBOARD__PASSWORD_HASH"
SECRETS_FILES = (Path(".streamlit") / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml")


def register(app: typer.Typer) -> None:
    """Add `aegis hash-password` and `aegis record-score` to the CLI."""
    app.command("hash-password", epilog="예:  echo '비밀번호' | aegis hash-password")(hash_password_cmd)
    app.command("record-score", epilog="예:  make score | aegis record-score")(record_score_cmd)


def record_score_cmd() -> None:
    """`make score` 출력을 표준 입력으로 읽어 대시보드 개요의 품질 지표로 저장합니다 (data/quality.json)."""
    import datetime as dt

    from engine.admin.quality import parse_score_output, write_quality

    score = parse_score_output(sys.stdin.read(), measured_at=dt.datetime.now(dt.UTC))
    path = write_quality(score)
    typer.echo(f"{len(score.figures)} figures recorded in {path}", err=True)


def hash_password_cmd() -> None:
    """표준 입력의 비밀번호를 읽어 해시만 출력합니다 (AEGIS_DASHBOARD__PASSWORD_HASH에 넣으세요)."""
    from engine.auth import hash_password

    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("비밀번호: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InvalidInput("no password on stdin", user_message="비밀번호를 입력해 주세요.")
    typer.echo(hash_password(password))


def oidc_configured(files: tuple[Path, ...] = SECRETS_FILES) -> bool:
    """Return whether a Streamlit secrets file has an `[auth]` section (OIDC through st.login)."""
    for file in files:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if isinstance(data.get("auth"), dict) and data["auth"]:
            return True
    return False


def prepare_login(*, password_hash_set: bool, files: tuple[Path, ...] = SECRETS_FILES) -> str | None:
    """Make a one-time password when no login is configured; put its hash in our environment for the child.

    Returns the password to print, or None when a hash or OIDC is configured already.
    """
    from engine.auth import hash_password, one_time_password

    if password_hash_set or oidc_configured(files):
        return None
    password = one_time_password()
    os.environ[HASH_ENV] = hash_password(password)
    return password


def announce_login(password: str | None) -> None:
    """Print the one-time password the way notebook servers print their token."""
    if password is not None:
        typer.echo(
            f"대시보드 일회용 비밀번호: {password}\n"
            "  (이번 실행에만 유효합니다. 고정하려면 `aegis hash-password`로 만든 값을 "
            f"{HASH_ENV}에 설정하세요.)",
            err=True,
        )
