"""Render the dialogue's replies for Telegram: HTML-escaped text in ≤4,096-character parts, keyboards, files.

The plain text is split first and escaped after, so no part exceeds Telegram's limit once its
entities are parsed, and no escape sequence or tag is ever cut in two.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from engine.alerts.render import AlertButton
from engine.dialogue import Button, Reply

MAX_TEXT = 4096
MAX_CAPTION = 1024
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message to send: HTML text (or a document with a caption) and its keyboard."""

    text: str
    markup: Markup | None = None
    document: InputFile | None = None


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split plain text into parts of at most `limit` characters, at line breaks where possible."""
    parts: list[str] = []
    current = ""
    for whole in text.split("\n"):
        line = whole
        while len(line) > limit:  # a single over-long line is cut hard
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


def escape(text: str) -> str:
    """Return text safe for parse_mode=HTML (`<`, `>` and `&` escaped)."""
    return html.escape(text, quote=False)


def keyboard(buttons: list[list[Button]], *, remove: bool = False) -> Markup | None:
    """Return the inline keyboard of callback/link buttons, a reply keyboard for a contact request, or removal."""
    contact = [b for row in buttons for b in row if b.kind == "contact"]
    if contact:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(b.label, request_contact=True)] for b in contact],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    inline = [
        [
            InlineKeyboardButton(b.label, url=b.data)
            if b.kind == "url"
            else InlineKeyboardButton(b.label, callback_data=b.data)
            for b in row
            if b.kind in ("callback", "url")
        ]
        for row in buttons
    ]
    inline = [row for row in inline if row]
    if inline:
        return InlineKeyboardMarkup(inline)
    return ReplyKeyboardRemove() if remove else None


def render(reply: Reply) -> list[Outgoing]:
    """Return the messages that carry one reply (the keyboard goes under the last part)."""
    markup = keyboard(reply.buttons, remove=reply.remove_keyboard)
    if reply.file is not None:
        document = InputFile(io.BytesIO(reply.file.content), filename=reply.file.name)
        if len(reply.text) <= MAX_CAPTION:
            return [Outgoing(escape(reply.text), markup, document)]
        return [*(Outgoing(escape(p)) for p in split_text(reply.text)), Outgoing("", markup, document)]
    parts = split_text(reply.text)
    return [Outgoing(escape(p), markup if i == len(parts) - 1 else None) for i, p in enumerate(parts)]


def alert_keyboard(buttons: list[list[AlertButton]]) -> InlineKeyboardMarkup | None:
    """Return the inline keyboard under a pushed alert (links and callbacks worded by engine/alerts/render.py)."""
    rows = [
        [
            InlineKeyboardButton(b.label, url=b.url) if b.url else InlineKeyboardButton(b.label, callback_data=b.data)
            for b in row
            if b.url or b.data
        ]
        for row in buttons
    ]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None
