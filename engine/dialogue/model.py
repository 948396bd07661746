"""The dialogue's value objects: what comes in (`Event`) and what goes out (`Reply` with `Button`s).

Fronts translate their transport into an `Event` and render each `Reply`; replies hold plain,
unescaped Korean text (a front escapes it for its own markup).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EventKind = Literal["text", "button", "contact", "command"]
ButtonKind = Literal["callback", "url", "contact"]

# Telegram's limit for callback_data, in bytes of UTF-8; every button's data stays within it.
MAX_BUTTON_DATA_BYTES = 64


@dataclass(frozen=True)
class Button:
    """One button: a callback (`data` is an ASCII id), a link (`data` is the URL) or a share-contact request."""

    label: str
    data: str = ""
    kind: ButtonKind = "callback"

    def __post_init__(self) -> None:
        if self.kind == "callback" and len(self.data.encode("utf-8")) > MAX_BUTTON_DATA_BYTES:
            raise ValueError(f"button data over {MAX_BUTTON_DATA_BYTES} bytes: {self.data!r}")


@dataclass(frozen=True)
class ReplyFile:
    """A file sent with a reply (the calendar export)."""

    name: str
    content: bytes
    mime: str


@dataclass
class Reply:
    """One message: plain text, rows of buttons and an optional file."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    file: ReplyFile | None = None
    remove_keyboard: bool = False  # drop a reply keyboard shown earlier (the share-contact button)
    typing: bool = False  # the front shows a typing indicator before this reply (slow work preceded it)

    def button_data(self) -> list[str]:
        """Return every callback button's data, row by row."""
        return [b.data for row in self.buttons for b in row if b.kind == "callback"]

    def labels(self) -> list[str]:
        """Return every button's label, row by row."""
        return [b.label for row in self.buttons for b in row]


@dataclass(frozen=True)
class Event:
    """One thing a person did: typed text, pressed a button, shared a contact, or sent a command."""

    kind: EventKind
    text: str = ""
    data: str = ""  # a button's callback data
    contact_phone: str | None = None
    contact_user_id: int | None = None  # whose contact card it is (Telegram: contact.user_id)
    sender_id: int | None = None  # who sent the event (Telegram: from_user.id)
    display_name: str | None = None

    @property
    def command(self) -> str:
        """Return the command name without '/' and '@bot' ('' unless a command event)."""
        if self.kind != "command" or not self.text.startswith("/"):
            return ""
        return self.text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()

    @property
    def argument(self) -> str:
        """Return the text after the command ('/search 카페' → '카페')."""
        parts = self.text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""
