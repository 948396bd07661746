"""Language rules of the fourth held-out set: either-of targets, a notice's own employee limit, presupposed
operation and requirements no profile field can express."""

from __future__ import annotations

from typing import Any

import pytest

from engine.domain import AgeBound, Bound
from engine.eligibility import extract_eligibility


def conditions(text: str, title: str = "2026년 지원사업 공고") -> dict[str, Any]:
    found = extract_eligibility(title=title, text=text)
    return {key: getattr(found, key) for key in found.condition_keys()}


@pytest.mark.parametrize(
    ("text", "alternatives"),
    [
        ("○ 여성기업 또는 장애인기업", ["woman_owned", "disabled_owned"]),
        ("○ 벤처·이노비즈·메인비즈 인증을 보유한 중소기업", ["venture_certified", "innobiz", "메인비즈"]),
        ("○ 수출실적이 있는 중소기업 또는 여성·장애인기업", ["exporter", "woman_owned", "disabled_owned"]),
        ("벤처기업, 이노비즈, 메인비즈 중 하나 이상의 인증 보유", ["venture_certified", "innobiz", "메인비즈"]),
    ],
)  # fmt: skip
def test_alternatives_joined_in_one_clause_are_either_of(text: str, alternatives: list[str]) -> None:
    found = conditions(text)
    assert found["traits_any"] == alternatives
    assert "traits_required" not in found


def test_items_under_an_any_one_of_head_are_either_of() -> None:
    found = conditions(
        "□ 지원대상\n○ 경기도에 소재한 기업으로서 다음 각 호의 어느 하나에 해당하는 자\n"
        "  1. 「사회적기업 육성법」에 따라 인증받은 사회적기업\n  2. 여성기업확인서를 보유한 기업\n"
        "  3. 장애인기업확인서를 보유한 기업\n□ 지원내용\n○ 입점 수수료 지원"
    )
    assert found["traits_any"] == ["social_enterprise", "woman_owned", "disabled_owned"]
    assert "traits_required" not in found


def test_a_requirement_to_hold_every_listed_certificate_stays_all_of() -> None:
    found = conditions("○ 벤처기업 확인 및 이노비즈 인증을 모두 보유한 중소기업")
    assert "traits_any" not in found
    assert set(found["traits_required"]) == {"venture_certified", "innobiz"}


def test_the_ministry_name_is_no_venture_alternative() -> None:
    found = conditions(
        "중소벤처기업부는 장애인기업의 성장을 위하여 공고합니다.\n☞ 장애인기업확인서를 보유한 소상공인 및 중소기업"
    )
    assert found["traits_required"] == ["disabled_owned"]
    assert "traits_any" not in found


def test_a_notices_own_limit_for_every_industry_replaces_the_soho_definition() -> None:
    found = conditions("○ 대구광역시 소재 소상공인 중 상시근로자 5인 미만 사업자 (업종 무관)")
    assert found["employees_max"] == Bound(n=5, inclusive=False)
    assert "soho_only" not in found
    found = conditions("○ 광주광역시에 사업장을 둔 상시근로자 10인 미만 소상공인 (업종 무관)")
    assert found["employees_max"] == Bound(n=10, inclusive=False)
    assert "soho_only" not in found


def test_running_a_business_is_presupposed_by_its_wording() -> None:
    assert conditions("○ 한부모가족의 세대주로서 서울특별시에서 사업을 영위하는 소상공인")["status_allowed"] == [
        "operating"
    ]
    assert conditions("○ 공고일 현재 사업장을 보유·운영 중인 소상공인")["status_allowed"] == ["operating"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("○ 「한부모가족지원법」에 따른 한부모가족의 세대주로서 사업을 영위하는 자", ["한부모가족", "세대주"]),
        ("○ 창업하려는 업종 분야의 경력 5년 이상인 예비창업자 또는 창업 1년 이내 기업의 대표", ["경력 5년 이상"]),
        ("  - 미용사 국가기술자격증을 소지하고, 창업교육을 12시간 이상 이수한 자", ["자격증 소지", "교육 이수"]),
        ("○ 전라남도 내 전통시장·상점가에서 현재 영업 중인 점포의 상인", ["전통시장·상점가 점포"]),
        ("○ 경영혁신형 중소기업(메인비즈) 확인서를 보유한 중소기업", ["메인비즈"]),
    ],
)  # fmt: skip
def test_requirements_no_profile_field_expresses_are_unknowable(text: str, words: list[str]) -> None:
    assert conditions(text)["unknowable"] == words


def test_a_career_is_no_business_age() -> None:
    found = conditions("○ 창업하려는 업종 분야의 경력 5년 이상인 예비창업자 또는 창업 1년 이내 기업의 대표")
    assert found["business_age_max"] == AgeBound(months=12, inclusive=True)
    assert "business_age_min" not in found


def test_obligations_after_selection_and_hires_careers_are_no_requirement() -> None:
    assert "unknowable" not in conditions("○ 선정 후 창업교육을 12시간 이수하여야 함")
    assert "unknowable" not in conditions("○ 경력 3년 이상 기술인력을 채용하는 중소기업")


def test_a_listed_alternative_that_names_no_trait_is_no_requirement_of_its_own() -> None:
    found = conditions(
        "○ 다음 각 호의 어느 하나에 해당하는 자\n  1. 여성기업확인서를 보유한 기업\n  2. 대표자가 만 39세 이하인 기업"
    )
    assert found["traits_any"] == ["woman_owned", "대표자가 만 39세 이하인 기업"]
    assert "rep_age_max" not in found and "traits_required" not in found


def test_alternatives_named_in_the_terms_of_support_are_no_target() -> None:
    found = conditions("☞ 업체당 최대 5억원, 협약은행 대출금리에서 연 2.0%p 이차보전 (장애인기업·여성기업 2.5%p)")
    assert "traits_any" not in found
