"""Dates and application windows in every format Korean notices use."""

from __future__ import annotations

import datetime as dt

from engine.domain import Window


def parse_date(text: str | None) -> dt.date | None:
    """Return the date written in `text` (YYYY-MM-DD, YYYYMMDD, YYYY.MM.DD, ...), or None."""
    raise NotImplementedError  # filled in by the eligibility work


def parse_window(text: str | None, *, start: str | None = None, end: str | None = None) -> Window:
    """Return the application window from a period text and/or separate start and end fields."""
    raise NotImplementedError
