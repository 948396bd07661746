"""The users and alerts page: users by state, region and industry; deliveries by channel and status;
failures and dead letters (with an audited retry); feedback; the conditions users most often miss.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import Delivery, Feedback, User
from db.session import session_scope
from engine.admin.labels import CHANNEL_LABELS, DELIVERY_STATUS_LABELS, kst
from engine.domain import Profile
from engine.matching.labels import INDUSTRY_NAMES
from engine.overrides import record_audit
from engine.regions import SIDO, sido_short

FEEDBACK_LABELS = {"up": "👍 도움됨", "down": "👎 아님", "not_interested": "관심 없음"}
REASON_LABELS = {
    "industry": "업종이 안 맞음",
    "received": "이미 받음",
    "small": "금액이 적음",
    "other": "기타",
    None: "-",
}
STATE_LABELS = {"active": "활성", "inactive": "비활성(차단 등)"}
FAILURE_LIMIT = 200


def _grouped(session: Session, *columns: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in session.execute(sa.select(*columns, sa.func.count()).group_by(*columns))]


def user_breakdown(db: Engine) -> dict[str, list[dict[str, Any]]]:
    """Return user counts by state (and onboarding), by 시도 and by KSIC section."""
    with Session(db) as session:
        onboarded = col(User.onboarded_at).is_not(None).label("onboarded")
        by_state = _grouped(session, col(User.state), onboarded)
        by_region = _grouped(session, col(User.region))
        by_industry = _grouped(session, col(User.industry))
    return {
        "state": [
            {"상태": STATE_LABELS.get(s, s), "온보딩": "완료" if o else "미완료", "사용자 수": n}
            for s, o, n in sorted(by_state, key=lambda r: (str(r[0]), not r[1]))
        ],
        "region": [
            {"시도": sido_short(r) if r in SIDO else "미입력", "사용자 수": n}
            for r, n in sorted(by_region, key=lambda r: -r[1])
        ],
        "industry": [
            {"업종": INDUSTRY_NAMES.get(i, "미입력") if i else "미입력", "사용자 수": n}
            for i, n in sorted(by_industry, key=lambda r: -r[1])
        ],
    }


def delivery_breakdown(db: Engine) -> list[dict[str, Any]]:
    """Return delivery counts by channel and status."""
    with Session(db) as session:
        rows = _grouped(session, col(Delivery.channel), col(Delivery.status))
    return [
        {"채널": CHANNEL_LABELS.get(c, c), "상태": DELIVERY_STATUS_LABELS.get(s, s), "건수": n}
        for c, s, n in sorted(rows)
    ]


def failed_deliveries(db: Engine, *, tz: ZoneInfo, limit: int = FAILURE_LIMIT) -> list[dict[str, Any]]:
    """Return failed (retrying) and dead deliveries, newest first, with their error."""
    with Session(db) as session:
        rows = session.exec(
            select(Delivery)
            .where(col(Delivery.status).in_(("failed", "dead")))
            .order_by(col(Delivery.created_at).desc(), col(Delivery.id).desc())
            .limit(limit)
        ).all()
        return [
            {
                "id": d.id,
                "채널": CHANNEL_LABELS.get(d.channel, d.channel),
                "종류": d.kind,
                "상태": DELIVERY_STATUS_LABELS.get(d.status, d.status),
                "시도 횟수": d.attempts,
                "오류 종류": d.error_class or "",
                "오류": d.last_error or "",
                "생성": kst(d.created_at, tz),
            }
            for d in rows
        ]


def retry_deliveries(db: Engine, *, ids: list[int], actor: str, now: dt.datetime) -> int:
    """Put failed or dead deliveries back in the outbox now (audited); return how many were requeued."""
    with session_scope(db) as session:
        rows = session.exec(
            select(Delivery).where(col(Delivery.id).in_(ids), col(Delivery.status).in_(("failed", "dead")))
        ).all()
        for d in rows:
            d.status, d.attempts, d.available_at = "pending", 0, now
            d.lease_owner, d.lease_until = None, None
            session.add(d)
        requeued = [d.id for d in rows]
        if requeued:
            record_audit(session, actor=actor, action="delivery.retry", target=None, detail={"ids": requeued}, now=now)
    return len(requeued)


def feedback_summary(db: Engine) -> list[dict[str, Any]]:
    """Return feedback counts by kind and reason."""
    with Session(db) as session:
        rows = _grouped(session, col(Feedback.kind), col(Feedback.reason))
    return [
        {"반응": FEEDBACK_LABELS.get(k, k), "이유": REASON_LABELS.get(r, r), "건수": n}
        for k, r, n in sorted(rows, key=lambda row: -row[2])
    ]


def sample_profiles(db: Engine, *, limit: int) -> list[Profile]:
    """Return the profiles of the most recently onboarded active users."""
    from engine.users import user_profile

    with Session(db) as session:
        ids = session.exec(
            select(User.id)
            .where(col(User.state) == "active", col(User.onboarded_at).is_not(None))
            .order_by(col(User.onboarded_at).desc())
            .limit(limit)
        ).all()
    profiles = [user_profile(db, user_id=i) for i in ids if i is not None]
    return [p for p in profiles if p is not None]


def common_unmet(
    profiles: list[Profile], *, recommend: Callable[[Profile], dict[str, Any]], top: int = 10
) -> list[dict[str, Any]]:
    """Return the conditions that most often rule users out (counted over open programs, per condition kind)."""
    counts: Counter[str] = Counter()
    for profile in profiles:
        for result in recommend(profile)["results"]:
            for reason in result.get("unmet", []):
                counts[str(reason).split(":", 1)[0].strip()] += 1
    return [{"미충족 조건": name, "건수": n} for name, n in counts.most_common(top)]
