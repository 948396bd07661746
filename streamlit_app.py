"""The Streamlit entry point (`aegis dashboard` runs `streamlit run streamlit_app.py`).

Builds the core once per database via `st.cache_resource` and renders the dashboard.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app import render
from engine.app import Aegis, build_core, load_settings
from engine.settings import Settings


@st.cache_resource(show_spinner=False)
def cached_core(database_url: str, _settings: Settings) -> Aegis:
    """Build the core once per database URL; Streamlit reruns reuse it."""
    return build_core(_settings)


def load_core() -> Aegis:
    """Read the settings from the environment and return the cached core."""
    settings = load_settings()
    return cached_core(settings.database_url, settings)


if __name__ == "__main__":
    render(load_core)
