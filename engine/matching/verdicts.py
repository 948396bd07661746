"""Condition-by-condition verdicts of one program for one profile, with Korean reasons quoting the program.

The outcomes come from `conditions.outcomes` (FORMAT.md to the letter); this module only words them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from engine.domain import AgeBound, Bound, Eligibility, Profile, Verdict
from engine.matching.conditions import Outcome, months_between, outcomes, soho_cap, verdict_from
from engine.matching.labels import (
    FIELD_NAMES,
    INDUSTRY_NAMES,
    STATUS_NAMES,
    format_krw,
    format_months,
    industry_name,
    object_particle,
    trait_name,
)
from engine.regions import LEGACY_CODES, sido_name


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """The outcome of one condition, with a Korean reason quoting the program where it can."""

    key: str
    outcome: Outcome
    reason: str
    profile_field: str | None
    rule: str = ""  # the program's rule in plain words, e.g. '7년 미만', '상시근로자 5인 미만'


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


# A wording returns (label, detail, profile field): '<label> 충족: <detail>' for met/unmet; for unknown the
# label is what cannot be judged and the field is what the user could add.
Wording = Callable[[Eligibility, Profile, dt.date, Outcome], tuple[str, str, str]]


def _bound_text(n: str, bound: Bound, upper: bool) -> str:
    word = ("이하" if bound.inclusive else "미만") if upper else ("이상" if bound.inclusive else "초과")
    return f"{n} {word}"


def _age_text(bound: AgeBound, upper: bool) -> str:
    word = ("이내" if bound.inclusive else "미만") if upper else ("이상" if bound.inclusive else "초과")
    return f"{format_months(bound.months)} {word}"


def _regions(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
    codes = list(dict.fromkeys(LEGACY_CODES.get(c, c) for c in el.regions or ()))
    here = sido_name(p.region)
    if outcome != "met":
        detail = f"사업장 소재지 {here}, 대상 지역 {', '.join(sido_name(c) for c in codes)}"
    elif len(codes) == 1:
        detail = here
    else:
        detail = f"{here} (대상 지역: {'전국' if len(codes) >= 17 else ', '.join(sido_name(c) for c in codes)})"
    return "지역 요건", detail, "region"


def _status(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
    here = STATUS_NAMES.get(p.status, p.status)
    if outcome == "met":
        return "사업 상태 요건", here, "status"
    target = ", ".join(STATUS_NAMES.get(s, s) for s in el.status_allowed or ())
    return "사업 상태 요건", f"{here}는 신청 대상이 아닙니다 (대상: {target})", "status"


def _business_age(bound: AgeBound, upper: bool, p: Profile, as_of: dt.date) -> tuple[str, str, str]:
    rule = _age_text(bound, upper)
    if p.status == "pre_founder":
        if upper:
            return "업력 요건", f"예비창업자는 업력 상한을 충족합니다 (기준: {rule})", "status"
        return "업력 요건", f"예비창업자는 업력 {rule} 요건을 채울 수 없습니다", "status"
    if p.founded_on is None:
        return "업력", "", "founded_on"
    age = format_months(months_between(p.founded_on, as_of))
    return "업력 요건", f"{p.founded_on.isoformat()} 개업 → {age} (기준: {rule})", "founded_on"


def _age_max(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
    assert el.business_age_max is not None
    return _business_age(el.business_age_max, True, p, as_of)


def _age_min(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
    assert el.business_age_min is not None
    return _business_age(el.business_age_min, False, p, as_of)


def _rep_age(limit: int | None, upper: bool, p: Profile) -> tuple[str, str, str]:
    rule = f"만 {limit}세 {'이하' if upper else '이상'}"
    return "대표자 연령 요건", f"만 {p.representative_age}세 (기준: {rule})", "representative_age"


def _employees(bound: Bound | None, upper: bool, p: Profile) -> tuple[str, str, str]:
    rule = _bound_text(f"{bound.n}인", bound, upper) if bound else ""
    return "상시근로자 수 요건", f"{p.employees}명 (기준: {rule})", "employees"


def _revenue(bound: Bound | None, upper: bool, p: Profile) -> tuple[str, str, str]:
    rule = _bound_text(format_krw(bound.n), bound, upper) if bound else ""
    revenue = format_krw(p.annual_revenue_krw or 0)
    return "매출액 요건", f"연 매출액 {revenue} (기준: {rule})", "annual_revenue_krw"


def _industries(listed: list[str] | None, include: bool, p: Profile, outcome: Outcome) -> tuple[str, str, str]:
    target = ", ".join(industry_name(i) for i in listed or ())
    here = industry_name(p.industry or "")
    if include:
        return "업종 요건", f"{here} (대상 업종: {target})", "industry"
    if p.industry is None:
        return "제외 업종 해당 여부", "", "industry"
    return "업종 요건", f"{here} ({'제외 업종 아님' if outcome == 'met' else '제외 업종'}: {target})", "industry"


def _traits(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
    required = el.traits_required or []
    names = ", ".join(trait_name(t) for t in required)
    if outcome == "unknown":
        return f"자격 요건({names})", "", "traits"
    if outcome == "unmet":
        missing = ", ".join(trait_name(t) for t in required if t not in (p.traits or ()))
        return "자격 요건", f"{missing} 자격이 필요합니다", "traits"
    return "자격 요건", names, "traits"


def _soho(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
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


_WORDINGS: dict[str, Wording] = {
    "regions": _regions,
    "status_allowed": _status,
    "business_age_max": _age_max,
    "business_age_min": _age_min,
    "rep_age_min": lambda el, p, as_of, o: _rep_age(el.rep_age_min, False, p),
    "rep_age_max": lambda el, p, as_of, o: _rep_age(el.rep_age_max, True, p),
    "employees_max": lambda el, p, as_of, o: _employees(el.employees_max, True, p),
    "employees_min": lambda el, p, as_of, o: _employees(el.employees_min, False, p),
    "revenue_max_krw": lambda el, p, as_of, o: _revenue(el.revenue_max_krw, True, p),
    "revenue_min_krw": lambda el, p, as_of, o: _revenue(el.revenue_min_krw, False, p),
    "industries_include": lambda el, p, as_of, o: _industries(el.industries_include, True, p, o),
    "industries_exclude": lambda el, p, as_of, o: _industries(el.industries_exclude, False, p, o),
    "traits_required": _traits,
    "soho_only": _soho,
}

# What cannot be judged when a field is missing, per condition (the label of an unknown reason).
_UNKNOWN_LABELS: dict[str, str] = {
    "rep_age_min": "대표자 연령 요건",
    "rep_age_max": "대표자 연령 요건",
    "employees_max": "상시근로자 수 요건",
    "employees_min": "상시근로자 수 요건",
    "revenue_max_krw": "매출액 요건",
    "revenue_min_krw": "매출액 요건",
    "industries_include": "업종 요건",
}


def _rule(key: str, el: Eligibility, p: Profile, outcome: Outcome) -> str:
    """Return the program's rule in plain words (what the explanation names)."""
    value = getattr(el, key, None)
    upper = key.endswith("_max") or key == "revenue_max_krw"
    if isinstance(value, AgeBound):
        return _age_text(value, upper)
    if isinstance(value, Bound):
        return _bound_text(format_krw(value.n) if key.startswith("revenue") else f"{value.n}인", value, upper)
    if key in {"rep_age_min", "rep_age_max"}:
        return f"만 {value}세 {'이하' if upper else '이상'}"
    if key == "soho_only":
        if p.industry is None and outcome == "unknown" and p.employees is not None:
            return "상시근로자 5인 미만(광업·제조업·건설업·운수업은 10인 미만)"
        return f"상시근로자 {soho_cap(p.industry)}인 미만"
    if key == "regions":
        return ", ".join(sido_name(LEGACY_CODES.get(c, c)) for c in el.regions or ())
    if key == "status_allowed":
        return ", ".join(STATUS_NAMES.get(s, s) for s in el.status_allowed or ())
    if key == "traits_required":
        return ", ".join(trait_name(t) for t in el.traits_required or ())
    return ", ".join(industry_name(i) for i in value or ()) if isinstance(value, list) else ""


def _reason(key: str, outcome: Outcome, el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult:
    label, detail, field = _WORDINGS[key](el, p, as_of, outcome)
    if outcome == "unknown":
        label = _UNKNOWN_LABELS.get(key, label)
        name = FIELD_NAMES.get(field, field)
        reason = f"{label}{object_particle(label)} 판단하려면 {name}({field}){object_particle(name)} 알려 주세요."
    else:
        reason = f"{label} {'충족' if outcome == 'met' else '미충족'}: {detail}"
    evidence = el.evidence.get(key)
    if evidence:
        reason = f"{reason} (공고: '{evidence}')"
    return ConditionResult(key, outcome, reason, field, _rule(key, el, p, outcome))


def evaluate(eligibility: Eligibility, profile: Profile, as_of: dt.date) -> Evaluation:
    """Return the verdict of `eligibility` for `profile` on `as_of`, one worded result per stated condition."""
    decided = outcomes(eligibility, profile, as_of)
    results = tuple(_reason(key, outcome, eligibility, profile, as_of) for key, outcome in decided)
    return Evaluation(verdict_from(decided), results)
