"""The dashboard's system reads: whether the schema is migrated, the settings operators may change, audit rows."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from engine.admin.labels import kst
from engine.overrides import audit_entries, get_value, load_overrides, overridable_keys
from engine.settings import Settings

ACTION_LABELS = {
    "setting.change": "설정 변경",
    "source.enable": "소스 사용 전환",
    "source.schedule": "소스 일정 변경",
    "source.run_now": "지금 수집",
    "source.definition": "웹 소스 정의 저장",
    "delivery.retry": "발송 재시도",
    "users.import": "사용자 가져오기",
    "dashboard.login": "로그인",
    "dashboard.login_failed": "로그인 실패",
}


def schema_ready(db: Engine) -> bool:
    """Return whether the database is migrated to the newest revision (`aegis db upgrade` has run)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    heads = set(ScriptDirectory.from_config(alembic_config(str(db.url))).get_heads())
    with db.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return bool(current) and current == heads


def setting_rows(settings: Settings, db: Engine) -> list[dict[str, Any]]:
    """Return every run-time setting: key, current value (as JSON text) and whether it is overridden here."""
    stored = load_overrides(db)
    return [
        {
            "설정": key,
            "현재 값": json.dumps(get_value(settings, key), ensure_ascii=False),
            "대시보드에서 변경됨": key in stored,
        }
        for key in overridable_keys(settings)
    ]


def audit_rows(db: Engine, *, tz: ZoneInfo, limit: int = 200) -> list[dict[str, Any]]:
    """Return the newest audit rows for display: when, who, what, target, before → after."""
    rows = []
    for entry in audit_entries(db, limit=limit):
        detail = dict(entry["detail"] or {})
        change = ""
        if "before" in detail or "after" in detail:
            before = json.dumps(detail.pop("before", None), ensure_ascii=False)
            after = json.dumps(detail.pop("after", None), ensure_ascii=False)
            change = f"{before} → {after}"
        rows.append(
            {
                "시각": kst(entry["created_at"], tz),
                "누가": entry["actor"],
                "무엇": ACTION_LABELS.get(entry["action"], entry["action"]),
                "대상": entry["target"] or "",
                "변경": change,
                "기타": json.dumps(detail, ensure_ascii=False) if detail else "",
            }
        )
    return rows


def parse_setting_value(text: str) -> Any:
    """Read an operator's typed value: JSON when it parses (numbers, lists, true/false), else the text itself."""
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        return text
