"""The Streamlit entry point (`aegis dashboard` runs `streamlit run streamlit_app.py`): the dashboard's router."""

from __future__ import annotations

from dashboard.app import main

if __name__ == "__main__":
    main()
