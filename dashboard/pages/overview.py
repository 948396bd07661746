"""개요: programs by source and status, this week's news, users, today's alerts, providers, freshness, trends."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.common import run_page, table, utcnow
from engine.admin.overview import overview
from engine.app import Aegis

STALE = "늦음 (일정 초과)"


def _red_when_stale(row: pd.Series) -> list[str]:
    return ["background-color: #fbd5d5; color: #8a1c1c" if row["상태"] == STALE else "" for _ in row]


def render(core: Aegis) -> None:
    """Render the overview."""
    now = utcnow()
    o = overview(core.db, now=now, tz=core.tz)
    st.title("개요")
    cols = list(st.columns(6))
    cols[0].metric("전체 공고", f"{o.programs_total:,}건")
    cols[1].metric("이번 주 신규", f"{o.new_this_week:,}건")
    cols[2].metric("7일 내 마감", f"{o.closing_within_7d:,}건")
    cols[3].metric("사용자", f"{o.users_total:,}명", f"온보딩 {o.onboarding_rate:.0%}", delta_color="off")
    cols[4].metric("오늘 발송", f"{o.sent_today:,}건")
    cols[5].metric("오늘 실패", f"{o.failed_today:,}건")

    left, right = list(st.columns(2))
    with left:
        st.subheader("출처·상태별 공고")
        if o.by_source_status:
            frame = pd.DataFrame(o.by_source_status).pivot_table(
                index="출처", columns="상태", values="공고 수", aggfunc="sum", fill_value=0
            )
            st.bar_chart(frame, horizontal=True)
        else:
            st.info("아직 공고가 없습니다. `aegis import` 또는 `aegis demo load`로 가져오세요.")
    with right:
        st.subheader("LLM 제공자 상태")
        if o.providers:
            badges = st.columns(len(o.providers))
            for slot, p in zip(badges, o.providers, strict=True):
                healthy, broken = p["상태"] == "정상", p["상태"] == "이상"
                slot.badge(f"{p['제공자']}: {p['상태']}", color="green" if healthy else ("red" if broken else "gray"))
        table(o.providers, empty="아직 점검 기록이 없습니다 (작업 실행기가 주기적으로 점검합니다).")
        st.subheader("품질 지표 (검증 세트)")
        if o.quality is None:
            st.info("기록된 점수가 없습니다. `make score | aegis record-score`로 기록하세요.")
        else:
            age = o.quality.age_days(now)
            note = f"{o.quality.set_name} 세트, {age}일 전 측정"
            (st.warning if o.quality.stale(now) else st.caption)(
                note + (" (1주일 넘게 지남)" if o.quality.stale(now) else "")
            )
            table([{"지표": k, "값": v} for k, v in o.quality.figures.items()], empty="-")

    st.subheader("소스 신선도")
    if o.freshness:
        frame = pd.DataFrame(
            [
                {
                    "소스": f.label,
                    "사용": f.enabled,
                    "마지막 성공": f.last_success,
                    "경과(시간)": f.age_hours,
                    "상태": STALE if f.stale else ("정상" if f.enabled else "꺼짐"),
                }
                for f in o.freshness
            ]
        )
        st.dataframe(frame.style.apply(_red_when_stale, axis=1), hide_index=True, width="stretch")
    else:
        st.info("등록된 수집 소스가 없습니다. '수집 소스' 화면에서 기본 소스를 등록하세요.")

    st.subheader("최근 30일 추이")
    trends = pd.DataFrame(o.trends).set_index("날짜")
    st.line_chart(trends)


if __name__ == "__main__":
    run_page(render)
