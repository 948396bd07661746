"""보조금24 (api.odcloud.kr/api/gov24/v3): `serviceList` joined with `supportConditions` on 서비스ID.

Only services for businesses are kept (사용자구분 includes 소상공인 or 법인/시설/단체, `||`-joined); the
region is the prefix of 소관기관명, and the v3 JA codes map straight into structured eligibility.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar

from engine.collectors.base import Batch, Rejection
from engine.collectors.datagokr import OdcloudPage, error_check, odcloud_page
from engine.collectors.normalize import build_record, parse_timestamp, split_list
from engine.domain import BusinessStatus, Eligibility, ProgramRecord, Trait
from engine.errors import SourceAuthError
from engine.regions import normalize_sido, sido_for_district
from engine.text import clean_inline

if TYPE_CHECKING:
    from engine.collectors.http import SourceHttp
    from engine.settings import SourceKeys

log = logging.getLogger(__name__)

LABEL = "보조금24"
PER_PAGE = 1000
MAX_PAGES = 100
SOHO = "소상공인"
ORGANISATION = "법인/시설/단체"
BUSINESS_USERS = frozenset({SOHO, ORGANISATION})
CENTRAL = "중앙행정기관"
# v3 supportConditions codes (JA11xx/JA12xx: 소상공인, JA21xx/JA22xx: 법인/시설/단체).
PRE_FOUNDER_CODES = ("JA1101",)  # 예비창업자
OPERATING_CODES = ("JA1102", "JA1103", "JA2101", "JA2102", "JA2103")  # 영업중, 폐업예정, 중소기업, 시설, 단체
INDUSTRY_CODES: dict[str, str | None] = {  # KSIC section; None = 기타업종 (any industry)
    "JA1201": "I",  # 음식점업
    "JA1202": "C",  # 제조업
    "JA1299": None,
    "JA2201": "C",  # 제조업
    "JA2202": "A",  # 농업, 임업 및 어업
    "JA2203": "J",  # 정보통신업
    "JA2299": None,
}
MALE, FEMALE = "JA0101", "JA0102"
AGE_FROM, AGE_TO = "JA0110", "JA0111"
VOLATILE = ("조회수",)  # changes on every read: never part of the stored payload


class Gov24Collector:
    """보조금24 공공서비스 (행정안전부), business services only."""

    name: ClassVar[str] = "gov24"
    label: ClassVar[str] = LABEL
    kind: ClassVar[str] = "api"
    key_setting: ClassVar[str | None] = "odcloud_api_key"
    schedule: ClassVar[str | None] = "40 6 * * *"
    dedup_priority: ClassVar[int] = 30
    standalone: ClassVar[bool] = False
    secret_params: ClassVar[tuple[str, ...]] = ("serviceKey",)  # the key travels in the Authorization header

    def parse(self, payload: bytes, conditions: bytes | None = None, **options: Any) -> Batch:
        """Parse a `serviceList` (or `serviceDetail`) page, joined with an optional `supportConditions` page."""
        page = odcloud_page(payload, source=self.name, label=LABEL)
        joined = _by_id(odcloud_page(conditions, source=self.name, label=LABEL).rows) if conditions else {}
        if page.rows and all(_is_conditions_row(r) for r in page.rows):
            log.warning("%s: a supportConditions payload holds no services; pass it as --conditions", LABEL)
            return Batch(source=self.name)
        return self._build(page.rows, joined, complete=page.page == 1 and _lists_everything(page, page.rows))

    async def collect(self, http: SourceHttp, keys: SourceKeys) -> Batch:
        """Page through serviceList, then supportConditions, and join them for the business services."""
        if keys.odcloud_api_key is None:
            raise SourceAuthError("odcloud key is not configured (AEGIS_SOURCES__ODCLOUD_API_KEY)", source=self.name)
        headers = {"Authorization": f"Infuser {keys.odcloud_api_key.get_secret_value()}"}
        base = keys.gov24_url.rstrip("/")
        services, last = await self._all_pages(http, f"{base}/serviceList", headers)
        kept = {str(r.get("서비스ID")) for r in services if _for_business(r)}
        conditions: dict[str, dict[str, Any]] = {}
        if kept:
            rows, _ = await self._all_pages(http, f"{base}/supportConditions", headers)
            conditions = {k: v for k, v in _by_id(rows).items() if k in kept}
        return self._build(services, conditions, complete=last is not None and _lists_everything(last, services))

    async def _all_pages(
        self, http: SourceHttp, url: str, headers: dict[str, str]
    ) -> tuple[list[dict[str, Any]], OdcloudPage | None]:
        rows: list[dict[str, Any]] = []
        check = error_check(source=self.name, label=LABEL)
        for number in range(1, MAX_PAGES + 1):
            params = {"page": number, "perPage": PER_PAGE, "returnType": "JSON"}
            body = await http.get_bytes(url, params=params, headers=headers, check=check)
            page = odcloud_page(body, source=self.name, label=LABEL)
            rows.extend(page.rows)
            if page.last:
                return rows, page
        return rows, None  # stopped at MAX_PAGES: not every page arrived

    def _build(self, rows: list[dict[str, Any]], conditions: dict[str, dict[str, Any]], *, complete: bool) -> Batch:
        batch = Batch(source=self.name)
        for position, row in enumerate(rows):
            condition = conditions.get(str(row.get("서비스ID") or "").strip())
            if not _for_business(row, condition):
                continue
            try:
                batch.records.append(self.normalize(row, condition))
            except ValueError as exc:
                batch.rejected.append(Rejection(str(row.get("서비스ID") or f"#{position + 1}"), str(exc)))
        batch.complete = complete and not batch.rejected
        return batch

    def normalize(self, row: dict[str, Any], condition: dict[str, Any] | None = None) -> ProgramRecord:
        """Turn one service (plus its supportConditions row) into the canonical record; ValueError if unusable."""
        external_id = str(row.get("서비스ID") or "").strip()
        if not external_id:
            raise ValueError("서비스ID가 없습니다")
        organization = clean_inline(row.get("소관기관명")) or None
        region = None if row.get("소관기관유형") == CENTRAL else organization_region(organization)
        users = split_list(row.get("사용자구분"), "||")
        body = "\n".join(
            f"{label}: {row[key]}" for key, label in _BODY_FIELDS if row.get(key) and str(row[key]).strip()
        )
        return build_record(
            source=self.name,
            external_id=external_id,
            title=row.get("서비스명"),
            summary_html=row.get("서비스목적요약") or row.get("서비스목적"),
            body_html=body,
            organization=organization,
            executor=row.get("접수기관") or row.get("접수기관명"),
            category=row.get("서비스분야"),
            support_types=split_list(row.get("지원유형"), "||"),
            target=", ".join(users) or None,
            period=row.get("신청기한"),
            url=row.get("상세조회URL") or row.get("온라인신청사이트URL"),
            region_hint=None if region else "전국",
            base_eligibility=structured_eligibility(users, condition, region=region, organization=organization),
            posted_at=parse_timestamp(row.get("등록일시")),
            raw={k: v for k, v in row.items() if k not in VOLATILE},
        )


_BODY_FIELDS = (("지원대상", "지원대상"), ("선정기준", "선정기준"), ("지원내용", "지원내용"), ("신청방법", "신청방법"))


def structured_eligibility(
    users: list[str], condition: dict[str, Any] | None, *, region: str | None, organization: str | None
) -> Eligibility | None:
    """Return the conditions 사용자구분, the 소관기관 and the JA codes state (None when they state none)."""
    values: dict[str, Any] = {}
    evidence: dict[str, str] = {}
    if region:
        values["regions"] = [region]
        evidence["regions"] = f"소관기관: {organization}"
    business = BUSINESS_USERS & set(users)
    if business == {SOHO}:
        values["soho_only"] = True
        evidence["soho_only"] = f"사용자구분: {'||'.join(users)}"
    if condition:
        marked = {code for code, value in condition.items() if code.startswith("JA") and value == "Y"}
        _status(marked, values, evidence)
        _industries(marked, values, evidence)
        _ages(condition, values, evidence)
        if FEMALE in marked and MALE not in marked:
            # JA0102 alone: only women may apply; for a business service that is a woman representative,
            # the profile's 여성기업 trait. Men-only (JA0101 alone) has no trait and states nothing here.
            traits: list[Trait] = ["woman_owned"]
            values["traits_required"] = traits
            evidence["traits_required"] = "지원조건: 여성(JA0102)"
    if not values:
        return None
    return Eligibility(**values, evidence=evidence)


def _status(marked: set[str], values: dict[str, Any], evidence: dict[str, str]) -> None:
    allowed: list[BusinessStatus] = []
    if any(code in marked for code in PRE_FOUNDER_CODES):
        allowed.append("pre_founder")
    if any(code in marked for code in OPERATING_CODES):
        allowed.append("operating")
    if len(allowed) == 1:  # both (or neither) state no condition
        values["status_allowed"] = allowed
        codes = sorted(c for c in marked if c in PRE_FOUNDER_CODES + OPERATING_CODES)
        evidence["status_allowed"] = f"지원조건: {', '.join(codes)}"


def _industries(marked: set[str], values: dict[str, Any], evidence: dict[str, str]) -> None:
    chosen = [code for code in INDUSTRY_CODES if code in marked]
    if not chosen or any(INDUSTRY_CODES[code] is None for code in chosen):
        return  # no industry code, or 기타업종 among them: any industry
    values["industries_include"] = sorted({section for code in chosen if (section := INDUSTRY_CODES[code])})
    evidence["industries_include"] = f"지원조건: {', '.join(chosen)}"


def _ages(condition: dict[str, Any], values: dict[str, Any], evidence: dict[str, str]) -> None:
    low, high = _age(condition.get(AGE_FROM)), _age(condition.get(AGE_TO))
    if low is not None and low > 0:
        values["rep_age_min"] = low
        evidence["rep_age_min"] = f"지원조건: 만 {low}세 이상"
    if high is not None and high < 99:  # 0-99 / 0-150 ranges are 'any age'
        values["rep_age_max"] = high
        evidence["rep_age_max"] = f"지원조건: 만 {high}세 이하"


def _age(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def organization_region(organization: str | None) -> str | None:
    """Return the 시도 code of a local government's name ('충청남도 당진시' -> '44'); None for others."""
    if not organization:
        return None
    first = organization.split()[0]
    return normalize_sido(first) or sido_for_district(first)


def _for_business(row: dict[str, Any], condition: dict[str, Any] | None = None) -> bool:
    users = split_list(row.get("사용자구분"), "||")
    if users:
        return bool(BUSINESS_USERS & set(users))
    # serviceDetail has no 사용자구분: the conditions tell; with neither, keep the service asked for.
    if condition:
        return any(k.startswith(("JA11", "JA12", "JA21", "JA22")) and v == "Y" for k, v in condition.items())
    return True


def _is_conditions_row(row: dict[str, Any]) -> bool:
    return any(k.startswith("JA") for k in row) and "소관기관명" not in row


def _by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(r.get("서비스ID")).strip(): r for r in rows if r.get("서비스ID")}


def _lists_everything(page: OdcloudPage, rows: list[dict[str, Any]]) -> bool:
    unfiltered = page.match is None or page.match == page.total
    ids = {str(r.get("서비스ID")) for r in rows if r.get("서비스ID")}
    return unfiltered and page.last and page.total == len(ids)
