"""The extract step of the collection flow: a parsed record's Korean text → eligibility, regions and needs.

Collectors only turn payloads into records; ingest calls `extract_record` once per record, so a
source's structured conditions and its text are read in one place, once.
"""

from __future__ import annotations

from engine.domain import ProgramRecord
from engine.eligibility import extract_eligibility, infer_needs
from engine.eligibility.extract import merge
from engine.eligibility.structured import merge_structured


def extract_record(record: ProgramRecord) -> ProgramRecord:
    """Return the record with the conditions and needs its text states; a record without `pending` is kept.

    The conditions the collector took from structured fields (`record.eligibility`) win over the text,
    except coarse ones (`structured_fills_gaps`), which only fill in what the text leaves unsaid.
    """
    pending = record.pending
    if pending is None:
        return record  # built by hand, or extracted already
    text = "\n".join(part for part in (record.target or "", record.summary, record.body) if part)
    stated = extract_eligibility(
        title=record.title,
        text=text,
        hashtags=record.hashtags,
        organization=record.organization,
        target=record.target,
        exclusions=pending.exclusions,
        region_hint=pending.region_hint,
    )
    structured = record.eligibility if record.eligibility.condition_keys() else None
    if structured is None:
        eligibility = stated
    elif pending.structured_fills_gaps:
        eligibility = merge_structured(stated, structured)  # coarse bands fill only what the text leaves unsaid
    else:
        eligibility = merge(structured, stated)
    needs = infer_needs(
        title=record.title,
        text=f"{record.summary}\n{record.body}",
        category=record.category,
        support_types=record.support_types,
        hashtags=record.hashtags,
    )
    update = {"eligibility": eligibility, "regions": eligibility.regions, "needs": needs, "pending": None}
    return record.model_copy(update=update)
