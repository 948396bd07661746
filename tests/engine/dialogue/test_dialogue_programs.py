"""Recommendations, details, saving, feedback, search, questions and the calendar through the dialogue."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from dialogue_helpers import Talker
from sqlalchemy.engine import Engine

from engine import choices, users
from engine.app import Aegis
from engine.settings import Settings


@pytest.fixture
def onboarded(talker: Callable[..., Talker]) -> Talker:
    """A café owner in Seoul who finished onboarding by words."""
    t = talker()
    t.command("/start")
    t.press("동의")
    t.text("강남구에서 카페를 운영하고 있어요. 저는 34살이에요.")
    t.press("확인")
    for label in ("건너뛰기",) * 4:
        t.press(label)
    return t


def test_recommend_shows_cards_with_badge_due_and_buttons(onboarded: Talker) -> None:
    replies = onboarded.command("/recommend")
    cards = [r for r in replies if r.labels()[:3] == ["자세히", "저장", "관심 없음"]]
    assert 1 <= len(cards) <= 5
    cafe = next(c for c in cards if "카페 경영안정자금" in c.text)
    assert "서울특별시 · 상시" in cafe.text
    assert "✅ 자격 충족" in cafe.text or "❔ 확인 필요" in cafe.text
    assert all(len(c.text.splitlines()) <= 7 for c in cards)


def test_recommend_asks_the_next_question_as_buttons_and_the_answer_rechecks(onboarded: Talker) -> None:
    replies = onboarded.command("/recommend")
    question = replies[-1]
    assert "자격을 확정할 수 있어요" in question.text, [r.text for r in replies]
    assert question.buttons, question.text
    again = onboarded.press(question.labels()[0])
    assert again[0].text == "고마워요! 자격을 다시 확인했어요."


def test_skipping_the_next_question_ends_it_without_asking_again(onboarded: Talker) -> None:
    question = onboarded.command("/recommend")[-1]
    assert question.labels()[-1] == "건너뛰기"
    [ok] = onboarded.press("건너뛰기", [question])
    assert ok.text.startswith("알겠어요")


def test_detail_lists_the_checklist_in_the_notices_words(onboarded: Talker) -> None:
    onboarded.command("/recommend")
    [detail] = onboarded.press("자세히")
    assert any(mark in detail.text for mark in ("✅", "❔", "❌"))
    assert detail.labels()[-2:] == ["저장", "관심 없음"]


def test_save_lists_the_program_with_days_left_and_exports_a_calendar(onboarded: Talker, core: Aegis) -> None:
    replies = onboarded.command("/recommend")
    dated = next(r for r in replies if "시설개선" in r.text)
    [saved] = onboarded.press("저장", [dated])
    assert saved.text.startswith("저장했어요")
    [again] = onboarded.press("저장", [dated])
    assert again.text.startswith("이미 저장한")
    [listing] = onboarded.command("/saved")
    assert "<script>alert(1)</script> 음식점 & 카페 시설개선 <지원> (D-18)" in listing.text
    [ics] = onboarded.command("/calendar")
    assert ics.file is not None and ics.file.name.endswith(".ics")
    body = ics.file.content.decode()
    assert "DTSTART;VALUE=DATE:20990320" in body and "TZID" not in body and "TRIGGER:-P1D" in body


def test_not_interested_asks_why_and_the_program_is_not_recommended_again(onboarded: Talker, core: Aegis) -> None:
    replies = onboarded.command("/recommend")
    cafe = next(r for r in replies if "카페 경영안정자금" in r.text)
    [why] = onboarded.press("관심 없음", [cafe])
    assert why.labels() == ["업종 안 맞음", "이미 받음", "금액 작음", "기타"]
    [thanks] = onboarded.press("이미 받음")
    assert "다시 추천하지 않을게요" in thanks.text
    assert all("카페 경영안정자금" not in r.text for r in onboarded.command("/recommend"))
    user = users.find_user(core.db, telegram_chat_id=4242)
    assert user is not None and len(choices.not_interested_keys(core.db, user_id=user.id)) == 1


def test_free_text_after_onboarding_is_a_question_with_cited_programs(onboarded: Talker) -> None:
    [answer] = onboarded.text("카페 시설 개선 자금이 있나요?")
    assert answer.typing and answer.buttons and answer.button_data()[0].startswith("d:")


def test_search_by_keyword_and_by_prompt(onboarded: Talker) -> None:
    [found] = onboarded.command("/search 청년 창업")
    assert "청년 창업 지원사업" in found.text and found.labels()[0] == "1번 자세히"
    [prompt] = onboarded.command("/search")
    assert "키워드" in prompt.text
    [found] = onboarded.text("시설개선")
    assert "시설개선" in found.text


def test_a_button_from_another_conversation_is_stale(onboarded: Talker) -> None:
    [reply, *_] = onboarded.send(_button("d:0123456789"))
    assert "오래되어" in reply.text


def _button(data: str):  # type: ignore[no-untyped-def]
    from engine.dialogue import Event

    return Event(kind="button", data=data, sender_id=4242)


def test_a_requirement_no_profile_field_holds_is_named_instead_of_asked(engine: Engine) -> None:
    notice = {
        "pblancId": "PBLN_000000000977777",
        "pblancNm": "[서울] 2099년 서울시 세대주 소상공인 임차료 지원",
        "bsnsSumryCn": "<p>서울특별시 소재 사업장을 운영 중인 소상공인으로서 세대주인 자</p>",
        "reqstBeginEndDe": "예산 소진시까지",
        "jrsdInsttNm": "서울특별시",
        "totCnt": 1,
    }
    core = Aegis(settings=Settings(_env_file=None), db=engine)
    core.import_payload(source="bizinfo", payload=json.dumps({"jsonArray": [notice]}, ensure_ascii=False).encode())
    t = Talker(core=core)
    t.command("/start")
    t.press("동의")
    t.text("강남구에서 2021년부터 카페를 운영하고 직원은 3명이에요. 저는 34살이에요.")
    t.press("확인")
    for _ in range(4):
        if not any("건너뛰기" in r.labels() for r in t.log[-1:]):
            break
        t.press("건너뛰기")
    replies = t.command("/recommend")
    assert "❔ 확인 필요" in replies[1].text, [r.text for r in replies]
    assert "'세대주' 요건에 해당하시는지" in replies[-1].text, [r.text for r in replies]
    assert not replies[-1].buttons
