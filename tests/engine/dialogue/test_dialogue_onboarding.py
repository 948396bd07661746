"""Onboarding through the dialogue without Telegram: consent, words or buttons, resume after a restart."""

from __future__ import annotations

from collections.abc import Callable

from dialogue_helpers import Talker
from sqlmodel import Session, select

from db.models import ConversationState, User
from engine import users
from engine.app import Aegis


def _texts(replies: list) -> str:  # type: ignore[type-arg]
    return "\n".join(r.text for r in replies)


def test_start_explains_storage_and_deletion_and_asks_consent_with_agree_first(
    talker: Callable[..., Talker], core: Aegis
) -> None:
    [reply] = talker().command("/start")
    assert "개인정보 수집·이용 동의" in reply.text and "/delete" in reply.text and "저장하는 것" in reply.text
    assert reply.labels() == ["동의", "동의하지 않음"]
    with Session(core.db) as session:  # nothing stored before consent
        assert session.exec(select(User)).all() == [] and session.exec(select(ConversationState)).all() == []


def test_declining_consent_stores_nothing(talker: Callable[..., Talker], core: Aegis) -> None:
    t = talker()
    t.command("/start")
    [reply] = t.press("동의하지 않음")
    assert "아무것도 저장하지 않았어요" in reply.text
    t.text("강남에서 카페 해요")  # still not consented: asks again, stores nothing
    with Session(core.db) as session:
        assert session.exec(select(User)).all() == [] and session.exec(select(ConversationState)).all() == []


def test_onboarding_by_words_drafts_confirms_asks_the_rest_and_saves(
    talker: Callable[..., Talker], core: Aegis
) -> None:
    t = talker()
    t.command("/start")
    [intro] = t.press("동의")
    assert "한두 문장으로 소개해 주세요" in intro.text and intro.labels() == ["버튼으로 입력할게요"]
    [draft] = t.text("강남구에서 2021년 3월에 개업한 카페를 운영하고 있어요. 직원은 2명이에요. 저는 34살이에요.")
    assert draft.text.startswith("이렇게 이해했어요:")
    assert "- 지역: 서울특별시 강남구" in draft.text and "- 업종: 숙박 및 음식점업" in draft.text
    assert "- 상시근로자: 2명" in draft.text and "I" not in draft.text.split()
    assert draft.labels() == ["확인", "수정"]
    [traits] = t.press("확인")
    assert "해당하는 것을 모두" in traits.text and traits.labels()[-2:] == ["완료", "건너뛰기"]
    [traits] = t.press("여성기업")
    assert "✔ 여성기업" in traits.labels()
    [needs] = t.press("완료")
    assert "필요한 자금" in needs.text
    t.press("운전자금")
    done = t.press("완료")
    assert "프로필을 저장했어요" in done[0].text and done[0].labels()[0] == "추천 받기"
    user = users.find_user(core.db, telegram_chat_id=4242)
    assert user is not None and user.onboarded and user.profile is not None
    assert user.profile.region == "11" and user.profile.employees == 2 and user.profile.traits == ["woman_owned"]
    assert user.profile.needs == ["working_capital"] and user.consented_at is not None


def test_onboarding_by_buttons_asks_every_field_in_order_with_skips(talker: Callable[..., Talker], core: Aegis) -> None:
    t = talker()
    t.command("/start")
    t.press("동의")
    [status] = t.press("버튼으로 입력할게요")
    assert status.labels() == ["운영 중", "예비창업"]  # required: no 건너뛰기
    [region] = t.press("운영 중")
    assert "경기" in region.labels() and "건너뛰기" not in region.labels()
    [industry] = t.press("부산")
    assert "음식점·숙박업" in industry.labels() and "건너뛰기" in industry.labels()
    [founded] = t.press("음식점·숙박업")
    assert "2099년" in founded.labels()
    [month] = t.press("2097년")
    assert "2097년 몇 월" in month.text
    [employees] = t.press("5월")
    assert "직원" in employees.text
    [age] = t.press("3명")
    assert "나이대" in age.text
    [traits] = t.press("35~39세")
    [needs] = t.press("건너뛰기", [traits])
    assert "필요한 자금" in needs.text
    t.press("완료")
    user = users.find_user(core.db, telegram_chat_id=4242)
    assert user is not None and user.profile is not None
    profile = user.profile
    assert (profile.status, profile.region, profile.industry) == ("operating", "26", "I")
    assert str(profile.founded_on) == "2097-05-01" and profile.employees == 3 and profile.representative_age == 37
    assert profile.traits is None and profile.needs == []


def test_pre_founder_is_not_asked_the_opening_date(talker: Callable[..., Talker]) -> None:
    t = talker()
    t.command("/start")
    t.press("동의")
    t.press("버튼으로 입력할게요")
    t.press("예비창업")
    t.press("서울")
    [after_industry] = t.press("정보통신업(IT·앱)")
    assert "직원" in after_industry.text


def test_typed_answer_is_accepted_and_nonsense_gets_the_buttons_again(talker: Callable[..., Talker]) -> None:
    t = talker()
    t.command("/start")
    t.press("동의")
    t.press("버튼으로 입력할게요")
    t.press("운영 중")
    [again] = t.text("음… 잘 모르겠네요")
    assert again.text.startswith("잘 알아듣지 못했어요") and "경기" in again.labels()
    [industry] = t.text("수원시")
    assert industry.text == "어떤 업종인가요?"


def test_a_restart_mid_onboarding_resumes_at_the_same_question(talker: Callable[..., Talker], core: Aegis) -> None:
    t = talker()
    t.command("/start")
    t.press("동의")
    t.press("버튼으로 입력할게요")
    t.press("운영 중")
    restarted = Aegis(settings=core.settings, db=core.db)  # a new process on the same database
    t2 = talker(restarted)
    [industry] = t2.press("대구", t.log[-1:])
    assert industry.text == "어떤 업종인가요?"
    [resumed] = t2.command("/start")[-1:]
    assert resumed.text == "어떤 업종인가요?"


def test_a_stale_button_is_answered_kindly_and_the_current_question_repeated(talker: Callable[..., Talker]) -> None:
    t = talker()
    t.command("/start")
    t.press("동의")
    status = t.press("버튼으로 입력할게요")
    t.press("운영 중")
    t.press("서울")
    replies = t.press("예비창업", status)  # the status question was already answered
    assert "오래되어" in replies[0].text and replies[-1].text == "어떤 업종인가요?"


def test_every_button_fits_telegram_callback_data(talker: Callable[..., Talker]) -> None:
    t = talker()
    t.command("/start")
    t.press("동의")
    t.press("버튼으로 입력할게요")
    for label in ("운영 중", "서울", "그 밖의 업종"):
        t.press(label)
    assert all(len(d.encode()) <= 64 and d.isascii() for r in t.log for d in r.button_data())
