"""Bulk writes and id lists for the alert jobs, fast on both databases.

PostgreSQL gets one array parameter per column (`INSERT … SELECT FROM unnest(…)`, `= ANY(:ids)`):
a statement with tens of thousands of placeholders costs more to parse than to run. SQLite gets the
plain executemany and IN list, which it handles well.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

_ARRAY_TYPES = {  # SQL type of each column kind, as PostgreSQL arrays
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
    params: list[sa.BindParameter[Any]] = []
    selects: list[str] = []
    for n, name in enumerate(columns):
        kind = _pg_type(table.c[name].type)
        values: list[Any] = [row[name] for row in rows]
        if kind == "jsonb":
            values = [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]
            selects.append(f"CAST(t.c{n} AS jsonb)")
            kind = "text"
        else:
            selects.append(f"t.c{n}")
        params.append(sa.bindparam(f"c{n}", values, type_=_array_of(kind)))
    sources = ", ".join(f":c{n}" for n in range(len(columns)))
    names = ", ".join(f"c{n}" for n in range(len(columns)))
    conflict = f" ON CONFLICT ({unique}) DO NOTHING" if unique else ""
    sql = sa.text(
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(selects)} "
        f"FROM unnest({sources}) AS t({names}){conflict} RETURNING id"
    ).bindparams(*params)
    return len(session.execute(sql).all())


def _pg_type(column_type: Any) -> str:
    if isinstance(column_type, sa.types.TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, sa.DateTime):
        return "timestamptz"
    if isinstance(column_type, (sa.JSON, postgresql.JSONB)) or getattr(column_type, "__visit_name__", "") == "JSON":
        return "jsonb"
    name = str(column_type.compile(dialect=postgresql.dialect())).split("(")[0].upper()  # type: ignore[no-untyped-call]
    if isinstance(column_type, sa.types.Variant) or name in ("JSON", "JSONB"):  # pragma: no cover - variants
        return "jsonb"
    return _ARRAY_TYPES.get(name, "text")


def _array_of(kind: str) -> Any:
    item: Any = {
        "integer": sa.Integer(),
        "bigint": sa.BigInteger(),
        "boolean": sa.Boolean(),
        "date": sa.Date(),
        "timestamptz": sa.DateTime(timezone=True),
    }.get(kind, sa.Text())
    return postgresql.ARRAY(item)
