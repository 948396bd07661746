"""Operator login for the dashboard: salted scrypt password hashes, constant-time checks, login throttling.

`hash_password` / `verify_password` use the standard library's scrypt KDF; a hash reads
`scrypt$<n>$<r>$<p>$<salt b64>$<key b64>`. `LoginThrottle` refuses logins after too many failures.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field

from engine.errors import InvalidInput

SCHEME = "scrypt"
# RFC 7914 interactive parameters: ~16 MiB and some tens of milliseconds per check.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
KEY_BYTES = 32
SALT_BYTES = 16
MIN_PASSWORD_CHARS = 8
FAILURE_WINDOW = dt.timedelta(minutes=15)
ONE_TIME_PASSWORD_BYTES = 12  # 16 URL-safe characters


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=2**26, dklen=KEY_BYTES)


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of `password`; InvalidInput when it is too short."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(
            f"password too short: at least {MIN_PASSWORD_CHARS} characters",
            user_message=f"비밀번호는 {MIN_PASSWORD_CHARS}자 이상이어야 합니다.",
        )
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Return whether `password` matches the stored hash (constant-time; a malformed hash never matches)."""
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return False
    try:
        n, r, p = (int(v) for v in parts[1:4])
        salt, expected = _unb64(parts[4]), _unb64(parts[5])
        if not (2 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16) or len(expected) != KEY_BYTES:
            return False
        actual = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=2**28, dklen=KEY_BYTES)
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def is_password_hash(value: str) -> bool:
    """Return whether `value` is shaped like a hash this module writes."""
    parts = value.strip().split("$")
    return len(parts) == 6 and parts[0] == SCHEME


def one_time_password() -> str:
    """Return a random password for a dashboard started without any configured login."""
    return secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)


def email_admitted(email: str | None, operator_emails: list[str]) -> bool:
    """Return whether an identity-provider account may use the dashboard (only listed operators)."""
    return bool(email) and email is not None and email.strip().lower() in {e.lower() for e in operator_emails}


def session_expired(started_at: dt.datetime, *, now: dt.datetime, minutes: int) -> bool:
    """Return whether a login that started at `started_at` has outlived the session lifetime."""
    return now - started_at >= dt.timedelta(minutes=minutes)


@dataclass
class LoginThrottle:
    """Failed logins per client in a sliding window; past `max_failures` further attempts wait.

    One instance lives per dashboard process (shared by every browser session); thread-safe.
    """

    max_failures: int
    window: dt.timedelta = FAILURE_WINDOW
    _failures: dict[str, deque[dt.datetime]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def _recent(self, client: str, now: dt.datetime) -> deque[dt.datetime]:
        times = self._failures.setdefault(client, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def wait_s(self, client: str, *, now: dt.datetime) -> float:
        """Return how many seconds `client` must wait before trying again (0 when it may try now)."""
        with self._lock:
            times = self._recent(client, now)
            if len(times) < self.max_failures:
                return 0.0
            return max(0.0, (times[0] + self.window - now).total_seconds())

    def failed(self, client: str, *, now: dt.datetime) -> int:
        """Record a failed login; return how many failures `client` has in the window."""
        with self._lock:
            times = self._recent(client, now)
            times.append(now)
            return len(times)

    def succeeded(self, client: str) -> None:
        """Forget a client's failures after a successful login."""
        with self._lock:
            self._failures.pop(client, None)


@dataclass(frozen=True)
class LoginOutcome:
    """The result of one password attempt: admitted, refused (wrong password) or throttled."""

    admitted: bool
    wait_s: float = 0.0
    failures: int = 0


def attempt_login(
    *, password: str, password_hash: str, throttle: LoginThrottle, client: str, now: dt.datetime
) -> LoginOutcome:
    """Check a password against the configured hash, unless the client is throttled."""
    wait = throttle.wait_s(client, now=now)
    if wait > 0:
        return LoginOutcome(admitted=False, wait_s=wait)
    if password and verify_password(password, password_hash):
        throttle.succeeded(client)
        return LoginOutcome(admitted=True)
    return LoginOutcome(admitted=False, failures=throttle.failed(client, now=now))
