"""`aegis ask` offline: routing, the programs each route relies on, and citations that exist."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.engine import Engine

from engine.app import Aegis
from engine.ask import route_question
from engine.domain import Profile
from engine.settings import Settings

AS_OF = dt.date(2026, 10, 15)


def _notice(pid: str, title: str, period: str, text: str, tags: str = "금융") -> dict[str, object]:
    return {
        "pblancId": pid,
        "pblancNm": title,
        "bsnsSumryCn": f"<p>{text}</p>",
        "reqstBeginEndDe": period,
        "jrsdInsttNm": "중소벤처기업부",
        "hashtags": tags,
    }


@pytest.fixture
def core(engine: Engine) -> Aegis:
    aegis = Aegis(settings=Settings(_env_file=None), db=engine)
    notices = [
        _notice("PBLN_1", "[서울] 카페 리모델링 시설자금 지원", "2026-10-01 ~ 2026-10-31", "서울특별시 소재 소상공인"),
        _notice("PBLN_2", "[부산] 카페 창업 지원사업", "2026-10-01 ~ 2026-10-20", "부산광역시 소재 예비창업자"),
        _notice("PBLN_3", "수출바우처 참여기업 모집", "2026-10-01 ~ 2026-12-31", "수출 실적 보유 중소기업"),
        _notice("PBLN_4", "지난 카페 지원사업", "2026-09-01 ~ 2026-09-30", "마감된 사업"),
    ]
    aegis.import_payload(source="bizinfo", payload=json.dumps({"jsonArray": notices}, ensure_ascii=False).encode())
    return aegis


@pytest.mark.parametrize(
    ("question", "route"),
    [
        ("이번 달 마감되는 공고 알려줘", "deadline"),
        ("지금 접수 중인 카페 지원사업 있어?", "deadline"),
        ("우리 가게도 신청할 수 있나요?", "eligibility"),
        ("지원 대상이 어떻게 되나요", "eligibility"),
        ("카페 리모델링 자금", "retrieval"),
    ],
)
def test_questions_are_routed_by_what_they_ask(question: str, route: str) -> None:
    assert route_question(question) == route


def test_deadline_question_lists_open_programs_nearest_deadline_first(core: Aegis) -> None:
    out = core.ask(question="카페 지원사업 마감이 언제야?", profile=None, as_of=AS_OF)
    assert out["citations"][:2] == ["bizinfo:PBLN_2", "bizinfo:PBLN_1"]
    assert "bizinfo:PBLN_4" not in out["citations"]  # closed before as_of
    assert out["provider"] == "offline" and out["model"] is None


def test_eligibility_question_with_a_profile_gives_each_programs_verdict(core: Aegis) -> None:
    seoul = Profile(status="operating", region="서울", employees=2, industry="I")
    out = core.ask(question="카페 지원사업 신청할 수 있나요?", profile=seoul, as_of=AS_OF)
    assert out["citations"][0] == "bizinfo:PBLN_1"
    assert "신청 가능" in out["answer"]
    assert "bizinfo:PBLN_2" not in out["citations"]  # 부산 pre-founders only: not offered to a Seoul business


def test_every_cited_program_is_named_in_the_offline_answer(core: Aegis) -> None:
    out = core.ask(question="카페 리모델링", profile=None, as_of=AS_OF)
    assert out["citations"]
    for pid in out["citations"]:
        title = {"bizinfo:PBLN_1": "카페 리모델링", "bizinfo:PBLN_2": "카페 창업", "bizinfo:PBLN_3": "수출바우처"}[pid]
        assert title in out["answer"]


def test_question_matching_nothing_says_so(core: Aegis) -> None:
    out = core.ask(question="우주 관광 보조금", profile=None, as_of=AS_OF)
    assert out["citations"] == []
    assert "찾지 못했습니다" in out["answer"]
