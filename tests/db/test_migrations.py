"""Migrations create the schema the models describe, idempotently, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from db.migrate import current, upgrade
from db.session import make_engine


def _drift(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(ctx, SQLModel.metadata))
    finally:
        engine.dispose()


def test_upgrade_creates_schema_matching_models_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/aegis.db"
    upgrade(url)
    upgrade(url)  # idempotent
    assert current(url) is not None
    assert _drift(url) == []


def test_sqlite_engine_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA busy_timeout")).scalar() == 5000
    engine.dispose()


@pytest.mark.postgres
def test_upgrade_creates_schema_matching_models_on_postgres(postgres_url: str) -> None:
    upgrade(postgres_url)
    upgrade(postgres_url)
    assert current(postgres_url) is not None
    assert _drift(postgres_url) == []
