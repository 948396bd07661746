"""What the business is: its industry (KSIC section included or excluded) and required traits (여성기업 ...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement

from engine.domain import Eligibility, Profile
from engine.matching.conditions import Check, Outcome
from engine.matching.kinds.base import Columns, ConditionKind, met
from engine.matching.labels import industry_name, trait_name


def _listed(el: Eligibility, include: bool) -> list[str] | None:
    return el.industries_include if include else el.industries_exclude


def _industries_check(include: bool) -> Callable[[Eligibility], Check | None]:
    def compile_(el: Eligibility) -> Check | None:
        listed = _listed(el, include)
        if not listed:
            return None
        sections = frozenset(listed)

        def check(p: Profile, as_of: dt.date) -> Outcome:
            return "unknown" if p.industry is None else met((p.industry in sections) == include)

        return check

    return compile_


def _industries_wording(include: bool) -> Callable[[Eligibility, Profile, dt.date, Outcome], tuple[str, str, str]]:
    def wording(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
        target = ", ".join(industry_name(i) for i in _listed(el, include) or ())
        here = industry_name(p.industry or "")
        if include:
            return "업종 요건", f"{here} (대상 업종: {target})", "industry"
        if p.industry is None:
            return "제외 업종 해당 여부", "", "industry"
        return "업종 요건", f"{here} ({'제외 업종 아님' if outcome == 'met' else '제외 업종'}: {target})", "industry"

    return wording


def _industries_sql(include: bool) -> Callable[[Eligibility, Columns, dt.date], ColumnElement[bool] | None]:
    def sql(el: Eligibility, c: Columns, as_of: dt.date) -> ColumnElement[bool] | None:
        listed = _listed(el, include)
        if not listed:
            return None
        industry = c.industry
        return or_(industry.is_(None), industry.in_(listed) if include else industry.not_in(listed))

    return sql


def _make_industries(include: bool) -> ConditionKind:
    return ConditionKind(
        key="industries_include" if include else "industries_exclude",
        profile_field="industry",
        compile=_industries_check(include),
        wording=_industries_wording(include),
        rule=lambda el, p, o: ", ".join(industry_name(i) for i in _listed(el, include) or ()),
        label="업종",
        sql=_industries_sql(include),
        sample=["C"] if include else ["I"],
        unknown_label="업종 요건" if include else None,
    )


INDUSTRIES_INCLUDE = _make_industries(True)
INDUSTRIES_EXCLUDE = _make_industries(False)


def _traits_check(el: Eligibility) -> Check | None:
    if not el.traits_required:
        return None
    required = tuple(el.traits_required)

    def check(p: Profile, as_of: dt.date) -> Outcome:
        traits = p.traits
        return "unknown" if traits is None else met(all(t in traits for t in required))

    return check


def _traits_wording(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
    required = el.traits_required or []
    names = ", ".join(trait_name(t) for t in required)
    if outcome == "unknown":
        return f"자격 요건({names})", "", "traits"
    if outcome == "unmet":
        missing = ", ".join(trait_name(t) for t in required if t not in (p.traits or ()))
        return "자격 요건", f"{missing} 자격이 필요합니다", "traits"
    return "자격 요건", names, "traits"


def _traits_keep(el: Eligibility) -> Callable[[Sequence[str] | None], bool] | None:
    if not el.traits_required:
        return None
    required = set(el.traits_required)
    # traits None = not asked (unknown, kept); otherwise every required trait must be present.
    return lambda traits: traits is None or required <= set(traits)


TRAITS_REQUIRED = ConditionKind(
    key="traits_required",
    profile_field="traits",
    compile=_traits_check,
    wording=_traits_wording,
    rule=lambda el, p, o: ", ".join(trait_name(t) for t in el.traits_required or ()),
    label="자격",
    sql=lambda el, c, as_of: None,
    sample=["woman_owned"],
    short_label=lambda el, rule, o, f: "·".join(trait_name(t) for t in el.traits_required or ()) + " 자격",
    keep=_traits_keep,
)
