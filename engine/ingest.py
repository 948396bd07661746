"""The ingest pipeline shared by `aegis import` and live collection.

batch → extract conditions and needs (engine/extraction.py) → content hash per record → insert new /
update changed (naming the changed fields) / touch unchanged → de-duplicate → close programs missing
from a provably complete listing → change events and a collection-run record → the serving catalogue's
snapshot (engine/snapshot.py). `ingest` writes in short retried transactions; `ingest_batch` in the
caller's one.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import CollectionRun, Program, ProgramChange
from engine.collectors.base import Batch
from engine.dedup import STANDALONE_SOURCES, GroupIndex, window_key
from engine.domain import ProgramRecord, Window
from engine.extraction import extract_record
from engine.program_rows import (
    apply_record,
    content_hash,
    diff,
    new_values,
    search_text,
    sparser_copy,
    window_passed,
)
from engine.runs import start_run
from engine.snapshot import publish_snapshot, refresh_snapshot
from engine.text import tokenize_many
from engine.writes import write_transaction

log = logging.getLogger(__name__)
KST = ZoneInfo("Asia/Seoul")

CHUNK_SIZE = 500  # records per write transaction: other writers get the lock between chunks
INSERT_ROWS = 200  # rows per INSERT statement


@dataclass
class Counts:
    """What one chunk of a batch did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class RunReport:
    """The outcome of one import or collection (the contract's `--json` object)."""

    source: str
    received: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    closed: int = 0
    errors: list[str] = field(default_factory=list)
    run_id: int | None = None

    def add(self, counts: Counts) -> None:
        """Add one chunk's counts."""
        self.new += counts.new
        self.updated += counts.updated
        self.unchanged += counts.unchanged

    def as_json(self) -> dict[str, Any]:
        """Return the contract's JSON object."""
        return {
            "source": self.source,
            "received": self.received,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": list(self.errors),
            "closed": self.closed,
            "run_id": self.run_id,
        }


@dataclass
class Prepared:
    """A batch made ready outside any transaction: records with their conditions, hashes and search tokens."""

    records: list[ProgramRecord]
    hashes: dict[str, str]
    tokens: dict[str, str]  # of the records new or changed when prepared
    index: list[GroupIndex] = field(default_factory=list)  # the stored titles, loaded once when needed

    def tokens_of(self, record: ProgramRecord) -> str:
        """Return the record's search tokens (tokenised now if another writer changed it meanwhile)."""
        if record.key not in self.tokens:
            self.tokens.update(_tokens([record]))
        return self.tokens[record.key]


def prepare(session: Session, batch: Batch) -> Prepared:
    """Read the batch's text (conditions, tokens) with only a read of the stored hashes: no write lock held."""
    records = [extract_record(r) for r in _unique(batch.records)]
    hashes = {r.key: content_hash(r) for r in records}
    stored = _stored_hashes(session, list(hashes))
    prepared = Prepared(records, hashes, _tokens([r for r in records if stored.get(r.key) != hashes[r.key]]))
    if prepared.tokens:  # something is new or moved: the duplicate groups will be needed
        prepared.index.append(_group_index(session))
    return prepared


def ingest(
    engine: Engine,
    batch: Batch,
    *,
    now: dt.datetime,
    mode: str = "import",
    run_id: int | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> RunReport:
    """Store a batch in short write transactions, each retried whole while other writers hold the lock.

    The text is read before any transaction; the run row is written first (or given: `run_id`), then
    the records in chunks of `chunk_size`, then the closes and the run's outcome. DatabaseBusy when the
    lock stays taken past the bound.
    """
    clock = time.monotonic()
    with Session(engine) as session:
        prepared = prepare(session, batch)
    run = run_id or write_transaction(engine, lambda s: start_run(s, source=batch.source, mode=mode, now=now))
    report = _report(batch, run)
    size = max(1, chunk_size)
    records = prepared.records
    for chunk in (records[i : i + size] for i in range(0, len(records), size)):

        def store(session: Session, chunk: list[ProgramRecord] = chunk) -> Counts:
            return _store(session, chunk, prepared, run_id=run, now=now)

        report.add(write_transaction(engine, store))

    def finish(session: Session) -> int:
        return _finish(session, batch, records, report, run_id=run, now=now, elapsed_s=time.monotonic() - clock)

    report.closed = write_transaction(engine, finish)
    publish_snapshot(engine, now=now)  # built outside the write transactions: no writer waits for it
    return report


def ingest_batch(session: Session, batch: Batch, *, now: dt.datetime, mode: str = "import") -> RunReport:
    """Store a batch in the caller's transaction: upsert by content hash, record changes, de-duplicate, run."""
    clock = time.monotonic()
    prepared = prepare(session, batch)
    run_id = start_run(session, source=batch.source, mode=mode, now=now)
    report = _report(batch, run_id)
    report.add(_store(session, prepared.records, prepared, run_id=run_id, now=now))
    elapsed = time.monotonic() - clock
    report.closed = _finish(session, batch, prepared.records, report, run_id=run_id, now=now, elapsed_s=elapsed)
    refresh_snapshot(session, now=now)  # the next process loads the catalogue instead of rebuilding it
    return report


def _report(batch: Batch, run_id: int) -> RunReport:
    report = RunReport(source=batch.source, received=batch.received, rejected=len(batch.rejected), run_id=run_id)
    report.errors = [str(r) for r in batch.rejected]
    return report


def _store(
    session: Session, records: list[ProgramRecord], prepared: Prepared, *, run_id: int, now: dt.datetime
) -> Counts:
    """Insert new records, update changed ones, touch unchanged ones; return the counts. Safe to run again."""
    counts = Counts()
    existing = _load(session, [r.key for r in records])
    hashes = prepared.hashes

    def groups() -> GroupIndex:
        if not prepared.index:  # another writer changed what was read when preparing
            prepared.index.append(_group_index(session))
        return prepared.index[0]

    fresh = [r for r in records if r.key not in existing]
    if fresh:
        rows = [
            new_values(r, hashes[r.key], prepared.tokens_of(r), now, groups().assign(**_group_args(r))) for r in fresh
        ]
        inserted = _insert_new(session, rows)
        for record in fresh:
            if record.key not in inserted:
                continue  # another writer stored it first: treated below as an existing program
            _event(session, record.key, "new", run_id, now)
            counts.new += 1
            if record.closed:
                _closed_event(session, record.key, run_id, now, "the source marks recruiting over")
        existing.update(_load(session, [r.key for r in fresh if r.key not in inserted]))
    for record in records:
        row = existing.get(record.key)
        if row is None:
            continue
        # A closed program listed again reopens, unless its window has simply passed (still listed late).
        reopened = row.closed_at is not None and not record.closed and not window_passed(record, now)
        row.last_seen = now
        if reopened:
            row.closed_at = None
        if row.content_hash == hashes[record.key] or sparser_copy(row, record):
            counts.unchanged += 1
            if reopened:
                _event(session, row.key, "reopened", run_id, now)
            continue
        fields, detail = diff(row, record)
        apply_record(row, record, hashes[record.key], prepared.tokens_of(record), now)
        if "window" in fields or "title" in fields:
            row.group_id = groups().assign(**_group_args(record))
        _event(session, row.key, "reopened" if reopened else "updated", run_id, now, fields=fields, detail=detail)
        counts.updated += 1
        if record.closed and row.closed_at is None:
            _close(session, row, run_id, now, "the source marks recruiting over")  # 조기 마감
    session.flush()
    return counts


def _stored_hashes(session: Session, keys: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for start in range(0, len(keys), 500):
        query = sa.select(col(Program.key), col(Program.content_hash)).where(
            col(Program.key).in_(keys[start : start + 500])
        )
        out.update({key: digest for key, digest in session.execute(query)})
    return out


def _finish(
    session: Session,
    batch: Batch,
    records: list[ProgramRecord],
    report: RunReport,
    *,
    run_id: int,
    now: dt.datetime,
    elapsed_s: float,
) -> int:
    """Close what a complete listing no longer holds and write the run's outcome; return how many closed."""
    closed = _close_missing(session, batch.source, {r.key for r in records}, run_id, now) if batch.complete else 0
    run = session.get(CollectionRun, run_id)
    if run is not None:
        run.received, run.new, run.updated = report.received, report.new, report.updated
        run.unchanged, run.rejected, run.closed = report.unchanged, report.rejected, closed
        run.errors = report.errors[:100]
        run.status = "ok"
        run.finished_at = now + dt.timedelta(seconds=elapsed_s)
        run.duration_ms = int(elapsed_s * 1000)
    session.flush()
    return closed


def _tokens(records: list[ProgramRecord]) -> dict[str, str]:
    return {r.key: " ".join(t) for r, t in zip(records, tokenize_many([search_text(r) for r in records]), strict=True)}


def _group_args(record: ProgramRecord) -> dict[str, Any]:
    return {"key": record.key, "title": record.title, "window": record.window, "text": record.summary}


def _group_index(session: Session) -> GroupIndex:
    query = sa.select(
        col(Program.key),
        col(Program.title),
        col(Program.window_kind),
        col(Program.window_start),
        col(Program.window_end),
        col(Program.group_id),
    ).where(col(Program.source).not_in(STANDALONE_SOURCES))
    rows = session.execute(query)
    return GroupIndex(
        (key, title, window_key(Window(kind=kind, start=s, end=e)), group) for key, title, kind, s, e, group in rows
    )


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    """Insert new programs, skipping keys another writer stored meanwhile (ON CONFLICT DO NOTHING)."""
    table = Program.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted: set[str] = set()
    for start in range(0, len(rows), INSERT_ROWS):
        statement = insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
        inserted.update(session.execute(statement, rows[start : start + INSERT_ROWS]).scalars())
    return inserted


def _unique(records: list[ProgramRecord]) -> list[ProgramRecord]:
    seen: dict[str, ProgramRecord] = {}
    for record in records:
        seen[record.key] = record  # a payload repeating an id: the last occurrence wins
    return list(seen.values())


def _load(session: Session, keys: list[str]) -> dict[str, Program]:
    rows: dict[str, Program] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        for row in session.exec(select(Program).where(col(Program.key).in_(chunk))):
            rows[row.key] = row
    return rows


def _close_missing(session: Session, source: str, seen: set[str], run_id: int | None, now: dt.datetime) -> int:
    """Close this source's open programs that a provably complete listing no longer holds."""
    closed = 0
    query = select(Program).where(Program.source == source, col(Program.closed_at).is_(None))
    for row in session.exec(query):
        if row.key not in seen:
            _close(session, row, run_id, now, "vanished from a complete listing")
            closed += 1
    return closed


def _close(
    session: Session, row: Program, run_id: int | None, now: dt.datetime, reason: str, *, field: str = "listing"
) -> None:
    row.closed_at = now
    _closed_event(session, row.key, run_id, now, reason, field=field)


def _closed_event(
    session: Session, key: str, run_id: int | None, now: dt.datetime, reason: str, *, field: str = "listing"
) -> None:
    _event(session, key, "closed", run_id, now, fields=[field], detail={"reason": reason})


def _event(
    session: Session,
    key: str,
    kind: str,
    run_id: int | None,
    now: dt.datetime,
    *,
    fields: list[str] | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        ProgramChange(
            program_key=key, kind=kind, fields=fields or [], detail=detail or {}, run_id=run_id, created_at=now
        )
    )


def close_expired(session: Session, *, today: dt.date, now: dt.datetime) -> int:
    """Close open programs whose dated window ended before `today`; return how many were closed."""
    query = select(Program).where(
        col(Program.closed_at).is_(None), Program.window_kind == "dated", col(Program.window_end) < today
    )
    closed = 0
    for row in session.exec(query):
        _close(session, row, None, now, "window passed", field="window")
        closed += 1
    session.flush()
    return closed
