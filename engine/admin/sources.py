"""The sources page: per-source state and last runs, switching sources on and off, queuing a run now,
and the low-code editor's use cases (test a web-source definition on a fetched or uploaded page, save it).

Every change writes an audit row in the same transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import CollectionRun, Source
from db.session import session_scope
from engine.admin.labels import RUN_MODE_LABELS, RUN_STATUS_LABELS, kst, source_label
from engine.collectors.web import DeclarativeCollector, SourceDefinition, load_definition
from engine.errors import InvalidInput, UnknownSource
from engine.overrides import record_audit
from engine.runs import request_job

RUNS_PER_SOURCE = 5
BREAKER_LABELS = {"closed": "정상", "open": "차단", "half_open": "시험 중"}


def source_rows(db: Engine, *, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Return one row per stored source: label, kind, on/off, schedule, breaker, last run and last success."""
    with Session(db) as session:
        sources = session.exec(select(Source).order_by(col(Source.name))).all()
        return [
            {
                "이름": s.name,
                "출처": _label(s),
                "종류": {"api": "API", "html": "웹 게시판", "catalog": "카탈로그"}.get(s.kind, s.kind),
                "사용": s.enabled,
                "일정(cron)": s.schedule,
                "차단기": BREAKER_LABELS.get(s.breaker_state, s.breaker_state),
                "최근 실행": kst(s.last_run_at, tz),
                "최근 성공": kst(s.last_success_at, tz),
                "최근 오류": s.last_error_class or "",
            }
            for s in sources
        ]


def _label(source: Source) -> str:
    label = source.config.get("label") if isinstance(source.config, dict) else None
    return label if isinstance(label, str) else source_label(source.name)


def last_runs(db: Engine, *, source: str, tz: ZoneInfo, limit: int = RUNS_PER_SOURCE) -> list[dict[str, Any]]:
    """Return a source's latest runs: counts, duration and error class."""
    with Session(db) as session:
        runs = session.exec(
            select(CollectionRun)
            .where(CollectionRun.source == source)
            .order_by(col(CollectionRun.started_at).desc(), col(CollectionRun.id).desc())
            .limit(limit)
        ).all()
        return [
            {
                "시작": kst(r.started_at, tz),
                "방식": RUN_MODE_LABELS.get(r.mode, r.mode),
                "상태": RUN_STATUS_LABELS.get(r.status, r.status),
                "받음": r.received,
                "신규": r.new,
                "변경": r.updated,
                "제외": r.rejected,
                "마감 처리": r.closed,
                "소요(초)": round(r.duration_ms / 1000, 1) if r.duration_ms is not None else None,
                "오류 종류": r.error_class or "",
            }
            for r in runs
        ]


def set_source_enabled(db: Engine, *, name: str, enabled: bool, actor: str, now: dt.datetime) -> None:
    """Switch a source on or off (audited); UnknownSource when there is no such source."""
    with session_scope(db) as session:
        row = session.get(Source, name)
        if row is None:
            raise UnknownSource(f"no source named {name!r}")
        before = row.enabled
        row.enabled = enabled
        session.add(row)
        record_audit(
            session,
            actor=actor,
            action="source.enable",
            target=name,
            detail={"before": before, "after": enabled},
            now=now,
        )


def set_source_schedule(db: Engine, *, name: str, cron: str, actor: str, now: dt.datetime) -> None:
    """Change a source's cron schedule (audited); InvalidInput unless it has five fields."""
    if len(cron.split()) != 5:
        raise InvalidInput(f"invalid cron {cron!r}", user_message="cron 식은 다섯 칸이어야 합니다 (예: 0 */6 * * *).")
    with session_scope(db) as session:
        row = session.get(Source, name)
        if row is None:
            raise UnknownSource(f"no source named {name!r}")
        before, row.schedule = row.schedule, cron.strip()
        session.add(row)
        record_audit(
            session,
            actor=actor,
            action="source.schedule",
            target=name,
            detail={"before": before, "after": cron},
            now=now,
        )


def queue_run(db: Engine, *, name: str, actor: str, now: dt.datetime) -> int:
    """Queue a collection of `name` for the job runner (never run in the page); return the job id."""
    with Session(db) as session:
        if session.get(Source, name) is None:
            raise UnknownSource(f"no source named {name!r}")
    job_id = request_job(db, kind="collect", args={"source": name}, requested_by=actor, now=now)
    from engine.overrides import audit

    audit(db, actor=actor, action="source.run_now", target=name, detail={"job_id": job_id})
    return job_id


def web_definition_yaml(db: Engine, *, name: str) -> str:
    """Return a stored web source's definition as editable YAML."""
    with Session(db) as session:
        row = session.get(Source, name)
        if row is None or row.kind != "html":
            raise UnknownSource(f"no web source named {name!r}")
        config = dict(row.config)
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def definition_from_form(fields: dict[str, Any]) -> SourceDefinition:
    """Build a definition from the editor's form fields (blank values dropped); InvalidInput when invalid."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if v not in (None, "", {}, [])}
        return value.strip() if isinstance(value, str) else value

    return load_definition(clean(fields))


def try_definition(
    definition: SourceDefinition,
    *,
    page: bytes | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """Show the rows a definition would extract: from an uploaded page, else by fetching its list URL once.

    The fetch is polite like collection (robots.txt, the source's host only, its User-Agent); nothing is stored.
    """
    from engine.collectors.web.extract import scrape_list
    from engine.collectors.web.fetch import PoliteFetcher

    header_charset: str | None = None
    base_url = definition.list_url
    if page is None:

        async def fetch() -> tuple[bytes, str | None, str]:
            async with PoliteFetcher(
                source=definition.name,
                host=definition.host,
                user_agent=definition.agent,
                delay_s=0,
                timeout_s=definition.timeout_s,
                max_bytes=definition.max_bytes,
                retries=0,
                transport=transport,
            ) as fetcher:
                got = await fetcher.get(definition.list_url)
                return got.body, got.charset, got.url

        page, header_charset, base_url = asyncio.run(fetch())
    rows = scrape_list(definition, page, base_url, header_charset=header_charset)
    return {
        "rows": [r.as_json() for r in rows if not r.skipped],
        "skipped": [{"title": r.title, "reason": r.skipped} for r in rows if r.skipped],
    }


def save_web_source(db: Engine, *, definition: SourceDefinition, actor: str, now: dt.datetime) -> bool:
    """Store a tested definition in `sources` (new ones start switched off); return whether it was new."""
    config = definition.model_dump(mode="json")
    with session_scope(db) as session:
        row = session.get(Source, definition.name)
        created = row is None
        if row is None:
            row = Source(name=definition.name, kind="html", schedule=DeclarativeCollector.schedule, enabled=False)
        elif row.kind != "html":
            raise InvalidInput(
                f"{definition.name} is a built-in source",
                user_message=f"{definition.name}: 기본 제공 소스와 같은 이름은 쓸 수 없습니다.",
            )
        before = dict(row.config) if not created else None
        row.config = config
        session.add(row)
        record_audit(
            session,
            actor=actor,
            action="source.definition",
            target=definition.name,
            detail={"before": before, "after": config},
            now=now,
        )
    return created
