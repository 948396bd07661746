"""The conversation as a transport-neutral state machine: `respond(core, conversation=, event=, now=)`.

Events in (text, button, contact, command), replies out (plain text, buttons, an optional file); the
step and its data live in our database (ConversationState), so a restart resumes where it stopped.
The Telegram bot, `aegis chat` and the dashboard's preview all render the same replies.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING

from engine.dialogue.commands import COMMANDS, Command
from engine.dialogue.model import MAX_BUTTON_DATA_BYTES, Button, Event, Reply, ReplyFile
from engine.dialogue.state import StateConflict, load_state, save_state
from engine.dialogue.turn import Turn

if TYPE_CHECKING:
    from engine.app import Aegis

__all__ = [
    "COMMANDS",
    "MAX_BUTTON_DATA_BYTES",
    "Button",
    "Command",
    "Event",
    "Reply",
    "ReplyFile",
    "respond",
]

ATTEMPTS = 4  # a turn that lost a race is run again over fresh state
# Steps after which nothing of the conversation is kept (declined consent, deleted data).
_FORGOTTEN = frozenset({"declined", "deleted"})


def respond(core: Aegis, *, conversation: str, event: Event, now: dt.datetime) -> list[Reply]:
    """Answer one event in conversation `conversation` ('telegram:<chat id>', 'chat:<name>', 'preview:<id>').

    Nothing is stored before consent. A turn that lost a race (another process saved this conversation,
    or SQLite refused a stale read-then-write) runs again over fresh state; callers serialise events of
    one conversation (the bot's per-chat lock).
    """
    from db.session import is_contention
    from engine.dialogue.commands import dispatch

    for attempt in range(1, ATTEMPTS + 1):
        try:
            state = load_state(core.db, key=conversation)
            turn = Turn(core=core, state=state, event=event, now=now)
            dispatch(turn)
            if state.user_id is not None and state.step not in _FORGOTTEN:
                save_state(core.db, state, now=now)
            return turn.replies
        except Exception as exc:
            if attempt == ATTEMPTS or not (isinstance(exc, StateConflict) or is_contention(exc)):
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")  # pragma: no cover
