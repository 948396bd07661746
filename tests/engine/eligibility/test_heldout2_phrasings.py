"""Wordings found by the second, independently written held-out set (tests/fixtures/heldout2)."""

from __future__ import annotations

from typing import Any

import pytest

from engine.eligibility import extract_eligibility


def _conditions(line: str, *, title: str = "2026년 지원사업 공고", **kwargs: Any) -> dict[str, Any]:
    found = extract_eligibility(title=title, text="☞ " + line, **kwargs)
    return {key: getattr(found, key) for key in found.condition_keys()}


@pytest.mark.parametrize(
    "line",
    [
        "수출 실적을 보유한 중소·창업기업(업력 무관)",
        "수출실적 보유 창업기업",
        "수출 실적이 있는 중소기업",
    ],
)
def test_exporter_with_a_compound_subject(line: str) -> None:
    assert _conditions(line).get("traits_required") == ["exporter"]


def test_export_wish_as_an_alternative_is_no_exporter_requirement() -> None:
    assert "traits_required" not in _conditions("수출실적 보유 또는 수출을 희망하는 중소기업")


def test_a_district_narrows_a_multi_sido_title_tag() -> None:
    title = "[전남광주] 2026년 순천시 중소기업 운전자금 이차보전 지원 공고"
    assert _conditions("순천시 관내에 사업장을 두고 업력 3년을 초과한 중소기업", title=title)["regions"] == ["46"]
    whole = _conditions("관내(구 광주광역시·전라남도 지역)에 사업장을 둔 중소기업", title="[전남광주] 경영안정자금")
    assert whole["regions"] == ["29", "46"]


@pytest.mark.parametrize(
    ("line", "trait"),
    [("여성이 대표자인 중소기업", "woman_owned"), ("장애인이 대표인 기업", "disabled_owned")],
)
def test_owner_named_as_subject(line: str, trait: str) -> None:
    assert _conditions(line)["traits_required"] == [trait]


def test_sections_before_jeoehan_are_excluded() -> None:
    assert _conditions("숙박업 및 음식점업을 제외한 전 업종")["industries_exclude"] == ["I"]
    both = _conditions("제조업 영위 기업 중 음식점업을 제외한 기업")
    assert both["industries_include"] == ["C"] and both["industries_exclude"] == ["I"]
    assert _conditions("공휴일을 제외한 평일 접수") == {}
    assert "industries_exclude" not in _conditions("유흥주점업을 제외한 음식점업")


def test_outside_the_capital_area() -> None:
    regions = _conditions("수도권 외 지역 소재 기업")["regions"]
    assert "11" not in regions and "41" not in regions and len(regions) == 14
