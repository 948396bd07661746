"""The database engine and sessions: one `make_engine(url)` knows the dialect differences.

On SQLite the driver's own transaction handling is off and Aegis emits BEGIN itself: `write_scope`
begins with BEGIN IMMEDIATE (the write lock is taken at once, so the busy timeout applies), every
other session with a plain (deferred) BEGIN, which readers need.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 5000
_BEGIN_OPTION = "aegis_sqlite_begin"  # execution option read by the SQLite `begin` hook
# Lock contention: SQLite busy/locked; PostgreSQL serialization failure, deadlock, lock not available.
_PG_CONTENTION = frozenset({"40001", "40P01", "55P03"})


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Build an engine: SQLite with WAL, busy_timeout and foreign keys; PostgreSQL with pre-ping."""
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        memory = url in ("sqlite://", "sqlite:///:memory:")

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
            dbapi_conn.isolation_level = None  # pysqlite's implicit BEGIN would defeat BEGIN IMMEDIATE

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn: sa.Connection) -> None:
            immediate = conn.get_execution_options().get(_BEGIN_OPTION) == "IMMEDIATE"
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return sa.create_engine(url, pool_pre_ping=True, **kwargs)


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def write_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session for a writer: SQLite takes the write lock at BEGIN (IMMEDIATE); commit or roll back.

    A deferred transaction that reads first and then writes is refused at once (SQLITE_BUSY, no wait)
    when another writer committed meanwhile; BEGIN IMMEDIATE waits for the lock instead.
    """
    with Session(engine, expire_on_commit=False) as session:
        if engine.dialect.name == "sqlite":
            session.connection(execution_options={_BEGIN_OPTION: "IMMEDIATE"})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_contention(exc: BaseException) -> bool:
    """Return whether a database error means another writer held a lock (worth retrying the transaction)."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in _PG_CONTENTION:
        return True
    text = str(exc.orig).lower()
    return isinstance(exc, sa.exc.OperationalError) and ("database is locked" in text or "database is busy" in text)
