"""Where a conversation stands, kept in our database (ConversationState) so a restart loses nothing.

Writes are optimistic: each save bumps `version` and only succeeds over the version it read, so two
processes answering the same chat cannot silently overwrite each other.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from db.models import ConversationState

MAX_REFS = 300  # program references kept per conversation (older buttons become stale)


class StateConflict(Exception):
    """Another process saved this conversation since it was read."""


@dataclass
class State:
    """One conversation's step and data, as read (version 0 and `stored=False` when new)."""

    key: str
    user_id: int | None = None
    step: str = "start"
    data: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    stored: bool = False

    def reset(self, step: str = "idle") -> None:
        """Go to `step`, dropping the in-progress data but keeping program references."""
        refs = self.data.get("refs", {})
        self.step = step
        self.data = {"refs": refs} if refs else {}


def load_state(db: Engine, *, key: str) -> State:
    """Return the stored state of conversation `key`, or a fresh one."""
    with Session(db) as session:
        row = session.get(ConversationState, key)
        if row is None:
            return State(key=key)
        return State(
            key=key,
            user_id=row.user_id,
            step=row.step,
            data=copy.deepcopy(dict(row.data or {})),
            version=row.version,
            stored=True,
        )


def save_state(db: Engine, state: State, *, now: dt.datetime) -> None:
    """Store `state` over the version it was read at; raise StateConflict when someone else wrote first."""
    with Session(db) as session:
        if not state.stored:
            session.add(
                ConversationState(
                    key=state.key,
                    user_id=state.user_id,
                    step=state.step,
                    data=state.data,
                    version=1,
                    updated_at=now,
                )
            )
            try:
                session.commit()
            except sa.exc.IntegrityError as exc:
                raise StateConflict(state.key) from exc
        else:
            result = session.execute(
                sa.update(ConversationState)
                .where(col(ConversationState.key) == state.key, col(ConversationState.version) == state.version)
                .values(
                    user_id=state.user_id,
                    step=state.step,
                    data=state.data,
                    version=state.version + 1,
                    updated_at=now,
                )
            )
            session.commit()
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise StateConflict(state.key)
    state.version = state.version + 1 if state.stored else 1
    state.stored = True


def delete_state(db: Engine, *, key: str) -> None:
    """Forget conversation `key` entirely."""
    with Session(db) as session:
        session.execute(sa.delete(ConversationState).where(col(ConversationState.key) == key))
        session.commit()


def remember_ref(state: State, program_key: str) -> str:
    """Return a short, stable reference for `program_key` (for button data), remembering it in the state."""
    import hashlib

    ref = hashlib.sha1(program_key.encode("utf-8")).hexdigest()[:10]
    refs: dict[str, str] = state.data.setdefault("refs", {})
    refs.pop(ref, None)
    refs[ref] = program_key
    while len(refs) > MAX_REFS:
        refs.pop(next(iter(refs)))
    return ref


def resolve_ref(state: State, ref: str) -> str | None:
    """Return the program key behind a reference, or None when it is unknown (a stale button)."""
    refs: dict[str, str] = state.data.get("refs", {})
    return refs.get(ref)
