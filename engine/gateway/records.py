"""Persistence of the gateway: one `llm_calls` row per call, the `provider_health` row per provider.

A failing database never fails an LLM call: write errors are logged and dropped here.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from db.models import LLMCall, ProviderHealth
from db.session import session_scope

logger = logging.getLogger(__name__)
_INSERT_CALL = sa.insert(LLMCall.metadata.tables["llm_calls"])
BUDGET_ERROR_CLASS = "BudgetExceeded"  # error_class of calls the budget sent offline; not counted as requests


def write_call(engine: Engine, call: LLMCall) -> None:
    """Insert one llm_calls row."""
    try:
        # one prebuilt Core insert with bound parameters: this is on every call's path, and the ORM
        # unit of work or a fresh `.values()` statement costs several times more
        with engine.begin() as conn:
            conn.execute(_INSERT_CALL, [call.model_dump(exclude={"id"})])
    except SQLAlchemyError as exc:
        logger.warning("could not record llm call (%s)", type(exc).__name__)


def save_health(engine: Engine, provider: str, **fields: Any) -> None:
    """Upsert the provider_health row of a provider with the given fields."""
    try:
        with session_scope(engine) as session:
            row = session.get(ProviderHealth, provider)
            if row is None:
                row = ProviderHealth(provider=provider)
            for name, value in fields.items():
                setattr(row, name, value)
            session.add(row)
    except SQLAlchemyError as exc:
        logger.warning("could not record provider health of %s (%s)", provider, type(exc).__name__)


def load_health(engine: Engine) -> dict[str, ProviderHealth]:
    """Return the stored provider_health rows by provider (empty when the table cannot be read)."""
    try:
        with session_scope(engine) as session:
            return {row.provider: row for row in session.exec(select(ProviderHealth)).all()}
    except SQLAlchemyError as exc:
        logger.warning("could not read provider health (%s)", type(exc).__name__)
        return {}


def usage_since(engine: Engine, since: dt.datetime, user_ref: str | None) -> tuple[float, int]:
    """Return (USD spent by every call since, requests of the user since) from llm_calls."""
    try:
        with session_scope(engine) as session:
            spent = session.exec(
                select(sa.func.coalesce(sa.func.sum(LLMCall.cost_usd), 0.0)).where(LLMCall.created_at >= since)
            ).one()
            count = 0
            if user_ref is not None:
                count = session.exec(
                    select(sa.func.count())
                    .select_from(LLMCall)
                    .where(LLMCall.created_at >= since, LLMCall.user_ref == user_ref)
                    .where(sa.func.coalesce(LLMCall.error_class, "") != BUDGET_ERROR_CLASS)
                ).one()
            return float(spent), int(count)
    except SQLAlchemyError as exc:
        logger.warning("could not read llm usage (%s)", type(exc).__name__)
        return 0.0, 0
