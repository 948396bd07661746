"""The dashboard's pages: one module per page, listed once in PAGES (file, title, icon, url path).

Adding a page is one module here and one entry below; streamlit_app.py's router reads this list.
"""

from __future__ import annotations

from typing import NamedTuple


class PageEntry(NamedTuple):
    """One page of the navigation: its script (relative to streamlit_app.py), title, icon and URL path."""

    file: str
    title: str
    icon: str
    url_path: str


PAGES: tuple[PageEntry, ...] = (
    PageEntry("dashboard/pages/overview.py", "개요", ":material/dashboard:", "overview"),
    PageEntry("dashboard/pages/programs.py", "지원사업", ":material/description:", "programs"),
    PageEntry("dashboard/pages/sources.py", "수집 소스", ":material/satellite_alt:", "sources"),
    PageEntry("dashboard/pages/gateway.py", "LLM 게이트웨이", ":material/psychology:", "gateway"),
    PageEntry("dashboard/pages/users.py", "사용자·알림", ":material/group:", "users"),
    PageEntry("dashboard/pages/simulator.py", "추천 시뮬레이터", ":material/target:", "simulator"),
    PageEntry("dashboard/pages/preview.py", "봇 미리보기", ":material/chat:", "preview"),
    PageEntry("dashboard/pages/settings.py", "설정·감사 로그", ":material/settings:", "settings"),
)
