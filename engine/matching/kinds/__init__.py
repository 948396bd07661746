"""The condition-kind registry: one entry per `Eligibility` condition field, in evaluation order.

A new kind is one `ConditionKind` in a module here, listed in `KINDS`, plus its test; matching, wording,
explanations, the next question and reverse matching all read the registry (see base.py for the fields).
"""

from __future__ import annotations

import datetime as dt

from engine.domain import Eligibility, Profile, Verdict
from engine.matching.conditions import Check, Checks, Outcome, verdict_of_checks
from engine.matching.kinds.age import BUSINESS_AGE_MAX, BUSINESS_AGE_MIN, REP_AGE_MAX, REP_AGE_MIN
from engine.matching.kinds.base import Columns, ConditionKind
from engine.matching.kinds.either import TRAITS_ANY, UNKNOWABLE
from engine.matching.kinds.place import REGIONS, STATUS_ALLOWED
from engine.matching.kinds.size import EMPLOYEES_MAX, EMPLOYEES_MIN, REVENUE_MAX, REVENUE_MIN, SOHO_ONLY
from engine.matching.kinds.who import INDUSTRIES_EXCLUDE, INDUSTRIES_INCLUDE, TRAITS_REQUIRED

__all__ = ["KINDS", "KIND_BY_KEY", "Columns", "ConditionKind", "compile_checks", "outcomes", "verdict_of"]

KINDS: tuple[ConditionKind, ...] = (
    REGIONS,
    STATUS_ALLOWED,
    BUSINESS_AGE_MAX,
    BUSINESS_AGE_MIN,
    REP_AGE_MIN,
    REP_AGE_MAX,
    EMPLOYEES_MAX,
    EMPLOYEES_MIN,
    REVENUE_MAX,
    REVENUE_MIN,
    INDUSTRIES_INCLUDE,
    INDUSTRIES_EXCLUDE,
    TRAITS_REQUIRED,
    TRAITS_ANY,
    SOHO_ONLY,
    UNKNOWABLE,
)
KIND_BY_KEY: dict[str, ConditionKind] = {kind.key: kind for kind in KINDS}


def compile_checks(el: Eligibility) -> Checks:
    """Return (condition key, check) for every condition `el` states, in registry order: the rules of FORMAT.md.

    An empty list (regions, statuses, industries, traits) states no condition. Compiled once per candidate.
    """
    out: list[tuple[str, Check]] = []
    for kind in KINDS:
        check = kind.compile(el)
        if check is not None:
            out.append((kind.key, check))
    return tuple(out)


def outcomes(el: Eligibility, p: Profile, as_of: dt.date) -> list[tuple[str, Outcome]]:
    """Return (condition key, outcome) for every condition `el` states, in registry order."""
    return [(key, check(p, as_of)) for key, check in compile_checks(el)]


def verdict_of(eligibility: Eligibility, profile: Profile, as_of: dt.date) -> Verdict:
    """Return only the verdict (no reasons)."""
    return verdict_of_checks(compile_checks(eligibility), profile, as_of)
