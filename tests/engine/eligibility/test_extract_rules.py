"""extract_eligibility on phrasings from real Korean notices beyond the dev set, and on distractors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain import AgeBound, Bound, Eligibility
from engine.eligibility import extract_eligibility

ALL_TAGS = "서울,부산,대구,인천,전남광주,대전,울산,세종,경기,강원,충북,충남,전북,경북,경남,제주".split(",")


def ext(text: str, title: str = "2026년 지원사업 공고", **kwargs: Any) -> Eligibility:
    return extract_eligibility(title=title, text=text, **kwargs)


# --- 업력 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "months", "inclusive"),
    [
        ("☞ 창업 후 7년 이내 중소기업", "business_age_max", 84, True),
        ("☞ 업력 7년 미만 기업", "business_age_max", 84, False),
        ("☞ 공고일 기준 설립 5년 미만 법인", "business_age_max", 60, False),
        ("☞ 창업일로부터 3년 이내인 기업", "business_age_max", 36, True),
        ("☞ 개업일로부터 1년 이하인 소상공인", "business_age_max", 12, True),
        ("☞ 사업 개시일로부터 3년이 지나지 않은 자", "business_age_max", 36, False),
        ("☞ 창업한 지 5년 이내인 기업", "business_age_max", 60, True),
        ("☞ 7년 미만의 (예비)창업기업", "business_age_max", 84, False),
        ("☞ 3년 이내 창업기업", "business_age_max", 36, True),
        ("☞ 재창업 후 업력 7년 미만인 자", "business_age_max", 84, False),
        ("☞ 창업 후 2년 3개월 미만 기업", "business_age_max", 27, False),
        ("- 사업자등록 후 3개월 이상 경과한 업체", "business_age_min", 3, True),
        ("- 업력 1년 이상 중소기업", "business_age_min", 12, True),
        ("- 창업 3년 초과 기업", "business_age_min", 36, False),
        ("- 공고일 현재 6개월 이상 영업 중인 소상공인", "business_age_min", 6, True),
        ("- 사업자등록 후 1년 이상 경과한 기업", "business_age_min", 12, True),
    ],
)
def test_business_age(text: str, field: str, months: int, inclusive: bool) -> None:
    assert getattr(ext(text), field) == AgeBound(months=months, inclusive=inclusive)


def test_business_age_range_and_exclusion() -> None:
    elig = ext("☞ 업력 3년 이상 7년 미만 중소기업")
    assert elig.business_age_min == AgeBound(months=36, inclusive=True)
    assert elig.business_age_max == AgeBound(months=84, inclusive=False)
    # An excluded 업력 states the opposite bound.
    assert ext("- 업력 7년 이상 기업은 신청 제외").business_age_max == AgeBound(months=84, inclusive=False)


@pytest.mark.parametrize(
    "text",
    [
        "- 대출기간: 5년(거치 2년 포함)",
        "※ 가점: 최근 2년 이내 정부 주관 창업경진대회 수상자 1점",
        "- 2026. 1. 1. 이후 신규 근로자를 채용하여 3개월 이상 고용을 유지한 사업장",
        "- 최근 3년 이내 동일 사업 지원을 받은 업체",
        "☞ 소상공인확인서 보유 소상공인 (업력 무관)",
        "- 기폐업자 : 신청일 기준 폐업 후 1년 이내인 자",
    ],
)
def test_no_business_age_from_other_periods(text: str) -> None:
    elig = ext(text)
    assert elig.business_age_max is None
    assert elig.business_age_min is None


# --- 대표자 연령 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("☞ 만 39세 이하 예비창업자", None, 39),
        ("☞ 대표자가 만 40세 미만인 소상공인", None, 39),
        ("☞ 대표자 연령 만 40세 이상", 40, None),
        ("☞ 만 19세 이상 39세 이하 청년", 19, 39),
        ("☞ 만 19~39세 청년 창업자", 19, 39),
        ("☞ 청년(만 39세 이하) 대표자", None, 39),
        ("☞ 만 39세 이하(1987. 1. 1. 이후 출생자) 대표자", None, 39),
        ("☞ 만 50세 이상 중장년 예비창업자", 50, None),
    ],
)
def test_rep_age(text: str, lo: int | None, hi: int | None) -> None:
    elig = ext(text)
    assert (elig.rep_age_min, elig.rep_age_max) == (lo, hi)


@pytest.mark.parametrize(
    "text",
    [
        "※ 우대: 청년 대표자",
        "☞ 만 34세 이하 청년을 정규직으로 채용한 중소기업",
        "☞ 취업애로청년(만 15~34세)을 채용하여 6개월 이상 고용을 유지한 기업",
        "- 만 39세 이하 대표자 우대",
    ],
)
def test_no_rep_age_from_preferences_or_employees(text: str) -> None:
    elig = ext(text, hashtags=["청년"])
    assert (elig.rep_age_min, elig.rep_age_max) == (None, None)


# --- 규모 ------------------------------------------------------------------------------------------


def test_employees() -> None:
    assert ext("☞ 상시근로자 5인 미만 사업장").employees_max == Bound(n=5, inclusive=False)
    assert ext("☞ 종업원 5명 이하 업체").employees_max == Bound(n=5, inclusive=True)
    elig = ext("- 상시 근로자 수 10인 이상 50인 미만 중소기업")
    assert (elig.employees_min, elig.employees_max) == (Bound(n=10, inclusive=True), Bound(n=50, inclusive=False))
    assert ext("- 상시근로자 수가 300인 미만인 기업").employees_max == Bound(n=300, inclusive=False)
    assert ext("- 상시근로자 50인 이상 기업은 제외").employees_max == Bound(n=50, inclusive=False)


def test_soho_definition_is_not_an_employee_cap() -> None:
    definition = "- 상시근로자 5인 미만 업체(제조업ㆍ건설업ㆍ운수업ㆍ광업은 10인 미만)"
    elig = ext(f"☞ 「소상공인기본법」 제2조에 따른 소상공인\n{definition}")
    assert elig.soho_only is True
    assert elig.employees_max is None
    assert elig.industries_include is None


@pytest.mark.parametrize(
    ("text", "field", "won", "inclusive"),
    [
        ("- 연 매출액 10억원 이하", "revenue_max_krw", 1_000_000_000, True),
        ("- 연매출 3억 미만 소상공인", "revenue_max_krw", 300_000_000, False),
        ("- 직전년도 매출액이 120억원 이하인 기업", "revenue_max_krw", 12_000_000_000, True),
        ("- 연 매출액 5천만원 이하", "revenue_max_krw", 50_000_000, True),
        ("- 2025년 매출액(부가세 과세표준 기준) 1억 5천만원 미만", "revenue_max_krw", 150_000_000, False),
        ("- 직전년도 매출액 20억원 이상", "revenue_min_krw", 2_000_000_000, True),
    ],
)
def test_revenue(text: str, field: str, won: int, inclusive: bool) -> None:
    assert getattr(ext(text), field) == Bound(n=won, inclusive=inclusive)


@pytest.mark.parametrize(
    "text",
    [
        "☞ 업체당 최대 7천만원 (대리대출)",
        "- 융자한도 : 업체당 최대 5억원 이내",
        "☞ 업체당 최대 3천만원 보증 (보증비율 100%)",
        "- 최근 2년 연속 매출액 10% 이상 증가 기업",
        "※ 문의: 02-2133-5528",
    ],
)
def test_amounts_are_not_revenue(text: str) -> None:
    elig = ext(text)
    assert elig.revenue_max_krw is None
    assert elig.revenue_min_krw is None
    assert elig.condition_keys() == []


# --- 업종 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "include", "exclude"),
    [
        ("☞ 제조업 영위 기업", ["C"], None),
        ("☞ 제조업을 영위하는 중소기업", ["C"], None),
        ("☞ 정보통신업 영위 기업", ["J"], None),
        ("☞ 중소기업 (숙박 및 음식점업 제외)", None, ["I"]),
        ("- 음식점업 제외", None, ["I"]),
        ("- 도소매업 제외", None, ["G"]),
        ("☞ 관내 중소기업(제외 업종: 숙박 및 음식점업, 부동산업)", None, ["I", "L"]),
        ("- 융자제외 업종 영위자는 지원 제외", None, None),
        ("- 유흥주점업, 무도장 운영업 등 가입 제한 업종은 제외", None, None),
        ("☞ 소상공인확인서 보유 소상공인 (업종 무관)", None, None),
    ],
)
def test_industries(text: str, include: list[str] | None, exclude: list[str] | None) -> None:
    elig = ext(text)
    assert (elig.industries_include, elig.industries_exclude) == (include, exclude)


def test_exclusions_kwarg_inverts() -> None:
    elig = ext("☞ 창업 3년 이내 기업", exclusions="예비창업자\n음식점업 영위 기업\n휴·폐업 중인 기업")
    assert elig.status_allowed == ["operating"]
    assert elig.industries_exclude == ["I"]
    assert elig.traits_required is None
    elig = ext("☞ 예비창업자", exclusions="공고일 기준 사업자등록이 있는 자")
    assert elig.status_allowed == ["pre_founder"]


def test_exclusion_block_lines() -> None:
    text = "\n".join(
        ["□ 지원대상", "○ 관내 중소기업", "○ 지원 제외 대상", "- 숙박 및 음식점업", "- 예비창업자", "□ 지원내용"]
    )
    text += "\n○ 제조업 영위 기업 우선"
    elig = ext(text)
    assert elig.industries_exclude == ["I"]
    assert elig.status_allowed == ["operating"]
    assert elig.industries_include is None


# --- 특성 / 소상공인 / 상태 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "trait"),
    [
        ("☞ 여성기업확인서 보유 기업", "woman_owned"),
        ("☞ 「여성기업지원에 관한 법률」 제2조에 따른 여성기업", "woman_owned"),
        ("☞ 장애인기업확인서를 보유한 소상공인", "disabled_owned"),
        ("☞ 폐업 후 재창업한 소상공인", "re_founder"),
        ("☞ 폐업 경험이 있는 예비재창업자", "re_founder"),
        ("☞ 재창업자 및 재창업 기업", "re_founder"),
        ("☞ 재해확인증을 발급받은 중소기업", "disaster_affected"),
        ("☞ 직수출실적 10만 달러 이상 수출기업", "exporter"),
        ("☞ 전년도 수출실적 50만불 이상 기업", "exporter"),
        ("☞ 벤처기업 확인을 받은 기업", "venture_certified"),
        ("☞ 이노비즈 인증 기업", "innobiz"),
        ("☞ 사회적기업 인증을 받은 기업", "social_enterprise"),
        ("☞ 국가유공자 본인이 대표자인 기업", "veteran"),
        ("☞ 수도권에서 지방으로 이전하는 기업", "relocating_to_province"),
    ],
)
def test_traits(text: str, trait: str) -> None:
    assert ext(text).traits_required == [trait]


@pytest.mark.parametrize(
    "text",
    [
        "※ 가점: 여성기업확인서 보유 기업 2점",
        "※ 우대: 장애인기업, 여성기업 (이차보전율 0.5%p 추가)",
        "- 휴·폐업 중인 업체 제외",
        "☞ 수출실적 보유 또는 수출을 희망하는 중소기업",
        "- 직전년도 수출실적 1천만 달러 미만 기업",
        "※ 폐업 경험이 있는 경우 이종 업종으로 창업 예정이면 신청 가능",
        "☞ 공공기관 납품이 가능한 제품 보유 기업(여성기업 우대)",
    ],
)
def test_no_trait_from_preferences_and_distractors(text: str) -> None:
    elig = ext(text, hashtags=["여성기업", "장애인기업"])
    assert elig.traits_required is None


def test_preferences_are_kept() -> None:
    elig = ext("☞ 중소기업\n※ 우대: 청년 대표자, 여성기업")
    assert elig.preferences == ["※ 우대: 청년 대표자, 여성기업"]
    assert elig.condition_keys() == []


@pytest.mark.parametrize(
    ("text", "soho"),
    [
        ("☞ 소상공인확인서 보유 소상공인", True),
        ("☞ 「소상공인기본법」 제2조에 따른 소상공인", True),
        ("☞ 경기도 내 사업장을 두고 영업 중인 소상공인", True),
        ("☞ 관내 중소기업 및 소상공인", False),
        ("☞ 장애인기업확인서를 보유한 소상공인 및 중소기업", False),
        ("- 저신용·장애인 소상공인 : 공급가액의 80%, 최대 500만원", False),
        ("대구 소상공인의 온라인 판로 확대를 위한 사업입니다.", False),
    ],
)
def test_soho_only(text: str, soho: bool) -> None:
    assert ext(text, target="소상공인").soho_only is soho


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("☞ 예비창업자(공고일 기준 사업자 등록이 없는 자)", ["pre_founder"]),
        ("☞ 공고일 현재 사업자등록을 하지 않은 예비창업자", ["pre_founder"]),
        ("☞ 만 39세 이하 예비창업자 및 창업 3년 이내 기업의 대표자", None),
        ("☞ 예비창업자 및 업력 7년 미만 중소기업", None),
        ("☞ (예비)창업자", None),
        ("☞ 소상공인확인서 보유 소상공인\n- 예비창업자 신청 불가", ["operating"]),
        ("☞ 창업 3년 이내 기업(예비창업자 제외)", ["operating"]),
        ("☞ 서울특별시 소재 사업장을 운영 중인 소상공인", ["operating"]),
        ("☞ 도내에서 사업을 영위 중인 소상공인", ["operating"]),
        ("☞ 기존 사업자", ["operating"]),
        ("☞ 대구광역시에 사업장을 둔 소상공인확인서 보유 소상공인", None),
    ],
)
def test_status(text: str, status: list[str] | None) -> None:
    assert ext(text).status_allowed == status


# --- 지역 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("☞ 서울특별시 소재 사업장", ["11"]),
        ("☞ 경기도 내 본점 또는 주사업장을 둔 기업", ["41"]),
        ("☞ 인천광역시 소재 중소기업", ["28"]),
        ("☞ 제주특별자치도 소재 소상공인", ["50"]),
        ("- 사업자등록증 소재지 경기지역", ["41"]),
        ("☞ 부산광역시에 사업장을 둔 기업", ["26"]),
        ("- 사업장 소재지가 서울특별시인 기업", ["11"]),
        ("☞ 공고일 현재 당진시에 사업자등록을 한 소상공인", ["44"]),
        ("☞ 강원도 소재 기업", ["51"]),
        ("☞ 전라북도 소재 기업", ["52"]),
        ("☞ 관내(구 광주광역시·전라남도 지역)에 사업장을 둔 중소기업", ["29", "46"]),
        ("☞ 충청권(대전·세종·충남·충북) 소재 창업기업", ["30", "36", "43", "44"]),
        ("☞ 수원시 소재 중소기업", ["41"]),
        ("☞ 광주시 소재 중소기업", None),  # 경기 광주시 or 광주광역시: ambiguous
        ("☞ 중구 소재 소상공인", None),
        ("※ 문의: 서울신용보증재단 1577-6119 (서울특별시 중구 소재)", None),
        ("- 협약 금융기관 : 당진시 소재 영업점", None),
    ],
)
def test_regions_from_text(text: str, regions: list[str] | None) -> None:
    assert ext(text).regions == regions


def test_regions_from_title_and_hashtags() -> None:
    assert ext("☞ 중소기업", title="[전남광주] 경영안정자금").regions == ["29", "46"]
    assert ext("☞ 중소기업", title="[전국] 예비창업패키지").regions is None
    assert ext("☞ 중소기업", title="[서울/경기] 판로 지원").regions == ["11", "41"]
    assert ext("☞ 중소기업", hashtags=["금융", *ALL_TAGS, "2026"], organization="중소벤처기업부").regions is None
    provincial = ext("☞ 도내 중소기업", hashtags=ALL_TAGS, organization="경상남도")
    assert provincial.regions == ["48"]
    assert ext("☞ 중소기업", hashtags=["금융", "대구", "대구광역시"]).regions == ["27"]
    assert ext("☞ 중소기업", region_hint="서울").regions == ["11"]
    assert ext("☞ 중소기업", region_hint="전국").regions is None
    assert ext("☞ 도내에 사업장을 둔 소상공인", organization="강원특별자치도").regions == ["51"]


# --- merging and robustness -------------------------------------------------------------------------


def test_base_wins_and_rest_is_merged() -> None:
    base = Eligibility(status_allowed=["pre_founder"], evidence={"status_allowed": "biz_enyy: 예비창업자"})
    elig = ext("☞ 만 39세 이하 예비창업자 및 창업 3년 이내 기업", base=base)
    assert elig.status_allowed == ["pre_founder"]
    assert elig.evidence["status_allowed"] == "biz_enyy: 예비창업자"
    assert elig.rep_age_max == 39
    assert elig.business_age_max == AgeBound(months=36, inclusive=True)


def test_evidence_is_the_verbatim_line() -> None:
    line = "☞ 서울특별시 소재 사업장으로서 상시근로자 5인 미만 사업장"
    elig = ext(f"서울시는 일자리를 늘리기 위하여 인건비를 지원합니다.\n{line}\n※ 문의: 02-2133-5528")
    assert elig.evidence == {"regions": line, "employees_max": line}


def test_notice_dates_and_phones_are_not_conditions() -> None:
    elig = ext("공고일: 2026. 10. 6.\n※ 문의: 창업진흥원 044-410-1870\n신청기간: 2026. 10. 8. ~ 10. 27.")
    assert elig.condition_keys() == []


_KOREANISH = st.text(
    alphabet=st.sampled_from(list("가나다창업년미만이하이상초과세만인명억원제외불가우대()[]~-:·☞○□※\n 0123456789")),
    max_size=300,
)


@settings(max_examples=300, deadline=None)
@given(_KOREANISH, st.text(max_size=40), st.lists(st.text(max_size=8), max_size=20))
def test_arbitrary_input_never_raises(text: str, title: str, hashtags: list[str]) -> None:
    elig = extract_eligibility(title=title, text=text, hashtags=hashtags, organization=title, exclusions=text[:50])
    for key in elig.condition_keys():
        assert key in elig.evidence


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    extract_eligibility(title=text[:30], text=text, target=text[:5], region_hint=text[:4])
