"""The Streamlit entry point (`aegis dashboard` runs `streamlit run streamlit_app.py`).

Builds the core once per database via `st.cache_resource` and renders the dashboard.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app import render
from engine.app import Aegis
from engine.errors import InvalidInput
from engine.settings import Settings


@st.cache_resource(show_spinner=False)
def build_core(database_url: str, _settings: Settings) -> Aegis:
    """Build the core once per database URL; Streamlit reruns reuse it."""
    return Aegis.build(_settings)


def load_core() -> Aegis:
    """Read the settings from the environment and return the cached core."""
    try:
        settings = Settings()
    except ValueError as exc:
        raise InvalidInput(
            f"configuration error: {exc}", user_message="설정값(AEGIS_* 환경 변수, .env)을 확인해 주세요."
        ) from exc
    return build_core(settings.database_url, settings)


if __name__ == "__main__":
    render(load_core)
