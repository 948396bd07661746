"""Wordings found by the third held-out set (tests/fixtures/heldout3): long, flattened, messy notices."""

from __future__ import annotations

from typing import Any

from engine.domain import AgeBound, Bound
from engine.eligibility import extract_eligibility
from engine.eligibility.segments import split_embedded


def _conditions(text: str, *, title: str = "2026년 지원사업 공고", **kwargs: Any) -> dict[str, Any]:
    found = extract_eligibility(title=title, text=text, **kwargs)
    return {key: getattr(found, key) for key in found.condition_keys()}


def test_bullets_glued_to_a_header_open_a_new_item() -> None:
    assert split_embedded("□ 지원제외 대상○ 유흥·사행업, 부동산업 영위자") == [
        "□ 지원제외 대상",
        "○ 유흥·사행업, 부동산업 영위자",
    ]
    assert split_embedded("○ 소상공인(※ 확인서 필요) 대상") == ["○ 소상공인(※ 확인서 필요) 대상"]
    found = _conditions(
        "□ 지원대상\n○ 상시근로자 1인 이상 50인 미만 중소기업\n□ 지원제외 대상○ 숙박 및 음식점업, 부동산업 영위 기업"
    )
    assert found["industries_exclude"] == ["I", "L"]
    assert "industries_include" not in found


def test_a_note_on_the_same_line_keeps_its_own_polarity() -> None:
    found = _conditions(
        "○ 창원시 관내에 공장등록을 한 제조기업으로서 상시근로자 50인 이하인 기업"
        " ※ 전년도 수출실적 100만불 이상 기업은 제외"
    )
    assert found["employees_max"] == Bound(n=50, inclusive=True)
    assert found["industries_include"] == ["C"]
    young = _conditions(
        "○ 공고일 기준 창업 3년 이내 기업 (예비창업자 제외)"
        " ※ 「중소기업창업 지원법」에 따른 창업 제외 업종 영위 기업은 신청 불가"
    )
    assert young["business_age_max"] == AgeBound(months=36, inclusive=True)
    assert "business_age_min" not in young


def test_scoring_tables_and_selection_sections_are_preferences() -> None:
    text = (
        "□ 지원대상\n○ 제조업을 영위하는 중소기업\n□ 선정방법\n○ 서면평가 후 선정\n"
        "| 구분 | 가점 항목 | 배점 |\n| 1 | 여성기업확인서 보유 기업 | 2점 |\n"
        "| 2 | 대표자가 만 39세 이하인 청년 기업 | 1점 |"
    )
    assert _conditions(text) == {"industries_include": ["C"]}
    assert _conditions("○ 제조업 영위 기업\n| 1 | 장애인기업확인서 보유 기업 | 2점 |") == {"industries_include": ["C"]}


def test_ages_and_head_counts_of_other_parties_are_no_conditions() -> None:
    hire = _conditions("○ 채용 대상 청년: 만 15세 이상 34세 이하로서 6개월 이상 실업 상태인 자")
    assert "rep_age_max" not in hire and "rep_age_min" not in hire
    assert "employees_min" not in _conditions("※ 참여 직원 수 5명 이상을 전담 인력으로 배정할 수 있어야 함")
    assert "employees_min" not in _conditions("※ 해외 마케팅 담당 직원 2인 이상 참여 필수")


def test_representative_age_before_a_size_aside() -> None:
    found = _conditions(
        "○ 대표자 만 50세 이상인 소상공인(상시근로자 5인 미만, 단, 제조업은 10인 미만) ※ 예비창업자는 신청 불가"
    )
    assert found["rep_age_min"] == 50
    assert found["soho_only"] is True
    assert found["status_allowed"] == ["operating"]
    assert "employees_max" not in found


def test_a_relocation_target_with_a_parenthetical_is_no_region() -> None:
    found = _conditions(
        "입주 즉시 강원특별자치도 원주시 소재 보육센터로 사업장(본점 또는 지점) 이전이 가능한"
        " 예비창업자 및 창업 5년 미만 기업"
    )
    assert "regions" not in found
    assert found["business_age_max"] == AgeBound(months=60, inclusive=False)


def test_a_mentors_age_is_no_representative_age() -> None:
    assert "rep_age_min" not in _conditions("○ 멘토 자격: 만 40세 이상 경력 10년 이상 전문가")


def test_a_section_head_before_the_head_count_keeps_the_size_bound() -> None:
    assert _conditions("○ 참여 대상: 상시근로자 5인 이상 기업")["employees_min"] == Bound(n=5, inclusive=True)
    assert _conditions("○ 모집 대상: 상시근로자 50인 미만 기업")["employees_max"] == Bound(n=50, inclusive=False)
