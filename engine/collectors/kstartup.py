"""K-Startup announcements (data.go.kr `kisedKstartupService01/getAnnouncementInformation01`, odcloud envelope).

Traps: `id` is a row number (`pbanc_sn` is the id), HTML entities and `\\r\\n` in texts, YYYYMMDD dates,
URLs without a scheme, `supt_regin` '전국', `sprv_inst` a type (민간/공공기관), and coarse 업력/연령 bands
that only fill in what the notice's own text does not state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from engine.collectors.base import Batch, Rejection
from engine.collectors.datagokr import error_check, odcloud_page, service_key_param
from engine.collectors.normalize import build_record, split_list
from engine.domain import AgeBound, Eligibility, ProgramRecord
from engine.errors import SourceAuthError
from engine.regions import sido_codes_for_token
from engine.text import clean_inline, html_to_text

if TYPE_CHECKING:
    from engine.collectors.http import SourceHttp
    from engine.settings import SourceKeys

LABEL = "K-Startup"
PER_PAGE = 500
MAX_PAGES = 200  # 100,000 rows: far above any real listing; stops a paging loop that never ends
PRE_FOUNDER = "예비창업자"
# 업력 band -> (lower bound in years, upper bound in years, exclusive). The top band states no maximum.
ENYY_BANDS: dict[str, tuple[int, int]] = {
    "1년미만": (0, 1),
    "2년미만": (1, 2),
    "3년미만": (2, 3),
    "5년미만": (3, 5),
    "7년미만": (5, 7),
    "10년미만": (7, 10),
}
TOP_ENYY_BAND = "10년미만"
# biz_trgt_age band -> inclusive (min, max) representative ages; None = unbounded.
AGE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "만20세미만": (None, 19),
    "만20세이상~만39세이하": (20, 39),
    "만40세이상": (40, None),
}
NATIONWIDE = frozenset({"전국", "전체", ""})
CATEGORY_DOTS = str.maketrans({"·": "ㆍ", "・": "ㆍ", "･": "ㆍ"})  # U+00B7 and kin written as U+318D


class KStartupCollector:
    """K-Startup 사업공고 (창업진흥원)."""

    name: ClassVar[str] = "kstartup"
    label: ClassVar[str] = LABEL
    kind: ClassVar[str] = "api"
    key_setting: ClassVar[str | None] = "datagokr_service_key"
    schedule: ClassVar[str | None] = "25 */3 * * *"
    dedup_priority: ClassVar[int] = 20
    standalone: ClassVar[bool] = False
    secret_params: ClassVar[tuple[str, ...]] = ("serviceKey",)

    def __init__(self, *, open_only: bool = True, since_sn: int | None = None, per_page: int = PER_PAGE) -> None:
        self.open_only = open_only  # cond[rcrt_prgs_yn::EQ]=Y: only notices still recruiting
        self.since_sn = since_sn  # cond[pbanc_sn::GT]: incremental run over newer notices only
        self.per_page = per_page

    @property
    def filtered(self) -> bool:
        """Return True when live runs ask for a filtered listing (which never proves completeness)."""
        return self.open_only or self.since_sn is not None

    def parse(self, payload: bytes, **options: Any) -> Batch:
        """Parse one `getAnnouncementInformation01` page (odcloud JSON)."""
        page = odcloud_page(payload, source=self.name, label=LABEL)
        batch = self._rows(page.rows)
        unfiltered = page.match is None or page.match == page.total
        batch.complete = (
            page.page == 1 and unfiltered and page.total == _unique_ids(batch) and not batch.rejected and page.last
        )
        return batch

    async def collect(self, http: SourceHttp, keys: SourceKeys) -> Batch:
        """Page through the listing until `page * perPage` reaches the count; complete only when unfiltered."""
        if keys.datagokr_service_key is None:
            raise SourceAuthError(
                "data.go.kr serviceKey is not configured (AEGIS_SOURCES__DATAGOKR_SERVICE_KEY)", source=self.name
            )
        raw_key = service_key_param(keys.datagokr_service_key.get_secret_value())
        params: dict[str, Any] = {"page": 1, "perPage": self.per_page, "returnType": "json"}
        if self.open_only:
            params["cond[rcrt_prgs_yn::EQ]"] = "Y"
        if self.since_sn is not None:
            params["cond[pbanc_sn::GT]"] = self.since_sn
        check = error_check(source=self.name, label=LABEL)
        batch = Batch(source=self.name)
        total: int | None = None
        every_page = False
        for number in range(1, MAX_PAGES + 1):
            params["page"] = number
            body = await http.get_bytes(keys.kstartup_url, params=params, raw_query=raw_key, check=check)
            page = odcloud_page(body, source=self.name, label=LABEL)
            batch.extend(self._rows(page.rows))
            total = page.total
            if page.last:
                every_page = True
                break
        batch.complete = every_page and not self.filtered and total == _unique_ids(batch) and not batch.rejected
        return batch

    def _rows(self, rows: list[dict[str, Any]]) -> Batch:
        batch = Batch(source=self.name)
        for position, row in enumerate(rows):
            try:
                batch.records.append(self.normalize(row))
            except ValueError as exc:
                batch.rejected.append(Rejection(str(row.get("pbanc_sn") or f"#{position + 1}"), str(exc)))
        return batch

    def normalize(self, row: dict[str, Any]) -> ProgramRecord:
        """Turn one announcement row into the canonical record; ValueError if unusable."""
        external_id = str(row.get("pbanc_sn") or "").strip()
        if not external_id:
            raise ValueError("pbanc_sn이 없습니다")
        title = clean_inline(row.get("biz_pbanc_nm")) or clean_inline(row.get("intg_pbanc_biz_nm"))
        summary = "\n".join(t for t in (row.get("pbanc_ctnt"), row.get("aply_trgt_ctnt")) if t)
        exclusions = html_to_text(row.get("aply_excl_trgt_ctnt"))
        target = ", ".join(split_list(clean_inline(row.get("aply_trgt")), ","))
        regions, region_hint = _regions(row.get("supt_regin"))
        structured = structured_eligibility(row, regions)
        return build_record(
            source=self.name,
            external_id=external_id,
            title=title,
            summary_html=summary,
            organization=row.get("pbanc_ntrp_nm"),
            category=clean_inline(row.get("supt_biz_clsfc")).translate(CATEGORY_DOTS) or None,
            target=target or None,
            window=_window(row),
            url=row.get("detl_pg_url") or row.get("biz_gdnc_url") or row.get("biz_aply_url"),
            exclusions=exclusions,
            region_hint=region_hint,
            base_eligibility=structured if structured.condition_keys() else None,
            # The bands are coarse (3년미만 cannot say 이내 from 미만): the notice's own words win where they
            # state the same kind of condition; the bands fill in only what the text leaves unsaid.
            base_fills_gaps=True,
            closed=str(row.get("rcrt_prgs_yn") or "").strip().upper() == "N",
            raw=row,
        )


def structured_eligibility(row: dict[str, Any], regions: list[str] | None) -> Eligibility:
    """Return the conditions K-Startup's structured fields state: region, 업력 bands, age bands."""
    values: dict[str, Any] = {}
    evidence: dict[str, str] = {}
    if regions:
        values["regions"] = regions
        evidence["regions"] = f"지원지역: {clean_inline(row.get('supt_regin'))}"
    enyy_raw = clean_inline(row.get("biz_enyy"))
    for key, value in _enyy(split_list(enyy_raw, ",")).items():
        values[key] = value
        evidence[key] = f"업력: {enyy_raw}"
    age_raw = clean_inline(row.get("biz_trgt_age"))
    for key, age in _ages(split_list(age_raw, ",")).items():
        values[key] = age
        evidence[key] = f"지원연령: {age_raw}"
    return Eligibility(**values, evidence=evidence)


def _enyy(bands: list[str]) -> dict[str, Any]:
    """Derive status and 업력 bounds from the listed bands; every band listed (or none) states nothing."""
    listed = {b.replace(" ", "") for b in bands}
    pre = PRE_FOUNDER in listed
    years = [ENYY_BANDS[b] for b in ENYY_BANDS if b in listed]
    out: dict[str, Any] = {}
    if pre and not years:
        out["status_allowed"] = ["pre_founder"]
        return out
    if not years:
        return out
    if TOP_ENYY_BAND not in listed:
        top = max(upper for _, upper in years)
        out["business_age_max"] = AgeBound(months=top * 12, inclusive=False)
    lowest = min(lower for lower, _ in years)
    if not pre and lowest > 0 and len(years) > 1:
        # Several bands starting above the first one state a minimum ('5년미만,7년미만' = 3년 이상);
        # a single band often just marks the program's upper edge, so it states none.
        out["business_age_min"] = AgeBound(months=lowest * 12, inclusive=True)
    return out


def _ages(bands: list[str]) -> dict[str, int]:
    """Derive representative-age bounds from the listed bands; all bands (or a gap) state nothing."""
    known = [AGE_BANDS[key] for key in (b.replace(" ", "") for b in bands) if key in AGE_BANDS]
    if not known or len(known) == len(AGE_BANDS):
        return {}
    order = list(AGE_BANDS.values())
    positions = sorted(order.index(band) for band in set(known))
    if positions != list(range(positions[0], positions[-1] + 1)):
        return {}  # '만 20세 미만' and '만 40세 이상' without the middle: not one range
    low, high = order[positions[0]][0], order[positions[-1]][1]
    out: dict[str, int] = {}
    if low is not None:
        out["rep_age_min"] = low
    if high is not None:
        out["rep_age_max"] = high
    return out


def _regions(value: Any) -> tuple[list[str] | None, str | None]:
    """Return (시도 codes, region hint) of `supt_regin`: '전국' is nationwide, names become codes."""
    text = clean_inline(value)
    if text in NATIONWIDE:
        return None, "전국"
    codes: set[str] = set()
    for token in split_list(text.replace("·", ","), ","):
        codes |= sido_codes_for_token(token)
    return (sorted(codes), text) if codes else (None, text)


def _window(row: dict[str, Any]) -> Any:
    """Return the receipt window; `rcrt_prgs_yn` N keeps the dated end, and a window without one is unknown."""
    from engine.eligibility import parse_window  # the rule tables load only where records are built

    start, end = row.get("pbanc_rcpt_bgng_dt"), row.get("pbanc_rcpt_end_dt")
    window = parse_window(None, start=str(start) if start else None, end=str(end) if end else None)
    if str(row.get("rcrt_prgs_yn") or "").strip().upper() == "N":
        if window.end is None:
            return window.model_copy(update={"kind": "unknown", "raw": (window.raw + " (모집 마감)").strip()})
        return window.model_copy(update={"raw": (window.raw + " (모집 마감)").strip()})
    return window


def _unique_ids(batch: Batch) -> int:
    return len({r.external_id for r in batch.records})
