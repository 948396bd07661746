"""Condition-by-condition verdicts of one program's eligibility for one profile, with Korean reasons.

Follows shared/data/FORMAT.md to the letter: a missing profile field makes its conditions unknown, never met.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from engine.domain import AgeBound, Bound, Eligibility, Profile, Verdict
from engine.matching.labels import (
    FIELD_NAMES,
    INDUSTRY_NAMES,
    SOHO_PLAIN,
    STATUS_NAMES,
    format_krw,
    format_months,
    industry_name,
    object_particle,
    trait_name,
)
from engine.regions import LEGACY_CODES, sido_name

Outcome = Literal["met", "unmet", "unknown"]

SOHO_WIDE_INDUSTRIES = frozenset({"B", "C", "F", "H"})  # 소상공인 = 10인 미만 in these KSIC sections


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """The outcome of one condition, with a Korean reason quoting the program where it can."""

    key: str
    outcome: Outcome
    reason: str
    profile_field: str | None


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A verdict and the per-condition results it rests on."""

    verdict: Verdict
    results: tuple[ConditionResult, ...]

    @property
    def met(self) -> list[str]:
        """Return the reasons of the met conditions."""
        return [r.reason for r in self.results if r.outcome == "met"]

    @property
    def unmet(self) -> list[str]:
        """Return the reasons of the unmet conditions."""
        return [r.reason for r in self.results if r.outcome == "unmet"]

    @property
    def unknown(self) -> list[str]:
        """Return the reasons of the undecided conditions (each says what to add)."""
        return [r.reason for r in self.results if r.outcome == "unknown"]

    @property
    def unknown_fields(self) -> list[str]:
        """Return the profile fields that would decide the undecided conditions, each once."""
        fields: list[str] = []
        for r in self.results:
            if r.outcome == "unknown" and r.profile_field and r.profile_field not in fields:
                fields.append(r.profile_field)
        return fields


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day `months` calendar months later, clamped to the month's end (Feb 29 -> Feb 28)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end: dt.date) -> int:
    """Return the whole calendar months from `start` to `end` (0 if end is before start)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def _quote(reason: str, eligibility: Eligibility, key: str) -> str:
    evidence = eligibility.evidence.get(key)
    return f"{reason} (공고: '{evidence}')" if evidence else reason


def _bound_text(n: str, bound: Bound, upper: bool) -> str:
    word = ("이하" if bound.inclusive else "미만") if upper else ("이상" if bound.inclusive else "초과")
    return f"{n} {word}"


def _within(value: int, bound: Bound, upper: bool) -> bool:
    if upper:
        return value <= bound.n if bound.inclusive else value < bound.n
    return value >= bound.n if bound.inclusive else value > bound.n


def _age_text(bound: AgeBound, upper: bool) -> str:
    word = ("이내" if bound.inclusive else "미만") if upper else ("이상" if bound.inclusive else "초과")
    return f"{format_months(bound.months)} {word}"


def _result(key: str, met: bool, label: str, detail: str, *, el: Eligibility, field: str) -> ConditionResult:
    outcome: Outcome = "met" if met else "unmet"
    reason = f"{label} {'충족' if met else '미충족'}: {detail}"
    return ConditionResult(key, outcome, _quote(reason, el, key), field)


def _unknown(key: str, label: str, field: str, el: Eligibility) -> ConditionResult:
    name = FIELD_NAMES.get(field, field)
    reason = f"{label}{object_particle(label)} 판단하려면 {name}({field}){object_particle(name)} 알려 주세요."
    return ConditionResult(key, "unknown", _quote(reason, el, key), field)


def _regions(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    regions = el.regions
    if not regions:
        return None
    allowed = {LEGACY_CODES.get(code, code) for code in regions} if p.region not in regions else {p.region}
    target = ", ".join(sido_name(LEGACY_CODES.get(c, c)) for c in regions)
    here = sido_name(p.region)
    met = p.region in allowed
    if not met:
        detail = f"사업장 소재지 {here}, 대상 지역 {target}"
    elif len(allowed | set(regions)) == 1:
        detail = here
    else:
        detail = f"{here} (대상 지역: {'전국' if len(regions) >= 17 else target})"
    return _result("regions", met, "지역 요건", detail, el=el, field="region")


def _status(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    allowed = el.status_allowed
    if not allowed:
        return None
    target = ", ".join(STATUS_NAMES.get(s, s) for s in allowed)
    here = STATUS_NAMES.get(p.status, p.status)
    met = p.status in allowed
    detail = here if met else f"{here}는 신청 대상이 아닙니다 (대상: {target})"
    return _result("status_allowed", met, "사업 상태 요건", detail, el=el, field="status")


def _business_age(
    key: str, bound: AgeBound, upper: bool, *, el: Eligibility, p: Profile, as_of: dt.date
) -> ConditionResult:
    rule = _age_text(bound, upper)
    if p.status == "pre_founder":
        if upper:
            return _result(
                key, True, "업력 요건", f"예비창업자는 업력 상한을 충족합니다 (기준: {rule})", el=el, field="status"
            )
        return _result(
            key, False, "업력 요건", f"예비창업자는 업력 {rule} 요건을 채울 수 없습니다", el=el, field="status"
        )
    founded = p.founded_on
    if founded is None:
        return _unknown(key, "업력", "founded_on", el)
    limit = add_months(founded, bound.months)
    if upper:
        met = as_of <= limit if bound.inclusive else as_of < limit
    else:
        met = as_of >= limit if bound.inclusive else as_of > limit
    age = format_months(months_between(founded, as_of))
    return _result(
        key, met, "업력 요건", f"{founded.isoformat()} 개업 → {age} (기준: {rule})", el=el, field="founded_on"
    )


def _age_max(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    return (
        None
        if el.business_age_max is None
        else _business_age("business_age_max", el.business_age_max, True, el=el, p=p, as_of=as_of)
    )


def _age_min(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    return (
        None
        if el.business_age_min is None
        else _business_age("business_age_min", el.business_age_min, False, el=el, p=p, as_of=as_of)
    )


def _rep_age(key: str, limit: int | None, upper: bool, el: Eligibility, p: Profile) -> ConditionResult | None:
    if limit is None:
        return None
    age = p.representative_age
    if age is None:
        return _unknown(key, "대표자 연령 요건", "representative_age", el)
    met = age <= limit if upper else age >= limit
    rule = f"만 {limit}세 {'이하' if upper else '이상'}"
    return _result(key, met, "대표자 연령 요건", f"만 {age}세 (기준: {rule})", el=el, field="representative_age")


def _rep_age_min(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    return _rep_age("rep_age_min", el.rep_age_min, False, el, p)


def _rep_age_max(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    return _rep_age("rep_age_max", el.rep_age_max, True, el, p)


def _employees(key: str, bound: Bound | None, upper: bool, el: Eligibility, p: Profile) -> ConditionResult | None:
    if bound is None:
        return None
    if p.employees is None:
        return _unknown(key, "상시근로자 수 요건", "employees", el)
    rule = _bound_text(f"{bound.n}인", bound, upper)
    met = _within(p.employees, bound, upper)
    return _result(key, met, "상시근로자 수 요건", f"{p.employees}명 (기준: {rule})", el=el, field="employees")


def _employees_max(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    return _employees("employees_max", el.employees_max, True, el, p)


def _employees_min(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    return _employees("employees_min", el.employees_min, False, el, p)


def _revenue(key: str, bound: Bound | None, upper: bool, el: Eligibility, p: Profile) -> ConditionResult | None:
    if bound is None:
        return None
    revenue = p.annual_revenue_krw
    if revenue is None:
        return _unknown(key, "매출액 요건", "annual_revenue_krw", el)
    rule = _bound_text(format_krw(bound.n), bound, upper)
    met = _within(revenue, bound, upper)
    return _result(
        key, met, "매출액 요건", f"연 매출액 {format_krw(revenue)} (기준: {rule})", el=el, field="annual_revenue_krw"
    )


def _revenue_max(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    return _revenue("revenue_max_krw", el.revenue_max_krw, True, el, p)


def _revenue_min(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    return _revenue("revenue_min_krw", el.revenue_min_krw, False, el, p)


def _industries_include(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    allowed = el.industries_include
    if not allowed:
        return None
    if p.industry is None:
        return _unknown("industries_include", "업종 요건", "industry", el)
    target = ", ".join(industry_name(i) for i in allowed)
    met = p.industry in allowed
    detail = f"{industry_name(p.industry)} (대상 업종: {target})"
    return _result("industries_include", met, "업종 요건", detail, el=el, field="industry")


def _industries_exclude(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    excluded = el.industries_exclude
    if not excluded:
        return None
    if p.industry is None:
        return _unknown("industries_exclude", "제외 업종 해당 여부", "industry", el)
    target = ", ".join(industry_name(i) for i in excluded)
    met = p.industry not in excluded
    detail = f"{industry_name(p.industry)} ({'제외 업종 아님' if met else '제외 업종'}: {target})"
    return _result("industries_exclude", met, "업종 요건", detail, el=el, field="industry")


def _traits(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    required = el.traits_required
    if not required:
        return None
    names = ", ".join(trait_name(t) for t in required)
    if p.traits is None:
        return _unknown("traits_required", f"자격 요건({names})", "traits", el)
    missing = [t for t in required if t not in p.traits]
    if missing:
        detail = f"{', '.join(trait_name(t) for t in missing)} 자격이 필요합니다"
        return _result("traits_required", False, "자격 요건", detail, el=el, field="traits")
    return _result("traits_required", True, "자격 요건", names, el=el, field="traits")


def _soho(el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult | None:
    if not el.soho_only:
        return None
    label = "소상공인 요건"
    employees = p.employees
    if employees is None:
        return _unknown("soho_only", "소상공인(상시근로자 5인 미만 사업자) 여부", "employees", el)
    industry = p.industry
    if industry is None:
        if 5 <= employees < 10:
            return _unknown("soho_only", f"상시근로자 {employees}명이 {SOHO_PLAIN}에 해당하는지", "industry", el)
        cap = 5
        detail = f"상시근로자 {employees}명 (소상공인 = 상시근로자 5인 미만, 일부 업종 10인 미만)"
        return _result("soho_only", employees < cap, label, detail, el=el, field="employees")
    cap = 10 if industry in SOHO_WIDE_INDUSTRIES else 5
    detail = f"상시근로자 {employees}명 (소상공인 기준: {INDUSTRY_NAMES.get(industry, industry)}은 {cap}인 미만)"
    return _result("soho_only", employees < cap, label, detail, el=el, field="employees")


_CHECKS: tuple[Callable[[Eligibility, Profile, dt.date], ConditionResult | None], ...] = (
    _regions,
    _status,
    _age_max,
    _age_min,
    _rep_age_min,
    _rep_age_max,
    _employees_max,
    _employees_min,
    _revenue_max,
    _revenue_min,
    _industries_include,
    _industries_exclude,
    _traits,
    _soho,
)


def evaluate(eligibility: Eligibility, profile: Profile, as_of: dt.date) -> Evaluation:
    """Return the verdict of `eligibility` for `profile` on `as_of`, one result per stated condition."""
    results: list[ConditionResult] = []
    unmet = unknown = False
    for check in _CHECKS:
        result = check(eligibility, profile, as_of)
        if result is None:
            continue
        results.append(result)
        if result.outcome == "unmet":
            unmet = True
        elif result.outcome == "unknown":
            unknown = True
    verdict: Verdict = "ineligible" if unmet else "unknown" if unknown else "eligible"
    return Evaluation(verdict, tuple(results))
