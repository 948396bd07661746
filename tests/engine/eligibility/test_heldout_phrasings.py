"""Phrasings from real notices that differ from the dev set: each is read by a general rule, not a string."""

from __future__ import annotations

from typing import Any

import pytest

from engine.domain import AgeBound, Bound
from engine.eligibility import extract_eligibility, parse_window


def _conditions(line: str, *, title: str = "2026년 지원사업 공고", **kwargs: Any) -> dict[str, Any]:
    found = extract_eligibility(title=title, text="☞ " + line, **kwargs)
    return {key: getattr(found, key) for key in found.condition_keys()}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("사업 개시일로부터 5년이 경과하지 않은 기업", {"business_age_max": AgeBound(months=60, inclusive=False)}),
        ("사업 개시일로부터 7년이 지나지 아니한 기업", {"business_age_max": AgeBound(months=84, inclusive=False)}),
        ("설립 후 5년을 초과하지 않은 기업", {"business_age_max": AgeBound(months=60, inclusive=True)}),
        ("설립 후 3년 이하 기업", {"business_age_max": AgeBound(months=36, inclusive=True)}),
        ("개업일 기준 6개월 이상 경과한 자", {"business_age_min": AgeBound(months=6, inclusive=True)}),
        (
            "업력 1년 초과 7년 이내 창업기업",
            {
                "business_age_min": AgeBound(months=12, inclusive=False),
                "business_age_max": AgeBound(months=84, inclusive=True),
            },
        ),
    ],
)
def test_business_age_wordings(line: str, expected: dict[str, Any]) -> None:
    assert _conditions(line) == expected


def test_birth_date_bounds_become_ages_in_the_notice_year() -> None:
    assert _conditions("1987. 1. 1. 이후 출생자", title="2026 청년 창업 지원") == {"rep_age_max": 39}
    assert _conditions("1990년 이후 출생자", title="2026 청년 창업 지원") == {"rep_age_max": 36}
    assert _conditions("1987. 1. 1. 이후 출생자", title="청년 창업 지원") == {}  # no year: no guess
    both = _conditions("만 39세 이하(1986년 1월 1일 이후 출생자) 대표자", title="2025 청년 창업 지원")
    assert both == {"rep_age_max": 39}


def test_an_exclusion_said_as_not_being_the_target() -> None:
    assert _conditions("사업자 대표자\n※ 예비창업자는 신청 대상이 아닙니다.")["status_allowed"] == ["operating"]


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("공고일 현재 사업자등록을 완료한 자", ["operating"]),
        ("공고일 현재 사업자등록이 되어 있는 자", ["operating"]),
        ("사업자등록 전인 자", ["pre_founder"]),
    ],
)
def test_registration_wordings(line: str, status: list[str]) -> None:
    assert _conditions(line)["status_allowed"] == status


def test_industry_wordings() -> None:
    assert _conditions("제조업을 주된 업종으로 영위하는 중소기업") == {"industries_include": ["C"]}
    assert _conditions("정보통신업(J) 영위 기업") == {"industries_include": ["J"]}
    assert _conditions("제조업(한국표준산업분류 C) 영위 기업") == {"industries_include": ["C"]}
    # '지식서비스업' is no KSIC section: the admitted list is not closed, so no include condition.
    assert "industries_include" not in _conditions("제조업 또는 지식서비스업을 영위하는 중소기업")
    # '영위 중소기업' is not '영위 중' (operating).
    assert "status_allowed" not in _conditions("제조업 영위 중소기업")


def test_the_source_target_label_is_not_a_soho_condition() -> None:
    found = extract_eligibility(title="고용 지원", text="소상공인\n☞ 상시 종업원 수 5명 미만 사업자", target="소상공인")
    assert found.soho_only is False
    assert found.employees_max == Bound(n=5, inclusive=False)


def test_relocation_target_does_not_restrict_the_current_region() -> None:
    line = "업력 3년 미만 창업기업으로서 춘천시 소재 보육센터로 이전이 가능한 기업"
    assert "regions" not in _conditions(line, region_hint="전국")
    assert "regions" not in _conditions("대전광역시 소재 창업보육센터에 입주 예정인 기업")
    assert _conditions("충청남도로 이전한 기업")["regions"] == ["44"]


def test_region_groups_and_offices() -> None:
    assert _conditions("충청권 소재 사회적기업 인증 기업")["regions"] == ["30", "36", "43", "44"]
    assert _conditions("공고일 현재 경상남도에 주사무소를 둔 기업")["regions"] == ["48"]


def test_traits_permitted_are_not_required() -> None:
    assert "traits_required" not in _conditions("소상공인확인서 보유 소상공인\n※ 폐업 후 재창업자도 신청 가능")
    assert _conditions("인증 사회적기업")["traits_required"] == ["social_enterprise"]


def test_funds_exhausted_windows_are_always_open() -> None:
    assert parse_window("자금 소진 시 조기 마감").kind == "always"
    assert parse_window("상시모집 (자금 소진 시 조기 마감)").kind == "always"
    assert parse_window("2026. 11. 3. ~ 11. 20. (예산 소진 시 조기 마감)").kind == "dated"
