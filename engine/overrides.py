"""Settings operators change at run time (dashboard, CLI), stored in the database, and the audit log.

The environment and `.env` stay the source of secrets and of defaults; an override is a non-secret
setting (`llm.chain`, `alerts.quiet_hours`, ...) stored in `settings_overrides` and applied over
them. Every change writes an audit row (who, what, before → after) in the same transaction.
Long-running processes compare `overrides_version()` and rebuild their settings when it moves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import AuditLog, SettingOverride
from db.session import session_scope
from engine.errors import InvalidInput
from engine.settings import Settings

# Groups whose non-secret fields operators may override; everything else stays in the environment.
OVERRIDABLE_GROUPS = ("llm", "alerts", "sources", "retention")
# Fields inside those groups that only the environment sets (endpoints and process wiring).
ENV_ONLY = frozenset({"sources.bizinfo_url", "sources.kstartup_url", "sources.gov24_url", "alerts.public_url"})


def overridable_keys(settings: Settings) -> list[str]:
    """Return every dotted key an operator may override (never a secret, never an endpoint)."""
    keys: list[str] = []

    def walk(model: BaseModel, prefix: str) -> None:
        for name, field in type(model).model_fields.items():
            value = getattr(model, name)
            key = f"{prefix}{name}"
            if isinstance(value, BaseModel):
                walk(value, key + ".")
            elif not (isinstance(value, SecretStr) or "SecretStr" in str(field.annotation)) and key not in ENV_ONLY:
                keys.append(key)

    for group in OVERRIDABLE_GROUPS:
        walk(getattr(settings, group), group + ".")
    return keys


def get_value(settings: Settings, key: str) -> Any:
    """Return the value at a dotted key (`llm.openai.model`)."""
    value: Any = settings
    for part in key.split("."):
        value = getattr(value, part)
    return value.model_dump() if isinstance(value, BaseModel) else value


def apply_overrides(settings: Settings, overrides: dict[str, Any]) -> Settings:
    """Return `settings` with each dotted override applied and validated; raise InvalidInput on a bad one."""
    for key, value in sorted(overrides.items()):
        if key not in overridable_keys(settings):
            raise InvalidInput(
                f"setting {key!r} cannot be changed at run time", user_message=f"{key}: 변경할 수 없는 설정입니다."
            )
        settings = _with_value(settings, key.split("."), value, key)
    return settings


def _with_value(model: BaseModel, parts: list[str], value: Any, key: str) -> Any:
    data = {name: getattr(model, name) for name in type(model).model_fields}
    head = parts[0]
    data[head] = value if len(parts) == 1 else _with_value(getattr(model, head), parts[1:], value, key)
    try:
        # model_validate (not __init__): a BaseSettings must not read the environment again here.
        return type(model).model_validate(data)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"]
        raise InvalidInput(
            f"invalid value for {key}: {reason}", user_message=f"{key}: 올바르지 않은 값입니다 ({reason})."
        ) from exc


def load_overrides(db: Engine) -> dict[str, Any]:
    """Return every stored override as {dotted key: value}."""
    with Session(db) as session:
        return {row.key: row.value for row in session.exec(select(SettingOverride))}


def overrides_version(db: Engine) -> tuple[int, str | None]:
    """Return a cheap fingerprint of the overrides (count, newest change) to detect reloads."""
    with Session(db) as session:
        count, newest = session.exec(
            select(func.count(), func.max(col(SettingOverride.updated_at))).select_from(SettingOverride)
        ).one()
    return int(count), newest.isoformat() if newest is not None else None


def effective_settings(base: Settings, db: Engine) -> Settings:
    """Return the environment's settings with the stored overrides applied (a bad stored one is skipped)."""
    settings = base
    for key, value in load_overrides(db).items():
        try:
            settings = apply_overrides(settings, {key: value})
        except InvalidInput:
            continue  # an override that no longer fits (renamed setting) must not stop the service
    return settings


def set_setting(
    db: Engine, *, base: Settings, key: str, value: Any, actor: str, now: dt.datetime | None = None
) -> Settings:
    """Validate and store one override with its audit row; return the new effective settings.

    `value=None` removes the override (back to the environment's value).
    """
    now = now or dt.datetime.now(dt.UTC)
    current = effective_settings(base, db)
    before = get_value(current, key) if key in overridable_keys(current) else None
    if value is not None:
        apply_overrides(current, {key: value})  # raises InvalidInput before anything is written
    with session_scope(db) as session:
        row = session.get(SettingOverride, key)
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(SettingOverride(key=key, value=value, updated_by=actor, updated_at=now))
        else:
            row.value, row.updated_by, row.updated_at = value, actor, now
            session.add(row)
        after = value if value is not None else get_value(base, key)
        record_audit(
            session,
            actor=actor,
            action="setting.change",
            target=key,
            detail={"before": before, "after": after},
            now=now,
        )
    return effective_settings(base, db)


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str | None,
    detail: dict[str, Any],
    now: dt.datetime | None = None,
) -> None:
    """Add an audit row to the caller's transaction (the change and its record commit together)."""
    session.add(
        AuditLog(created_at=now or dt.datetime.now(dt.UTC), actor=actor, action=action, target=target, detail=detail)
    )


def audit(
    db: Engine, *, actor: str, action: str, target: str | None = None, detail: dict[str, Any] | None = None
) -> None:
    """Write one audit row in its own transaction (for actions that change nothing else here)."""
    with session_scope(db) as session:
        record_audit(session, actor=actor, action=action, target=target, detail=detail or {})


def audit_entries(db: Engine, *, limit: int = 200) -> list[dict[str, Any]]:
    """Return the newest audit rows as plain dicts, newest first."""
    with Session(db) as session:
        rows = session.exec(
            select(AuditLog).order_by(col(AuditLog.created_at).desc(), col(AuditLog.id).desc()).limit(limit)
        )
        return [
            {"created_at": r.created_at, "actor": r.actor, "action": r.action, "target": r.target, "detail": r.detail}
            for r in rows
        ]
