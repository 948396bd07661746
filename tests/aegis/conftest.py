"""CLI fixtures: a migrated SQLite file per test, copied from one migrated once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db.migrate import upgrade


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a SQLite file migrated to head (Alembic runs once per session, not once per test)."""
    path = tmp_path_factory.mktemp("template") / "aegis.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def migrated_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migrated_template: Path) -> str:
    """Point AEGIS_DATABASE_URL at a fresh copy of the migrated database, with no LLM provider configured."""
    path = tmp_path / "aegis.db"
    shutil.copyfile(migrated_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("AEGIS_DATABASE_URL", url)
    for name in ("AEGIS_LLM__OPENAI__API_KEY", "AEGIS_LLM__SELFHOSTED__API_BASE", "AEGIS_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    return url
