"""The serving catalogue (de-duplicated candidates + BM25 index), built once and shared between processes.

A catalogue is keyed by the programs table's change stamp (row count, latest `updated_at`, closed count,
latest `closed_at`: an unchanged re-import moves none of them, only `last_seen`) and is valid for the
dates whose cutoff falls between two `closed_at` values. `refresh_snapshot` stores it, pickled, in
`catalog_snapshots` at the end of an import or collection; the next process loads it in a fraction of
the rebuild time. The pickle is Aegis's own output in Aegis's own database: whoever can write that
table can already change every answer, so loading it adds no new trust.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import logging
import pickle
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session, col, func, select

from db.models import CatalogSnapshot, Program
from db.session import SQLITE_BUSY_TIMEOUT_MS
from engine.catalog import CATALOG_SOURCE
from engine.domain import AgeBound, Bound, Eligibility, Funding, Window
from engine.matching import Candidate
from engine.search import SearchIndex

log = logging.getLogger(__name__)

SEOUL = ZoneInfo("Asia/Seoul")
SNAPSHOT_VERSION = 1  # bump when the pickled shape changes in a way the field names below do not show


def _shape_of(*types: Any) -> str:
    fields = [
        f"{t.__name__}:{','.join(sorted(getattr(t, 'model_fields', None) or (f.name for f in dataclasses.fields(t))))}"
        for t in types
    ]
    return hashlib.sha256(f"{SNAPSHOT_VERSION}|{'|'.join(fields)}".encode()).hexdigest()[:32]


# What a snapshot must have been written by: the same version and the same field names.
FORMAT = _shape_of(Candidate, Eligibility, Window, Funding, AgeBound, Bound)


@dataclass
class Catalog:
    """The candidates and their search index, valid for cutoffs in [cutoff_from, cutoff_until)."""

    stamp: str
    candidates: list[Candidate]
    index: SearchIndex
    cutoff_from: dt.datetime | None = None
    cutoff_until: dt.datetime | None = None
    products: int = field(init=False, default=0)  # financial-catalog products among the candidates

    def __post_init__(self) -> None:
        self.products = sum(1 for c in self.candidates if c.program_id.partition(":")[0] == CATALOG_SOURCE)

    def covers(self, as_of: dt.date) -> bool:
        """Return whether the same programs are visible on `as_of` as when this was built."""
        return _covers(self.cutoff_from, self.cutoff_until, cutoff_of(as_of))


def _covers(start: dt.datetime | None, until: dt.datetime | None, cutoff: dt.datetime) -> bool:
    return (start is None or start <= cutoff) and (until is None or cutoff < until)


def cutoff_of(as_of: dt.date) -> dt.datetime:
    """Return the instant before which a closed program is hidden on `as_of`."""
    return dt.datetime.combine(as_of, dt.time.min, tzinfo=dt.UTC)


def current_stamp(session: Session) -> str:
    """Return the programs table's change stamp (index-only reads; `last_seen` deliberately left out)."""
    # One scalar subquery per aggregate: SQLite answers each from an index, where one SELECT of four
    # aggregates scans the whole table (90 ms on 5,000 programs against 0.4 ms).
    aggregates = (
        func.count(),
        func.max(Program.updated_at),
        func.count(col(Program.closed_at)),
        func.max(Program.closed_at),
    )
    query = sa.select(*(sa.select(a).select_from(Program).scalar_subquery() for a in aggregates))
    count, updated, closed, last_closed = session.execute(query).one()
    return "|".join(str(p) for p in (count, _iso(updated), closed, _iso(last_closed)))


def _iso(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dt.datetime) and value.tzinfo is None:  # SQLite's max() bypasses the column type
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    moment: dt.datetime = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def build_catalog(session: Session, *, as_of: dt.date, stamp: str | None = None) -> Catalog:
    """Build the catalogue as of a date from the programs table (the slow path a snapshot avoids)."""
    stamp = stamp or current_stamp(session)
    cutoff = cutoff_of(as_of)
    closed = col(Program.closed_at)
    start = _aware(session.exec(select(func.max(Program.closed_at)).where(closed <= cutoff)).one())
    until = _aware(session.exec(select(func.min(Program.closed_at)).where(closed > cutoff)).one())
    from engine.programs import load_candidates  # the collectors' registry loads only when rebuilding

    candidates = load_candidates(session, as_of=as_of)
    for c in candidates:
        _ = c.condition_count  # cached on the candidate, so it travels in the snapshot
    index = SearchIndex.build([(c.program_id, c.tokens) for c in candidates])
    return Catalog(stamp=stamp, candidates=candidates, index=index, cutoff_from=start, cutoff_until=until)


def load_snapshot(session: Session, *, stamp: str, as_of: dt.date) -> Catalog | None:
    """Return the stored catalogue for this stamp and date, or None when there is none usable."""
    row = session.exec(
        select(CatalogSnapshot.format, CatalogSnapshot.cutoff_from, CatalogSnapshot.cutoff_until).where(
            CatalogSnapshot.stamp == stamp
        )
    ).first()
    if row is None or row[0] != FORMAT:
        return None
    start, until = _aware(row[1]), _aware(row[2])
    if not _covers(start, until, cutoff_of(as_of)):
        return None
    data = session.exec(select(CatalogSnapshot.data).where(CatalogSnapshot.stamp == stamp)).one()
    enabled = gc.isenabled()
    gc.disable()  # a million fresh objects would trigger collection after collection: 5× slower
    try:
        payload = pickle.loads(data)
    except (pickle.UnpicklingError, AttributeError, ImportError, EOFError, TypeError, ValueError) as exc:
        log.warning("catalog snapshot unreadable, rebuilding: %s", type(exc).__name__)
        return None
    finally:
        if enabled:
            gc.enable()
    fmt, candidates, index = payload
    if fmt != FORMAT:
        return None
    return Catalog(stamp=stamp, candidates=candidates, index=index, cutoff_from=start, cutoff_until=until)


def store_snapshot(session: Session, catalog: Catalog) -> None:
    """Write the catalogue as the one stored snapshot (flushes; the caller commits). A concurrent equal write wins."""
    data = pickle.dumps((FORMAT, catalog.candidates, catalog.index), protocol=pickle.HIGHEST_PROTOCOL)
    table: sa.Table = CatalogSnapshot.__table__  # type: ignore[attr-defined]
    session.execute(sa.delete(table).where(sa.or_(table.c.stamp != catalog.stamp, table.c.format != FORMAT)))
    values = {
        "stamp": catalog.stamp,
        "format": FORMAT,
        "cutoff_from": catalog.cutoff_from,
        "cutoff_until": catalog.cutoff_until,
        "built_at": dt.datetime.now(dt.UTC),
        "data": data,
    }
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(table).values(**values).on_conflict_do_nothing(index_elements=["stamp"]))
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(table).values(**values).on_conflict_do_nothing(index_elements=["stamp"]))
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        session.execute(sa.insert(table).values(**values))
    session.flush()


def _stored_covers(session: Session, stamp: str, today: dt.date) -> bool:
    row = session.exec(
        select(CatalogSnapshot.format, CatalogSnapshot.cutoff_from, CatalogSnapshot.cutoff_until).where(
            CatalogSnapshot.stamp == stamp
        )
    ).first()
    return row is not None and row[0] == FORMAT and _covers(_aware(row[1]), _aware(row[2]), cutoff_of(today))


def publish_snapshot(engine: Engine, *, now: dt.datetime) -> bool:
    """Build the catalogue as of today outside any write transaction, then store it in a short one.

    For ingests that commit in chunks (`engine.ingest.ingest`): the build reads only, so other writers
    never wait for it. Skipped when an equal snapshot is stored, or when the programs changed meanwhile
    (the next ingest or the first reader stores that one). Return whether one was stored.
    """
    from engine.writes import write_transaction

    today = now.astimezone(SEOUL).date()
    with Session(engine) as session:
        stamp = current_stamp(session)
        if _stored_covers(session, stamp, today):
            return False
        catalog = build_catalog(session, as_of=today, stamp=stamp)

    def store(session: Session) -> bool:
        if current_stamp(session) != stamp:
            return False
        store_snapshot(session, catalog)
        return True

    stored: bool = write_transaction(engine, store)
    return stored


def refresh_snapshot(session: Session, *, now: dt.datetime) -> bool:
    """Store the catalogue as of today (Asia/Seoul) unless an equal one is stored; return whether it was built.

    Call at the end of an import or collection, inside its transaction (so it commits with the programs).
    An unchanged re-import leaves the stamp, and so the stored snapshot and every process's cache, alone.
    """
    today = now.astimezone(SEOUL).date()
    session.flush()
    stamp = current_stamp(session)
    if _stored_covers(session, stamp, today):
        return False
    store_snapshot(session, build_catalog(session, as_of=today, stamp=stamp))
    return True


def save_quietly(engine: Engine, catalog: Catalog) -> None:
    """Store a catalogue a reader had to rebuild, in its own short transaction, never waiting for a writer."""
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            if sqlite:
                conn.exec_driver_sql("PRAGMA busy_timeout=0")  # a busy database: skip, the next reader saves
                conn.commit()
            try:
                with Session(bind=conn) as session:
                    store_snapshot(session, catalog)
                    session.commit()
            finally:
                if sqlite:
                    conn.rollback()
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
                    conn.commit()
    except (DBAPIError, SQLAlchemyError) as exc:
        log.debug("catalog snapshot not saved: %s", type(exc).__name__)
