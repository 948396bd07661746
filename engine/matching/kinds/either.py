"""Either-of traits ('여성기업 또는 장애인기업') and requirements no profile field can express (세대주, 경력).

Either-of is met when any alternative is met, unknown when none is known to be met and some is unknown
(the profile's traits not asked, or an alternative like 메인비즈 that no trait states), unmet only when all
are unmet. An unknowable requirement is always unknown: such a program is never eligible, never ruled out.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable, Sequence

from engine.domain import Eligibility, Profile, Trait
from engine.matching.conditions import Check, Outcome
from engine.matching.kinds.base import UNKNOWABLE_FIELD, ConditionKind
from engine.matching.labels import trait_name

TRAITS = frozenset(typing.get_args(Trait))


def _split(listed: Sequence[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Return (the profile traits among the alternatives, the alternatives no trait states)."""
    return frozenset(t for t in listed if t in TRAITS), tuple(t for t in listed if t not in TRAITS)


def any_outcome(listed: Sequence[str], traits: Sequence[str] | None) -> Outcome:
    """Decide an either-of: met if a listed trait is present, unknown if any alternative is undecided."""
    known, other = _split(listed)
    if traits is None:
        return "unknown"
    if known & set(traits):
        return "met"
    return "unknown" if other else "unmet"


def _any_check(el: Eligibility) -> Check | None:
    if not el.traits_any:
        return None
    listed = tuple(el.traits_any)
    return lambda p, a: any_outcome(listed, p.traits)


def _names(listed: Sequence[str]) -> str:
    return ", ".join(trait_name(t) for t in listed)


def _any_wording(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
    listed = el.traits_any or []
    names = _names(listed)
    if outcome == "met":
        have = _names([t for t in listed if t in (p.traits or ())])
        return "자격 요건", f"{have} (다음 중 하나: {names})", "traits"
    if outcome == "unmet":
        return "자격 요건", f"{names} 중 하나가 필요합니다", "traits"
    if p.traits is None:
        return f"자격 요건({names} 중 하나)", "", "traits"
    _, other = _split(listed)
    return f"자격 요건({names} 중 하나)", "", UNKNOWABLE_FIELD + "·".join(other)


def _any_keep(el: Eligibility) -> Callable[[Sequence[str] | None], bool] | None:
    if not el.traits_any:
        return None
    listed = tuple(el.traits_any)
    return lambda traits: any_outcome(listed, traits) != "unmet"


TRAITS_ANY = ConditionKind(
    key="traits_any",
    profile_field="traits",
    compile=_any_check,
    wording=_any_wording,
    rule=lambda el, p, o: f"{_names(el.traits_any or [])} 중 하나",
    label="자격",
    sql=lambda el, c, as_of: None,
    sample=["woman_owned", "disabled_owned"],
    short_label=lambda el, rule, o, f: "·".join(trait_name(t) for t in el.traits_any or ()) + " 중 하나",
    keep=_any_keep,
)


def _unknowable_check(el: Eligibility) -> Check | None:
    if not el.unknowable:
        return None
    return lambda p, a: "unknown"


def _unknowable_wording(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
    words = "·".join(el.unknowable or ())
    return f"'{', '.join(el.unknowable or ())}' 요건", "", UNKNOWABLE_FIELD + words


UNKNOWABLE = ConditionKind(
    key="unknowable",
    profile_field=UNKNOWABLE_FIELD,
    compile=_unknowable_check,
    wording=_unknowable_wording,
    rule=lambda el, p, o: ", ".join(el.unknowable or ()),
    label="기타 자격",
    sql=lambda el, c, as_of: None,  # never unmet: every user stays a candidate
    sample=["세대주"],
    short_label=lambda el, rule, o, f: "·".join(el.unknowable or ()),
)
