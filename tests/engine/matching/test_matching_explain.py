"""Template explanations (2–3 plain Korean sentences) and the next question to ask."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from engine.domain import AgeBound, Eligibility, Profile, Window
from engine.matching import Candidate, Match, explain, next_question, question_text, recommend

AS_OF = dt.date(2026, 10, 15)


def cand(pid: str, eligibility: Eligibility, window: Window | None = None, needs: tuple[str, ...] = ()) -> Candidate:
    return Candidate(
        pid, (pid,), f"사업 {pid}", None, None, window or Window(kind="always"), eligibility, needs, None, (), ()
    )


def profile(**fields: Any) -> Profile:
    base: dict[str, Any] = {"status": "operating", "region": "서울", "needs": ["working_capital"]}
    return Profile(**(base | fields))


def only(prof: Profile, candidate: Candidate) -> Match:
    (match,) = recommend(prof, [candidate], as_of=AS_OF, include_ineligible=True)
    return match


def sentences(text: str) -> int:
    return text.count(". ") + (1 if text.endswith(".") else 0)


def test_eligible_explanation_names_the_conditions_the_need_and_the_days_left() -> None:
    window = Window(kind="dated", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    eligibility = Eligibility(regions=["11"], soho_only=True)
    match = only(profile(employees=3, industry="I"), cand("a", eligibility, window, ("working_capital",)))
    text = explain(match)
    assert text == (
        "지역, 소상공인(상시근로자 5인 미만 사업자) 조건을 모두 충족해 신청할 수 있는 것으로 보입니다. "
        "찾으시는 분야(운전자금)에 맞는 사업입니다. 마감: 2026-10-31, 16일 남음."
    )
    assert match.explanation == text


def test_soho_label_names_the_10_person_cap_for_manufacturers() -> None:
    match = only(profile(employees=8, industry="C"), cand("a", Eligibility(soho_only=True)))
    assert "소상공인(상시근로자 10인 미만 사업자)" in match.explanation


def test_unknown_explanation_says_what_to_add() -> None:
    eligibility = Eligibility(business_age_max=AgeBound(months=84, inclusive=False), soho_only=True)
    match = only(profile(), cand("a", eligibility))
    assert match.evaluation.verdict == "unknown"
    assert match.explanation.startswith("맞지 않는 조건은 없지만 업력, 소상공인(상시근로자 5인 미만 사업자) 요건은")
    assert "개업일, 상시근로자 수를 알려 주셔야 판단할 수 있습니다." in match.explanation
    assert "상시 접수 중입니다" in match.explanation


def test_ineligible_explanation_gives_the_failing_condition() -> None:
    eligibility = Eligibility(business_age_max=AgeBound(months=84, inclusive=False))
    match = only(profile(founded_on=dt.date(2019, 10, 15)), cand("a", eligibility))
    assert match.explanation.startswith(
        "업력 조건이 맞지 않아 신청하기 어렵습니다: 2019-10-15 개업 → 7년 (기준: 7년 미만)."
    )


def test_explanation_covers_today_upcoming_and_undated_windows() -> None:
    prof = profile()
    today = only(prof, cand("a", Eligibility(), Window(kind="dated", end=AS_OF)))
    assert today.explanation.endswith("마감: 2026-10-15, 오늘 마감입니다.")
    upcoming = only(prof, cand("b", Eligibility(), Window(kind="dated", start=dt.date(2026, 11, 1))))
    assert upcoming.explanation.endswith("접수 시작: 2026-11-01(17일 후).")
    undated = only(prof, cand("c", Eligibility(), Window(kind="dated", start=dt.date(2026, 10, 1))))
    assert undated.explanation.endswith("지금 접수 중이며 마감일은 공고에 나와 있지 않습니다.")
    assert today.explanation.startswith("공고에 따로 정한 자격 조건이 없어")


def test_explanations_are_two_or_three_sentences() -> None:
    window = Window(kind="dated", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    for eligibility in (Eligibility(), Eligibility(soho_only=True), Eligibility(regions=["26"])):
        match = only(profile(), cand("a", eligibility, window, ("working_capital",)))
        assert 2 <= sentences(match.explanation) <= 3, match.explanation


def test_explain_accepts_an_explicit_as_of() -> None:
    match = only(profile(), cand("a", Eligibility(), Window(kind="dated", end=dt.date(2026, 10, 31))))
    assert explain(replace(match, as_of=None), dt.date(2026, 10, 30)).endswith("1일 남음.")


# -- next question ---------------------------------------------------------------------------------------------


def test_next_question_picks_the_field_deciding_the_most_unknown_verdicts() -> None:
    candidates = [
        cand("a", Eligibility(soho_only=True)),
        cand("b", Eligibility(employees_max=None, soho_only=True, rep_age_max=39)),
        cand("c", Eligibility(business_age_max=AgeBound(months=84, inclusive=False))),
    ]
    matches = recommend(profile(), candidates, as_of=AS_OF)
    assert next_question(matches) == "employees"


def test_next_question_breaks_ties_by_the_fixed_priority() -> None:
    candidates = [
        cand("a", Eligibility(rep_age_max=39)),
        cand("b", Eligibility(business_age_max=AgeBound(months=84, inclusive=False))),
        cand("c", Eligibility(industries_include=["C"])),
    ]
    assert next_question(recommend(profile(), candidates, as_of=AS_OF)) == "founded_on"
    assert next_question(recommend(profile(), candidates[::2], as_of=AS_OF)) == "industry"


def test_next_question_ignores_ineligible_results_and_returns_none_without_unknowns() -> None:
    candidates = [cand("a", Eligibility(regions=["26"], soho_only=True)), cand("b", Eligibility())]
    assert next_question(recommend(profile(), candidates, as_of=AS_OF, include_ineligible=True)) is None
    assert next_question([]) is None


def test_next_question_looks_only_at_the_top_results() -> None:
    matches = recommend(profile(), [cand("a", Eligibility()), cand("b", Eligibility(rep_age_max=39))], as_of=AS_OF)
    assert next_question(matches, top=1) is None
    assert next_question(matches) == "representative_age"
    assert question_text("founded_on").startswith("사업자등록증의 개업일")


def test_explanation_states_a_products_terms_and_their_date() -> None:
    from engine.domain import Funding

    product = replace(
        cand("fund", Eligibility(), needs=("working_capital",)),
        funding=Funding(max_amount_krw=70_000_000, interest_rate="기준금리 + 0.6%p", as_of=dt.date(2026, 7, 1)),
    )
    text = explain(only(profile(), product))
    assert "지원 조건: 최대 7,000만원, 금리 기준금리 + 0.6%p (2026-07-01 기준)." in text
