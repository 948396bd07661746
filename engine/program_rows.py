"""How one canonical record becomes a `programs` row: its columns, content hash and search text, and what changed.

Pure helpers of the ingest step (engine/ingest.py); the changed fields they name are what alerts say.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

from db.models import Program
from engine.domain import ProgramRecord

KST = ZoneInfo("Asia/Seoul")
# Fields whose change an alert names; anything else counts as "content".
_AMOUNT = re.compile(r"\d[\d,.]*\s*(?:억|천만|백만|만)\s*원|\d[\d,]*\s*원")


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


def sparser_copy(row: Program, record: ProgramRecord) -> bool:
    """Return whether the record is a bare listing entry of what is stored (no text; same title and window).

    The documented 기업마당 shape may carry only the six required fields: it must not erase the text,
    the conditions and the attachments a full answer stored.
    """
    if record.summary or record.body or not (row.summary or row.body):
        return False
    w = record.window
    return (row.title, row.window_kind, row.window_start, row.window_end) == (record.title, w.kind, w.start, w.end)


def window_passed(record: ProgramRecord, now: dt.datetime) -> bool:
    end = record.window.end
    return record.window.kind == "dated" and end is not None and end < now.astimezone(KST).date()


def columns(record: ProgramRecord) -> dict[str, Any]:
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


def new_values(record: ProgramRecord, digest: str, tokens: str, now: dt.datetime, group_id: str) -> dict[str, Any]:
    row = Program(
        key=record.key,
        content_hash=digest,
        search_tokens=tokens,
        first_seen=now,
        last_seen=now,
        updated_at=now,
        group_id=group_id,
        closed_at=now if record.closed else None,
        **columns(record),
    )
    return row.model_dump()


def apply_record(row: Program, record: ProgramRecord, digest: str, tokens: str, now: dt.datetime) -> None:
    for name, value in columns(record).items():
        setattr(row, name, value)
    row.content_hash = digest
    row.search_tokens = tokens
    row.updated_at = now


def diff(row: Program, record: ProgramRecord) -> tuple[list[str], dict[str, Any]]:
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
