"""Condition-by-condition verdicts: every FORMAT.md rule, the dev set's boundary cases, Korean reasons."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from engine.domain import AgeBound, Bound, Eligibility, Profile
from engine.matching import add_months, evaluate, months_between
from engine.matching.labels import format_krw

AS_OF = dt.date(2026, 10, 15)


def profile(**fields: Any) -> Profile:
    base: dict[str, Any] = {"status": "operating", "region": "서울"}
    return Profile(**(base | fields))


def outcome(eligibility: Eligibility, prof: Profile, as_of: dt.date = AS_OF) -> str:
    results = evaluate(eligibility, prof, as_of).results
    assert len(results) == 1
    return results[0].outcome


# -- calendar arithmetic ---------------------------------------------------------------------------------------


def test_add_months_keeps_the_day_and_clamps_feb_29_to_feb_28() -> None:
    assert add_months(dt.date(2021, 3, 15), 84) == dt.date(2028, 3, 15)
    assert add_months(dt.date(2020, 2, 29), 12) == dt.date(2021, 2, 28)
    assert add_months(dt.date(2020, 2, 29), 48) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


def test_months_between_counts_whole_calendar_months() -> None:
    assert months_between(dt.date(2021, 3, 15), AS_OF) == 67  # 5년 7개월
    assert months_between(dt.date(2019, 10, 15), AS_OF) == 84
    assert months_between(dt.date(2019, 10, 16), AS_OF) == 83
    assert months_between(AS_OF, dt.date(2020, 1, 1)) == 0


# -- region and status -----------------------------------------------------------------------------------------


def test_region_is_met_when_the_sido_is_listed_and_unmet_otherwise() -> None:
    seoul_only = Eligibility(regions=["11"], evidence={"regions": "서울특별시 소재 사업장"})
    met = evaluate(seoul_only, profile(region="서울특별시"), AS_OF)
    assert met.verdict == "eligible"
    assert met.met == ["지역 요건 충족: 서울특별시 (공고: '서울특별시 소재 사업장')"]
    unmet = evaluate(seoul_only, profile(region="대구"), AS_OF)
    assert unmet.verdict == "ineligible"
    assert "대구광역시" in unmet.unmet[0] and "서울특별시" in unmet.unmet[0]


def test_region_accepts_a_code_profile_and_legacy_program_codes() -> None:
    assert outcome(Eligibility(regions=["11"]), profile(region="11")) == "met"
    assert outcome(Eligibility(regions=["42"]), profile(region="강원")) == "met"  # old 강원 code
    assert outcome(Eligibility(regions=["29", "46"]), profile(region="전남")) == "met"


def test_no_region_condition_means_nationwide() -> None:
    assert evaluate(Eligibility(), profile(region="제주"), AS_OF).verdict == "eligible"
    assert evaluate(Eligibility(regions=[]), profile(region="제주"), AS_OF).results == ()


def test_status_allowed_compares_the_profile_status() -> None:
    only_operating = Eligibility(status_allowed=["operating"])
    assert outcome(only_operating, profile()) == "met"
    assert outcome(only_operating, profile(status="pre_founder")) == "unmet"
    assert outcome(Eligibility(status_allowed=["pre_founder"]), profile()) == "unmet"


# -- 업력 --------------------------------------------------------------------------------------------------------

SEVEN_YEARS = 84


@pytest.mark.parametrize(
    ("founded", "key", "inclusive", "expected"),
    [
        # the dev set's boundary: founded exactly 7 years before as_of, '7년 미만' is exclusive
        ("2019-10-15", "business_age_max", False, "unmet"),
        ("2019-10-15", "business_age_max", True, "met"),  # '7년 이내'
        ("2019-10-16", "business_age_max", False, "met"),
        ("2019-10-14", "business_age_max", True, "unmet"),
        ("2019-10-15", "business_age_min", True, "met"),  # '7년 이상'
        ("2019-10-15", "business_age_min", False, "unmet"),  # '7년 초과'
        ("2019-10-14", "business_age_min", False, "met"),
        ("2019-10-16", "business_age_min", True, "unmet"),
    ],
)
def test_business_age_bounds_compare_calendar_dates(founded: str, key: str, inclusive: bool, expected: str) -> None:
    eligibility = Eligibility(**{key: AgeBound(months=SEVEN_YEARS, inclusive=inclusive)})
    assert outcome(eligibility, profile(founded_on=dt.date.fromisoformat(founded))) == expected


def test_business_age_from_feb_29_reaches_its_anniversary_on_feb_28() -> None:
    one_year_lt = Eligibility(business_age_max=AgeBound(months=12, inclusive=False))
    founded = profile(founded_on=dt.date(2024, 2, 29))
    assert outcome(one_year_lt, founded, dt.date(2025, 2, 27)) == "met"
    assert outcome(one_year_lt, founded, dt.date(2025, 2, 28)) == "unmet"
    one_year_le = Eligibility(business_age_max=AgeBound(months=12, inclusive=True))
    assert outcome(one_year_le, founded, dt.date(2025, 2, 28)) == "met"
    assert outcome(one_year_le, founded, dt.date(2025, 3, 1)) == "unmet"


def test_pre_founder_meets_any_business_age_maximum_and_fails_any_minimum() -> None:
    pre = profile(status="pre_founder")
    assert outcome(Eligibility(business_age_max=AgeBound(months=36, inclusive=True)), pre) == "met"
    assert outcome(Eligibility(business_age_max=AgeBound(months=1, inclusive=False)), pre) == "met"
    assert outcome(Eligibility(business_age_min=AgeBound(months=12, inclusive=True)), pre) == "unmet"
    assert outcome(Eligibility(business_age_min=AgeBound(months=0, inclusive=True)), pre) == "unmet"


def test_operating_without_founded_on_leaves_business_age_unknown_and_asks_for_it() -> None:
    result = evaluate(Eligibility(business_age_max=AgeBound(months=84, inclusive=False)), profile(), AS_OF)
    assert result.verdict == "unknown"
    assert result.unknown == ["업력을 판단하려면 개업일을 알려 주세요."]
    assert result.unknown_fields == ["founded_on"]


def test_business_age_reason_shows_the_founding_date_the_age_and_the_program_words() -> None:
    eligibility = Eligibility(
        business_age_max=AgeBound(months=84, inclusive=False), evidence={"business_age_max": "창업 7년 미만"}
    )
    result = evaluate(eligibility, profile(founded_on=dt.date(2021, 3, 15)), AS_OF)
    assert result.met == ["업력 요건 충족: 2021-03-15 개업 → 5년 7개월 (기준: 7년 미만) (공고: '창업 7년 미만')"]
    assert result.results[0].profile_field == "founded_on"


# -- representative age, employees, revenue ----------------------------------------------------------------------


def test_rep_age_max_39_is_met_at_39_the_dev_boundary() -> None:
    assert outcome(Eligibility(rep_age_max=39), profile(representative_age=39)) == "met"
    assert outcome(Eligibility(rep_age_max=39), profile(representative_age=40)) == "unmet"


def test_rep_age_min_is_inclusive_and_missing_age_is_unknown() -> None:
    assert outcome(Eligibility(rep_age_min=40), profile(representative_age=40)) == "met"
    assert outcome(Eligibility(rep_age_min=40), profile(representative_age=39)) == "unmet"
    result = evaluate(Eligibility(rep_age_min=20, rep_age_max=39), profile(), AS_OF)
    assert [r.outcome for r in result.results] == ["unknown", "unknown"]
    assert result.unknown_fields == ["representative_age"]


@pytest.mark.parametrize(
    ("bound", "upper", "employees", "expected"),
    [
        (Bound(n=5, inclusive=False), True, 4, "met"),
        (Bound(n=5, inclusive=False), True, 5, "unmet"),
        (Bound(n=5, inclusive=True), True, 5, "met"),
        (Bound(n=10, inclusive=True), False, 10, "met"),
        (Bound(n=10, inclusive=False), False, 10, "unmet"),
        (Bound(n=10, inclusive=True), False, 9, "unmet"),
    ],
)
def test_employee_bounds_honour_the_inclusive_flag(bound: Bound, upper: bool, employees: int, expected: str) -> None:
    key = "employees_max" if upper else "employees_min"
    assert outcome(Eligibility(**{key: bound}), profile(employees=employees)) == expected


def test_missing_employees_and_revenue_make_their_bounds_unknown() -> None:
    eligibility = Eligibility(
        employees_max=Bound(n=50, inclusive=False), revenue_max_krw=Bound(n=10**9, inclusive=True)
    )
    result = evaluate(eligibility, profile(), AS_OF)
    assert result.verdict == "unknown"
    assert result.unknown_fields == ["employees", "annual_revenue_krw"]


def test_revenue_of_exactly_10_eok_meets_10_eok_or_less_the_dev_boundary() -> None:
    ten_eok = 1_000_000_000
    inclusive = Eligibility(revenue_max_krw=Bound(n=ten_eok, inclusive=True))
    exclusive = Eligibility(revenue_max_krw=Bound(n=ten_eok, inclusive=False))
    assert outcome(inclusive, profile(annual_revenue_krw=ten_eok)) == "met"
    assert outcome(exclusive, profile(annual_revenue_krw=ten_eok)) == "unmet"
    reason = evaluate(inclusive, profile(annual_revenue_krw=ten_eok), AS_OF).met[0]
    assert reason == "매출액 요건 충족: 연 매출액 10억원 (기준: 10억원 이하)"


def test_revenue_min_bound() -> None:
    assert (
        outcome(Eligibility(revenue_min_krw=Bound(n=10**8, inclusive=True)), profile(annual_revenue_krw=10**8)) == "met"
    )
    assert outcome(Eligibility(revenue_min_krw=Bound(n=10**8, inclusive=False)), profile(annual_revenue_krw=10**8)) == (
        "unmet"
    )


def test_format_krw_reads_the_korean_way() -> None:
    assert format_krw(1_000_000_000) == "10억원"
    assert format_krw(350_000_000) == "3억 5,000만원"
    assert format_krw(5_000) == "5,000원"
    assert format_krw(0) == "0원"


# -- industries and traits ---------------------------------------------------------------------------------------


def test_industries_include_and_exclude() -> None:
    include_c = Eligibility(industries_include=["C"])
    assert outcome(include_c, profile(industry="C")) == "met"
    assert outcome(include_c, profile(industry="I")) == "unmet"
    assert outcome(include_c, profile()) == "unknown"
    exclude_i = Eligibility(industries_exclude=["I"])
    assert outcome(exclude_i, profile(industry="C")) == "met"
    assert outcome(exclude_i, profile(industry="I")) == "unmet"
    assert outcome(exclude_i, profile()) == "unknown"


def test_traits_required_needs_every_trait_and_none_means_not_asked() -> None:
    both = Eligibility(traits_required=["woman_owned", "exporter"])
    assert outcome(both, profile(traits=["woman_owned", "exporter", "innobiz"])) == "met"
    assert outcome(both, profile(traits=["woman_owned"])) == "unmet"
    assert outcome(both, profile(traits=[])) == "unmet"
    assert outcome(both, profile()) == "unknown"
    assert "수출기업" in evaluate(both, profile(traits=["woman_owned"]), AS_OF).unmet[0]


# -- 소상공인 --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("industry", "employees", "expected"),
    [
        ("I", 4, "met"),
        ("I", 5, "unmet"),
        ("C", 9, "met"),  # 제조업: 10인 미만
        ("C", 10, "unmet"),
        ("B", 9, "met"),
        ("F", 9, "met"),
        ("H", 9, "met"),
        ("G", 9, "unmet"),
        (None, 4, "met"),
        (None, 5, "unknown"),  # 5..9 decides only with the industry
        (None, 9, "unknown"),
        (None, 10, "unmet"),
    ],
)
def test_soho_only_caps_employees_by_industry(industry: str | None, employees: int, expected: str) -> None:
    assert outcome(Eligibility(soho_only=True), profile(industry=industry, employees=employees)) == expected


def test_soho_only_without_employees_is_unknown_and_asks_for_employees() -> None:
    result = evaluate(Eligibility(soho_only=True), profile(industry="I"), AS_OF)
    assert result.verdict == "unknown"
    assert result.unknown_fields == ["employees"]
    assert "상시근로자 5인 미만" in result.unknown[0]


def test_soho_between_5_and_9_without_industry_asks_for_the_industry() -> None:
    result = evaluate(Eligibility(soho_only=True), profile(employees=7), AS_OF)
    assert result.unknown_fields == ["industry"]


# -- verdict ------------------------------------------------------------------------------------------------------


def test_verdict_is_ineligible_on_any_unmet_even_with_unknowns() -> None:
    eligibility = Eligibility(regions=["26"], soho_only=True, rep_age_max=39)
    result = evaluate(eligibility, profile(), AS_OF)
    assert result.verdict == "ineligible"
    assert len(result.unmet) == 1 and len(result.unknown) == 2


def test_no_conditions_is_eligible_with_no_results() -> None:
    result = evaluate(Eligibility(preferences=["※ 우대: 청년 대표자"]), profile(), AS_OF)
    assert result.verdict == "eligible"
    assert result.results == ()


def test_every_stated_condition_gets_exactly_one_result() -> None:
    eligibility = Eligibility(
        regions=["11"],
        status_allowed=["operating"],
        business_age_max=AgeBound(months=84, inclusive=False),
        business_age_min=AgeBound(months=12, inclusive=True),
        rep_age_min=20,
        rep_age_max=39,
        employees_max=Bound(n=5, inclusive=False),
        employees_min=Bound(n=1, inclusive=True),
        revenue_max_krw=Bound(n=10**9, inclusive=True),
        revenue_min_krw=Bound(n=0, inclusive=True),
        industries_include=["I"],
        industries_exclude=["C"],
        traits_required=["woman_owned"],
        soho_only=True,
    )
    prof = profile(
        founded_on=dt.date(2022, 1, 1),
        representative_age=35,
        employees=3,
        annual_revenue_krw=300_000_000,
        industry="I",
        traits=["woman_owned"],
    )
    result = evaluate(eligibility, prof, AS_OF)
    assert sorted(r.key for r in result.results) == sorted(eligibility.condition_keys())
    assert result.verdict == "eligible"
    assert all(
        r.reason.startswith(("지역", "사업 상태", "업력", "대표자", "상시", "매출", "업종", "자격", "소상공인"))
        for r in result.results
    )
