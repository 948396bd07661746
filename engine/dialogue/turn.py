"""One turn of a conversation: the core, the stored state, the event, the clock and the replies so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine import users
from engine.dialogue.model import Button, Event, Reply
from engine.dialogue.state import State

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from engine.app import Aegis
    from engine.domain import Profile


@dataclass
class Turn:
    """What a step handler reads and writes: it appends replies and changes `state`."""

    core: Aegis
    state: State
    event: Event
    now: dt.datetime
    replies: list[Reply] = field(default_factory=list)
    _user: users.UserView | None = field(default=None, init=False, repr=False)

    @property
    def db(self) -> Engine:
        """Return the database engine."""
        return self.core.db

    @property
    def today(self) -> dt.date:
        """Return today in Asia/Seoul (from the turn's clock)."""
        return self.now.astimezone(self.core.tz).date()

    @property
    def channel(self) -> str:
        """Return the transport of this conversation ('telegram', 'chat', 'preview')."""
        return self.state.key.split(":", 1)[0]

    @property
    def chat_id(self) -> int | None:
        """Return the Telegram chat id of this conversation, or None for other transports."""
        head, _, tail = self.state.key.partition(":")
        return int(tail) if head == "telegram" and tail.lstrip("-").isdigit() else None

    @property
    def is_operator(self) -> bool:
        """Return whether the sender is one of the operators (settings.operators.telegram_chat_ids)."""
        ids = set(self.core.settings.operators.telegram_chat_ids)
        return self.chat_id in ids or (self.event.sender_id is not None and self.event.sender_id in ids)

    def user(self) -> users.UserView | None:
        """Return the conversation's user (None before consent), read once per turn."""
        if self._user is None and self.state.user_id is not None:
            self._user = users.get_user(self.db, user_id=self.state.user_id)
            if self._user is None:  # erased elsewhere (dashboard, another process)
                self.state.user_id = None
        return self._user

    def forget_user(self) -> None:
        """Drop the cached user (after a write that changes it)."""
        self._user = None

    @property
    def consented(self) -> bool:
        """Return whether the user agreed to 개인정보 수집·이용."""
        user = self.user()
        return user is not None and user.consented_at is not None

    def profile(self) -> Profile | None:
        """Return the saved profile (None until onboarding is complete)."""
        user = self.user()
        return user.profile if user is not None else None

    def say(self, text: str, buttons: list[list[Button]] | None = None, **options: object) -> Reply:
        """Append a reply and return it."""
        reply = Reply(text=text, buttons=buttons or [], **options)  # type: ignore[arg-type]
        self.replies.append(reply)
        return reply


def rows(buttons: list[Button], *, per_row: int = 2) -> list[list[Button]]:
    """Return buttons laid out `per_row` to a row."""
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
