"""Reading programs back: de-duplicated candidates for matching and search, listings for the fronts."""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import Program
from engine.dedup import STANDALONE_SOURCES, canonical_key
from engine.domain import Eligibility, Funding, Window
from engine.matching import Candidate

# Columns needed to match and rank (the raw payload and body stay in the database).
_CANDIDATE_COLUMNS = (
    col(Program.key),
    col(Program.group_id),
    col(Program.title),
    col(Program.summary),
    col(Program.organization),
    col(Program.url),
    col(Program.window_kind),
    col(Program.window_start),
    col(Program.window_end),
    col(Program.window_raw),
    col(Program.eligibility),
    col(Program.needs),
    col(Program.category),
    col(Program.support_types),
    col(Program.search_tokens),
    col(Program.funding),
)


def load_candidates(session: Session, *, as_of: dt.date) -> list[Candidate]:
    """Return one candidate per duplicate group among programs not closed before `as_of`."""
    cutoff = dt.datetime.combine(as_of, dt.time.min, tzinfo=dt.UTC)
    query = sa.select(*_CANDIDATE_COLUMNS).where(or_(col(Program.closed_at).is_(None), col(Program.closed_at) > cutoff))
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in session.execute(query):
        groups[row.group_id].append(row)
    return [candidate_from_rows(rows) for rows in groups.values()]


def candidate_from_rows(rows: Sequence[Any]) -> Candidate:
    """Return the matcher's candidate for one duplicate group of stored rows (the canonical row leads)."""
    keys = [r.key for r in rows]
    head = next(r for r in rows if r.key == canonical_key(keys))
    window = Window(kind=head.window_kind, start=head.window_start, end=head.window_end, raw=head.window_raw)
    tokens: list[str] = []
    for row in rows:  # interned: one string per distinct term, in memory and in the pickled snapshot
        tokens.extend(map(sys.intern, (row.search_tokens or "").split()))
    return Candidate(
        program_id=head.key,
        source_ids=(head.key, *sorted(k for k in keys if k != head.key)),
        title=head.title,
        organization=head.organization,
        url=head.url,
        window=window,
        eligibility=Eligibility.model_validate(head.eligibility or {}),
        needs=tuple(head.needs or ()),
        category=head.category,
        support_types=tuple(head.support_types or ()),
        tokens=tuple(tokens),
        funding=Funding.model_validate(head.funding) if head.funding else None,
        summary=head.summary or "",
    )


def count_programs(engine: Engine) -> int:
    """Return how many program records are stored."""
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Program)).one())


def list_programs(
    engine: Engine, *, limit: int = 200, source: str | None = None, today: dt.date | None = None
) -> list[Program]:
    """Return programs for browsing: open notices by nearest deadline, then always-open, past, catalog."""
    with Session(engine, expire_on_commit=False) as session:
        end = col(Program.window_end)
        passed = end < today if today is not None else sa.false()
        query = (
            select(Program)
            .order_by(
                col(Program.source).in_(STANDALONE_SOURCES),
                col(Program.closed_at).is_not(None),
                sa.func.coalesce(passed, sa.false()),
                end.is_(None),
                end,
                col(Program.updated_at).desc(),
                col(Program.key),
            )
            .limit(limit)
        )
        if source:
            query = query.where(Program.source == source)
        return list(session.exec(query))
