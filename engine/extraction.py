"""The extract step of the collection flow: a parsed record's Korean text → eligibility, regions and needs.

Collectors only turn payloads into records; ingest calls `extract_record` once per record, so a
source's structured conditions and its text are read in one place, once.
"""

from __future__ import annotations

from engine.domain import Eligibility, ProgramRecord
from engine.eligibility import extract_eligibility, infer_needs
from engine.eligibility.extract import merge


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
    base: Eligibility | None = record.eligibility if record.eligibility.condition_keys() else None
    if base is not None and pending.structured_fills_gaps:
        base = _without(base, set(stated.condition_keys()) - {"regions"})
    eligibility = merge(base, stated)
    needs = infer_needs(
        title=record.title,
        text=f"{record.summary}\n{record.body}",
        category=record.category,
        support_types=record.support_types,
        hashtags=record.hashtags,
    )
    update = {"eligibility": eligibility, "regions": eligibility.regions, "needs": needs, "pending": None}
    return record.model_copy(update=update)


def _without(eligibility: Eligibility, keys: set[str]) -> Eligibility:
    """Return the conditions with the kinds `keys` unstated (and their evidence dropped)."""
    data = eligibility.model_dump()
    for key in keys:
        data[key] = False if key == "soho_only" else None
        data["evidence"].pop(key, None)
    return Eligibility.model_validate(data)
