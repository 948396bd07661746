"""Window status and deadlines on a given date."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.domain import Window
from engine.matching import days_left, deadline_of, window_status

AS_OF = dt.date(2026, 10, 15)


def dated(start: str | None, end: str | None) -> Window:
    return Window(
        kind="dated",
        start=dt.date.fromisoformat(start) if start else None,
        end=dt.date.fromisoformat(end) if end else None,
    )


@pytest.mark.parametrize(
    ("window", "status"),
    [
        (Window(kind="always", raw="예산 소진시까지"), "always"),
        (Window(kind="unknown", raw="추후 공지"), "closed"),
        (dated("2026-10-01", "2026-10-31"), "open"),
        (dated("2026-10-01", "2026-10-15"), "open"),  # the end date is inclusive
        (dated("2026-10-15", "2026-10-31"), "open"),  # so is the start date
        (dated("2026-09-01", "2026-10-14"), "closed"),
        (dated(None, "2026-10-31"), "open"),
        (dated("2026-10-01", None), "open"),
        (dated(None, None), "open"),
        (dated("2026-10-16", "2026-11-30"), "upcoming"),
        (dated("2026-11-14", None), "upcoming"),  # exactly 30 days ahead
        (dated("2026-11-15", "2026-12-31"), "closed"),  # 31 days ahead
        (dated(None, "2026-10-14"), "closed"),
    ],
)
def test_window_status_follows_the_label_semantics(window: Window, status: str) -> None:
    assert window_status(window, AS_OF) == status


def test_deadline_of_is_the_end_of_a_dated_window_only() -> None:
    assert deadline_of(dated("2026-10-01", "2026-10-31")) == dt.date(2026, 10, 31)
    assert deadline_of(dated("2026-10-01", None)) is None
    assert deadline_of(Window(kind="always", end=dt.date(2026, 12, 31))) is None
    assert deadline_of(Window(kind="unknown")) is None


def test_days_left_counts_today_as_zero() -> None:
    assert days_left(dated("2026-10-01", "2026-10-31"), AS_OF) == 16
    assert days_left(dated("2026-10-01", "2026-10-15"), AS_OF) == 0
    assert days_left(Window(kind="always"), AS_OF) is None
