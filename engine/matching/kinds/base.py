"""What one condition kind is: the entry type of the registry, and the wording helpers entries share.

A kind bundles everything one `Eligibility` field needs: how it is decided (`compile`), how a result is
worded (`wording`, `rule`, `label`), which profile field decides it and how reverse matching selects users
for it in SQL (`sql`, plus `keep` for what SQL cannot see in the JSON traits column).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from engine.domain import AgeBound, Bound, Eligibility, Profile
from engine.matching.conditions import Check, Outcome


@dataclass(frozen=True)
class Columns:
    """The profile columns reverse matching filters on (SQL expressions, one per profile field)."""

    region: Any
    status: Any
    founded_on: Any
    representative_age: Any
    employees: Any
    annual_revenue_krw: Any
    industry: Any


# (label, detail, profile field): '<label> 충족: <detail>' for met/unmet; for unknown the label names what
# cannot be judged and the field what the user could add.
Wording = Callable[[Eligibility, Profile, dt.date, Outcome], tuple[str, str, str]]
Rule = Callable[[Eligibility, Profile, Outcome], str]
ShortLabel = Callable[[Eligibility, str, Outcome, str | None], str]
Sql = Callable[[Eligibility, Columns, dt.date], "ColumnElement[bool] | None"]
Keep = Callable[[Eligibility], "Callable[[Sequence[str] | None], bool] | None"]


@dataclass(frozen=True)
class ConditionKind:
    """One condition kind: the registry entry for the `Eligibility` field named `key`.

    `compile` returns the check when the eligibility states this condition (None otherwise); `label` is
    the short name an explanation uses ('업력'), `short_label` a richer one computed from the rule;
    `unknown_label` names what cannot be judged when the profile lacks `profile_field`. `sql` is the
    "met or undecidable" filter of reverse matching (None: no filter); `keep` filters the rows SQL returned
    by their stored traits (None: nothing to check). `sample` is a value stating the condition, used by the
    registry's meta-test.
    """

    key: str
    profile_field: str
    compile: Callable[[Eligibility], Check | None]
    wording: Wording
    rule: Rule
    label: str
    sql: Sql
    sample: Any
    unknown_label: str | None = None
    short_label: ShortLabel | None = None
    keep: Keep | None = None


def met(flag: bool) -> Outcome:
    """Return 'met' for True, 'unmet' for False."""
    return "met" if flag else "unmet"


def bound_text(n: str, bound: Bound, upper: bool) -> str:
    """Return '5인 미만', '10억원 이하', '3명 이상' for a bound."""
    word = ("이하" if bound.inclusive else "미만") if upper else ("이상" if bound.inclusive else "초과")
    return f"{n} {word}"


def age_text(bound: AgeBound, upper: bool, months_text: Callable[[int], str]) -> str:
    """Return '7년 미만', '3년 이내', '1년 이상' for a 업력 bound."""
    word = ("이내" if bound.inclusive else "미만") if upper else ("이상" if bound.inclusive else "초과")
    return f"{months_text(bound.months)} {word}"


# The profile field of a requirement no profile field expresses: 'unknowable:세대주'. Nothing stores the
# answer, but the next question may still ask it when it would settle the most programs.
UNKNOWABLE_FIELD = "unknowable:"


def field_name(field: str, names: dict[str, str]) -> str:
    """Return how a profile field is named to the user ('개업일'; "'세대주' 해당 여부" for an unknowable one)."""
    if field.startswith(UNKNOWABLE_FIELD):
        return f"'{field.removeprefix(UNKNOWABLE_FIELD)}' 해당 여부"
    return names.get(field, field)
