"""De-duplication: one program across portals is one group; different rounds never merge."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.dedup import canonical_key, rounds, same_program, title_similarity
from engine.domain import Window

OCT = Window(kind="dated", start=dt.date(2026, 10, 6), end=dt.date(2026, 10, 30))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("2026년 4분기 청년전용창업자금 융자 신청·접수 공고", "「청년전용창업자금」 2026년 4분기 신청 접수 안내"),
        ("2026년 재도전성공패키지 (예비)재창업자 추가모집 공고", "2026년 재도전성공패키지 재창업자 추가 모집"),
        ("[전국] 2026년 예비창업패키지 예비창업자 추가모집 공고", "2026년 예비창업패키지 예비창업자 추가 모집 공고"),
    ],
)
def test_same_program_across_portals_merges(a: str, b: str) -> None:
    assert same_program(a, OCT, b, OCT)


def test_first_and_second_round_with_other_windows_stay_apart() -> None:
    second = Window(kind="dated", start=dt.date(2026, 11, 3), end=dt.date(2026, 11, 28))
    assert not same_program("2026년 스마트상점 1차 모집 공고", OCT, "2026년 스마트상점 2차 모집 공고", second)


def test_different_rounds_stay_apart_even_in_the_same_window() -> None:
    assert rounds("2026년 스마트상점 2차 모집") == frozenset({"2차"})
    assert not same_program("2026년 스마트상점 1차 모집", OCT, "2026년 스마트상점 2차 모집", OCT)


def test_different_programs_in_the_same_window_stay_apart() -> None:
    assert title_similarity("소상공인 스마트상점 기술보급사업", "중소기업 수출바우처 참여기업") < 0.3
    assert not same_program("소상공인 스마트상점 기술보급사업", OCT, "중소기업 수출바우처 참여기업 모집", OCT)


def test_canonical_record_prefers_bizinfo_then_smallest_key() -> None:
    assert canonical_key(["kstartup:200342", "bizinfo:PBLN_2", "bizinfo:PBLN_1"]) == "bizinfo:PBLN_1"
    assert canonical_key(["web:x", "kstartup:1"]) == "kstartup:1"


def test_always_open_notice_does_not_swallow_a_fund_named_inside_it() -> None:
    always = Window(kind="always")
    notice = "2026년 소상공인 정책자금 일반경영안정자금(대리대출) 하반기 추가 공급 안내"
    assert not same_program(notice, always, "일반경영안정자금", always)
    assert same_program("소상공인 재도전특별자금 융자 안내", always, "소상공인 재도전특별자금 융자 공고", always)


def test_reordered_title_words_still_merge_but_other_regions_do_not() -> None:
    from engine.dedup import title_places

    window = Window(kind="dated", start=None, end=None)
    assert same_program("2026년 청년 창업자 초기 사업화 지원사업", window, "청년 초기창업 사업화 참여기업 모집", window)
    assert not same_program("[서울] 청년 창업 지원", window, "[부산] 청년 창업 지원", window)
    assert title_places("2026 대구·경북 지역혁신 R&D") == {"27", "47"}
