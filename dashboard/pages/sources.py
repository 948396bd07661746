"""수집 소스: per-source state and last runs, on/off, schedule, run now (queued for the job runner), and the
low-code editor for declarative web sources with a test on a fetched or uploaded page before saving.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
import yaml

from dashboard.common import actor, run_page, table, utcnow
from engine.admin.sources import (
    definition_from_form,
    last_runs,
    queue_run,
    save_web_source,
    set_source_enabled,
    set_source_schedule,
    source_rows,
    try_definition,
    web_definition_yaml,
)
from engine.app import Aegis
from engine.collectors.web import load_definition
from engine.sources import seed_sources

NEW_SOURCE = "(새 웹 소스)"


def render(core: Aegis) -> None:
    """Render the source list, the per-source controls and the web-source editor."""
    st.title("수집 소스")
    rows = source_rows(core.db, tz=core.tz)
    table(rows, empty="등록된 소스가 없습니다. 아래 버튼으로 기본 소스를 등록하세요.")
    if st.button("기본 소스 등록 (없는 것만)", key="seed"):
        added = seed_sources(core.db, core.settings)
        st.success(f"{len(added)}개 등록" if added else "이미 모두 등록되어 있습니다.")
        st.rerun()
    if rows:
        _controls(core, rows)
    st.divider()
    _editor(core, [r["이름"] for r in rows if r["종류"] == "웹 게시판"])


def _controls(core: Aegis, rows: list[dict[str, Any]]) -> None:
    st.subheader("소스 관리")
    names = [r["이름"] for r in rows]
    name = st.selectbox("소스", names, format_func=lambda n: next(r["출처"] for r in rows if r["이름"] == n), key="src")
    row = next(r for r in rows if r["이름"] == name)
    cols = list(st.columns(3))
    enabled = cols[0].toggle("사용", value=bool(row["사용"]), key=f"enabled_{name}")
    if enabled != row["사용"]:
        set_source_enabled(core.db, name=name, enabled=enabled, actor=actor(), now=utcnow())
        st.rerun()
    cron = cols[1].text_input("일정 (cron, 한국 시간)", value=row["일정(cron)"], key=f"cron_{name}")
    if cols[1].button("일정 저장", key=f"save_cron_{name}") and cron != row["일정(cron)"]:
        set_source_schedule(core.db, name=name, cron=cron, actor=actor(), now=utcnow())
        st.success("일정을 저장했습니다. 작업 실행기가 다음 점검 때 반영합니다.")
    if cols[2].button("지금 수집", key=f"run_{name}", type="primary"):
        job_id = queue_run(core.db, name=name, actor=actor(), now=utcnow())
        st.success(f"수집 작업 #{job_id}을(를) 대기열에 넣었습니다. 작업 실행기(aegis jobs)가 처리합니다.")
    st.caption("최근 실행")
    table(last_runs(core.db, source=name, tz=core.tz), empty="실행 기록이 없습니다.")


def _editor(core: Aegis, web_sources: list[str]) -> None:
    st.subheader("웹 소스 편집기 (로우코드)")
    picked = st.selectbox("편집할 웹 소스", [NEW_SOURCE, *web_sources], key="edit_src")
    base: dict[str, Any] = {}
    if picked != NEW_SOURCE:
        base = yaml.safe_load(web_definition_yaml(core.db, name=picked)) or {}
    listing = dict(base.get("listing") or {})
    cols = list(st.columns(2))
    fields: dict[str, Any] = dict(base)
    fields["name"] = cols[0].text_input("이름 (영문 소문자)", value=base.get("name", ""), key=f"ed_name_{picked}")
    fields["label"] = cols[1].text_input("표시 이름", value=base.get("label", ""), key=f"ed_label_{picked}")
    fields["list_url"] = st.text_input("목록 URL", value=base.get("list_url", ""), key=f"ed_url_{picked}")
    cols = list(st.columns(4))
    listing["row"] = cols[0].text_input("행 선택자", value=listing.get("row", ""), key=f"ed_row_{picked}")
    listing["title"] = cols[1].text_input("제목 선택자", value=listing.get("title", ""), key=f"ed_title_{picked}")
    listing["date"] = cols[2].text_input("날짜 선택자", value=listing.get("date") or "", key=f"ed_date_{picked}")
    listing["id_param"] = cols[3].text_input("ID 파라미터", value=listing.get("id_param") or "", key=f"ed_id_{picked}")
    fields["listing"] = listing
    cols = list(st.columns(2))
    fields["charset"] = cols[0].text_input(
        "문자셋 (auto, euc-kr …)", value=base.get("charset") or "auto", key=f"ed_cs_{picked}"
    )
    fields["delay_s"] = cols[1].number_input(
        "요청 간격(초)", min_value=0.0, max_value=60.0, value=float(base.get("delay_s", 2.0)), key=f"ed_delay_{picked}"
    )
    with st.expander("전체 정의 (YAML) 직접 편집"):
        raw = st.text_area("YAML (비워 두면 위 입력값을 씁니다)", value="", height=200, key=f"ed_yaml_{picked}")
    upload = st.file_uploader(
        "저장된 목록 페이지(HTML)로 시험 (비워 두면 목록 URL을 한 번 가져옵니다)",
        type=["html", "htm"],
        key=f"ed_file_{picked}",
    )
    test, save = list(st.columns(2))
    if test.button("시험", key=f"ed_test_{picked}", type="primary"):
        definition = load_definition(raw) if raw.strip() else definition_from_form(fields)
        out = try_definition(definition, page=upload.getvalue() if upload is not None else None)
        st.success(f"추출된 공고 {len(out['rows'])}건 (제외 {len(out['skipped'])}건)")
        table(out["rows"], empty="추출된 행이 없습니다.", key="ed_rows")
        if out["skipped"]:
            st.caption("제목 필터로 제외된 행")
            table(out["skipped"], empty="-")
    if save.button("저장", key=f"ed_save_{picked}"):
        definition = load_definition(raw) if raw.strip() else definition_from_form(fields)
        created = save_web_source(core.db, definition=definition, actor=actor(), now=utcnow())
        st.success(
            "새 소스를 꺼진 상태로 저장했습니다. 시험 후 '사용'을 켜세요." if created else "정의를 저장했습니다."
        )


if __name__ == "__main__":
    run_page(render)
