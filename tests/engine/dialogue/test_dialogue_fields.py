"""Profile fields in the dialogue: typed answers read, values shown as names and bands, never codes."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.dialogue import fields as F

TODAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("founded_on", "2021년 3월에 열었어요", "2021-03-01"),
        ("founded_on", "2021-11", "2021-11-01"),
        ("founded_on", "2030-01", None),  # in the future
        ("employees", "혼자 해요", 0),
        ("employees", "직원 12명", 12),
        ("representative_age", "34살", 34),
        ("representative_age", "3", None),
        ("annual_revenue_krw", "3억", 300_000_000),
        ("region", "수원시예요", "41"),
        ("status", "아직 준비 중이에요", "pre_founder"),
    ],
)
def test_typed_answers_are_read(name: str, text: str, value: object) -> None:
    assert F.parse_typed(name, text, today=TODAY) == value


def test_values_are_shown_as_names_and_bands() -> None:
    assert F.shown("industry", "I") == "숙박 및 음식점업"
    assert F.shown("region", "41") == "경기도"
    assert F.shown("representative_age", 37) == "35~39세" and F.shown("representative_age", 34) == "만 34세"
    assert F.shown("employees", 10) == "10~49명" and F.shown("employees", 3) == "3명"
    assert F.shown("traits", []) == "없음" and F.shown("needs", ["startup"]) == "창업지원"


def test_every_option_value_is_short_ascii_and_maps_back() -> None:
    for name in F.EDITABLE:
        for option in F.options(name, today=TODAY):
            data = f"f:{name}:{option.value}"
            assert data.isascii() and len(data.encode()) <= 64
            assert option.value.startswith("y") or F.value_of(name, option.value) is not None
