"""The programs page: filtered, paged display rows and one program's full detail (conditions with evidence).

Filtering reads a narrow column set of every stored program once (10,000 rows stay well under a second);
free-text search is the bot's own (`Aegis.search`), whose result keys restrict and order the rows.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import Program, ProgramChange
from engine.admin.labels import STATUS_LABELS, d_day, deadline_label, kst, regions_label, source_label, status_key
from engine.errors import InvalidInput
from engine.links import safe_link
from engine.matching.kinds import KIND_BY_KEY

PAGE_SIZE = 50


@dataclass(frozen=True)
class ProgramFilters:
    """What the operator narrowed the list to; empty means no restriction."""

    sources: tuple[str, ...] = ()
    sido: tuple[str, ...] = ()  # 시도 codes; a nationwide program matches every one
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # open | always | upcoming | closed | unknown
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None


@dataclass
class ProgramPage:
    """One page of display rows, with the total that matched and the choices for the filters."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    sources: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


_LIST_COLUMNS = (
    col(Program.key),
    col(Program.source),
    col(Program.title),
    col(Program.organization),
    col(Program.category),
    col(Program.regions),
    col(Program.window_kind),
    col(Program.window_start),
    col(Program.window_end),
    col(Program.closed_at),
    col(Program.group_id),
)


def program_choices(db: Engine) -> tuple[list[str], list[str]]:
    """Return the sources and categories (분야) present, for the filters."""
    with Session(db) as session:
        sources = session.execute(sa.select(col(Program.source)).distinct()).scalars().all()
        categories = session.execute(sa.select(col(Program.category)).distinct()).scalars().all()
    return sorted(sources), sorted(c for c in categories if c)


def _matches(row: Any, status: str, f: ProgramFilters) -> bool:
    if f.sources and row.source not in f.sources:
        return False
    if f.categories and row.category not in f.categories:
        return False
    if f.statuses and status not in f.statuses:
        return False
    if f.sido and row.regions and not set(row.regions) & set(f.sido):
        return False
    if f.deadline_from and (row.window_end is None or row.window_end < f.deadline_from):
        return False
    return not (f.deadline_to and (row.window_end is None or row.window_end > f.deadline_to))


def browse_programs(
    db: Engine,
    *,
    today: dt.date,
    filters: ProgramFilters | None = None,
    ranked_keys: list[str] | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> ProgramPage:
    """Return one page of program rows; `ranked_keys` (search results, best first) restricts and orders them."""
    filters = filters or ProgramFilters()
    with db.connect() as conn:  # Core, not ORM, rows: 10,000 of them on a big catalogue
        rows = conn.execute(sa.select(*_LIST_COLUMNS)).all()
    sources = sorted({r.source for r in rows})
    categories = sorted({r.category for r in rows if r.category})
    kept: list[tuple[Any, str]] = []
    for r in rows:
        closed = r.closed_at is not None
        status = status_key(
            window_kind=r.window_kind, start=r.window_start, end=r.window_end, closed=closed, today=today
        )
        if _matches(r, status, filters):
            kept.append((r, status))
    if ranked_keys is not None:
        rank = {key: i for i, key in enumerate(ranked_keys)}
        kept = sorted((item for item in kept if item[0].key in rank), key=lambda item: rank[item[0].key])
    else:
        order = {"open": 0, "upcoming": 1, "always": 2, "unknown": 3, "closed": 4}
        keys = {id(r): (order[status], r.window_end or dt.date.max, r.key) for r, status in kept}
        kept.sort(key=lambda item: keys[id(item[0])])
    pages = max(1, -(-len(kept) // page_size))
    page = min(max(1, page), pages)
    chunk = kept[(page - 1) * page_size : page * page_size]
    return ProgramPage(
        rows=[_row(r, status, today) for r, status in chunk],
        total=len(kept),
        page=page,
        pages=pages,
        sources=sources,
        categories=categories,
    )


def _row(r: Any, status: str, today: dt.date) -> dict[str, Any]:
    return {
        "key": r.key,
        "공고명": r.title,
        "출처": source_label(r.source),
        "소관기관": r.organization or "-",
        "분야": r.category or "-",
        "접수 상태": STATUS_LABELS[status],
        "D-n": d_day(status=status, end=r.window_end, today=today),
        "마감일": deadline_label(window_kind=r.window_kind, end=r.window_end),
        "지역": regions_label(r.regions),
    }


@dataclass
class ProgramDetail:
    """Everything the detail view shows about one program record and its duplicate group."""

    fields: dict[str, str]
    conditions: list[dict[str, str]]
    preferences: list[str]
    window: dict[str, str]
    funding: dict[str, Any] | None
    group: list[dict[str, str]]
    changes: list[dict[str, Any]]
    raw: dict[str, Any]
    summary: str
    url: str | None


def _condition_value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return "예" if value is True else str(value)


def program_detail(db: Engine, *, key: str, today: dt.date, tz: ZoneInfo) -> ProgramDetail:
    """Return the detail of program `key`; InvalidInput when there is no such program."""
    with Session(db) as session:
        p = session.get(Program, key)
        if p is None:
            raise InvalidInput(f"no program {key!r}", user_message="해당 공고를 찾을 수 없습니다.")
        members = session.exec(select(Program).where(Program.group_id == p.group_id).order_by(col(Program.key))).all()
        changes = session.exec(
            select(ProgramChange)
            .where(col(ProgramChange.program_key).in_([m.key for m in members]))
            .order_by(col(ProgramChange.created_at).desc(), col(ProgramChange.id).desc())
            .limit(100)
        ).all()
        status = status_key(
            window_kind=p.window_kind,
            start=p.window_start,
            end=p.window_end,
            closed=p.closed_at is not None,
            today=today,
        )
        eligibility = dict(p.eligibility or {})
        evidence = dict(eligibility.get("evidence") or {})
        conditions = [
            {
                "조건": KIND_BY_KEY[name].label if name in KIND_BY_KEY else name,
                "값": _condition_value(value),
                "근거 문장": str(evidence.get(name, "")),
            }
            for name, value in eligibility.items()
            if name not in ("evidence", "preferences") and value not in (None, False, [], {})
        ]
        return ProgramDetail(
            fields={
                "키": p.key,
                "공고명": p.title,
                "출처": source_label(p.source),
                "소관기관": p.organization or "-",
                "수행기관": p.executor or "-",
                "분야": p.category or "-",
                "지원 유형": ", ".join(p.support_types or []) or "-",
                "지원 대상": p.target or "-",
                "지역": regions_label(p.regions),
                "처음 수집": kst(p.first_seen, tz),
                "마지막 확인": kst(p.last_seen, tz),
            },
            conditions=conditions,
            preferences=[str(s) for s in eligibility.get("preferences") or []],
            window={
                "접수 상태": STATUS_LABELS[status],
                "시작": p.window_start.isoformat() if p.window_start else "-",
                "마감": deadline_label(window_kind=p.window_kind, end=p.window_end),
                "D-n": d_day(status=status, end=p.window_end, today=today) or "-",
                "원문": p.window_raw or "-",
            },
            funding=dict(p.funding) if p.funding else None,
            group=[
                {
                    "출처": source_label(m.source),
                    "키": m.key,
                    "공고명": m.title,
                    "링크": safe_link(key=m.key, url=m.url) or "-",
                }
                for m in members
            ],
            changes=[
                {
                    "시각": kst(c.created_at, tz),
                    "공고": c.program_key,
                    "종류": c.kind,
                    "바뀐 항목": ", ".join(c.fields),
                    "내용": json.dumps(c.detail, ensure_ascii=False, default=str),
                }
                for c in changes
            ],
            raw=dict(p.raw or {}),
            summary=p.summary or "",
            url=safe_link(key=p.key, url=p.url),
        )
