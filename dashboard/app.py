"""The dashboard's page frame and its one error-translation point, `show_errors()`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from dashboard.overview import render_overview
from engine.app import Aegis
from engine.errors import AegisError

log = logging.getLogger(__name__)

PAGE_TITLE = "이지스(Aegis) 대시보드"
GENERIC_ERROR = "화면을 그리는 중 오류가 발생했습니다. 잠시 후 새로고침하거나 로그를 확인해 주세요."


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


def render(core_factory: Callable[[], Aegis]) -> None:
    """Render the dashboard: page setup, then the overview of the core `core_factory` returns."""
    st.set_page_config(page_title=PAGE_TITLE, page_icon="🛡️", layout="wide")
    st.title(PAGE_TITLE)
    with show_errors():
        render_overview(core_factory())
