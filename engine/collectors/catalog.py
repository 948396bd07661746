"""The financial-products catalog: SEMAS and KOSMES policy funds and 신용보증 products, curated in YAML.

Each entry keeps its terms as a structured `Funding` and an `as_of` date; entries older than the
staleness limit are flagged for the operator (`stale_entries`). The catalog is a complete listing.
An entry with `conditions` states its eligibility itself (Eligibility fields, each traced by `evidence`
to a sentence of its `notice` or `eligibility` text) and its `needs`; the text extractor then adds
nothing. An entry without them is read by the extractor like a notice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any, ClassVar

import yaml

from engine.catalog import STALE_AFTER_DAYS
from engine.collectors.base import Batch, Rejection
from engine.collectors.normalize import build_record
from engine.domain import Eligibility, Funding, ProgramRecord, Window
from engine.errors import SourceFormatError

if TYPE_CHECKING:
    from engine.collectors.http import SourceHttp
    from engine.settings import SourceKeys

log = logging.getLogger(__name__)

ALWAYS_OPEN = "상시 접수 (예산 소진 시까지)"
_KINDS = ("융자", "보증")


class CatalogCollector:
    """정책자금·보증상품 카탈로그 (bundled YAML: engine/catalog/financial_products.yaml)."""

    name: ClassVar[str] = "catalog"
    label: ClassVar[str] = "정책자금·보증상품"
    kind: ClassVar[str] = "catalog"
    key_setting: ClassVar[str | None] = None  # bundled with Aegis: no key, no network
    schedule: ClassVar[str | None] = None  # loaded by `aegis demo load` and imports, never collected
    dedup_priority: ClassVar[int] = 90
    standalone: ClassVar[bool] = True  # products, not notices: never grouped with a notice
    secret_params: ClassVar[tuple[str, ...]] = ()

    def parse(self, payload: bytes, **options: Any) -> Batch:
        """Parse a catalog YAML; `today` and `max_age_days` set the staleness warning."""
        entries, defaults = _entries(payload, self.name)
        today: dt.date = options.get("today") or dt.date.today()
        max_age = int(options.get("max_age_days", STALE_AFTER_DAYS))
        stale = _stale(entries, defaults, today, max_age)
        if stale:
            shown = ", ".join(stale[:3]) + (f" and {len(stale) - 3} more" if len(stale) > 3 else "")
            log.warning("catalog: %d entries older than %s days, refresh them: %s", len(stale), max_age, shown)
        batch = Batch(source=self.name)
        seen: set[str] = set()
        for position, entry in enumerate(entries):
            ref = str(entry.get("id") or f"#{position + 1}")
            if ref in seen:
                batch.rejected.append(Rejection(ref, "id가 중복되었습니다"))
                continue
            seen.add(ref)
            try:
                batch.records.append(self.normalize(entry, defaults))
            except ValueError as exc:
                batch.rejected.append(Rejection(ref, str(exc)))
        batch.complete = not batch.rejected  # the file is the whole catalog: a removed product ends
        return batch

    async def collect(self, http: SourceHttp, keys: SourceKeys) -> Batch:
        """Read the bundled catalog (it lives in the repository, not on the network)."""
        from engine.catalog import bundled_catalog

        return self.parse(bundled_catalog())

    def normalize(self, entry: dict[str, Any], defaults: dict[str, Any]) -> ProgramRecord:
        """Turn one catalog entry into the canonical record; ValueError (Korean) if unusable."""
        external_id = str(entry.get("id") or "").strip()
        if not external_id:
            raise ValueError("id가 없습니다")
        institution = entry.get("institution") or defaults.get("institution")
        if not entry.get("name") or not institution:
            raise ValueError("상품명 또는 기관이 없습니다")
        product_type = str(entry.get("type") or "융자")
        if product_type not in _KINDS:
            raise ValueError(f"알 수 없는 상품 유형: {product_type}")
        funding = Funding(
            max_amount_krw=_amount(entry.get("max_amount_krw")),
            interest_rate=_str(entry.get("interest_rate")),
            guarantee_rate=_str(entry.get("guarantee_rate")),
            guarantee_fee=_str(entry.get("guarantee_fee")),
            as_of=_as_of(entry, defaults),
        )
        window_text = _str(entry.get("window")) or ALWAYS_OPEN
        stated = _conditions(entry)
        notice = _str(entry.get("notice"))
        record = build_record(
            source=self.name,
            external_id=external_id,
            title=f"{entry['name']} ({institution})",
            summary_html=_terms(entry, funding),
            body_html="\n".join(p for p in (_str(entry.get("summary")), f"공고: {notice}" if notice else None) if p),
            organization=institution,
            category="금융",
            support_types=[product_type],
            target=entry.get("eligibility"),
            window=Window(kind="always", raw=window_text) if window_text == ALWAYS_OPEN else None,
            period=window_text,
            url=entry.get("url"),
            hashtags=[str(t) for t in entry.get("tags") or []],
            exclusions=_str(entry.get("exclusions")) or "",
            base_eligibility=stated,
            funding=funding,
            raw={k: v.isoformat() if isinstance(v, dt.date) else v for k, v in entry.items()},
        )
        if stated is None:
            return record
        # The YAML states every condition and need: nothing is left for the text extractor to add.
        needs = [str(n) for n in entry.get("needs") or []]
        return ProgramRecord.model_validate(
            {**record.model_dump(exclude={"pending"}), "needs": needs, "regions": stated.regions}
        )


def _conditions(entry: dict[str, Any]) -> Eligibility | None:
    """Return the eligibility an entry states, each condition traced to its notice; ValueError otherwise."""
    conditions = entry.get("conditions")
    if conditions is None:
        return None
    if not isinstance(conditions, dict):
        raise ValueError("conditions는 항목별 조건이어야 합니다")
    evidence = entry.get("evidence") or {}
    unknown = set(conditions) - (set(Eligibility.model_fields) - {"evidence", "preferences"})
    if unknown:
        raise ValueError(f"알 수 없는 조건: {', '.join(sorted(unknown))}")
    source_text = _flat(" ".join(str(entry.get(k) or "") for k in ("notice", "eligibility")))
    for key in conditions:
        quote = evidence.get(key)
        if not quote or _flat(str(quote)) not in source_text:
            raise ValueError(f"조건 {key}의 근거 문장이 공고(notice·eligibility)에 없습니다")
    if not entry.get("needs"):
        raise ValueError("조건을 적은 상품은 needs(지원 용도)도 적어야 합니다")
    try:
        return Eligibility.model_validate({**conditions, "evidence": {k: str(evidence[k]) for k in conditions}})
    except ValueError as exc:
        raise ValueError(f"조건 형식이 잘못되었습니다: {str(exc).splitlines()[0]}") from exc


def _flat(text: str) -> str:
    return " ".join(text.split())


def stale_entries(catalog_bytes: bytes, today: dt.date, max_age_days: int = STALE_AFTER_DAYS) -> list[str]:
    """Return 'id (as_of)' of the entries whose `as_of` is more than `max_age_days` before `today`."""
    entries, defaults = _entries(catalog_bytes, CatalogCollector.name)
    return _stale(entries, defaults, today, max_age_days)


def _stale(entries: list[dict[str, Any]], defaults: dict[str, Any], today: dt.date, max_age_days: int) -> list[str]:
    out: list[str] = []
    for entry in entries:
        try:
            as_of = _as_of(entry, defaults)
        except ValueError:
            continue  # reported as a rejection by parse
        if as_of is None or (today - as_of).days > max_age_days:
            out.append(f"{entry.get('id')} ({as_of.isoformat() if as_of else '기준일 없음'})")
    return out


def _entries(payload: bytes, source: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    try:
        data = yaml.safe_load(payload.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SourceFormatError(
            f"catalog is not valid UTF-8 YAML: {' '.join(str(exc).split())[:200]}", source=source
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        raise SourceFormatError("catalog YAML needs a top-level 'products' list", source=source)
    found = data.get("defaults")
    defaults: dict[str, Any] = found if isinstance(found, dict) else {}
    return [p if isinstance(p, dict) else {} for p in data["products"]], defaults


def _as_of(entry: dict[str, Any], defaults: dict[str, Any]) -> dt.date | None:
    value = entry.get("as_of", defaults.get("as_of"))
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"as_of 날짜 형식이 잘못되었습니다: {value}") from exc


def _amount(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        amount = int(str(value).replace(",", "").replace("_", ""))
    except ValueError as exc:
        raise ValueError(f"한도 금액이 숫자가 아닙니다: {value}") from exc
    if amount <= 0:
        raise ValueError(f"한도 금액이 0 이하입니다: {value}")
    return amount


def _str(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _terms(entry: dict[str, Any], funding: Funding) -> str:
    """Return the Korean one-paragraph terms shown in recommendations."""
    parts = []
    if funding.max_amount_krw:
        parts.append(f"한도 최대 {_won(funding.max_amount_krw)}")
    for label, value in (
        ("금리", funding.interest_rate),
        ("보증비율", funding.guarantee_rate),
        ("보증료", funding.guarantee_fee),
    ):
        if value:
            parts.append(f"{label} {value}")
    if funding.as_of:
        parts.append(f"기준일 {funding.as_of.isoformat()}")
    return " · ".join(parts)


def _won(amount: int) -> str:
    eok, rest = divmod(amount, 100_000_000)
    man = rest // 10_000
    if eok and man:
        return f"{eok}억 {man:,}만원"
    return f"{eok}억원" if eok else f"{man:,}만원"
