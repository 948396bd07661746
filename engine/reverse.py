"""Reverse matching for alerts: which users can a new or changed program match?

Every condition kind of the registry (`engine.matching.kinds`) states its own SQL filter on the indexed
profile columns, as "met or undecidable" (a NULL field is unknown, which still deserves an alert that says
what to add), so nothing is scanned in Python except what the JSON traits column holds: the kinds' `keep`
predicates run on the few rows that remain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from db.models import User
from engine.domain import Eligibility
from engine.matching.kinds import KINDS, Columns

COLUMNS = Columns(
    region=col(User.region),
    status=col(User.status),
    founded_on=col(User.founded_on),
    representative_age=col(User.representative_age),
    employees=col(User.employees),
    annual_revenue_krw=col(User.annual_revenue_krw),
    industry=col(User.industry),
)


def user_filters(eligibility: Eligibility, as_of: dt.date) -> list[ColumnElement[bool]]:
    """Return SQL conditions selecting users for whom no condition is violated."""
    # Only active users with a finished profile are matched (onboarding in progress is not).
    filters: list[ColumnElement[bool]] = [col(User.state) == "active", col(User.onboarded_at).is_not(None)]
    for kind in KINDS:
        clause = kind.sql(eligibility, COLUMNS, as_of)
        if clause is not None:
            filters.append(clause)
    return filters


def matching_user_ids(session: Session, *, eligibility: Eligibility, as_of: dt.date) -> list[int]:
    """Return the ids of users whose profile is eligible or undecided for the program, ascending."""
    keeps: list[Callable[[Sequence[str] | None], bool]] = [
        keep for kind in KINDS if kind.keep is not None and (keep := kind.keep(eligibility)) is not None
    ]
    filters = user_filters(eligibility, as_of)
    if not keeps:
        query = select(User.id).where(*filters).order_by(col(User.id))
        return [uid for uid in session.exec(query) if uid is not None]
    rows = session.exec(select(User.id, User.traits).where(*filters).order_by(col(User.id)))
    return [uid for uid, traits in rows if uid is not None and all(keep(traits) for keep in keeps)]
