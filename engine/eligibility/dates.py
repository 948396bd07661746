"""Dates and application windows in every format Korean notices use.

Full dates (YYYY-MM-DD, YYYYMMDD, YYYY.MM.DD, YYYY. MM. DD., YYYY년 MM월 DD일), year-less range ends
('~ 10. 23.(금)'), open-ended ranges and the 상시/예산 소진/추후 공지 phrases; never raises.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from engine.domain import Window

# A full date: 4-digit year, then month and day separated by -, ., / or 년/월 (spaces allowed).
_FULL = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*(?:[-./]|년)\s*(?P<m>\d{1,2})\s*(?:[-./]|월)\s*(?P<d>\d{1,2})(?!\d)\s*(?:일|\.)?"
)
# YYYYMMDD, optionally followed by HHMM or HHMMSS (보조금24 등록일시).
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?:\d{4}|\d{6})?(?!\d)")
# '26. 10. 1. style two-digit years.
_SHORT_YEAR = re.compile(r"['‘’]\s*(?P<y>\d{2})\s*[./]\s*(?P<m>\d{1,2})\s*[./]\s*(?P<d>\d{1,2})(?!\d)\s*\.?")
# A year-less date ('10. 23.', '10월 23일'); only trusted right after a range separator or alone.
_PARTIAL = re.compile(r"(?<![\d.:])(?P<m>\d{1,2})\s*(?:[./]|월)\s*(?P<d>\d{1,2})(?![\d:%])\s*(?:일|\.)?")

_SEPARATOR = re.compile(r"\s*(?:\([^)]{0,12}\)\s*)?(?:\d{1,2}:\d{2}\s*(?:까지|부터)?\s*)?(?:~|∼|～|〜|-|–|—|부터)\s*")
_OPEN_END = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?(?:\d{1,2}:\d{2}\s*)?(?:~|∼|～|〜|부터|이후)")
_UNTIL = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?(?:\d{1,2}:\d{2}\s*)?까지")
_ALWAYS = re.compile(
    r"예산\s*(?:조기\s*)?소진\s*시?\s*까지|소진\s*(?:시|때)\s*까지|소진\s*시\s*(?:조기\s*)?(?:마감|종료)|상시|수시\s*(?:접수|모집|신청)|연중"
)
_UNKNOWN = re.compile(r"추후|별도\s*(?:공지|안내)|사업별\s*상이|미정|공지\s*예정")


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    date: dt.date | None  # None: malformed (kept so that a bad date is not re-read as a partial one)


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _full_dates(text: str) -> list[_Found]:
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []
    for pattern, short in ((_FULL, False), (_COMPACT, False), (_SHORT_YEAR, True)):
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            year = int(m["y"]) + (2000 if short else 0)
            found.append(_Found(m.start(), m.end(), _make(year, int(m["m"]), int(m["d"]))))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def parse_date(text: str | None, *, year_hint: int | None = None) -> dt.date | None:
    """Return the date written in `text` (YYYY-MM-DD, YYYYMMDD, YYYY.MM.DD, ...), or None."""
    if not text:
        return None
    norm = _normalise(str(text))
    found = _full_dates(norm)
    if found:
        return found[0].date
    if year_hint is not None:
        m = _PARTIAL.search(norm)
        if m:
            return _make(year_hint, int(m["m"]), int(m["d"]))
    return None


def _range_end(text: str, after: int, start: dt.date | None, year_hint: int | None) -> dt.date | None:
    """Return a year-less end date written right after a range separator at `after`."""
    sep = _SEPARATOR.match(text, after)
    if not sep:
        return None
    m = _PARTIAL.match(text, sep.end())
    if not m:
        return None
    year = start.year if start else year_hint
    if year is None:
        return None
    end = _make(year, int(m["m"]), int(m["d"]))
    if end is not None and start is not None and end < start:
        end = _make(year + 1, end.month, end.day)  # '12. 20. ~ 1. 10.' crosses the new year
    return end


def parse_window(
    text: str | None,
    *,
    start: str | None = None,
    end: str | None = None,
    year_hint: int | None = None,
) -> Window:
    """Return the application window from a period text and/or separate start and end fields."""
    raw = (text or "").strip()
    try:
        return _parse_window(raw, start=start, end=end, year_hint=year_hint)
    except Exception:  # never let a strange period text break ingestion
        return Window(kind="unknown", raw=raw)


def _parse_window(raw: str, *, start: str | None, end: str | None, year_hint: int | None) -> Window:
    if start or end:
        s, e = parse_date(start), parse_date(end)
        if s or e:
            shown = raw or f"{start or ''} ~ {end or ''}".strip()
            return _dated(s, e, shown)
    if not raw:
        return Window(kind="unknown", raw=raw)
    norm = _normalise(raw)
    dates = [f for f in _full_dates(norm) if f.date is not None]
    if dates:
        first = dates[0]
        if len(dates) >= 2:
            return _dated(first.date, dates[1].date, raw)
        tail = norm[first.end :]
        partial_end = _range_end(norm, first.end, first.date, year_hint)
        if partial_end:
            return _dated(first.date, partial_end, raw)
        if _OPEN_END.match(tail):
            return _dated(first.date, None, raw)
        before = norm[: first.start].rstrip()
        if before.endswith(("~", "∼", "～", "〜")) or _UNTIL.match(tail):
            return _dated(None, first.date, raw)
        return _dated(None, first.date, raw)  # a lone date is a deadline ('마감 2026.10.31')
    if year_hint is not None:
        m = _PARTIAL.search(norm)
        if m and not _ALWAYS.search(norm):
            s = _make(year_hint, int(m["m"]), int(m["d"]))
            e = _range_end(norm, m.end(), s, year_hint)
            if s and e:
                return _dated(s, e, raw)
            if s:
                return _dated(None, s, raw)
    if _UNKNOWN.search(norm):
        return Window(kind="unknown", raw=raw)
    if _ALWAYS.search(norm):
        return Window(kind="always", raw=raw)
    return Window(kind="unknown", raw=raw)


def _dated(start: dt.date | None, end: dt.date | None, raw: str) -> Window:
    if start and end and end < start:
        start, end = end, start
    return Window(kind="dated", start=start, end=end, raw=raw)
