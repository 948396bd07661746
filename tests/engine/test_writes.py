"""Write transactions: BEGIN IMMEDIATE on SQLite, whole-transaction retries, DatabaseBusy naming the cause."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.session import make_engine
from engine.errors import AegisError, DatabaseBusy
from engine.writes import write_transaction


def _file_engine(path: Path, *, busy_ms: int = 50) -> Engine:
    engine = make_engine(f"sqlite:///{path}")

    @sa.event.listens_for(engine, "connect")
    def _short_busy(dbapi_conn: Any, _record: Any) -> None:  # a short wait keeps the test fast
        dbapi_conn.execute(f"PRAGMA busy_timeout={busy_ms}")

    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    return engine


def _insert(session: Session) -> int:
    session.execute(sa.text("INSERT INTO t VALUES (1)"))
    return 1


def test_a_writer_blocked_past_the_bound_raises_database_busy_naming_the_lock(tmp_path: Path) -> None:
    engine = _file_engine(tmp_path / "a.db")
    holder = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    try:
        with pytest.raises(DatabaseBusy) as raised:
            write_transaction(engine, _insert, max_wait_s=0.3)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert isinstance(raised.value, AegisError) and "locked" in str(raised.value)
    assert "db upgrade" not in str(raised.value) and "다른 작업" in raised.value.user_message


def test_a_writer_retries_the_whole_transaction_until_the_lock_is_free(tmp_path: Path) -> None:
    engine = _file_engine(tmp_path / "b.db")
    holder = sqlite3.connect(tmp_path / "b.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    attempts: list[int] = []

    def release_after_first_try(_seconds: float) -> None:
        if holder.in_transaction:
            holder.execute("COMMIT")

    def work(session: Session) -> int:
        attempts.append(1)
        return _insert(session)

    assert write_transaction(engine, work, sleep=release_after_first_try) == 1
    holder.close()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar_one() == 1
    assert len(attempts) == 1  # BEGIN IMMEDIATE failed before the work ran: it ran once, once the lock was free


def test_a_reader_does_not_take_the_write_lock(tmp_path: Path) -> None:
    engine = _file_engine(tmp_path / "c.db")
    with Session(engine) as reader:
        reader.execute(sa.text("SELECT count(*) FROM t")).scalar_one()
        assert write_transaction(engine, _insert, max_wait_s=0.3) == 1  # a reader never blocks a writer
