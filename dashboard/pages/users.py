"""사용자·알림: users by state, region and industry; deliveries; failures and dead letters with retry;
feedback; the most common unmet conditions; importing users from a file (the `aegis users import` path).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.common import actor, run_page, table, utcnow
from engine.admin.users import (
    common_unmet,
    delivery_breakdown,
    failed_deliveries,
    feedback_summary,
    retry_deliveries,
    sample_profiles,
    user_breakdown,
)
from engine.app import Aegis
from engine.overrides import audit
from engine.users import import_users

UNMET_SAMPLE = 50


def render(core: Aegis) -> None:
    """Render user and delivery statistics, the failure list with retry, feedback and the import form."""
    st.title("사용자·알림")
    users = user_breakdown(core.db)
    cols = list(st.columns(3))
    with cols[0]:
        st.subheader("상태")
        table(users["state"], empty="사용자가 없습니다.")
    with cols[1]:
        st.subheader("시도")
        if users["region"]:
            st.bar_chart(pd.DataFrame(users["region"]).set_index("시도"), horizontal=True)
        else:
            st.info("사용자가 없습니다.")
    with cols[2]:
        st.subheader("업종")
        table(users["industry"], empty="사용자가 없습니다.")

    st.subheader("발송 (채널·상태별)")
    table(delivery_breakdown(core.db), empty="발송 기록이 없습니다.")

    st.subheader("실패·중단된 발송")
    failures = failed_deliveries(core.db, tz=core.tz)
    table(failures, empty="실패한 발송이 없습니다.", key="failures")
    if failures:
        picked = st.multiselect(
            "다시 보낼 발송", [f["id"] for f in failures], key="retry_ids", placeholder="선택하세요"
        )
        if st.button("선택한 발송 재시도", key="retry", disabled=not picked):
            n = retry_deliveries(core.db, ids=[int(i) for i in picked], actor=actor(), now=utcnow())
            st.success(f"{n}건을 다시 대기열에 넣었습니다.")

    st.subheader("피드백")
    table(feedback_summary(core.db), empty="피드백이 없습니다.")

    st.subheader("가장 흔한 미충족 조건")
    st.caption(f"최근 온보딩한 사용자 최대 {UNMET_SAMPLE}명의 추천 결과(신청 불가 포함)에서 셉니다.")
    if st.button("계산", key="unmet"):
        today = core.today()
        rows = common_unmet(
            sample_profiles(core.db, limit=UNMET_SAMPLE),
            recommend=lambda p: core.recommend(profile=p, as_of=today, top=50, include_ineligible=True),
        )
        table(rows, empty="온보딩한 사용자가 없거나 미충족 조건이 없습니다.")

    st.subheader("사용자 가져오기")
    st.caption("`aegis users import`와 같은 경로입니다: JSON Lines 또는 CSV, 한 줄에 한 사용자.")
    upload = st.file_uploader("파일", type=["jsonl", "json", "csv", "txt"], key="import_file")
    if upload is not None and st.button("가져오기", key="import", type="primary"):
        lines = upload.getvalue().decode("utf-8-sig").splitlines()
        report = import_users(core.db, lines=lines, now=utcnow())
        audit(
            core.db,
            actor=actor(),
            action="users.import",
            target=upload.name,
            detail={
                "received": report.received,
                "new": report.new,
                "updated": report.updated,
                "rejected": report.rejected,
            },
        )
        st.success(f"받음 {report.received} · 신규 {report.new} · 갱신 {report.updated} · 거부 {report.rejected}")
        for error in report.errors:
            st.text(error)


if __name__ == "__main__":
    run_page(render)
