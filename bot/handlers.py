"""Telegram handlers: `/start` and the bot's one error-translation point.

Each handler reads: parse the update → call the engine → render Korean text. The core object is in
`application.bot_data["core"]`, put there by `bot.app.build_application`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import Update
from telegram.ext import ContextTypes

from engine.app import Aegis
from engine.collectors import BUILTIN_COLLECTORS
from engine.errors import AegisError
from engine.programs import count_programs

log = logging.getLogger(__name__)

GENERIC_ERROR = "죄송합니다. 일시적인 오류가 발생했어요. 잠시 후 다시 시도해 주세요."


def welcome_text(program_count: int, sources: Sequence[str]) -> str:
    """Return the Korean welcome: what Aegis does and how to begin."""
    return (
        "안녕하세요! 이지스(Aegis)는 소상공인·창업자를 위한 정책자금 추천 도우미예요.\n"
        f"{'·'.join(sources)}의 지원사업 공고를 모아, 사업장에 맞는 공고를 골라 드려요.\n"
        f"지금 {program_count:,}건의 공고를 살펴보고 있어요.\n\n"
        "시작하는 방법:\n"
        "1. 사업장 지역(시·도)과 업종을 알려 주세요.\n"
        "2. 창업일(또는 예비창업 여부), 상시근로자 수, 대표자 나이를 알려 주세요.\n"
        "3. 필요한 지원(운전자금, 시설자금, 보증, 판로, 교육 등)을 골라 주세요.\n"
        "그러면 신청할 수 있는 공고를 마감일 순으로 추천하고, 새 공고가 나오면 알려 드릴게요."
    )


def source_labels() -> list[str]:
    """Return the Korean names of the sources Aegis collects."""
    return [collector.label for collector in BUILTIN_COLLECTORS]


def _core(context: ContextTypes.DEFAULT_TYPE) -> Aegis:
    core: Aegis = context.application.bot_data["core"]
    return core


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /start with what Aegis does and the next steps."""
    if update.effective_message is None:
        return
    # The engine's DB calls are synchronous; keep them off the event loop.
    count = await asyncio.to_thread(count_programs, _core(context).engine)
    await update.effective_message.reply_text(welcome_text(count, source_labels()))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Turn any handler error into a Korean reply (the bot's one translation point)."""
    error = context.error
    if isinstance(error, AegisError):
        log.warning("handler failed: %s", error)
        text = error.user_message
    else:
        log.error("handler crashed", exc_info=error)
        text = GENERIC_ERROR
    if isinstance(update, Update) and update.effective_message is not None:
        await update.effective_message.reply_text(text)
