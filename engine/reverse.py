"""Reverse matching for alerts: which users can a new or changed program match?

Every condition becomes SQL on the indexed profile columns, as "met or undecidable" (a NULL field
is unknown, which still deserves an alert that says what to add), so nothing is scanned in Python.
업력 bounds are turned into exact `founded_on` thresholds by inverting the calendar arithmetic the
matcher uses; required traits, stored as JSON, are checked in Python on the few rows that remain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, false, or_, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from db.models import User
from engine.domain import AgeBound, Eligibility
from engine.matching import add_months

SOHO_TEN_SECTIONS = ("B", "C", "F", "H")  # 광업, 제조업, 건설업, 운수 및 창고업: 10인 미만


def user_filters(eligibility: Eligibility, as_of: dt.date) -> list[ColumnElement[bool]]:
    """Return SQL conditions selecting users for whom no condition is violated."""
    e = eligibility
    f: list[ColumnElement[bool]] = [col(User.blocked_at).is_(None)]
    if e.regions is not None:
        f.append(col(User.region).in_(e.regions))
    if e.status_allowed is not None:
        f.append(col(User.status).in_(e.status_allowed))
    if e.business_age_max is not None:
        f.append(_business_age(e.business_age_max, as_of, upper=True))
    if e.business_age_min is not None:
        f.append(_business_age(e.business_age_min, as_of, upper=False))
    age = col(User.representative_age)
    if e.rep_age_min is not None:
        f.append(or_(age.is_(None), age >= e.rep_age_min))
    if e.rep_age_max is not None:
        f.append(or_(age.is_(None), age <= e.rep_age_max))
    f.extend(_bound(col(User.employees), e.employees_max, upper=True))
    f.extend(_bound(col(User.employees), e.employees_min, upper=False))
    f.extend(_bound(col(User.annual_revenue_krw), e.revenue_max_krw, upper=True))
    f.extend(_bound(col(User.annual_revenue_krw), e.revenue_min_krw, upper=False))
    industry = col(User.industry)
    if e.industries_include is not None:
        f.append(or_(industry.is_(None), industry.in_(e.industries_include)))
    if e.industries_exclude is not None:
        f.append(or_(industry.is_(None), industry.not_in(e.industries_exclude)))
    if e.soho_only:
        employees = col(User.employees)
        f.append(
            or_(
                employees.is_(None),
                employees < 5,
                and_(employees < 10, or_(industry.is_(None), industry.in_(SOHO_TEN_SECTIONS))),
            )
        )
    return f


def matching_user_ids(session: Session, *, eligibility: Eligibility, as_of: dt.date) -> list[int]:
    """Return the ids of users whose profile is eligible or undecided for the program, ascending."""
    query = select(User.id).where(*user_filters(eligibility, as_of)).order_by(col(User.id))
    required = set(eligibility.traits_required or ())
    if not required:
        return [uid for uid in session.exec(query) if uid is not None]
    rows = session.exec(select(User.id, User.traits).where(*user_filters(eligibility, as_of)).order_by(col(User.id)))
    # traits None = not asked (unknown, kept); otherwise every required trait must be present.
    return [uid for uid, traits in rows if uid is not None and (traits is None or required <= set(traits))]


def _bound(column: Any, bound: Any, *, upper: bool) -> list[ColumnElement[bool]]:
    if bound is None:
        return []
    if upper:
        test = column <= bound.n if bound.inclusive else column < bound.n
    else:
        test = column >= bound.n if bound.inclusive else column > bound.n
    return [or_(column.is_(None), test)]


def _business_age(bound: AgeBound, as_of: dt.date, *, upper: bool) -> ColumnElement[bool]:
    """업력 bound as SQL: pre-founders meet maxima and fail minima; a missing founded_on is unknown."""
    founded = col(User.founded_on)
    status = col(User.status)
    months, inclusive = bound.months, bound.inclusive
    if upper:  # met iff as_of < f+N (exclusive) or as_of <= f+N (inclusive): an up-set of f
        met: Callable[[dt.date], bool] = (
            (lambda f: add_months(f, months) >= as_of) if inclusive else (lambda f: add_months(f, months) > as_of)
        )
        first = _first_true(met, as_of, months)
        on_date = founded >= first if first is not None else false()
        return or_(status == "pre_founder", founded.is_(None), on_date)
    # minimum: met iff as_of >= f+N (inclusive) or as_of > f+N (exclusive): a down-set of f
    met_min: Callable[[dt.date], bool] = (
        (lambda f: add_months(f, months) <= as_of) if inclusive else (lambda f: add_months(f, months) < as_of)
    )
    first_fail = _first_true(lambda f: not met_min(f), as_of, months)
    on_date = founded < first_fail if first_fail is not None else true()
    return and_(status != "pre_founder", or_(founded.is_(None), on_date))


def _first_true(predicate: Callable[[dt.date], bool], as_of: dt.date, months: int) -> dt.date | None:
    """Return the earliest date for which a monotone (False…True) predicate holds, by bisection."""
    low = add_months(as_of, -months - 2)  # predicate False here: f+N lies well before as_of
    high = as_of + dt.timedelta(days=1)  # predicate True here: f+N lies after as_of
    if predicate(low):
        return low
    if not predicate(high):
        return None
    while (high - low).days > 1:
        mid = low + (high - low) / 2
        if predicate(mid):
            high = mid
        else:
            low = mid
    return high
