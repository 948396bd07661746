"""What every dashboard page shares: the cached core, the one error-translation point `show_errors()`,
the acting operator's name for audit rows, and safe text helpers (program text is never rendered as markup).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from engine.app import Aegis, build_core, load_settings
from engine.errors import AegisError
from engine.settings import Settings

log = logging.getLogger(__name__)

GENERIC_ERROR = "화면을 그리는 중 오류가 발생했습니다. 잠시 후 새로고침하거나 로그를 확인해 주세요."
LOGIN_KEY = "aegis_login"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


@st.cache_resource(show_spinner=False)
def _cached_core(database_url: str, _settings: Settings) -> Aegis:
    """Build the core once per database URL; Streamlit reruns and sessions share it."""
    return build_core(_settings)


def get_core(*, reload: bool = True) -> Aegis:
    """Return the process's core (settings read from the environment), with operators' overrides applied.

    `reload=False` skips reading the overrides (the router's first look, before it knows the schema exists).
    """
    settings = load_settings()
    core = _cached_core(settings.database_url, settings)
    if reload:
        core.reload_settings()
    return core


@contextmanager
def show_errors() -> Iterator[None]:
    """Show any error raised inside as a Korean message instead of a traceback (the one translation point)."""
    try:
        yield
    except AegisError as exc:
        log.warning("dashboard: %s", exc)
        st.error(exc.user_message)
    except Exception:  # Streamlit's own rerun/stop signals are BaseExceptions and pass through
        log.exception("dashboard page crashed")
        st.error(GENERIC_ERROR)


def run_page(render: Callable[[Aegis], None]) -> None:
    """Run one page's `render(core)` inside the error translation point."""
    with show_errors():
        render(get_core())


def actor() -> str:
    """Return who is acting, for audit rows ('dashboard:<email>' or 'dashboard:operator')."""
    login = st.session_state.get(LOGIN_KEY) or {}
    return f"dashboard:{login.get('who', 'operator')}"


def utcnow() -> dt.datetime:
    """Return the current moment in UTC."""
    return dt.datetime.now(dt.UTC)


def escape_md(text: str) -> str:
    """Escape text for st.markdown-based elements: no markup, no HTML and no auto-linked URLs."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def table(rows: list[dict[str, Any]], *, empty: str, key: str | None = None, height: int | None = None) -> None:
    """Show rows as a dataframe (text stays text), or an info line when there are none."""
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch", key=key, height=height or "auto")
    else:
        st.info(empty)
