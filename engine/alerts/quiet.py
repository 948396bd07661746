"""When a message may go out: quiet hours ("22-08" in Asia/Seoul, or "off") and the daily send hours."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

_SPAN = re.compile(r"^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$")


def parse_quiet(value: str | None) -> tuple[int, int] | None:
    """Return quiet hours as (start, end) local hours, or None when off (or empty, or start == end)."""
    if value is None or value.strip().lower() in ("", "off", "none"):
        return None
    found = _SPAN.match(value)
    if not found:
        raise ValueError(f"quiet hours must be 'HH-HH' or 'off': {value!r}")
    start, end = int(found.group(1)), int(found.group(2))
    if not (0 <= start <= 23 and 0 <= end <= 23):
        raise ValueError(f"quiet hours must be within 0-23: {value!r}")
    return None if start == end else (start, end)


def is_quiet(when: dt.datetime, quiet: tuple[int, int] | None, tz: ZoneInfo) -> bool:
    """Return whether `when` falls inside the quiet hours."""
    if quiet is None:
        return False
    start, end = quiet
    hour = when.astimezone(tz).hour
    return (hour >= start or hour < end) if start > end else (start <= hour < end)


def release_time(when: dt.datetime, quiet: tuple[int, int] | None, tz: ZoneInfo) -> dt.datetime:
    """Return `when`, or the end of the quiet hours it falls into (UTC)."""
    if not is_quiet(when, quiet, tz):
        return when
    assert quiet is not None
    local = when.astimezone(tz)
    end = local.replace(hour=quiet[1], minute=0, second=0, microsecond=0)
    if end <= local:
        end += dt.timedelta(days=1)
    return end.astimezone(dt.UTC)


def next_hour(when: dt.datetime, hour: int, tz: ZoneInfo) -> dt.datetime:
    """Return the next time (at or after `when`) the local clock shows `hour`:00, in UTC."""
    local = when.astimezone(tz)
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at < local:
        at += dt.timedelta(days=1)
    return at.astimezone(dt.UTC)
