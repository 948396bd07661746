"""The database's own configuration seam: the default URL and how migrations find theirs.

`db` never imports `engine`; the settings object reads its default from here.
"""

from __future__ import annotations

import os

DEFAULT_DATABASE_URL = "sqlite:///./data/aegis.db"
DATABASE_URL_ENV = "AEGIS_DATABASE_URL"


def database_url_from_env() -> str:
    """Return AEGIS_DATABASE_URL, or the default embedded SQLite file (for running `alembic` directly)."""
    return os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL
