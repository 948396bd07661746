"""설정·감사 로그: every run-time setting (stored in the database, audited, reloaded without a restart) and
the audit log of who changed what, before → after.
"""

from __future__ import annotations

import streamlit as st

from dashboard.common import actor, run_page, table
from engine.admin.system import audit_rows, parse_setting_value, setting_rows
from engine.app import Aegis


def render(core: Aegis) -> None:
    """Render the settings table, the one-setting editor and the audit log."""
    st.title("설정·감사 로그")
    rows = setting_rows(core.settings, core.db)
    st.caption(
        "여기서 바꾼 설정은 데이터베이스에 저장되고, 작업 실행기·봇이 재시작 없이 다시 읽습니다. "
        "비밀값과 주소는 환경 변수로만 설정합니다."
    )
    table(rows, empty="-", key="settings_table", height=320)

    st.subheader("설정 변경")
    values = {r["설정"]: r["현재 값"] for r in rows}
    key = st.selectbox("설정", list(values), key="setting_key")
    value = st.text_input(
        '새 값 (JSON: 숫자, true/false, ["a", "b"] 또는 문자열)', value=values[key], key=f"setting_value_{key}"
    )
    save, reset = st.columns(2)
    if save.button("저장", key="setting_save", type="primary"):
        core.set_setting(key=key, value=parse_setting_value(value), actor=actor())
        st.success(f"{key}을(를) 저장했습니다.")
        st.rerun()
    if reset.button("환경 변수 값으로 되돌리기", key="setting_reset"):
        core.set_setting(key=key, value=None, actor=actor())
        st.success(f"{key}을(를) 되돌렸습니다.")
        st.rerun()

    st.subheader("감사 로그")
    table(audit_rows(core.db, tz=core.tz), empty="아직 기록이 없습니다.", key="audit")


if __name__ == "__main__":
    run_page(render)
