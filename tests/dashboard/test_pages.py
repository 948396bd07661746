"""Every page through Streamlit's AppTest on an empty and a populated database, and what each page does."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.pages import PAGES
from engine.app import Aegis
from engine.overrides import audit_entries
from engine.runs import recent_jobs
from tests.dashboard.conftest import EXAMPLES, NOW

PAGE_NAMES = [Path(p.file).stem for p in PAGES]
TITLES = {Path(p.file).stem: p.title for p in PAGES}


def _every_page(at: AppTest) -> None:
    for page in PAGE_NAMES:
        at.switch_page(f"dashboard/pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
        assert at.title[0].value == TITLES[page]


def test_every_page_renders_on_an_empty_database(core: Aegis, app: Callable[..., AppTest]) -> None:
    _every_page(app())


def test_every_page_renders_on_a_populated_database(populated: Aegis, app: Callable[..., AppTest]) -> None:
    _every_page(app())


def test_overview_counts_programs_users_and_todays_deliveries(populated: Aegis, app: Callable[..., AppTest]) -> None:
    metrics = {m.label: m.value for m in app("overview").metric}
    assert metrics["전체 공고"] == "52건"
    assert metrics["사용자"] == "2명"
    assert (metrics["오늘 발송"], metrics["오늘 실패"]) == ("1건", "1건")


def _program_rows(at: AppTest) -> list[dict[str, object]]:
    return at.dataframe[0].value.to_dict("records") if at.dataframe else []


def test_programs_filters_narrow_the_list(populated: Aegis, app: Callable[..., AppTest]) -> None:
    at = app("programs")
    everything = _program_rows(at)
    assert len(everything) == 50  # the first page of 52
    at.multiselect(key="f_source").set_value(["kstartup"]).run()
    rows = _program_rows(at)
    assert rows and {r["출처"] for r in rows} == {"K-Startup"}
    at.multiselect(key="f_status").set_value(["closed"]).run()
    assert all(r["접수 상태"] == "마감" for r in _program_rows(at))


def test_programs_search_is_the_bots_search(populated: Aegis, app: Callable[..., AppTest]) -> None:
    at = app("programs")
    at.text_input(key="f_query").input("생애최초 청년창업").run()
    rows = _program_rows(at)
    found = populated.search(query="생애최초 청년창업", as_of=populated.today(), top=500)
    assert rows[0]["공고명"] == found["results"][0]["title"]


def test_program_detail_shows_conditions_beside_their_sentences_and_the_duplicate_group(
    populated: Aegis, app: Callable[..., AppTest]
) -> None:
    at = app("programs")
    at.selectbox(key="detail").set_value("bizinfo:PBLN_000000000310021").run()
    assert not at.exception, at.exception
    frames = [f.value for f in at.dataframe]
    conditions = next(f for f in frames if "근거 문장" in f.columns)
    assert "만 29세 이하" in " ".join(conditions["근거 문장"])
    group = next(f for f in frames if "링크" in f.columns)
    assert set(group["키"]) == {"bizinfo:PBLN_000000000310021", "kstartup:310101"}


def test_programs_page_never_renders_program_text_as_markdown(populated: Aegis, app: Callable[..., AppTest]) -> None:
    at = app("programs")
    at.selectbox(key="detail").set_value("bizinfo:PBLN_000000000310021").run()
    assert all("생애최초" not in m.value for m in at.markdown)
    assert any("생애최초" in t.value for t in at.text)


def test_simulator_equals_aegis_recommend_for_the_example_profiles(
    populated: Aegis, app: Callable[..., AppTest]
) -> None:
    from aegis.cli import run

    at = app("simulator")
    for path in sorted(EXAMPLES.glob("profile-*.json")):
        out = io.StringIO()
        with redirect_stdout(out):
            code = run(["recommend", "--profile", str(path), "--json"])
        assert code == 0
        expected = [r["program_id"] for r in json.loads(out.getvalue())["results"]]
        at.radio(key="p_mode").set_value("JSON").run()
        at.text_area(key="p_json").input(path.read_text(encoding="utf-8"))
        at.button(key="p_run").click().run()
        assert not at.exception, at.exception
        shown = list(at.dataframe[0].value["program_id"]) if expected else []
        assert shown == expected


def test_settings_change_writes_an_audit_row_and_takes_effect(populated: Aegis, app: Callable[..., AppTest]) -> None:
    at = app("settings")
    at.selectbox(key="setting_key").set_value("llm.daily_cost_cap_usd").run()
    at.text_input(key="setting_value_llm.daily_cost_cap_usd").input("7.5")
    at.button(key="setting_save").click().run()
    assert not at.exception, at.exception
    [entry] = [e for e in audit_entries(populated.db) if e["action"] == "setting.change"]
    assert (entry["target"], entry["detail"], entry["actor"]) == (
        "llm.daily_cost_cap_usd",
        {"before": 5.0, "after": 7.5},
        "dashboard:operator",
    )
    audit_table = at.dataframe[-1].value
    assert "설정 변경" in set(audit_table["무엇"])


def test_gateway_budget_is_saved_through_the_audited_settings(populated: Aegis, app: Callable[..., AppTest]) -> None:
    at = app("gateway")
    at.number_input(key="per_user").set_value(20)
    at.button(key="save_budget").click().run()
    assert not at.exception, at.exception
    assert any(
        e["target"] == "llm.per_user_daily_requests" and e["detail"]["after"] == 20 for e in audit_entries(populated.db)
    )


def test_gateway_test_prompt_answers_offline_without_providers(core: Aegis, app: Callable[..., AppTest]) -> None:
    at = app("gateway")
    at.button(key="send_prompt").click().run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["응답한 제공자"] == "offline"


def test_run_now_queues_a_job_and_switching_a_source_is_audited(populated: Aegis, app: Callable[..., AppTest]) -> None:
    at = app("sources")
    at.selectbox(key="src").set_value("bizinfo").run()
    at.button(key="run_bizinfo").click().run()
    assert [(j.kind, j.args) for j in recent_jobs(populated.db)] == [("collect", {"source": "bizinfo"})]
    before = at.toggle(key="enabled_bizinfo").value
    at.toggle(key="enabled_bizinfo").set_value(not before).run()
    assert not at.exception, at.exception
    actions = {(e["action"], e["target"]) for e in audit_entries(populated.db)}
    assert {("source.run_now", "bizinfo"), ("source.enable", "bizinfo")} <= actions


def test_users_page_retries_a_dead_delivery(populated: Aegis, app: Callable[..., AppTest]) -> None:
    at = app("users")
    failures = next(f.value for f in at.dataframe if "오류 종류" in f.value.columns)
    assert list(failures["오류 종류"]) == ["SmtpRejected"]
    at.multiselect(key="retry_ids").set_value([int(failures["id"][0])]).run()
    at.button(key="retry").click().run()
    assert not at.exception, at.exception
    assert "1건을 다시 대기열에 넣었습니다." in at.success[0].value


def test_bot_preview_shows_the_dialogues_own_replies_and_presses_its_buttons(
    populated: Aegis, app: Callable[..., AppTest]
) -> None:
    from engine.dialogue import Event, respond

    at = app("preview")
    expected = respond(
        populated, conversation="preview:reference", event=Event(kind="command", text="/start", sender_id=1), now=NOW
    )
    texts = [t.value for t in at.text]
    assert [r.text for r in expected] == texts[: len(expected)]
    buttons = [b for b in at.button if b.key and b.key.startswith("btn_")]
    assert buttons, "the first reply offers buttons"
    buttons[0].click().run()
    assert not at.exception, at.exception
    assert len(at.session_state["preview_history"]) == 3  # first replies, the press, the answer
