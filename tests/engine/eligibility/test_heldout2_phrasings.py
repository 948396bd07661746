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
