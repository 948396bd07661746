"""K-Startup's structured bands fill every condition the notice's text leaves unstated (merge_structured)."""

from __future__ import annotations

from engine.domain import AgeBound, Eligibility
from engine.eligibility import extract_eligibility
from engine.eligibility.structured import merge_structured

BANDS = Eligibility(
    business_age_max=AgeBound(months=36, inclusive=False),
    rep_age_min=20,
    rep_age_max=39,
    regions=["26"],
    evidence={"business_age_max": "업력: 예비창업자,1년미만,2년미만,3년미만", "regions": "지원지역: 부산"},
)


def test_bands_fill_the_age_the_text_leaves_unstated_beside_a_stated_age_range() -> None:
    text = extract_eligibility(title="청년 창업 성장 패키지", text="공고일 기준 만 39세 이하 청년 창업자")
    merged = merge_structured(text, BANDS)
    assert merged.business_age_max == AgeBound(months=36, inclusive=False)
    assert merged.rep_age_max == 39 and merged.rep_age_min == 20
    assert merged.evidence["business_age_max"].startswith("업력:")


def test_the_texts_own_words_win_over_a_coarse_band() -> None:
    text = extract_eligibility(title="IP 바우처", text="예비창업자 또는 창업 3년 이내 기업")
    merged = merge_structured(text, BANDS)
    assert merged.business_age_max == AgeBound(months=36, inclusive=True)


def test_the_source_region_field_wins_over_place_names_in_the_text() -> None:
    text = extract_eligibility(title="[서울] 창업 지원", text="서울 소재 창업기업")
    assert merge_structured(text, BANDS).regions == ["26"]


def test_a_bare_pre_founder_target_gives_way_to_bands_that_admit_young_businesses() -> None:
    text = extract_eligibility(title="청년 창업 지원", text="만 39세 이하 청년 예비창업자")
    assert text.status_allowed == ["pre_founder"]
    assert merge_structured(text, BANDS).status_allowed is None


def test_an_explicit_no_registration_target_keeps_pre_founders_only() -> None:
    text = extract_eligibility(title="예비창업 도전", text="만 29세 이하 청년 예비창업자 (사업자등록 이전인 자)")
    assert merge_structured(text, BANDS).status_allowed == ["pre_founder"]
