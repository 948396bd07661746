"""The real bot, end to end: python-telegram-bot long-polls a fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

import pytest
from live_bot import BotThread
from pydantic import SecretStr
from sqlmodel import Session, select
from telegram_fakes import TOKEN, FakeBotAPI

from bot.app import serve
from db.models import ConversationState, Delivery, User
from engine import users
from engine.app import Aegis
from engine.errors import InvalidInput

CHAT = 4242


class Person:
    """A scripted Telegram user: says things, presses buttons seen in the bot's messages, reads replies."""

    def __init__(self, fake: FakeBotAPI, chat_id: int = CHAT) -> None:
        self.fake = fake
        self.chat_id = chat_id
        self.seen = 0

    def _wait(self, count: int, timeout: float = 40.0) -> list[dict[str, Any]]:
        return self.fake.wait_sent(count, chat_id=self.chat_id, timeout=timeout)

    def replies(self, at_least: int = 1, settle: float = 0.4) -> list[dict[str, Any]]:
        """Wait for at least `at_least` new messages (then a moment for the rest); return the new ones."""
        self._wait(self.seen + at_least)
        time.sleep(settle)
        sent = self.fake.sent("sendMessage", self.chat_id)
        new, self.seen = sent[self.seen :], len(sent)
        return new

    def says(self, text: str, at_least: int = 1) -> list[dict[str, Any]]:
        self.fake.user_says(self.chat_id, text)
        return self.replies(at_least)

    def presses(
        self, label: str, at_least: int = 1, within: list[dict[str, Any]] | None = None
    ) -> list[dict[str, Any]]:
        messages = within if within is not None else self.fake.sent("sendMessage", self.chat_id)
        for message in reversed(messages):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label and "callback_data" in button:
                        self.fake.user_presses(self.chat_id, button["callback_data"])
                        return self.replies(at_least)
        raise AssertionError(f"no button {label!r}")


def _labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [b["text"] for row in rows for b in row]


def _onboard_by_words(person: Person) -> None:
    person.says("/start")
    person.presses("동의")
    [draft] = person.says("강남구에서 카페를 운영하고 있어요. 직원은 2명, 저는 34살이에요.")
    assert "이렇게 이해했어요" in draft["text"] and "서울특별시 강남구" in draft["text"]
    person.presses("확인")
    for _ in range(3):
        person.presses("건너뛰기")


def test_a_user_onboards_by_words_and_uses_every_feature(live_core: Aegis, fake_api: FakeBotAPI) -> None:
    person = Person(fake_api)
    with BotThread(live_core):
        _onboard_by_words(person)
        cards = person.says("/recommend", at_least=3)
        assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in c["text"] for c in cards)  # escaped, parse_mode HTML
        assert all("<script>" not in c["text"] and c["parse_mode"] == "HTML" for c in cards)
        [detail] = person.presses("자세히", within=cards[1:2])
        assert any(mark in detail["text"] for mark in ("✅", "❔"))
        [saved] = person.presses("저장", within=[c for c in cards if "시설개선" in c["text"]])
        assert saved["text"].startswith("저장했어요")
        [why] = person.presses("관심 없음", within=[c for c in cards if "경영안정자금" in c["text"]])
        assert _labels(why) == ["업종 안 맞음", "이미 받음", "금액 작음", "기타"]
        [thanks] = person.presses("금액 작음")
        assert "다시 추천하지 않을게요" in thanks["text"]
        [answer] = person.says("카페 시설 개선 자금 있나요?")
        assert _labels(answer)
        fake_api.user_says(CHAT, "/calendar")
        [document] = fake_api.wait_sent(1, chat_id=CHAT, method="sendDocument")
        assert document["document"]["filename"] == "aegis-deadlines.ics"
        assert b"DTSTART;VALUE=DATE:" in document["document"]["content"]
        [alerts] = person.says("/alerts")
        assert "알림: 켜짐" in alerts["text"]
        [changed] = person.presses("하루 한 번 모아 받기")
        assert "하루 한 번 9시에 모아서" in changed["text"]
        [ask_phone] = person.says("/phone")
        assert ask_phone["reply_markup"]["keyboard"][0][0]["request_contact"] is True
        fake_api.user_shares_contact(CHAT, "+821098765432", owner=CHAT)
        [phone_ok] = person.replies()
        assert "등록했어요" in phone_ok["text"] and phone_ok["reply_markup"] == {"remove_keyboard": True}
        [confirm] = person.says("/delete")
        assert _labels(confirm) == ["삭제", "취소"]
        [gone] = person.presses("삭제")
        assert "모든 정보를 삭제했어요" in gone["text"]
    assert fake_api.sent("answerCallbackQuery")  # every button press was answered
    with Session(live_core.db) as session:
        assert session.exec(select(User)).all() == [] and session.exec(select(ConversationState)).all() == []


def test_a_user_onboards_by_buttons(live_core: Aegis, fake_api: FakeBotAPI) -> None:
    person = Person(fake_api)
    with BotThread(live_core):
        person.says("/start")
        person.presses("동의")
        person.presses("버튼으로 입력할게요")
        for label in ("예비창업", "경기", "정보통신업(IT·앱)", "없음(혼자)", "20대", "완료"):
            person.presses(label)
        [done] = person.presses("완료")
        assert "프로필을 저장했어요" in done["text"]
    user = users.find_user(live_core.db, telegram_chat_id=CHAT)
    assert user is not None and user.profile is not None and user.profile.region == "41"


def test_a_restart_mid_onboarding_resumes(live_core: Aegis, fake_api: FakeBotAPI) -> None:
    person = Person(fake_api)
    with BotThread(live_core):
        person.says("/start")
        person.presses("동의")
        person.presses("버튼으로 입력할게요")
        [region] = person.presses("운영 중")
    restarted = Aegis(settings=live_core.settings, db=live_core.db)
    with BotThread(restarted):
        [industry] = person.presses("부산", within=[region])
        assert industry["text"] == "어떤 업종인가요?"


def test_a_user_who_blocked_the_bot_is_marked_inactive_and_never_retried(
    live_core: Aegis, fake_api: FakeBotAPI
) -> None:
    person = Person(fake_api)
    now = dt.datetime.now(dt.UTC)
    with BotThread(live_core):
        _onboard_by_words(person)
        fake_api.blocked.add(CHAT)
        user = users.find_user(live_core.db, telegram_chat_id=CHAT)
        assert user is not None
        with Session(live_core.db) as session:
            session.add(
                Delivery(
                    user_id=user.id,
                    channel="telegram",
                    address=str(CHAT),
                    kind="broadcast",
                    dedupe_key="b1",
                    payload={"kind": "broadcast", "text": "공지"},
                    available_at=now,
                    created_at=now,
                )
            )
            session.commit()
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if (found := users.get_user(live_core.db, user_id=user.id)) is not None and found.state == "inactive":
                break
            time.sleep(0.1)
        time.sleep(0.5)
    found = users.get_user(live_core.db, user_id=user.id)
    assert found is not None and found.state == "inactive"
    with Session(live_core.db) as session:
        rows = session.exec(select(Delivery).where(Delivery.dedupe_key == "b1")).all()
    assert [(r.status, r.error_class, r.attempts) for r in rows] == [("dead", "blocked", 1)]  # tried once


def test_pushed_alerts_are_sent_once_each_and_survive_a_429_storm(live_core: Aegis, fake_api: FakeBotAPI) -> None:
    now = dt.datetime.now(dt.UTC)
    chats = list(range(5001, 5011))
    with Session(live_core.db) as session:
        for chat in chats:
            user = User(telegram_chat_id=chat, source="telegram", created_at=now, updated_at=now, consented_at=now)
            session.add(user)
            session.flush()
            for n in range(2):
                session.add(
                    Delivery(
                        user_id=user.id,
                        channel="telegram",
                        address=str(chat),
                        kind="broadcast",
                        dedupe_key=f"b{n}",
                        payload={"kind": "broadcast", "text": f"<b>공지 {n}</b> & 안내"},
                        available_at=now,
                        created_at=now,
                    )
                )
        session.commit()
    fake_api.storm = 5
    with BotThread(live_core):
        fake_api.wait_sent(20, timeout=40)
        time.sleep(0.3)
    sent = fake_api.sent()
    assert len(sent) == 20 and sorted({int(m["chat_id"]) for m in sent}) == chats
    assert all(
        m["text"] in ("&lt;b&gt;공지 0&lt;/b&gt; &amp; 안내", "&lt;b&gt;공지 1&lt;/b&gt; &amp; 안내") for m in sent
    )
    with Session(live_core.db) as session:
        assert {d.status for d in session.exec(select(Delivery)).all()} == {"sent"}


def test_a_429_storm_on_replies_is_retried(live_core: Aegis, fake_api: FakeBotAPI) -> None:
    person = Person(fake_api)
    fake_api.storm = 2
    with BotThread(live_core):
        [consent] = person.says("/start")
    assert "개인정보" in consent["text"]


def test_a_rejected_token_is_one_line_without_the_token(live_core: Aegis, fake_api: FakeBotAPI) -> None:
    import asyncio

    fake_api.reject_token = True
    with pytest.raises(InvalidInput) as caught:
        asyncio.run(serve(live_core, asyncio.Event(), poll_timeout=1))
    assert TOKEN not in str(caught.value) and TOKEN.split(":")[1] not in caught.value.user_message
    assert "\n" not in str(caught.value)


def test_an_unreachable_bot_api_is_retried_with_backoff(live_core: Aegis, caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    settings = live_core.settings.model_copy(deep=True)
    settings.telegram.base_url = "http://127.0.0.1:9/bot"  # nothing listens there
    core = Aegis(settings=settings, db=live_core.db)

    async def run_for_a_while() -> int:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(2.5, stop.set)
        return await serve(core, stop, poll_timeout=1)

    caplog.set_level(logging.WARNING, logger="bot.app")
    assert asyncio.run(run_for_a_while()) == 0
    retries = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(retries) >= 2 and TOKEN not in caplog.text


def test_webhook_mode_checks_the_secret_token_and_answers(live_core: Aegis, fake_api: FakeBotAPI) -> None:
    import json
    import socket
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = live_core.settings.model_copy(deep=True)
    settings.telegram.webhook_url = "https://aegis.example/telegram"
    settings.telegram.webhook_port = port
    settings.telegram.webhook_secret = SecretStr("s3cret-token")
    core = Aegis(settings=settings, db=live_core.db)
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": CHAT, "type": "private", "first_name": "사장님"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "사장님"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }

    def post(secret: str) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/telegram",
            data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return int(response.status)
            except urllib.error.HTTPError as exc:
                return exc.code
            except urllib.error.URLError:  # the listener starts just after setWebhook
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    with BotThread(core):
        [hook] = fake_api.wait_sent(1, method="setWebhook", timeout=40)
        assert hook["url"] == "https://aegis.example/telegram" and hook["secret_token"] == "s3cret-token"
        assert post("wrong") == 403
        assert post("s3cret-token") == 200
        [reply] = fake_api.wait_sent(1, chat_id=CHAT, timeout=40)
    assert "개인정보 수집·이용 동의" in reply["text"]
