"""Operator passwords (scrypt hashes), login throttling, session lifetime, `aegis hash-password` and the
one-time password `aegis dashboard` makes when no login is configured.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aegis.dashcli import HASH_ENV, oidc_configured, prepare_login
from engine.auth import (
    LoginThrottle,
    attempt_login,
    email_admitted,
    hash_password,
    is_password_hash,
    session_expired,
    verify_password,
)
from engine.errors import InvalidInput
from tests.dashboard.conftest import PASSWORD, PASSWORD_HASH

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_a_hash_verifies_its_password_only() -> None:
    assert verify_password(PASSWORD, PASSWORD_HASH)
    assert not verify_password(PASSWORD + " ", PASSWORD_HASH)
    assert not verify_password("", PASSWORD_HASH)


def test_hashes_are_salted() -> None:
    assert hash_password(PASSWORD) != PASSWORD_HASH
    assert is_password_hash(PASSWORD_HASH) and PASSWORD not in PASSWORD_HASH


@pytest.mark.parametrize("stored", ["", "plain-text", "scrypt$1$8$1$AA$BB", "bcrypt$x$y$z$a$b", "scrypt$a$b$c$d$e"])
def test_a_malformed_hash_never_matches(stored: str) -> None:
    assert not verify_password(PASSWORD, stored)


def test_a_short_password_is_refused() -> None:
    with pytest.raises(InvalidInput):
        hash_password("short")


def test_throttle_refuses_after_max_failures_until_the_window_passes() -> None:
    throttle = LoginThrottle(max_failures=2)
    for minute in (0, 1):
        outcome = attempt_login(
            password="wrong",
            password_hash=PASSWORD_HASH,
            throttle=throttle,
            client="a",
            now=T0 + dt.timedelta(minutes=minute),
        )
        assert not outcome.admitted and outcome.wait_s == 0
    blocked = attempt_login(
        password=PASSWORD, password_hash=PASSWORD_HASH, throttle=throttle, client="a", now=T0 + dt.timedelta(minutes=2)
    )
    assert not blocked.admitted and blocked.wait_s == 13 * 60
    other = attempt_login(password=PASSWORD, password_hash=PASSWORD_HASH, throttle=throttle, client="b", now=T0)
    assert other.admitted  # one client's failures do not lock out another
    later = attempt_login(
        password=PASSWORD, password_hash=PASSWORD_HASH, throttle=throttle, client="a", now=T0 + dt.timedelta(minutes=16)
    )
    assert later.admitted


def test_session_lifetime_and_operator_emails() -> None:
    assert not session_expired(T0, now=T0 + dt.timedelta(minutes=479), minutes=480)
    assert session_expired(T0, now=T0 + dt.timedelta(minutes=480), minutes=480)
    assert email_admitted("Ops@Example.com", ["ops@example.com"])
    assert not email_admitted("someone@gmail.com", ["ops@example.com"])
    assert not email_admitted(None, ["ops@example.com"])


def test_hash_password_command_prints_only_a_hash_of_stdin() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "aegis.cli", "hash-password"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "AEGIS_DATABASE_URL": "sqlite://"},
    )
    [line] = proc.stdout.splitlines()
    assert verify_password(PASSWORD, line)
    assert PASSWORD not in proc.stdout + proc.stderr


def test_a_one_time_password_is_made_only_when_no_login_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(HASH_ENV, raising=False)
    secrets = tmp_path / "secrets.toml"
    assert prepare_login(password_hash_set=True, files=(secrets,)) is None
    password = prepare_login(password_hash_set=False, files=(secrets,))
    assert password is not None and verify_password(password, os.environ[HASH_ENV])
    secrets.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n', encoding="utf-8")
    assert oidc_configured((secrets,))
    assert prepare_login(password_hash_set=False, files=(secrets,)) is None
