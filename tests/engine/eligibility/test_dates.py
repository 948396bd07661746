"""parse_date and parse_window over every period format the sources use."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.eligibility import parse_date, parse_window

D = dt.date


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("2026-10-01", D(2026, 10, 1)),
        ("20261001", D(2026, 10, 1)),
        ("2026.10.01", D(2026, 10, 1)),
        ("2026. 10. 1.", D(2026, 10, 1)),
        ("2026년 10월 1일", D(2026, 10, 1)),
        ("2026-10-06 14:16:14", D(2026, 10, 6)),
        ("20261006141614", D(2026, 10, 6)),
        ("'26. 10. 1.", D(2026, 10, 1)),
        ("2026-13-45", None),
        ("2026-02-30", None),
        ("", None),
        (None, None),
        ("추후 공지", None),
        ("041-350-3632", None),
    ],
)
def test_parse_date(text: str | None, want: D | None) -> None:
    assert parse_date(text) == want


def test_parse_date_without_year_needs_a_hint() -> None:
    assert parse_date("10. 31.(금)") is None
    assert parse_date("10. 31.(금)", year_hint=2026) == D(2026, 10, 31)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026-09-30 ~ 2026-10-20", "dated", D(2026, 9, 30), D(2026, 10, 20)),
        ("2026-10-01 - 2026-10-31", "dated", D(2026, 10, 1), D(2026, 10, 31)),
        ("2026.10.05 ~ 2026.10.23", "dated", D(2026, 10, 5), D(2026, 10, 23)),
        ("20261013 ~ 20261231", "dated", D(2026, 10, 13), D(2026, 12, 31)),
        ("2026-10-01 ~", "dated", D(2026, 10, 1), None),
        ("20261001 ~", "dated", D(2026, 10, 1), None),
        ("2026.1.5.~2026.11.30.(예산 소진 시 조기마감)", "dated", D(2026, 1, 5), D(2026, 11, 30)),
        ("2026. 10. 13.(화) ~ 2026. 11. 13.(금) 18:00까지", "dated", D(2026, 10, 13), D(2026, 11, 13)),
        ("2026. 10. 6.(화) ~ 10. 23.(금) 18:00까지", "dated", D(2026, 10, 6), D(2026, 10, 23)),
        ("2026년 10월 6일(화) 09:00 ~ 2026년 10월 30일(금) 18:00", "dated", D(2026, 10, 6), D(2026, 10, 30)),
        ("2026. 12. 20. ~ 1. 10.", "dated", D(2026, 12, 20), D(2027, 1, 10)),
        ("~ 2026. 10. 31.(금)", "dated", None, D(2026, 10, 31)),
        ("2026. 10. 31.(금)까지", "dated", None, D(2026, 10, 31)),
        ("예산 소진시까지", "always", None, None),
        ("예산 소진 시까지", "always", None, None),
        ("소진 시까지", "always", None, None),
        ("상시 접수", "always", None, None),
        ("상시신청", "always", None, None),
        ("수시 접수", "always", None, None),
        ("연중", "always", None, None),
        ("추후 공지", "unknown", None, None),
        ("사업별 상이", "unknown", None, None),
        ("별도 공지", "unknown", None, None),
        ("", "unknown", None, None),
        ("출생일로부터 1년 이내", "unknown", None, None),
    ],
)
def test_parse_window(text: str, kind: str, start: D | None, end: D | None) -> None:
    window = parse_window(text)
    assert (window.kind, window.start, window.end) == (kind, start, end)
    assert window.raw == text.strip()


def test_window_from_kstartup_fields() -> None:
    window = parse_window(None, start="20261012", end="20261030")
    assert (window.kind, window.start, window.end) == ("dated", D(2026, 10, 12), D(2026, 10, 30))
    assert parse_window(None, start="20261012", end=None).end is None
    assert parse_window(None, start="bad", end="").kind == "unknown"


def test_year_less_end_with_hint() -> None:
    window = parse_window("10. 6.(화) ~ 10. 23.(금)", year_hint=2026)
    assert (window.start, window.end) == (D(2026, 10, 6), D(2026, 10, 23))
    assert parse_window("~ 10. 31.(금)", year_hint=2026).end == D(2026, 10, 31)


def test_malformed_dates_never_become_dated_guesses() -> None:
    window = parse_window("2026-13-45 ~ 2026-14-01")
    assert window.kind == "unknown"
    assert window.raw == "2026-13-45 ~ 2026-14-01"


@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(text: str) -> None:
    parse_date(text)
    parse_date(text, year_hint=2026)
    window = parse_window(text, year_hint=2026)
    assert window.kind in {"dated", "always", "unknown"}


@given(st.text(alphabet="0123456789 .-~년월일()화수목금:까지부터상시", max_size=60), st.text(max_size=12))
def test_date_like_text_never_raises(text: str, end: str) -> None:
    parse_window(text, start=text[:8], end=end)
