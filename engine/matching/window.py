"""Application-window status on a given date (open, always, upcoming, closed) and deadlines."""

from __future__ import annotations

import datetime as dt

from engine.domain import Window, WindowStatus

UPCOMING_DAYS = 30  # a program opening within this many days of as_of is listed as upcoming


def window_status(window: Window, as_of: dt.date) -> WindowStatus:
    """Return the status of a window on `as_of`; an unknown window counts as closed."""
    if window.kind == "always":
        return "always"
    if window.kind != "dated":
        return "closed"
    start, end = window.start, window.end
    if end is not None and as_of > end:
        return "closed"
    if start is None or start <= as_of:
        return "open"
    if (start - as_of).days <= UPCOMING_DAYS:
        return "upcoming"
    return "closed"


def deadline_of(window: Window) -> dt.date | None:
    """Return the last day to apply, if the window states one."""
    return window.end if window.kind == "dated" else None


def days_left(window: Window, as_of: dt.date) -> int | None:
    """Return the days from `as_of` to the deadline (0 = today is the last day), or None without one."""
    end = deadline_of(window)
    return None if end is None else (end - as_of).days
