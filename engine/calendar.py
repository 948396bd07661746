"""Deadlines as an iCalendar file (RFC 5545): one all-day event per saved program, a reminder a day ahead.

All-day events use DATE values, which carry no TZID (RFC 5545 §3.3.4): the deadline is the same
calendar day wherever the phone is. DTEND is the day after (exclusive end).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from icalendar import Alarm, Calendar, Event

PRODID = "-//Aegis//정책자금 마감일//KO"


def deadlines_ics(programs: Iterable[tuple[str, str, dt.date]], *, now: dt.datetime) -> bytes:
    """Return an .ics with one all-day event per (program key, title, deadline) and a VALARM a day before."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "이지스 공고 마감일")
    stamp = now.astimezone(dt.UTC)
    for key, title, deadline in programs:
        event = Event()
        event.add("uid", hashlib.sha1(key.encode("utf-8")).hexdigest() + "@aegis")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline)
        event.add("dtend", deadline + dt.timedelta(days=1))
        event.add("summary", f"마감: {title}")
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"내일 마감: {title}")
        alarm.add("trigger", dt.timedelta(days=-1))
        event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())
