"""Bulk writes and id lists for the alert jobs, fast on both databases.

PostgreSQL gets one JSON document per insert (`INSERT … SELECT FROM jsonb_to_recordset(…)`) and one
array for an id list (`= ANY(:ids)`): a statement with tens of thousands of placeholders costs more to
parse than to run. SQLite gets the
plain executemany and IN list, which it handles well.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

_PG_TYPES = {  # the record type of each column kind in jsonb_to_recordset (anything else is text)
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "BOOLEAN": "boolean",
    "DATE": "date",
}


def in_ids(session: Session, column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """Return `column IN ids`: one array parameter on PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(ids), type_=postgresql.ARRAY(sa.BigInteger())))  # type: ignore[no-any-return]
    return column.in_(list(ids))  # type: ignore[no-any-return]


def insert_rows(session: Session, table: sa.Table, rows: list[dict[str, Any]], *, unique: str | None = None) -> int:
    """Insert rows (all with the same keys), skipping those whose `unique` column exists; return how many landed."""
    if not rows:
        return 0
    if session.get_bind().dialect.name != "postgresql":
        insert = sqlite.insert(table)
        statement = insert.on_conflict_do_nothing(index_elements=[unique]) if unique else insert
        return len(session.execute(statement.returning(table.c.id), rows).all())
    columns = list(rows[0])
    # One JSON document for the whole batch: psycopg sends it as one string, PostgreSQL types it per column.
    record = ", ".join(f"{name} {_pg_type(table.c[name].type)}" for name in columns)
    conflict = f" ON CONFLICT ({unique}) DO NOTHING" if unique else ""
    sql = sa.text(
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(f't.{c}' for c in columns)} "
        f"FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS t({record}){conflict} RETURNING id"
    )
    document = json.dumps(rows, ensure_ascii=False, default=_json_default)
    return len(session.execute(sql, {"rows": document}).all())


def _json_default(value: Any) -> str:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} in a bulk insert")


def _pg_type(column_type: Any) -> str:
    if isinstance(column_type, sa.types.TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, sa.DateTime):
        return "timestamptz"
    if isinstance(column_type, (sa.JSON, postgresql.JSONB)):
        return "jsonb"
    name = str(column_type.compile(dialect=postgresql.dialect())).split("(")[0].upper()  # type: ignore[no-untyped-call]
    return _PG_TYPES.get(name, "text")
