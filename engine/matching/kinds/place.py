"""Where and who in the broadest sense: the 시도 (regions) and the business status (status_allowed)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import false
from sqlalchemy.sql.elements import ColumnElement

from engine.domain import Eligibility, Profile
from engine.matching.conditions import Check, Outcome, region_met
from engine.matching.kinds.base import Columns, ConditionKind, met
from engine.matching.labels import STATUS_NAMES
from engine.regions import LEGACY_CODES, sido_name


def _regions_check(el: Eligibility) -> Check | None:
    if not el.regions:
        return None
    regions = list(el.regions)
    return lambda p, a: met(region_met(regions, p.region))


def _regions_wording(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
    codes = list(dict.fromkeys(LEGACY_CODES.get(c, c) for c in el.regions or ()))
    here = sido_name(p.region)
    if outcome != "met":
        detail = f"사업장 소재지 {here}, 대상 지역 {', '.join(sido_name(c) for c in codes)}"
    elif len(codes) == 1:
        detail = here
    else:
        detail = f"{here} (대상 지역: {'전국' if len(codes) >= 17 else ', '.join(sido_name(c) for c in codes)})"
    return "지역 요건", detail, "region"


def _regions_sql(el: Eligibility, c: Columns, as_of: dt.date) -> ColumnElement[bool] | None:
    if el.regions is None:
        return None
    # An empty list states no condition in the matcher; users' regions are stored as new codes.
    if not el.regions:
        return None
    codes = {LEGACY_CODES.get(code, code) for code in el.regions} | set(el.regions)
    return c.region.in_(sorted(codes)) if codes else false()


REGIONS = ConditionKind(
    key="regions",
    profile_field="region",
    compile=_regions_check,
    wording=_regions_wording,
    rule=lambda el, p, o: ", ".join(sido_name(LEGACY_CODES.get(c, c)) for c in el.regions or ()),
    label="지역",
    sql=_regions_sql,
    sample=["11"],
)


def _status_check(el: Eligibility) -> Check | None:
    if not el.status_allowed:
        return None
    statuses = frozenset(el.status_allowed)
    return lambda p, a: met(p.status in statuses)


def _status_wording(el: Eligibility, p: Profile, as_of: dt.date, outcome: Outcome) -> tuple[str, str, str]:
    here = STATUS_NAMES.get(p.status, p.status)
    if outcome == "met":
        return "사업 상태 요건", here, "status"
    target = ", ".join(STATUS_NAMES.get(s, s) for s in el.status_allowed or ())
    return "사업 상태 요건", f"{here}는 신청 대상이 아닙니다 (대상: {target})", "status"


def _status_sql(el: Eligibility, c: Columns, as_of: dt.date) -> ColumnElement[bool] | None:
    if not el.status_allowed:
        return None
    return c.status.in_(el.status_allowed)  # type: ignore[no-any-return]


STATUS_ALLOWED = ConditionKind(
    key="status_allowed",
    profile_field="status",
    compile=_status_check,
    wording=_status_wording,
    rule=lambda el, p, o: ", ".join(STATUS_NAMES.get(s, s) for s in el.status_allowed or ()),
    label="사업 상태",
    sql=_status_sql,
    sample=["operating"],
)
