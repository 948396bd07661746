"""Rendering replies for Telegram: escaping, the 4,096-character limit, keyboards, the typing indicator."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove
from telegram_fakes import TOKEN, RecordingRequest

from bot.handlers import keep_typing
from bot.render import MAX_TEXT, render, split_text
from engine.dialogue import Button, Reply, ReplyFile


def test_hostile_text_is_escaped_for_html() -> None:
    [out] = render(Reply("<script>alert(1)</script> 음식점 & 카페 <지원>"))
    assert out.text == "&lt;script&gt;alert(1)&lt;/script&gt; 음식점 &amp; 카페 &lt;지원&gt;"


def test_long_text_is_split_at_lines_before_escaping_and_buttons_go_last() -> None:
    text = "\n".join(f"{i}. <공고> & 안내 " + "가" * 90 for i in range(120))
    parts = render(Reply(text, [[Button("더 보기", "r:more")]]))
    assert len(parts) > 1
    assert all(len(split) <= MAX_TEXT for split in split_text(text))
    assert "".join(p.text for p in parts).count("&lt;공고&gt;") == 120  # nothing lost, nothing cut mid-entity
    assert all(p.markup is None for p in parts[:-1]) and isinstance(parts[-1].markup, InlineKeyboardMarkup)


def test_a_single_overlong_line_is_cut_hard() -> None:
    assert [len(p) for p in split_text("가" * 9000)] == [4096, 4096, 808]


def test_contact_request_is_a_reply_keyboard_and_removal_follows() -> None:
    [ask] = render(Reply("번호", [[Button("내 번호 보내기", kind="contact")]]))
    assert isinstance(ask.markup, ReplyKeyboardMarkup) and ask.markup.keyboard[0][0].request_contact
    [done] = render(Reply("등록했어요", remove_keyboard=True))
    assert isinstance(done.markup, ReplyKeyboardRemove)


def test_url_buttons_are_links_and_files_are_documents() -> None:
    [out] = render(
        Reply(
            "달력",
            [[Button("공고 보기", "https://www.bizinfo.go.kr/x", kind="url")]],
            ReplyFile("a.ics", b"X", "text/calendar"),
        )
    )
    assert out.document is not None and isinstance(out.markup, InlineKeyboardMarkup)
    assert out.markup.inline_keyboard[0][0].url == "https://www.bizinfo.go.kr/x"


@pytest.mark.asyncio
async def test_typing_is_repeated_while_an_answer_is_prepared(recording_request: RecordingRequest) -> None:
    bot = Bot(TOKEN, request=recording_request)
    task = asyncio.create_task(keep_typing(bot, 4242, every=0.05, after=0.0))
    await asyncio.sleep(0.18)
    task.cancel()
    actions = recording_request.sent("sendChatAction")
    assert len(actions) >= 3 and {a["action"] for a in actions} == {"typing"}
