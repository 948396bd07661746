"""The ingest pipeline shared by `aegis import` and live collection.

batch → extract conditions and needs (engine/extraction.py) → content hash per record → insert new /
update changed (naming the changed fields) / touch unchanged → de-duplicate → close programs missing
from a provably complete listing → change events and a collection-run record → the serving catalogue's
snapshot (engine/snapshot.py). The caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from db.models import CollectionRun, Program, ProgramChange
from engine.collectors.base import Batch
from engine.dedup import STANDALONE_SOURCES, same_program
from engine.domain import ProgramRecord, Window
from engine.extraction import extract_record
from engine.snapshot import refresh_snapshot
from engine.text import tokenize_many

log = logging.getLogger(__name__)
KST = ZoneInfo("Asia/Seoul")

# Fields whose change an alert names; anything else counts as "content".
_AMOUNT = re.compile(r"\d[\d,.]*\s*(?:억|천만|백만|만)\s*원|\d[\d,]*\s*원")


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


def content_hash(record: ProgramRecord) -> str:
    """Return a stable hash of the record's content (raw payload and timestamps excluded)."""
    data = record.model_dump(mode="json", exclude={"raw", "posted_at"})
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def search_text(record: ProgramRecord) -> str:
    """Return the text indexed for search: title twice (titles matter more), then the rest."""
    parts = [record.title, record.title, record.category or "", " ".join(record.support_types)]
    parts += [record.summary, record.body, " ".join(record.hashtags), record.target or ""]
    return "\n".join(p for p in parts if p)


def ingest_batch(session: Session, batch: Batch, *, now: dt.datetime, mode: str = "import") -> RunReport:
    """Store a batch: upsert by content hash, record changes, de-duplicate and write the run."""
    started = dt.datetime.now(dt.UTC)
    run = CollectionRun(source=batch.source, mode=mode, started_at=now, status="running")
    session.add(run)
    session.flush()
    report = RunReport(source=batch.source, received=batch.received, rejected=len(batch.rejected), run_id=run.id)
    report.errors = [str(r) for r in batch.rejected]

    records = [extract_record(r) for r in _unique(batch.records)]
    existing = _load(session, [r.key for r in records])
    hashes = {r.key: content_hash(r) for r in records}
    changed = [r for r in records if r.key not in existing or existing[r.key].content_hash != hashes[r.key]]
    tokens = dict(zip([r.key for r in changed], tokenize_many([search_text(r) for r in changed]), strict=True))
    index: list[_Groups] = []

    def groups() -> _Groups:
        if not index:  # loaded only when the batch adds or moves a program
            index.append(_Groups(session))
        return index[0]

    for record in records:
        row = existing.get(record.key)
        if row is None:
            row = _new_row(record, hashes[record.key], " ".join(tokens[record.key]), now)
            session.add(row)
            session.flush()
            row.group_id = groups().assign(record)
            _event(session, row.key, "new", run.id, now)
            report.new += 1
            if record.closed:
                _close(session, row, run.id, now, "the source marks recruiting over")
            continue
        # A closed program listed again reopens, unless its window has simply passed (still listed late).
        reopened = row.closed_at is not None and not record.closed and not _window_passed(record, now)
        row.last_seen = now
        if reopened:
            row.closed_at = None
        if row.content_hash == hashes[record.key] or _sparser_copy(row, record):
            report.unchanged += 1
            if reopened:
                _event(session, row.key, "reopened", run.id, now)
            continue
        fields, detail = _diff(row, record)
        _apply(row, record, hashes[record.key], " ".join(tokens[record.key]), now)
        if "window" in fields or "title" in fields:
            row.group_id = groups().assign(record)
        _event(session, row.key, "reopened" if reopened else "updated", run.id, now, fields=fields, detail=detail)
        report.updated += 1
        if record.closed and row.closed_at is None:
            _close(session, row, run.id, now, "the source marks recruiting over")  # 조기 마감

    if batch.complete:
        report.closed = _close_missing(session, batch.source, {r.key for r in records}, run.id, now)

    run.received, run.new, run.updated = report.received, report.new, report.updated
    run.unchanged, run.rejected, run.closed = report.unchanged, report.rejected, report.closed
    run.errors = report.errors[:100]
    run.status = "ok"
    run.finished_at = now
    run.duration_ms = int((dt.datetime.now(dt.UTC) - started).total_seconds() * 1000)
    session.flush()
    refresh_snapshot(session, now=now)  # the next process loads the catalogue instead of rebuilding it
    return report


def _sparser_copy(row: Program, record: ProgramRecord) -> bool:
    """Return whether the record is a bare listing entry of what is stored (no text; same title and window).

    The documented 기업마당 shape may carry only the six required fields: it must not erase the text,
    the conditions and the attachments a full answer stored.
    """
    if record.summary or record.body or not (row.summary or row.body):
        return False
    w = record.window
    return (row.title, row.window_kind, row.window_start, row.window_end) == (record.title, w.kind, w.start, w.end)


def _window_passed(record: ProgramRecord, now: dt.datetime) -> bool:
    end = record.window.end
    return record.window.kind == "dated" and end is not None and end < now.astimezone(KST).date()


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


def _columns(record: ProgramRecord) -> dict[str, Any]:
    return {
        "source": record.source,
        "external_id": record.external_id,
        "title": record.title,
        "summary": record.summary,
        "body": record.body,
        "organization": record.organization,
        "executor": record.executor,
        "category": record.category,
        "support_types": record.support_types,
        "target": record.target,
        "regions": record.regions,
        "window_kind": record.window.kind,
        "window_start": record.window.start,
        "window_end": record.window.end,
        "window_raw": record.window.raw,
        "url": record.url,
        "attachments": [a.model_dump() for a in record.attachments],
        "hashtags": record.hashtags,
        "eligibility": record.eligibility.model_dump(mode="json"),
        "needs": list(record.needs),
        "funding": record.funding.model_dump(mode="json") if record.funding else None,
        "raw": record.raw,
        "posted_at": record.posted_at,
    }


def _new_row(record: ProgramRecord, digest: str, tokens: str, now: dt.datetime) -> Program:
    return Program(
        key=record.key,
        content_hash=digest,
        search_tokens=tokens,
        first_seen=now,
        last_seen=now,
        updated_at=now,
        group_id=record.key,
        **_columns(record),
    )


def _apply(row: Program, record: ProgramRecord, digest: str, tokens: str, now: dt.datetime) -> None:
    for name, value in _columns(record).items():
        setattr(row, name, value)
    row.content_hash = digest
    row.search_tokens = tokens
    row.updated_at = now


def _diff(row: Program, record: ProgramRecord) -> tuple[list[str], dict[str, Any]]:
    """Name what changed between the stored row and the new record (for alerts)."""
    fields: list[str] = []
    detail: dict[str, Any] = {}
    old_window = {"kind": row.window_kind, "start": _iso(row.window_start), "end": _iso(row.window_end)}
    new_window = {"kind": record.window.kind, "start": _iso(record.window.start), "end": _iso(record.window.end)}
    if old_window != new_window:
        fields.append("window")
        detail["window"] = {"old": old_window, "new": new_window}
    if row.title != record.title:
        fields.append("title")
        detail["title"] = {"old": row.title, "new": record.title}
    old_amounts = sorted(set(_AMOUNT.findall(f"{row.summary}\n{row.body}")))
    new_amounts = sorted(set(_AMOUNT.findall(f"{record.summary}\n{record.body}")))
    old_funding = row.funding or None
    new_funding = record.funding.model_dump(mode="json") if record.funding else None
    if old_amounts != new_amounts or old_funding != new_funding:
        fields.append("amount")
        detail["amount"] = {"old": old_amounts or old_funding, "new": new_amounts or new_funding}
    new_conditions = record.eligibility.model_dump(mode="json", exclude={"evidence", "preferences"})
    old_conditions = {k: v for k, v in (row.eligibility or {}).items() if k not in ("evidence", "preferences")}
    if old_conditions != new_conditions:
        fields.append("conditions")
    if not fields:
        fields.append("content")
    return fields, detail


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


WindowKey = tuple[str, dt.date | None, dt.date | None]


class _Groups:
    """Stored titles by application window, read once per batch, to find the duplicate group of a record.

    One query per record made a batch quadratic in round trips; the index is kept current as the batch
    adds and changes programs.
    """

    def __init__(self, session: Session) -> None:
        query = sa.select(
            col(Program.key),
            col(Program.title),
            col(Program.window_kind),
            col(Program.window_start),
            col(Program.window_end),
            col(Program.group_id),
        ).where(col(Program.source).not_in(STANDALONE_SOURCES))
        self._by_window: dict[WindowKey, dict[str, tuple[str, str]]] = {}
        self._window_of: dict[str, WindowKey] = {}
        for key, title, kind, start, end, group_id in session.execute(query):
            self._put(key, title, (kind, start, end), group_id)

    def _put(self, key: str, title: str, window: WindowKey, group_id: str) -> None:
        previous = self._window_of.pop(key, None)
        if previous is not None:
            self._by_window[previous].pop(key, None)
        self._by_window.setdefault(window, {})[key] = (title, group_id)
        self._window_of[key] = window

    def assign(self, record: ProgramRecord) -> str:
        """Return the group `record` joins (an existing program's, or its own key) and remember the record."""
        key = record.key
        if record.source in STANDALONE_SOURCES:
            return key
        w = record.window
        window: WindowKey = (w.kind, w.start, w.end) if w.kind == "dated" else (w.kind, None, None)
        group = key
        for other, (title, group_id) in self._same_window(window).items():
            if other != key and same_program(
                record.title, w, title, Window(kind=w.kind, start=window[1], end=window[2])
            ):
                group = group_id
                break
        self._put(key, record.title, window, group)
        return group

    def _same_window(self, window: WindowKey) -> dict[str, tuple[str, str]]:
        if window[0] == "dated":
            return self._by_window.get(window, {})
        # Undated windows carry no dates: every stored program of that kind is a candidate.
        merged: dict[str, tuple[str, str]] = {}
        for (kind, _, _), entries in self._by_window.items():
            if kind == window[0]:
                merged.update(entries)
        return merged


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
    _event(session, row.key, "closed", run_id, now, fields=[field], detail={"reason": reason})


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
