"""De-duplication: one program across portals is one group; different rounds never merge."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from engine.dedup import GroupIndex, canonical_key, numbers, rounds, same_program, title_similarity
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


def test_titles_that_differ_only_by_a_number_stay_apart() -> None:
    assert numbers("청년 창업 지원 공고 2") == frozenset({"2"})
    assert not same_program("청년 창업 지원 공고 1", OCT, "청년 창업 지원 공고 2", OCT)
    assert not same_program("2026년 스마트상점 1차 모집", OCT, "2026년 스마트상점 2차 모집", OCT)
    assert same_program("2026년 청년 창업 지원 공고", OCT, "[전국] 2026년 청년 창업 지원", OCT)  # years are no numbers


def test_one_source_with_two_ids_is_two_programs_unless_one_replaces_the_other() -> None:
    index = GroupIndex([])
    assert index.assign(key="bizinfo:1", title="청년 창업 지원사업 공고", window=OCT) == "bizinfo:1"
    assert index.assign(key="bizinfo:2", title="청년 창업 지원사업 공고", window=OCT) == "bizinfo:2"
    assert index.assign(key="kstartup:9", title="청년 창업 지원사업", window=OCT) == "bizinfo:1"  # cross-posted
    replaced = index.assign(key="bizinfo:3", title="청년 창업 지원사업 재공고", window=OCT)
    assert replaced == "bizinfo:1"
    said = index.assign(key="bizinfo:4", title="청년 창업 지원사업 공고", window=OCT, text="기존 공고를 대체합니다.")
    assert said == "bizinfo:1"


def test_the_undated_index_finds_the_same_groups_as_comparing_every_pair() -> None:
    rng = random.Random(11)
    words = "소상공인 청년 창업 재도전 특별 자금 융자 스마트 상점 수출 바우처 판로 컨설팅 교육 기술 보증".split()
    titles = [" ".join(rng.sample(words, rng.randint(2, 5))) for _ in range(150)]
    titles += [t + " 안내" for t in titles[:40]] + ["[공고] " + t for t in titles[40:70]]
    always = Window(kind="always")
    index = GroupIndex([])
    groups: dict[str, str] = {}
    seen: list[tuple[str, str]] = []
    for i, title in enumerate(titles):
        key = f"src{i % 3}:{i}"
        expected = key
        for other, other_title in seen:  # the reference: every earlier program, in order
            other_group = groups[other]
            if other.split(":")[0] == key.split(":", maxsplit=1)[0]:
                continue
            if same_program(title, always, other_title, always):
                expected = other_group
                break
        groups_got = index.assign(key=key, title=title, window=always)
        assert groups_got == expected, title
        groups[key] = groups_got
        seen.append((key, title))
    assert sum(key != group for key, group in groups.items()) >= 20  # the look-alikes did meet
