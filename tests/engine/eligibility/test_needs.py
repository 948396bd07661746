"""infer_needs: category hints, title words and what the money pays for."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.eligibility import infer_needs


@pytest.mark.parametrize(
    ("title", "text", "category", "want"),
    [
        ("소상공인 일반경영안정자금", "☞ 업체당 최대 7천만원 운전자금", "금융", {"working_capital"}),
        ("장애인기업지원자금", "☞ 업체당 최대 7천만원 (운전자금 및 시설자금)", "금융", {"working_capital", "facility"}),
        ("서울시 소상공인 특례보증", "☞ 업체당 최대 5천만원 보증", "금융", {"guarantee", "working_capital"}),
        ("소규모 사업장 신규 채용 인건비 지원", "☞ 채용 근로자 1인당 월 100만원", "인력", {"hiring"}),
        ("중소기업 제조혁신 기술개발(R&D)", "☞ 과제당 최대 1억원", "기술", {"rnd"}),
        ("수출바우처", "- 해외 전시회 참가, 해외 광고·홍보", "수출", {"export", "marketing"}),
        ("소상공인 라이브커머스 판로지원", "☞ 라이브커머스 방송", "내수", {"marketing"}),
        ("스마트상점 기술보급", "☞ 키오스크, 서빙로봇 도입비 지원", "경영", {"smart_store", "facility"}),
        (
            "예비창업패키지",
            "☞ 사업화 자금 - 시제품 제작, 마케팅 등\n- 창업교육 및 전담 멘토링 제공",
            "창업",
            {"startup"},
        ),
        ("청년창업사관학교 입교생 모집", "☞ 사업화 자금 (시제품, 마케팅), 교육·코칭", "창업", {"startup", "education"}),
        ("창업성장기술개발 디딤돌", "창업기업의 기술개발을 지원합니다.", "기술개발(R&D)", {"rnd"}),
        ("로컬크리에이터 판로개척 지원", "온·오프라인 판로개척을 지원합니다.", "판로ㆍ해외진출", {"marketing"}),
        ("스타트업 해외진출 지원", "현지화 컨설팅을 지원합니다.", "판로ㆍ해외진출", {"export", "startup"}),
        ("신중년 창업·재도약 아카데미", "1:1 멘토링 교육", "멘토링ㆍ컨설팅ㆍ교육", {"education", "startup"}),
    ],
)
def test_infer_needs(title: str, text: str, category: str, want: set[str]) -> None:
    assert set(infer_needs(title=title, text=text, category=category)) == want


def test_preference_lines_do_not_add_needs() -> None:
    needs = infer_needs(title="제조혁신 기술개발", text="※ 가점: 최근 1년 고용 증가 기업 1점", category="기술")
    assert needs == ["rnd"]


@given(st.text(max_size=200), st.text(max_size=20), st.text(max_size=10))
def test_arbitrary_text_never_raises(text: str, title: str, category: str) -> None:
    infer_needs(title=title, text=text, category=category, support_types=[category], hashtags=[title])
