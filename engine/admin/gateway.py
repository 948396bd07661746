"""The LLM gateway page: per-provider health and call statistics from `llm_calls`/`provider_health`,
daily tokens and cost, the chain as an editable table, and a test prompt through the real gateway.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import LLMCall, ProviderHealth
from engine.admin.labels import CIRCUIT_LABELS, kst
from engine.settings import DEFAULT_CHAIN, LLMSettings

if TYPE_CHECKING:
    from engine.gateway import Gateway

STATS_WINDOW = dt.timedelta(days=7)
USAGE_DAYS = 30
MAX_SAMPLES = 20_000  # latency percentiles over the newest calls only


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def provider_rows(db: Engine, *, now: dt.datetime, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Return per provider: health, circuit, p50/p95 latency and error rate over the last 7 days."""
    since = now - STATS_WINDOW
    latencies: dict[str, list[float]] = defaultdict(list)
    calls: dict[str, int] = defaultdict(int)
    errors: dict[str, int] = defaultdict(int)
    with Session(db) as session:
        query = (
            sa.select(col(LLMCall.provider), col(LLMCall.latency_ms), col(LLMCall.outcome))
            .where(col(LLMCall.created_at) >= since)
            .order_by(col(LLMCall.created_at).desc())
            .limit(MAX_SAMPLES)
        )
        for provider, latency, outcome in session.execute(query):
            calls[provider] += 1
            latencies[provider].append(float(latency or 0.0))
            if outcome == "error":
                errors[provider] += 1
        health = {h.provider: h for h in session.exec(select(ProviderHealth))}
    names = sorted(set(calls) | set(health))
    rows = []
    for name in names:
        h = health.get(name)
        rows.append(
            {
                "제공자": name,
                "상태": "정상" if h and h.healthy else ("이상" if h and h.healthy is False else "확인 전"),
                "회로": CIRCUIT_LABELS.get(h.circuit_state, h.circuit_state) if h else "-",
                "연속 실패": h.consecutive_failures if h else 0,
                "최근 오류": (h.last_error_class or "") if h else "",
                "호출(7일)": calls.get(name, 0),
                "p50(ms)": _percentile(latencies.get(name, []), 0.5),
                "p95(ms)": _percentile(latencies.get(name, []), 0.95),
                "오류율": round(errors.get(name, 0) / calls[name], 3) if calls.get(name) else None,
                "마지막 점검": kst(h.checked_at, tz) if h else "-",
            }
        )
    return rows


def daily_usage(db: Engine, *, now: dt.datetime) -> list[dict[str, Any]]:
    """Return tokens and cost per day and provider over the last 30 days (rows for a chart)."""
    since = (now - dt.timedelta(days=USAGE_DAYS - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    day = sa.func.date(col(LLMCall.created_at))
    query = (
        sa.select(
            day,
            col(LLMCall.provider),
            sa.func.sum(col(LLMCall.input_tokens) + col(LLMCall.output_tokens)),
            sa.func.sum(col(LLMCall.cost_usd)),
            sa.func.count(),
        )
        .where(col(LLMCall.created_at) >= since)
        .group_by(day, col(LLMCall.provider))
        .order_by(day)
    )
    with Session(db) as session:
        return [
            {
                "날짜": str(d)[:10],
                "제공자": p,
                "토큰": int(t or 0),
                "비용(USD)": round(float(c or 0.0), 4),
                "호출": int(n),
            }
            for d, p, t, c, n in session.execute(query)
        ]


def chain_rows(llm: LLMSettings) -> list[dict[str, Any]]:
    """Return the chain as an editable table: every known provider, its order, whether it is on, its model."""
    rows = []
    for name in [*llm.chain, *(p for p in DEFAULT_CHAIN if p not in llm.chain)]:
        if name == "offline":
            continue
        cfg = getattr(llm, name)
        rows.append(
            {
                "제공자": name,
                "순서": llm.chain.index(name) + 1 if name in llm.chain else len(DEFAULT_CHAIN) + 1,
                "사용": name in llm.chain,
                "모델": cfg.model,
                "연결 설정됨": cfg.api_key is not None or (name == "selfhosted" and cfg.api_base is not None),
            }
        )
    return rows


def chain_changes(llm: LLMSettings, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the settings to store ({dotted key: value}) for an edited chain table; only what changed."""
    enabled = sorted(
        (r for r in rows if r.get("사용")),
        key=lambda r: (99 if r.get("순서") is None else int(r["순서"]), str(r["제공자"])),
    )
    changes: dict[str, Any] = {}
    chain = [str(r["제공자"]) for r in enabled]
    if chain != [p for p in llm.chain if p != "offline"]:
        changes["llm.chain"] = chain
    for r in rows:
        name, model = str(r["제공자"]), str(r.get("모델") or "").strip()
        if model and model != getattr(llm, name).model:
            changes[f"llm.{name}.model"] = model
    return changes


def try_prompt(gateway: Gateway, *, prompt: str) -> dict[str, Any]:
    """Send one test prompt through the gateway; return who answered, the text and the fallback path."""
    result = gateway.complete_sync("dashboard_test", [{"role": "user", "content": prompt}], user_ref="dashboard")
    return {
        "provider": result.provider,
        "model": result.model or "-",
        "text": result.text,
        "decided_by": result.decided_by,
        "latency_ms": round(result.latency_ms, 1),
        "cost_usd": result.cost_usd,
        "path": [
            {"제공자": a.provider, "모델": a.model or "-", "결과": a.outcome, "지연(ms)": round(a.latency_ms, 1)}
            for a in result.fallback_path
        ],
    }
