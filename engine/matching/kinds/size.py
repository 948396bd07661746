"""Size: 상시근로자 수 and 매출액 bounds, and 소상공인 only (5인 미만, 10인 미만 in KSIC B, C, F, H)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

from engine.domain import Bound, Eligibility, Profile
from engine.matching.conditions import SOHO_WIDE_INDUSTRIES, Check, Outcome, bound_met, soho_cap, soho_outcome
from engine.matching.kinds.base import Columns, ConditionKind, bound_text
from engine.matching.labels import INDUSTRY_NAMES, SOHO_PLAIN, format_krw


@dataclass(frozen=True)
class _Measure:
    """A profile integer bounded by notices: its field, unit wording, label and how the profile's value reads."""

    field: str
    unit: Callable[[int], str]
    label: str
    detail: Callable[[Profile], str]


def _bound_kind(key: str, measure: _Measure, *, upper: bool, sample: Bound) -> ConditionKind:
    """Return the kind of a numeric bound on a profile integer (missing = unknown)."""
    field, unit, label, detail = measure.field, measure.unit, measure.label, measure.detail

    def bound(el: Eligibility) -> Bound | None:
        value: Bound | None = getattr(el, key)
        return value

    def compile_(el: Eligibility) -> Check | None:
        b = bound(el)
        if b is None:
            return None

        def check(p: Profile, as_of: dt.date) -> Outcome:
            value: int | None = getattr(p, field)
            if value is None:
                return "unknown"
            return "met" if bound_met(value, b, upper) else "unmet"

        return check

    def rule(el: Eligibility, p: Profile, outcome: Outcome) -> str:
        b = bound(el)
        return bound_text(unit(b.n), b, upper) if b is not None else ""

    def wording(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
        return f"{label} 요건", f"{detail(p)} (기준: {rule(el, p, outcome)})", field

    def sql(el: Eligibility, c: Columns, as_of: dt.date) -> ColumnElement[bool] | None:
        b = bound(el)
        if b is None:
            return None
        column: Any = getattr(c, field)
        if upper:
            test = column <= b.n if b.inclusive else column < b.n
        else:
            test = column >= b.n if b.inclusive else column > b.n
        return or_(column.is_(None), test)

    return ConditionKind(
        key=key,
        profile_field=field,
        compile=compile_,
        wording=wording,
        rule=rule,
        label=label,
        sql=sql,
        sample=sample,
        unknown_label=f"{label} 요건",
    )


def _people(n: int) -> str:
    return f"{n}인"


def _employees_detail(p: Profile) -> str:
    return f"{p.employees}명"


def _revenue_detail(p: Profile) -> str:
    return f"연 매출액 {format_krw(p.annual_revenue_krw or 0)}"


_EMPLOYEES = _Measure("employees", _people, "상시근로자 수", _employees_detail)
_REVENUE = _Measure("annual_revenue_krw", format_krw, "매출액", _revenue_detail)
EMPLOYEES_MAX = _bound_kind("employees_max", _EMPLOYEES, upper=True, sample=Bound(n=5, inclusive=False))
EMPLOYEES_MIN = _bound_kind("employees_min", _EMPLOYEES, upper=False, sample=Bound(n=10, inclusive=True))
REVENUE_MAX = _bound_kind("revenue_max_krw", _REVENUE, upper=True, sample=Bound(n=10**9, inclusive=True))
REVENUE_MIN = _bound_kind("revenue_min_krw", _REVENUE, upper=False, sample=Bound(n=10**8, inclusive=True))


def _soho_check(el: Eligibility) -> Check | None:
    return (lambda p, a: soho_outcome(p)) if el.soho_only else None


def _soho_wording(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
    if p.employees is None:
        return "소상공인(상시근로자 5인 미만 사업자) 여부", "", "employees"
    if outcome == "unknown":
        return (
            f"상시근로자 {p.employees}명이 소상공인(5인 미만, 광업·제조업·건설업·운수업은 10인 미만)인지",
            "",
            "industry",
        )
    if p.industry is None:
        rule = "소상공인 = 상시근로자 5인 미만" + (
            "" if outcome == "met" else ", 광업·제조업·건설업·운수업은 10인 미만"
        )
    else:
        rule = f"소상공인 기준: {INDUSTRY_NAMES.get(p.industry, p.industry)}은 {soho_cap(p.industry)}인 미만"
    return "소상공인 요건", f"상시근로자 {p.employees}명 ({rule})", "employees"


def _soho_rule(el: Eligibility, p: Profile, outcome: Outcome) -> str:
    if p.industry is None and outcome == "unknown" and p.employees is not None:
        return "상시근로자 5인 미만(광업·제조업·건설업·운수업은 10인 미만)"
    return f"상시근로자 {soho_cap(p.industry)}인 미만"


def _soho_short_label(el: Eligibility, rule: str, outcome: Outcome, field: str | None) -> str:
    # Name the cap that applies to this business; both caps when its industry is what is missing.
    if outcome == "unknown" and field == "industry":
        return SOHO_PLAIN
    return f"소상공인({rule} 사업자)" if rule else SOHO_PLAIN


def _soho_sql(el: Eligibility, c: Columns, as_of: dt.date) -> ColumnElement[bool] | None:
    if not el.soho_only:
        return None
    employees, industry = c.employees, c.industry
    return or_(
        employees.is_(None),
        employees < 5,
        and_(employees < 10, or_(industry.is_(None), industry.in_(sorted(SOHO_WIDE_INDUSTRIES)))),
    )


SOHO_ONLY = ConditionKind(
    key="soho_only",
    profile_field="employees",
    compile=_soho_check,
    wording=_soho_wording,
    rule=_soho_rule,
    label=SOHO_PLAIN,
    sql=_soho_sql,
    sample=True,
    short_label=_soho_short_label,
)
