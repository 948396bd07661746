"""Human (non --json) output of the CLI: names, not codes, in the same wording as the bot."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from engine.matching.labels import (
    FIELD_NAMES,
    STATUS_NAMES,
    VERDICT_NAMES,
    WINDOW_NAMES,
    format_krw,
    industry_name,
    need_name,
    trait_name,
)
from engine.regions import sido_name

_OTHER_FIELDS = {"district": "시군구", "needs": "필요한 지원", "description": "소개", "industry_detail": "세부 업종"}


def recommendation_lines(out: Mapping[str, Any]) -> Iterator[str]:
    """Yield the recommendations as a person reads them: title, verdict, window, why."""
    results = out["results"]
    if not results:
        yield f"{out['as_of']} 기준으로 조건에 맞는 공고가 없습니다."
        return
    yield f"{out['as_of']} 기준 추천 공고 {len(results)}건"
    for i, r in enumerate(results, 1):
        verdict = VERDICT_NAMES.get(r["eligibility"], r["eligibility"])
        yield f"{i:>2}. {r['title']}"
        yield f"    {verdict} · {window_text(r['status'], r.get('deadline'))}"
        if r.get("organization"):
            yield f"    기관: {r['organization']}"
        if r.get("explanation"):
            yield f"    {r['explanation']}"
        for unmet in r.get("unmet", []):
            yield f"    - 미충족: {unmet}"


def window_text(status: str, deadline: str | None) -> str:
    """Return '마감 2026-12-31', '상시 접수' or '접수 예정' for a window status."""
    if status == "open" and deadline:
        return f"마감 {deadline}"
    return WINDOW_NAMES.get(status, status)


def field_text(key: str, value: Any) -> str:
    """Return a profile value with its name, the way a person reads it (지역: 대구광역시)."""
    name = FIELD_NAMES.get(key, _OTHER_FIELDS.get(key, key))
    if key == "status":
        shown = STATUS_NAMES.get(str(value), str(value))
    elif key == "region":
        shown = sido_name(str(value))
    elif key == "industry":
        shown = industry_name(str(value))
    elif key == "employees":
        shown = f"{value}명"
    elif key == "representative_age":
        shown = f"만 {value}세"
    elif key == "annual_revenue_krw" and isinstance(value, int):
        shown = format_krw(value)
    elif key == "traits" and isinstance(value, list):
        shown = ", ".join(trait_name(str(t)) for t in value) or "없음"
    elif key == "needs" and isinstance(value, list):
        shown = ", ".join(need_name(str(n)) for n in value) or "-"
    else:
        shown = str(value)
    return f"{name}: {shown}"


def draft_lines(fields: Mapping[str, Any], missing: Sequence[str]) -> Iterator[str]:
    """Yield what was understood from a description, then what is still unknown."""
    yield "이렇게 이해했어요:"
    if not fields:
        yield "- (아직 알아낸 정보가 없어요)"
    for key, value in fields.items():
        yield f"- {field_text(key, value)}"
    if missing:
        yield f"더 알려 주시면 정확해져요: {', '.join(FIELD_NAMES.get(m, m) for m in missing)}"


def config_lines(config: Mapping[str, Any]) -> Iterator[str]:
    """Yield the configuration as aligned `AEGIS_NAME = value` lines (secrets arrive masked)."""
    flat = dict(_flatten(config, "AEGIS_"))
    width = max(map(len, flat), default=0)
    for name, value in flat.items():
        yield f"{name.ljust(width)} = {value}"


def _flatten(config: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, str]]:
    for key, value in config.items():
        name = prefix + key.rstrip("_").upper()
        if isinstance(value, Mapping):
            yield from _flatten(value, name + "__")
        elif isinstance(value, list | tuple):
            yield name, ",".join(map(str, value)) or "-"
        else:
            yield name, "-" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
