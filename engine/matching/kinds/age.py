"""업력 (business age) and the representative's age.

업력 bounds become exact `founded_on` thresholds in SQL by inverting the calendar arithmetic the matcher
uses (bisection over dates), so reverse matching selects exactly the users the matcher does not rule out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import and_, false, or_, true
from sqlalchemy.sql.elements import ColumnElement

from engine.domain import AgeBound, Eligibility, Profile
from engine.matching.conditions import Check, Outcome, add_months, business_age_outcome, months_between
from engine.matching.kinds.base import Columns, ConditionKind, age_text, met
from engine.matching.labels import format_months


def _age_bound(el: Eligibility, upper: bool) -> AgeBound | None:
    return el.business_age_max if upper else el.business_age_min


def _business_age_check(upper: bool) -> Callable[[Eligibility], Check | None]:
    def compile_(el: Eligibility) -> Check | None:
        bound = _age_bound(el, upper)
        if bound is None:
            return None
        return lambda p, a: business_age_outcome(bound, upper, p, a)

    return compile_


def _business_age_wording(upper: bool) -> Callable[[Eligibility, Profile, dt.date, Outcome], tuple[str, str, str]]:
    def wording(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
        bound = _age_bound(el, upper)
        assert bound is not None
        rule = age_text(bound, upper, format_months)
        if p.status == "pre_founder":
            if upper:
                return "업력 요건", f"예비창업자는 업력 상한을 충족합니다 (기준: {rule})", "status"
            return "업력 요건", f"예비창업자는 업력 {rule} 요건을 채울 수 없습니다", "status"
        if p.founded_on is None:
            return "업력", "", "founded_on"
        age = format_months(months_between(p.founded_on, as_of))
        return "업력 요건", f"{p.founded_on.isoformat()} 개업 → {age} (기준: {rule})", "founded_on"

    return wording


def _business_age_rule(upper: bool) -> Callable[[Eligibility, Profile, Outcome], str]:
    def rule(el: Eligibility, p: Profile, outcome: Outcome) -> str:
        bound = _age_bound(el, upper)
        return age_text(bound, upper, format_months) if bound is not None else ""

    return rule


def _business_age_sql(upper: bool) -> Callable[[Eligibility, Columns, dt.date], ColumnElement[bool] | None]:
    def sql(el: Eligibility, c: Columns, as_of: dt.date) -> ColumnElement[bool] | None:
        bound = _age_bound(el, upper)
        return None if bound is None else business_age_sql(bound, c, as_of, upper=upper)

    return sql


def business_age_sql(bound: AgeBound, c: Columns, as_of: dt.date, *, upper: bool) -> ColumnElement[bool]:
    """업력 bound as SQL: pre-founders meet maxima and fail minima; a missing founded_on is unknown."""
    founded, status = c.founded_on, c.status
    months, inclusive = bound.months, bound.inclusive
    if upper:  # met iff as_of < f+N (exclusive) or as_of <= f+N (inclusive): an up-set of f
        met_max: Callable[[dt.date], bool] = (
            (lambda f: add_months(f, months) >= as_of) if inclusive else (lambda f: add_months(f, months) > as_of)
        )
        first = _first_true(met_max, as_of, months)
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


def _make_business_age(upper: bool) -> ConditionKind:
    return ConditionKind(
        key="business_age_max" if upper else "business_age_min",
        profile_field="founded_on",
        compile=_business_age_check(upper),
        wording=_business_age_wording(upper),
        rule=_business_age_rule(upper),
        label="업력",
        sql=_business_age_sql(upper),
        sample=AgeBound(months=84 if upper else 12, inclusive=not upper),
    )


BUSINESS_AGE_MAX = _make_business_age(True)
BUSINESS_AGE_MIN = _make_business_age(False)


def _rep_limit(el: Eligibility, upper: bool) -> int | None:
    return el.rep_age_max if upper else el.rep_age_min


def _rep_age_check(upper: bool) -> Callable[[Eligibility], Check | None]:
    def compile_(el: Eligibility) -> Check | None:
        limit = _rep_limit(el, upper)
        if limit is None:
            return None

        def check(p: Profile, as_of: dt.date) -> Outcome:
            age = p.representative_age
            return "unknown" if age is None else met(age <= limit if upper else age >= limit)

        return check

    return compile_


def _rep_rule(upper: bool) -> Callable[[Eligibility, Profile, Outcome], str]:
    return lambda el, p, o: f"만 {_rep_limit(el, upper)}세 {'이하' if upper else '이상'}"


def _rep_wording(upper: bool) -> Callable[[Eligibility, Profile, dt.date, Outcome], tuple[str, str, str]]:
    def wording(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
        rule = _rep_rule(upper)(el, p, outcome)
        return "대표자 연령 요건", f"만 {p.representative_age}세 (기준: {rule})", "representative_age"

    return wording


def _rep_sql(upper: bool) -> Callable[[Eligibility, Columns, dt.date], ColumnElement[bool] | None]:
    def sql(el: Eligibility, c: Columns, as_of: dt.date) -> ColumnElement[bool] | None:
        limit = _rep_limit(el, upper)
        if limit is None:
            return None
        age = c.representative_age
        return or_(age.is_(None), age <= limit if upper else age >= limit)

    return sql


def _make_rep_age(upper: bool) -> ConditionKind:
    return ConditionKind(
        key="rep_age_max" if upper else "rep_age_min",
        profile_field="representative_age",
        compile=_rep_age_check(upper),
        wording=_rep_wording(upper),
        rule=_rep_rule(upper),
        label="대표자 나이",
        sql=_rep_sql(upper),
        sample=39 if upper else 20,
        unknown_label="대표자 연령 요건",
    )


REP_AGE_MIN = _make_rep_age(False)
REP_AGE_MAX = _make_rep_age(True)
