"""The arithmetic behind condition outcomes (calendar months, bounds, 소상공인 caps) and the verdict rule.

The condition kinds themselves are the registry in `kinds/`; ranking runs a candidate's compiled checks.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from typing import Literal

from engine.domain import AgeBound, Bound, Profile, Verdict
from engine.regions import LEGACY_CODES

Outcome = Literal["met", "unmet", "unknown"]

SOHO_WIDE_INDUSTRIES = frozenset({"B", "C", "F", "H"})  # 소상공인 = 10인 미만 in these KSIC sections, else 5인 미만


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day `months` calendar months later, clamped to the month's end (Feb 29 -> Feb 28)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    last = calendar.monthrange(year, month)[1] if day.day > 28 else 28
    return dt.date(year, month, min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> int:
    """Return the whole calendar months from `start` to `end` (0 if end is before start)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


_OLD_CODE_OF = {new: old for old, new in LEGACY_CODES.items()}


def region_met(regions: list[str], region: str) -> bool:
    """Return whether a 시도 code is among the program's codes (older 강원/전북 codes count as the new ones)."""
    if region in regions:
        return True
    old = _OLD_CODE_OF.get(region)
    return old is not None and old in regions


def bound_met(value: int, bound: Bound, upper: bool) -> bool:
    """Return whether `value` passes an upper (max) or lower (min) bound, honouring `inclusive`."""
    if upper:
        return value <= bound.n if bound.inclusive else value < bound.n
    return value >= bound.n if bound.inclusive else value > bound.n


def business_age_outcome(bound: AgeBound, upper: bool, profile: Profile, as_of: dt.date) -> Outcome:
    """Decide a 업력 bound: pre-founders meet maxima and fail minima; no 개업일 is unknown."""
    if profile.status == "pre_founder":
        return "met" if upper else "unmet"
    founded = profile.founded_on
    if founded is None:
        return "unknown"
    limit = add_months(founded, bound.months)
    if upper:
        met = as_of <= limit if bound.inclusive else as_of < limit
    else:
        met = as_of >= limit if bound.inclusive else as_of > limit
    return "met" if met else "unmet"


def soho_cap(industry: str | None) -> int:
    """Return the 소상공인 employee cap (exclusive) of a KSIC section: 10 in B, C, F, H, else 5."""
    return 10 if industry in SOHO_WIDE_INDUSTRIES else 5


def soho_outcome(profile: Profile) -> Outcome:
    """Decide 소상공인: unknown without employees, or without industry when 5 <= employees < 10."""
    employees = profile.employees
    if employees is None:
        return "unknown"
    if profile.industry is None and 5 <= employees < 10:
        return "unknown"
    return "met" if employees < soho_cap(profile.industry) else "unmet"


Check = Callable[[Profile, dt.date], Outcome]
Checks = tuple[tuple[str, Check], ...]


def verdict_from(results: list[tuple[str, Outcome]]) -> Verdict:
    """Return ineligible if any condition is unmet, unknown if any is undecided, else eligible."""
    verdict: Verdict = "eligible"
    for _, outcome in results:
        if outcome == "unmet":
            return "ineligible"
        if outcome == "unknown":
            verdict = "unknown"
    return verdict


def verdict_of_checks(checks: Checks, profile: Profile, as_of: dt.date) -> Verdict:
    """Return the verdict of compiled checks, stopping at the first unmet: the fast path for ranking."""
    verdict: Verdict = "eligible"
    for _, check in checks:
        outcome = check(profile, as_of)
        if outcome == "unmet":
            return "ineligible"
        if outcome == "unknown":
            verdict = "unknown"
    return verdict
