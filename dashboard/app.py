"""The dashboard's router: page setup, the login gate, the schema check, then `st.navigation` over PAGES.

Before login only the login form renders (no title, no figures); after it, every page of
`dashboard.pages.PAGES` is one navigation entry.
"""

from __future__ import annotations

import streamlit as st

from dashboard.common import get_core, show_errors
from dashboard.login import logged_in, render_login, render_logout
from dashboard.pages import PAGES
from engine.admin.system import schema_ready

APP_TITLE = "이지스(Aegis) 운영 대시보드"
NOT_MIGRATED = "데이터베이스가 준비되지 않았습니다. `aegis db upgrade`를 먼저 실행하세요."


def _schema_ready() -> bool:
    if st.session_state.get("aegis_schema_ready"):
        return True
    ready = schema_ready(get_core(reload=False).db)
    st.session_state["aegis_schema_ready"] = ready
    return ready


def main() -> None:
    """Render one run of the dashboard."""
    st.set_page_config(page_title="이지스", page_icon=":material/shield:", layout="wide")
    with show_errors():
        ready = _schema_ready()
        core = get_core(reload=ready)
        if not logged_in(core, ready=ready):

            def login() -> None:
                render_login(core, ready=ready)

            st.navigation([st.Page(login, title="로그인", url_path="login")], position="hidden").run()
            return
        st.sidebar.caption(APP_TITLE)
        render_logout()
        if not ready:
            st.error(NOT_MIGRATED)
            return
        pages = [st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path) for p in PAGES]
        st.navigation(pages).run()
