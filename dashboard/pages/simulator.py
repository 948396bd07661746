"""추천 시뮬레이터: enter or upload a profile and see what the bot would answer (results, checklists, next
question, explanation), computed by the same `Aegis.recommend` as the bot and `aegis recommend`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import streamlit as st

from dashboard.common import escape_md, run_page
from engine.admin.labels import STATUS_LABELS
from engine.app import Aegis
from engine.dialogue.programs import BADGES, stale_note
from engine.errors import InvalidInput
from engine.inputs import parse_profile
from engine.matching.labels import INDUSTRY_NAMES, NEED_NAMES, STATUS_NAMES
from engine.matching.questions import question_text
from engine.regions import SIDO


def _form() -> dict[str, Any]:
    cols = list(st.columns(3))
    data: dict[str, Any] = {
        "status": cols[0].selectbox(
            "사업 상태", list(STATUS_NAMES), format_func=STATUS_NAMES.__getitem__, key="p_status"
        ),
        "region": cols[1].selectbox("시도", [name for name, _full in SIDO.values()], key="p_region"),
        "industry": cols[2].selectbox(
            "업종",
            list(INDUSTRY_NAMES),
            index=list(INDUSTRY_NAMES).index("I"),
            format_func=lambda c: f"{c} {INDUSTRY_NAMES[c]}",
            key="p_industry",
        ),
    }
    cols = list(st.columns(4))
    founded = cols[0].date_input("개업일", value=None, min_value=dt.date(1950, 1, 1), key="p_founded")
    employees = cols[1].number_input("상시근로자 수", min_value=0, value=None, key="p_employees")
    revenue = cols[2].number_input("연 매출(원)", min_value=0, value=None, step=10_000_000, key="p_revenue")
    age = cols[3].number_input("대표자 나이", min_value=15, max_value=100, value=None, key="p_age")
    needs = st.multiselect(
        "필요한 지원", list(NEED_NAMES), format_func=NEED_NAMES.__getitem__, key="p_needs", placeholder="선택하세요"
    )
    if founded is not None:
        data["founded_on"] = founded.isoformat()
    for key, value in (("employees", employees), ("annual_revenue_krw", revenue), ("representative_age", age)):
        if value is not None:
            data[key] = int(value)
    data["needs"] = needs
    return data


def render(core: Aegis) -> None:
    """Render the profile input and the recommendation the bot would give."""
    st.title("추천 시뮬레이터")
    mode = st.radio("프로필 입력", ["직접 입력", "JSON"], horizontal=True, key="p_mode")
    if mode == "JSON":
        upload = st.file_uploader("프로필 파일 (profile.schema.json)", type=["json"], key="p_file")
        text = st.text_area("또는 JSON 붙여넣기", height=180, key="p_json")
        raw = upload.getvalue().decode("utf-8-sig") if upload is not None else text
        try:
            data = json.loads(raw) if raw.strip() else None
        except ValueError as exc:
            raise InvalidInput(f"invalid JSON: {exc}", user_message="JSON 형식이 올바르지 않습니다.") from exc
    else:
        data = _form()
    as_of = st.date_input("기준일", value=core.today(), key="p_as_of")
    top = st.slider("결과 수", 1, 30, 10, key="p_top")
    if not st.button("추천 보기", type="primary", key="p_run"):
        return
    if data is None:
        st.warning("프로필을 입력하거나 파일을 올려 주세요.")
        return
    profile = parse_profile(data)
    out = core.recommend(profile=profile, as_of=as_of, top=top)
    show_results(out)


def show_results(out: dict[str, Any]) -> None:
    """Render the recommend output: a summary table, then each result's checklist and explanation."""
    results = out["results"]
    st.caption(f"기준일 {out['as_of']} · {len(results)}건")
    if out.get("next_question"):
        st.info("다음 질문: " + escape_md(question_text(out["next_question"])))  # may quote program words
    if not results:
        st.warning("추천할 공고가 없습니다.")
        return
    st.dataframe(
        [
            {
                "순위": i,
                "공고": r["title"],
                "판정": BADGES[r["eligibility"]],
                "접수": STATUS_LABELS.get(r["status"], r["status"]),
                "마감": r.get("deadline") or "-",
                "점수": r["score"],
                "program_id": r["program_id"],
            }
            for i, r in enumerate(results, 1)
        ],
        hide_index=True,
        width="stretch",
        key="sim_results",
    )
    for i, r in enumerate(results, 1):
        with st.expander(f"{i}. {BADGES[r['eligibility']]}"):
            st.text(r["title"])
            checklist = (
                [f"✔ {x}" for x in r["reasons"]] + [f"✘ {x}" for x in r["unmet"]] + [f"? {x}" for x in r["unknown"]]
            )
            st.text("\n".join(checklist) or "-")
            if r.get("explanation"):
                st.text(r["explanation"])
            if r.get("stale"):
                st.warning(stale_note(r.get("funding")))
            if r.get("url"):
                st.text(r["url"])


if __name__ == "__main__":
    run_page(render)
