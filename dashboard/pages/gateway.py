"""LLM 게이트웨이: provider health, circuits, latency and error rate, daily tokens and cost, the chain editor,
budgets, and a test prompt that shows which provider answered and the fallback path.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard.common import actor, run_page, table, utcnow
from engine.admin.gateway import chain_changes, chain_rows, daily_usage, provider_rows, try_prompt
from engine.app import Aegis


def render(core: Aegis) -> None:
    """Render provider state, usage charts, the chain and budget editors and the test prompt."""
    st.title("LLM 게이트웨이")
    now = utcnow()
    st.subheader("제공자 상태 (최근 7일)")
    table(provider_rows(core.db, now=now, tz=core.tz), empty="아직 호출·점검 기록이 없습니다.")

    usage = daily_usage(core.db, now=now)
    if usage:
        frame = pd.DataFrame(usage)
        left, right = list(st.columns(2))
        left.caption("일별 토큰")
        left.bar_chart(frame.pivot_table(index="날짜", columns="제공자", values="토큰", aggfunc="sum", fill_value=0))
        right.caption("일별 비용 (USD)")
        right.bar_chart(
            frame.pivot_table(index="날짜", columns="제공자", values="비용(USD)", aggfunc="sum", fill_value=0)
        )
    else:
        st.info("최근 30일 LLM 호출이 없습니다.")

    st.subheader("제공자 체인")
    st.caption("순서·사용 여부·모델을 고치고 저장하면 감사 로그에 남고, 작업 실행기와 봇이 다시 읽습니다.")
    edited = st.data_editor(
        chain_rows(core.settings.llm),
        hide_index=True,
        disabled=["제공자", "연결 설정됨"],
        key="chain",
        width="stretch",
    )
    if st.button("체인 저장", key="save_chain"):
        rows: list[dict[str, Any]] = edited.to_dict("records") if isinstance(edited, pd.DataFrame) else list(edited)
        changes = chain_changes(core.settings.llm, rows)
        for key, value in changes.items():
            core.set_setting(key=key, value=value, actor=actor())
        st.success(f"{len(changes)}개 설정을 저장했습니다." if changes else "바뀐 것이 없습니다.")

    st.subheader("예산")
    cols = list(st.columns(2))
    cap = cols[0].number_input(
        "하루 비용 한도 (USD)", min_value=0.0, value=float(core.settings.llm.daily_cost_cap_usd), key="cap"
    )
    per_user = cols[1].number_input(
        "사용자당 하루 요청 수", min_value=0, value=int(core.settings.llm.per_user_daily_requests), key="per_user"
    )
    if st.button("예산 저장", key="save_budget"):
        if cap != core.settings.llm.daily_cost_cap_usd:
            core.set_setting(key="llm.daily_cost_cap_usd", value=cap, actor=actor())
        if per_user != core.settings.llm.per_user_daily_requests:
            core.set_setting(key="llm.per_user_daily_requests", value=int(per_user), actor=actor())
        st.success("예산을 저장했습니다.")

    st.subheader("시험 프롬프트")
    prompt = st.text_area("프롬프트", value="한 문장으로 자기소개를 해 주세요.", key="prompt")
    if st.button("보내기", key="send_prompt", type="primary"):
        out = try_prompt(core.gateway, prompt=prompt)
        cols = list(st.columns(3))
        cols[0].metric("응답한 제공자", out["provider"])
        cols[1].metric("모델", out["model"])
        cols[2].metric("지연", f"{out['latency_ms']} ms")
        st.text(out["text"])
        st.caption("대체 경로")
        table(
            out["path"], empty="원격 제공자를 시도하지 않았습니다 (설정된 제공자가 없거나 예산·차단으로 오프라인 응답)."
        )


if __name__ == "__main__":
    run_page(render)
