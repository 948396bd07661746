"""`aegis keys rotate SERVICE`: store a new key, prove it with the doctor's call, keep it only if it passes.

Where the key lives decides where it is written: with Vault configured a new KV v2 version (rolled
back by writing the previous data again), otherwise its line in `.env` (rolled back by restoring the
file). The check reads the key back from where it was stored, so a quoting mistake fails the test too.
The rotation — never the key — is recorded in the audit log.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import InvalidInput
from engine.ops.doctor import run_checks
from engine.ops.vault import read_secrets, with_secret, write_secrets
from engine.overrides import audit

if TYPE_CHECKING:
    from engine.app import Aegis
    from engine.settings import Settings

# service → (environment names of its secret(s), the doctor check that proves them)
SERVICES: dict[str, tuple[tuple[str, ...], str]] = {
    "bizinfo": (("AEGIS_SOURCES__BIZINFO_API_KEY",), "bizinfo"),
    "datagokr": (("AEGIS_SOURCES__DATAGOKR_SERVICE_KEY",), "datagokr"),
    "odcloud": (("AEGIS_SOURCES__ODCLOUD_API_KEY",), "odcloud"),
    "telegram": (("AEGIS_TELEGRAM__BOT_TOKEN",), "telegram"),
    "smtp": (("AEGIS_SMTP__PASSWORD",), "smtp"),
    "sens": (("AEGIS_SENS__ACCESS_KEY", "AEGIS_SENS__SECRET_KEY"), "sens"),
    **{p: ((f"AEGIS_LLM__{p.upper()}__API_KEY",), f"llm:{p}") for p in ("openai", "anthropic", "gemini", "selfhosted")},
}


@dataclass(frozen=True)
class RotationResult:
    """Whether the new key was kept, where, and a Korean one-line message (never the key)."""

    ok: bool
    service: str
    store: str  # vault | .env | none
    message: str


async def rotate_key(
    core: Aegis, *, service: str, new_key: str, actor: str, env_file: Path = Path(".env")
) -> RotationResult:
    """Store `new_key` for `service`, test it, and keep it only if the test passes (else roll back)."""
    if service not in SERVICES:
        raise InvalidInput(f"unknown service {service!r}; one of: {', '.join(SERVICES)}")
    names, check_name = SERVICES[service]
    parts = new_key.split()
    if len(parts) != len(names) or not all(parts):
        shape = " ".join(n.rsplit("__", 1)[-1] for n in names)
        raise InvalidInput(f"{service}: standard input must hold {shape} on one line")
    values = dict(zip(names, parts, strict=True))
    settings = core.settings
    store = "vault" if settings.vault.url else ".env"
    if store == "vault":
        stored, undo = _store_in_vault(settings, values)
    else:
        stored, undo = _store_in_env_file(env_file, values)
    trial = settings
    for name, value in stored.items():
        trial = with_secret(trial, name, value)
    [check] = await run_checks(trial, only={check_name})
    passed = check.configured and check.ok
    if not passed:
        undo()
    detail = {"service": service, "store": store, "kept": passed, "check": check.detail[:300]}
    audit(core.db, actor=actor, action="keys.rotate", target=service, detail=detail)
    if passed:
        message = (
            f"{service}: 새 키를 확인했고 {store}에 저장했습니다 ({check.detail}). 서비스를 다시 시작하면 적용됩니다."
        )
    elif not check.configured:
        message = f"{service}: 이 서비스의 다른 설정이 없어 점검할 수 없습니다; 이전 키를 유지합니다."
    else:
        message = f"{service}: 새 키가 점검을 통과하지 못해 이전 키로 되돌렸습니다 — {check.detail}"
    shadowed = [n for n in names if store == ".env" and n in os.environ]
    if passed and shadowed:
        message += f" 주의: 환경 변수 {', '.join(shadowed)}가 .env보다 우선하니 그곳도 바꾸세요."
    return RotationResult(ok=passed, service=service, store=store, message=message)


def _store_in_vault(settings: Settings, values: dict[str, str]) -> tuple[dict[str, str], Callable[[], None]]:
    """Write a new version with the new values; return what Vault now holds for them, and the rollback."""
    current, version = read_secrets(settings)
    write_secrets(settings, {**current, **values}, cas=version)
    reread, new_version = read_secrets(settings)

    def undo() -> None:
        write_secrets(settings, current, cas=new_version)

    return {name: reread.get(name, "") for name in values}, undo


def _store_in_env_file(path: Path, values: dict[str, str]) -> tuple[dict[str, str], Callable[[], None]]:
    """Rewrite (or append) each key's line in .env; return the values as read back, and the rollback."""
    from dotenv import dotenv_values

    before = path.read_text(encoding="utf-8") if path.exists() else None
    lines = before.splitlines() if before is not None else []
    for name, value in values.items():
        line = f"{name}={_quote(value)}"
        for i, existing in enumerate(lines):
            if existing.split("=", 1)[0].strip().removeprefix("export ").strip() == name:
                lines[i] = line
                break
        else:
            lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    reread = dotenv_values(path)

    def undo() -> None:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(before, encoding="utf-8")

    return {name: str(reread.get(name) or "") for name in values}, undo


def _quote(value: str) -> str:
    """Quote a value for .env when it holds characters dotenv would otherwise read differently."""
    if any(c in value for c in " #'\"\\$"):
        return "'" + value.replace("'", "\\'") + "'"
    return value
