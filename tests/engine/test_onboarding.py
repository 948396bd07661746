"""Profile drafts from free text: rules offline, the gateway's reading when a provider answers."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.onboarding import ProfileDraft, draft_profile, rule_draft

TODAY = dt.date(2026, 11, 26)


def test_cafe_owner_description_yields_a_complete_profile() -> None:
    text = "강남구에서 4년째 카페를 운영하고 있고, 직원은 3명입니다. 저는 34살이고 매출은 연 2억 4천만원 정도예요."
    draft = draft_profile(text, today=TODAY)
    assert draft.provider == "offline"
    assert draft.fields["status"] == "operating"
    assert (draft.fields["region"], draft.fields["district"]) == ("11", "강남구")
    assert draft.fields["industry"] == "I"
    assert draft.fields["employees"] == 3
    assert draft.fields["representative_age"] == 34
    assert draft.fields["annual_revenue_krw"] == 240_000_000
    assert draft.fields["founded_on"] == "2023-11-01"  # the 4th year: 3 full years
    assert draft.missing == []
    assert draft.profile() is not None


def test_prefounder_in_a_city_gets_its_province_and_no_founding_date() -> None:
    draft = draft_profile("수원에서 반려동물 돌봄 앱으로 창업을 준비하고 있습니다. 27세입니다.", today=TODAY)
    assert draft.fields["status"] == "pre_founder"
    assert (draft.fields["region"], draft.fields["district"]) == ("41", "수원시")
    assert draft.fields["industry"] == "J"
    assert "founded_on" not in draft.fields and "founded_on" not in draft.missing


def test_missing_facts_are_listed_not_guessed() -> None:
    draft = draft_profile("온라인으로 옷을 팔고 싶어요", today=TODAY)
    assert "region" in draft.missing and "status" in draft.missing
    assert draft.profile() is None


@pytest.mark.parametrize("text", ["", "ㅋㅋㅋ", "999세 직원 -3명 2099년 창업", "서울" * 500])
def test_rules_never_raise_and_only_offer_contract_valid_fields(text: str) -> None:
    draft = draft_profile(text, today=TODAY)
    assert isinstance(draft, ProfileDraft)
    assert "representative_age" not in draft.fields or 14 <= draft.fields["representative_age"] <= 120


def test_rule_draft_reads_a_founding_year_and_month() -> None:
    found = rule_draft("부산광역시에서 2019년 3월에 창업한 제조업체, 상시근로자 8명", today=TODAY)
    assert (found["region"], found["industry"], found["employees"], found["founded_on"]) == ("26", "C", 8, "2019-03-01")


@pytest.mark.parametrize(
    ("text", "founded"),
    [
        ("강남구에서 2021년부터 카페를 운영합니다 34살", "2021-01-01"),
        ("2019년 3월부터 수원에서 식당 영업 중", "2019-03-01"),
    ],
)
def test_a_year_the_business_has_run_since_is_its_founding_year_not_a_count_of_years(text: str, founded: str) -> None:
    assert rule_draft(text, today=TODAY)["founded_on"] == founded
