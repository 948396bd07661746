"""Shared by the dialogue and bot tests: three stored programs (one with a hostile title) and a scripted talker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from engine.app import Aegis
from engine.dialogue import Event, Reply, respond

NOW = dt.datetime(2099, 3, 2, 1, 0, tzinfo=dt.UTC)  # 10:00 in Seoul


def _notice(n: int, title: str, summary: str, window: str) -> dict[str, object]:
    return {
        "pblancId": f"PBLN_0000000009{n:05d}",
        "pblancNm": title,
        "bsnsSumryCn": summary,
        "reqstBeginEndDe": window,
        "jrsdInsttNm": "서울특별시",
        "hashtags": "금융,서울",
        "totCnt": 1,
    }


LISTING = {
    "jsonArray": [
        _notice(
            1,
            "[서울] 2099년 서울시 소상공인 카페 경영안정자금 지원 공고",
            "<p>서울특별시 소재 사업장을 운영 중인 소상공인. 상시근로자 5인 미만</p>",
            "예산 소진시까지",
        ),
        _notice(
            2,
            "<script>alert(1)</script> 음식점 & 카페 시설개선 <지원>",
            "<p>업력 7년 미만 음식점업 소상공인</p>",
            "20990301 ~ 20990320",
        ),
        _notice(3, "2099 청년 창업 지원사업", "<p>만 39세 이하 예비창업자</p>", "20990301 ~ 20990331"),
    ]
}


@dataclass
class Talker:
    """One person talking to the dialogue: each call sends an event and returns the replies."""

    core: Aegis
    conversation: str = "telegram:4242"
    sender_id: int = 4242
    now: dt.datetime = NOW
    log: list[Reply] = field(default_factory=list)

    def send(self, event: Event) -> list[Reply]:
        replies = respond(self.core, conversation=self.conversation, event=event, now=self.now)
        self.log.extend(replies)
        return replies

    def command(self, text: str) -> list[Reply]:
        return self.send(Event(kind="command", text=text, sender_id=self.sender_id, display_name="사장님"))

    def text(self, text: str) -> list[Reply]:
        return self.send(Event(kind="text", text=text, sender_id=self.sender_id))

    def press(self, label: str, replies: list[Reply] | None = None) -> list[Reply]:
        """Press the most recent button with this label (searching the given replies, else the log)."""
        for reply in reversed(replies if replies is not None else self.log):
            for row in reply.buttons:
                for button in row:
                    if button.label == label and button.kind == "callback":
                        return self.send(Event(kind="button", data=button.data, sender_id=self.sender_id))
        raise AssertionError(f"no button {label!r} in {[r.labels() for r in self.log[-3:]]}")

    def contact(self, phone: str, *, owner: int) -> list[Reply]:
        return self.send(Event(kind="contact", contact_phone=phone, contact_user_id=owner, sender_id=self.sender_id))
