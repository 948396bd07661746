"""Property tests: evaluate never raises and its verdict always agrees with its results."""

from __future__ import annotations

import datetime as dt
import typing

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain import AgeBound, Bound, BusinessStatus, Eligibility, Need, Profile, Trait, Window
from engine.matching import add_months, evaluate, explain, months_between, recommend, verdict_of
from engine.matching.model import Candidate
from engine.regions import ALL_SIDO

CODES = [*sorted(ALL_SIDO), "42", "45"]
LETTERS = [chr(c) for c in range(ord("A"), ord("V"))]
TRAITS = list(typing.get_args(Trait))
NEEDS = list(typing.get_args(Need))
STATUSES = list(typing.get_args(BusinessStatus))
DATES = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))

bounds = st.builds(Bound, n=st.integers(min_value=-5, max_value=10**12), inclusive=st.booleans())
age_bounds = st.builds(AgeBound, months=st.integers(min_value=0, max_value=1200), inclusive=st.booleans())
eligibilities = st.builds(
    Eligibility,
    regions=st.none() | st.lists(st.sampled_from(CODES), max_size=18),
    status_allowed=st.none() | st.lists(st.sampled_from(STATUSES), max_size=2),
    business_age_max=st.none() | age_bounds,
    business_age_min=st.none() | age_bounds,
    rep_age_min=st.none() | st.integers(min_value=0, max_value=130),
    rep_age_max=st.none() | st.integers(min_value=0, max_value=130),
    employees_max=st.none() | bounds,
    employees_min=st.none() | bounds,
    revenue_max_krw=st.none() | bounds,
    revenue_min_krw=st.none() | bounds,
    industries_include=st.none() | st.lists(st.sampled_from(LETTERS), max_size=4),
    industries_exclude=st.none() | st.lists(st.sampled_from(LETTERS), max_size=4),
    traits_required=st.none() | st.lists(st.sampled_from(TRAITS), max_size=3),
    traits_any=st.none() | st.lists(st.sampled_from([*TRAITS, "메인비즈"]), max_size=4),
    unknowable=st.none() | st.lists(st.sampled_from(["세대주", "경력 5년 이상"]), max_size=2),
    soho_only=st.booleans(),
    evidence=st.dictionaries(st.sampled_from(["regions", "soho_only", "business_age_max"]), st.text(max_size=20)),
)
profiles = st.builds(
    Profile,
    status=st.sampled_from(STATUSES),
    region=st.sampled_from(sorted(ALL_SIDO)),
    industry=st.none() | st.sampled_from(LETTERS),
    founded_on=st.none() | DATES,
    employees=st.none() | st.integers(min_value=0, max_value=10**6),
    annual_revenue_krw=st.none() | st.integers(min_value=0, max_value=10**13),
    representative_age=st.none() | st.integers(min_value=14, max_value=120),
    traits=st.none() | st.lists(st.sampled_from(TRAITS), unique=True),
    needs=st.lists(st.sampled_from(NEEDS), unique=True),
)


@settings(max_examples=300, deadline=None)
@given(eligibility=eligibilities, profile=profiles, as_of=DATES)
def test_evaluate_never_raises_and_the_verdict_follows_the_results(
    eligibility: Eligibility, profile: Profile, as_of: dt.date
) -> None:
    result = evaluate(eligibility, profile, as_of)
    assert verdict_of(eligibility, profile, as_of) == result.verdict
    outcomes = {r.outcome for r in result.results}
    expected = "ineligible" if "unmet" in outcomes else "unknown" if "unknown" in outcomes else "eligible"
    assert result.verdict == expected
    assert all(r.reason for r in result.results)
    assert all(r.profile_field for r in result.results if r.outcome == "unknown")
    assert {r.key for r in result.results} <= set(eligibility.condition_keys())


@settings(max_examples=150, deadline=None)
@given(eligibility=eligibilities, profile=profiles, as_of=DATES)
def test_a_missing_field_never_turns_a_condition_met(
    eligibility: Eligibility, profile: Profile, as_of: dt.date
) -> None:
    bare = Profile(status="operating", region=profile.region)
    for result in evaluate(eligibility, bare, as_of).results:
        if result.key not in {"regions", "status_allowed"}:
            assert result.outcome != "met"


@settings(max_examples=100, deadline=None)
@given(eligibility=eligibilities, profile=profiles, start=st.none() | DATES, end=st.none() | DATES)
def test_recommend_and_explain_never_raise(
    eligibility: Eligibility, profile: Profile, start: dt.date | None, end: dt.date | None
) -> None:
    window = Window(kind="dated", start=start, end=end)
    cand = Candidate("x:1", ("x:1",), "사업", None, None, window, eligibility, ("startup",), "창업", (), ())
    for match in recommend(profile, [cand], as_of=dt.date(2026, 10, 15), include_ineligible=True):
        assert explain(match)
        tier = {"eligible": 2, "unknown": 1, "ineligible": 0}[match.evaluation.verdict]
        assert tier <= match.score < tier + 1  # relevance never crosses a verdict tier


@given(day=DATES, months=st.integers(min_value=0, max_value=600))
def test_add_months_then_months_between_round_trips(day: dt.date, months: int) -> None:
    later = add_months(day, months)
    assert months_between(day, later) == months
    assert later.day <= day.day
