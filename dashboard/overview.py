"""The overview page: program counts, the latest programs and the latest collection runs, in Korean."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from db.models import CollectionRun, Program
from engine.app import Aegis
from engine.collectors import BUILTIN_COLLECTORS
from engine.domain import Window
from engine.matching.window import window_status
from engine.programs import count_programs, list_programs
from engine.regions import SIDO, sido_short
from engine.runs import recent_runs

PROGRAM_LIMIT = 200
RUN_LIMIT = 10

STATUS_LABELS = {"open": "접수 중", "always": "상시 접수", "upcoming": "접수 예정", "closed": "마감"}
RUN_STATUS_LABELS = {"ok": "성공", "failed": "실패", "degraded": "일부 실패", "running": "진행 중"}
RUN_MODE_LABELS = {"collect": "수집", "import": "가져오기"}


def source_label(name: str) -> str:
    """Return the Korean name of a source (its collector's label), or the name itself."""
    labels = {collector.name: collector.label for collector in BUILTIN_COLLECTORS}
    return labels.get(name, name)


def status_label(program: Program, today: dt.date) -> str:
    """Return the program's application status on `today` in Korean."""
    if program.closed_at is not None:
        return STATUS_LABELS["closed"]
    if program.window_kind == "unknown":
        return "일정 미정"  # '추후 공지' and the like: not open, but not over either
    window = Window(kind=program.window_kind, start=program.window_start, end=program.window_end)
    return STATUS_LABELS[window_status(window, today)]


def deadline_label(program: Program) -> str:
    """Return the deadline as YYYY-MM-DD, or '상시' / '-' when there is none."""
    if program.window_kind == "always":
        return "상시"
    return program.window_end.isoformat() if program.window_end else "-"


def regions_label(codes: Sequence[str] | None) -> str:
    """Return the 시도 short names, or '전국' for a nationwide program."""
    if not codes or set(codes) >= set(SIDO):
        return "전국"
    return ", ".join(sido_short(code) for code in codes)


def program_rows(programs: Sequence[Program], *, today: dt.date) -> list[dict[str, str]]:
    """Return the overview table rows with Korean column labels."""
    return [
        {
            "공고명": p.title,
            "출처": source_label(p.source),
            "소관기관": p.organization or "-",
            "접수 상태": status_label(p, today),
            "마감일": deadline_label(p),
            "지역": regions_label(p.regions),
        }
        for p in programs
    ]


def _kst(moment: dt.datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "-"


def run_rows(runs: Sequence[CollectionRun], *, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Return the collection-run table rows with Korean column labels (times in Asia/Seoul)."""
    return [
        {
            "시작": _kst(r.started_at, tz),
            "출처": source_label(r.source),
            "방식": RUN_MODE_LABELS.get(r.mode, r.mode),
            "상태": RUN_STATUS_LABELS.get(r.status, r.status),
            "받음": r.received,
            "신규": r.new,
            "변경": r.updated,
            "변경 없음": r.unchanged,
            "제외": r.rejected,
            "마감 처리": r.closed,
            "오류": r.error_message or "",
        }
        for r in runs
    ]


def render_overview(core: Aegis) -> None:
    """Render counts, the latest programs and the latest collection runs."""
    total = count_programs(core.db)
    programs = list_programs(core.db, limit=PROGRAM_LIMIT, today=core.today())
    runs = recent_runs(core.db, limit=RUN_LIMIT)
    rows = program_rows(programs, today=core.today())

    open_now = sum(1 for row in rows if row["접수 상태"] in ("접수 중", "상시 접수"))
    left, middle, right = st.columns(3)
    left.metric("전체 공고", f"{total:,}건")
    middle.metric("접수 가능 (최근 목록 기준)", f"{open_now:,}건")
    right.metric("최근 수집", _kst(runs[0].started_at, core.tz) if runs else "없음")

    st.subheader("공고 목록")
    if rows:
        st.caption(f"마감이 가까운 순서의 공고 {len(rows):,}건 (최대 {PROGRAM_LIMIT}건)")
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.info(
            "아직 공고가 없습니다. `aegis import --source bizinfo --file <파일>` 또는 `aegis demo load`로 가져오세요."
        )

    st.subheader("최근 수집 실행")
    if runs:
        st.dataframe(run_rows(runs, tz=core.tz), hide_index=True, width="stretch")
    else:
        st.info("아직 수집 실행 기록이 없습니다.")
