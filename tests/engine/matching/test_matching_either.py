"""Either-of traits and requirements no profile field expresses: outcomes, wording and the next question."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.domain import Eligibility, Profile, Window
from engine.matching import Candidate, evaluate, explain, next_question, question_text, recommend

AS_OF = dt.date(2026, 11, 10)
EITHER = Eligibility(traits_any=["woman_owned", "disabled_owned"], evidence={"traits_any": "여성기업 또는 장애인기업"})
WITH_MAINBIZ = Eligibility(traits_any=["venture_certified", "innobiz", "메인비즈"])


def profile(**fields: Any) -> Profile:
    return Profile(**({"status": "operating", "region": "서울"} | fields))


def test_either_of_is_met_when_any_alternative_is_met() -> None:
    result = evaluate(EITHER, profile(traits=["disabled_owned"]), AS_OF)
    assert result.verdict == "eligible"
    assert result.met == [
        "자격 요건 충족: 장애인기업 (다음 중 하나: 여성기업, 장애인기업) (공고: '여성기업 또는 장애인기업')"
    ]


def test_either_of_is_unmet_only_when_every_alternative_is_unmet() -> None:
    result = evaluate(EITHER, profile(traits=["exporter"]), AS_OF)
    assert result.verdict == "ineligible"
    assert "여성기업, 장애인기업 중 하나가 필요합니다" in result.unmet[0]


def test_either_of_is_unknown_when_traits_were_not_asked() -> None:
    result = evaluate(EITHER, profile(), AS_OF)
    assert result.verdict == "unknown"
    assert result.unknown_fields == ["traits"]


def test_an_alternative_no_trait_states_makes_either_of_unknown_not_unmet() -> None:
    assert evaluate(WITH_MAINBIZ, profile(traits=[]), AS_OF).verdict == "unknown"
    assert evaluate(WITH_MAINBIZ, profile(traits=["innobiz"]), AS_OF).verdict == "eligible"
    unknown = evaluate(WITH_MAINBIZ, profile(traits=["exporter"]), AS_OF)
    assert unknown.unknown_fields == ["unknowable:메인비즈"]


def test_an_unknowable_requirement_is_never_eligible_and_never_rules_out() -> None:
    el = Eligibility(unknowable=["세대주"], regions=["11"])
    assert evaluate(el, profile(traits=["woman_owned"]), AS_OF).verdict == "unknown"
    assert evaluate(el, profile(region="부산"), AS_OF).verdict == "ineligible"
    result = evaluate(el, profile(), AS_OF)
    assert result.unknown == ["'세대주' 요건은 프로필 정보로 판단할 수 없습니다. 해당하시는지 확인해 주세요."]


def _cand(pid: str, el: Eligibility) -> Candidate:
    return Candidate(
        program_id=pid,
        source_ids=(pid,),
        title=pid,
        organization=None,
        url=None,
        window=Window(kind="always"),
        eligibility=el,
        needs=(),
        category=None,
        support_types=(),
        tokens=(),
    )


def test_the_next_question_asks_an_unknowable_requirement_when_it_settles_the_most_programs() -> None:
    candidates = [_cand(str(i), Eligibility(unknowable=["세대주"])) for i in range(3)]
    candidates.append(_cand("x", Eligibility(rep_age_max=39)))
    matches = recommend(profile(traits=[]), candidates, as_of=AS_OF)
    assert next_question(matches) == "unknowable:세대주"
    assert "'세대주'" in question_text("unknowable:세대주")
    assert "'세대주' 해당 여부" in explain(matches[0])
