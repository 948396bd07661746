"""Alert settings, phone and email, deletion and operators' commands through the dialogue."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from dialogue_helpers import Talker
from sqlmodel import Session, select

from db.models import ConversationState, Delivery, User
from engine import choices, users
from engine.app import Aegis


@pytest.fixture
def member(talker: Callable[..., Talker]) -> Talker:
    """A user who agreed and finished onboarding by buttons."""
    t = talker()
    t.command("/start")
    t.press("동의")
    t.press("버튼으로 입력할게요")
    for label in ("운영 중", "서울", "음식점·숙박업", "건너뛰기", "2명", "30~34세", "완료", "완료"):
        t.press(label)
    return t


def _prefs(core: Aegis) -> choices.AlertPrefs:
    user = users.find_user(core.db, telegram_chat_id=4242)
    assert user is not None
    return choices.get_alert_preferences(core.db, user_id=user.id)


def test_alert_settings_change_one_button_at_a_time(member: Talker, core: Aegis) -> None:
    [view] = member.command("/alerts")
    assert "- 알림: 켜짐" in view.text and view.labels()[0] == "완료"
    [view] = member.press("하루 한 번 모아 받기")
    assert "하루 한 번 9시에 모아서" in view.text and "18시" in view.labels()
    member.press("18시")
    member.press("자격 충족만")
    member.press("방해 금지 끄기")
    [view] = member.press("알림 끄기")
    prefs = _prefs(core)
    assert (prefs.mode, prefs.digest_hour, prefs.include_unknown, prefs.quiet_hours, prefs.enabled) == (
        "digest",
        18,
        False,
        "off",
        False,
    )
    assert "- 알림: 꺼짐" in view.text and "- 기준: 자격 충족만" in view.text


def test_phone_is_accepted_only_from_the_senders_own_contact_card(member: Talker, core: Aegis) -> None:
    [ask] = member.command("/phone")
    assert ask.buttons[0][0].kind == "contact"
    [refused] = member.contact("+82 10-1234-5678", owner=777)
    assert "본인 번호만" in refused.text
    [ok] = member.contact("+82 10-1234-5678", owner=4242)
    assert "등록했어요" in ok.text and ok.remove_keyboard
    user = users.find_user(core.db, telegram_chat_id=4242)
    assert user is not None and ("sms", "01012345678", True) in [
        (c.channel, c.address, c.verified) for c in user.contacts
    ]


def test_email_is_verified_by_the_code_in_the_queued_mail(member: Talker, core: Aegis) -> None:
    [ask] = member.command("/email")
    assert "이메일 주소" in ask.text
    [bad] = member.text("not-an-address")
    assert "다시 입력해" in bad.text
    [sent] = member.text("owner@example.com")
    assert "6자리" in sent.text
    with Session(core.db) as session:
        mail = session.exec(select(Delivery).where(Delivery.kind == "verification")).one()
    [wrong] = member.text("000000" if mail.payload["code"] != "000000" else "111111")
    assert "맞지 않거나" in wrong.text
    [done] = member.text(mail.payload["code"])
    assert "인증을 마쳤어요" in done.text
    [view] = member.command("/alerts")
    assert "이메일" in view.labels() or "✔ 이메일" in view.labels()


def test_delete_asks_with_a_button_saying_delete_then_erases_everything(member: Talker, core: Aegis) -> None:
    member.command("/recommend")
    member.press("저장")
    [ask] = member.command("/delete")
    assert ask.labels() == ["삭제", "취소"]
    [kept] = member.press("취소")
    assert "그대로" in kept.text
    member.command("/delete")
    [gone] = member.press("삭제")
    assert "모든 정보를 삭제했어요" in gone.text
    with Session(core.db) as session:
        assert session.exec(select(User)).all() == [] and session.exec(select(ConversationState)).all() == []
    [again] = member.command("/recommend")
    assert "개인정보 수집·이용 동의" in again.text


def test_operator_commands_are_hidden_from_users(member: Talker) -> None:
    [reply] = member.command("/stats")
    assert reply.text.startswith("모르는 명령")
    [help_text] = member.command("/help")
    assert "/stats" not in help_text.text and "/recommend" in help_text.text


def test_operator_stats_and_broadcast_with_preview_and_confirmation(
    member: Talker, talker: Callable[..., Talker], core: Aegis
) -> None:
    op = talker(conversation="telegram:999", sender_id=999)
    op.command("/start")
    op.press("동의")
    [stats] = op.command("/stats")
    assert "사용자: 2명" in stats.text
    op.command("/broadcast")
    [preview] = op.text("내일 오전 점검이 있어요.")
    assert "미리보기" in preview.text and "2명" in preview.text and preview.labels() == ["보내기", "취소"]
    [queued] = op.press("보내기")
    assert "2명" in queued.text
    with Session(core.db) as session:
        rows = session.exec(select(Delivery).where(Delivery.kind == "broadcast")).all()
    assert sorted(r.address or "" for r in rows) == ["4242", "999"]
    assert all(r.payload == {"kind": "broadcast", "text": "내일 오전 점검이 있어요."} for r in rows)
