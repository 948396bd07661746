"""Daily budgets: a cost cap over every call and a request cap per user, per Asia/Seoul calendar day.

Usage comes from today's llm_calls rows (re-read at most every `refresh_s`, so other processes count
too) plus this process's calls since that read. A cap of 0 or less disables it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from db.types import utcnow
from engine.gateway.records import usage_since
from engine.settings import LLMSettings

SEOUL = ZoneInfo("Asia/Seoul")
BudgetDenial = Literal["daily_cost_cap", "per_user_cap"]


class Budget:
    """Decide whether a call may spend: `denial(user_ref)` before it, `add(...)` after it."""

    def __init__(
        self,
        llm: LLMSettings,
        *,
        engine: Engine | None,
        clock: Callable[[], float],
        now: Callable[[], dt.datetime] = utcnow,
        refresh_s: float = 30.0,
    ) -> None:
        self.cost_cap = llm.daily_cost_cap_usd
        self.user_cap = llm.per_user_daily_requests
        self._engine = engine
        self._clock = clock
        self._now = now
        self._refresh_s = refresh_s
        self._day: dt.date | None = None
        self._cost_base = 0.0  # from the database at the last read
        self._cost_local = 0.0  # this process, since that read
        self._user_base: dict[str, int] = {}
        self._user_local: dict[str, int] = {}
        self._read_at: dict[str | None, float] = {}

    def denial(self, user_ref: str | None) -> BudgetDenial | None:
        """Return why a new call may not spend today, or None when it may."""
        self._roll_day()
        self._refresh(user_ref)
        if self.cost_cap > 0 and self._cost_base + self._cost_local >= self.cost_cap:
            return "daily_cost_cap"
        if self.user_cap > 0 and user_ref is not None:
            used = self._user_base.get(user_ref, 0) + self._user_local.get(user_ref, 0)
            if used >= self.user_cap:
                return "per_user_cap"
        return None

    def add(self, user_ref: str | None, cost_usd: float, *, counted: bool = True) -> None:
        """Account for a finished call (`counted=False` for calls the budget itself refused)."""
        self._roll_day()
        self._cost_local += cost_usd
        if counted and user_ref is not None:
            self._user_local[user_ref] = self._user_local.get(user_ref, 0) + 1

    def spent_today(self) -> float:
        """Return the USD spent today as last known."""
        self._roll_day()
        return self._cost_base + self._cost_local

    def _roll_day(self) -> None:
        today = self._now().astimezone(SEOUL).date()
        if today != self._day:
            self._day = today
            self._cost_base = self._cost_local = 0.0
            self._user_base.clear()
            self._user_local.clear()
            self._read_at.clear()

    def _refresh(self, user_ref: str | None) -> None:
        if self._engine is None or self._day is None:
            return
        last = self._read_at.get(user_ref)
        if last is not None and self._clock() - last < self._refresh_s:
            return
        start = dt.datetime.combine(self._day, dt.time.min, tzinfo=SEOUL).astimezone(dt.UTC)
        spent, count = usage_since(self._engine, start, user_ref)
        self._cost_base, self._cost_local = spent, 0.0
        if user_ref is not None:
            self._user_base[user_ref], self._user_local[user_ref] = count, 0
        self._read_at[user_ref] = self._clock()
        if user_ref is not None:
            self._read_at[None] = self._clock()
