"""지원사업: the bot's Korean search, filters (source, 시도, 분야, status, deadline range), paging and a detail view."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.common import run_page, table
from engine.admin.labels import STATUS_LABELS, source_label
from engine.admin.programs import ProgramFilters, browse_programs, program_choices, program_detail
from engine.app import Aegis
from engine.regions import SIDO, sido_short

SEARCH_TOP = 500  # search results considered before filtering and paging


def _filters(sources: list[str], categories: list[str]) -> ProgramFilters:
    cols = st.columns(4)
    picked_sources = cols[0].multiselect("출처", sources, format_func=source_label, key="f_source", placeholder="전체")
    sido = cols[1].multiselect("시도", list(SIDO), format_func=sido_short, key="f_sido", placeholder="전체")
    picked_categories = cols[2].multiselect("분야", categories, key="f_category", placeholder="전체")
    statuses = cols[3].multiselect(
        "접수 상태", list(STATUS_LABELS), format_func=lambda s: STATUS_LABELS[s], key="f_status", placeholder="전체"
    )
    use_range = st.checkbox("마감일 범위로 거르기", key="f_use_range")
    start = end = None
    if use_range:
        today = dt.date.today()
        picked = st.date_input("마감일 범위", (today, today + dt.timedelta(days=30)), key="f_range")
        if isinstance(picked, tuple) and len(picked) == 2:
            start, end = picked
    return ProgramFilters(
        sources=tuple(picked_sources),
        sido=tuple(sido),
        categories=tuple(picked_categories),
        statuses=tuple(statuses),
        deadline_from=start,
        deadline_to=end,
    )


def render(core: Aegis) -> None:
    """Render the program list and, when one is picked, its detail."""
    st.title("지원사업")
    today = core.today()
    query = st.text_input("검색 (봇과 같은 한국어 검색)", key="f_query", placeholder="예: 카페 창업 자금")
    filters = _filters(*program_choices(core.db))
    ranked = None
    if query.strip():
        found = core.search(query=query.strip(), as_of=today, top=SEARCH_TOP)
        ranked = [key for r in found["results"] for key in r.get("source_ids", [r["program_id"]])]
    page_no = int(st.session_state.get("f_page", 1))
    page = browse_programs(core.db, today=today, filters=filters, ranked_keys=ranked, page=page_no)
    st.caption(f"{page.total:,}건 중 {page.page}/{page.pages}쪽")
    table([{k: v for k, v in row.items() if k != "key"} for row in page.rows], empty="조건에 맞는 공고가 없습니다.")
    if page.pages > 1:
        st.number_input("쪽", min_value=1, max_value=page.pages, value=page.page, step=1, key="f_page")
    if page.rows:
        titles = {row["key"]: f"{row['공고명']} ({row['출처']})" for row in page.rows}
        key = st.selectbox("상세 보기", ["", *titles], format_func=lambda k: titles.get(k, "선택하세요"), key="detail")
        if key:
            _detail(core, key)


def _detail(core: Aegis, key: str) -> None:
    d = program_detail(core.db, key=key, today=core.today(), tz=core.tz)
    st.divider()
    st.subheader("공고 상세")
    st.text(d.fields["공고명"])
    left, right = st.columns(2)
    with left:
        table([{"항목": k, "값": v} for k, v in d.fields.items()], empty="-")
    with right:
        table([{"항목": k, "값": v} for k, v in d.window.items()], empty="-")
        if d.funding:
            st.caption("지원 금액")
            st.json(d.funding, expanded=False)
    st.subheader("추출된 자격 조건과 근거 문장")
    table(d.conditions, empty="추출된 조건이 없습니다 (누구나 신청 가능하거나 본문에 조건이 없음).")
    if d.preferences:
        st.caption("우대 사항")
        for line in d.preferences:
            st.text(line)
    st.subheader("같은 공고 (중복 묶음)")
    table(d.group, empty="-")
    st.subheader("변경 이력")
    table(d.changes, empty="변경 이력이 없습니다.")
    if d.summary:
        with st.expander("요약"):
            st.text(d.summary)
    with st.expander("원본 데이터"):
        st.json(d.raw, expanded=False)


if __name__ == "__main__":
    run_page(render)
