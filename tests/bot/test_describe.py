"""A free-text self-description gets what was understood and the programs to look at, in Korean."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from telegram import Update
from telegram_fakes import RecordingRequest, text_update

from bot.app import build_application
from engine.app import Aegis
from engine.conversation import draft_reply

LISTING = {
    "jsonArray": [
        {
            "pblancId": "PBLN_000000000900007",
            "pblancNm": "[서울] 2099년 서울시 소상공인 카페 경영안정자금 지원 공고",
            "bsnsSumryCn": "<p>☞&nbsp;서울특별시 소재 사업장을 운영 중인 소상공인</p>",
            "reqstBeginEndDe": "예산 소진시까지",
            "jrsdInsttNm": "서울특별시",
            "hashtags": "금융,서울",
            "totCnt": 1,
        }
    ]
}


@pytest.mark.asyncio
async def test_description_is_answered_with_the_understood_profile_and_a_program(
    make_core: Callable[..., Aegis], recording_request: RecordingRequest
) -> None:
    core = make_core()
    core.import_payload(source="bizinfo", payload=json.dumps(LISTING, ensure_ascii=False).encode())
    application = build_application(core, request=recording_request)
    text = "강남구에서 카페를 운영하고 있어요. 직원은 2명입니다."
    async with application:
        await application.process_update(Update.de_json(text_update(text), application.bot))
    [sent] = recording_request.sent("sendMessage")
    assert "이렇게 이해했어요" in sent["text"]
    assert "- 지역: 서울특별시" in sent["text"] and "- 상시근로자: 2명" in sent["text"]
    assert "서울시 소상공인 카페 경영안정자금" in sent["text"]


def test_reply_asks_for_region_and_status_when_it_cannot_recommend_yet() -> None:
    text = draft_reply({"industry": "I"}, ["status", "region"], [])
    assert "지역과 사업 상태" in text
    assert "- 업종: I 숙박 및 음식점업" in text
