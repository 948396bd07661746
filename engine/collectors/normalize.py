"""Shared normalisation: raw source fields → the canonical `ProgramRecord` (text not yet read for conditions).

Every collector calls `build_record`, so text cleaning, window parsing and required-field validation
are the same for every source; the ingest step (engine/extraction.py) then reads the conditions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from engine.domain import Attachment, Eligibility, Funding, PendingExtraction, ProgramRecord, Window
from engine.text import clean_inline, html_to_text

MAX_TITLE = 500
KST = ZoneInfo("Asia/Seoul")
TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y%m%d%H%M%S", "%Y-%m-%d", "%Y%m%d")


def parse_timestamp(value: Any) -> dt.datetime | None:
    """Return a source's local timestamp ('2026-10-07 10:21:44', '20261007102144', dates) as KST, or None."""
    text = str(value or "").strip()
    for fmt in TIMESTAMP_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=KST)
        except ValueError:
            continue
    return None


def split_list(value: Any, sep: str) -> list[str]:
    """Split a joined field ('a@b', 'x,y', 'p||q') into stripped, non-empty parts."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(sep) if part.strip()]


def normalize_url(url: Any) -> str | None:
    """Return an absolute http(s) URL; add a missing scheme. Entities are never decoded in URLs."""
    if not url:
        return None
    text = str(url).strip()
    if not text:
        return None
    if text.startswith("//"):
        return "https:" + text
    if not text.lower().startswith(("http://", "https://")):
        if "." in text.split("/", 1)[0]:
            return "https://" + text
        return None
    return text


def build_record(
    *,
    source: str,
    external_id: str,
    title: Any,
    summary_html: Any = None,
    body_html: Any = None,
    organization: Any = None,
    executor: Any = None,
    category: Any = None,
    support_types: Sequence[str] = (),
    target: Any = None,
    period: Any = None,
    window: Window | None = None,
    url: Any = None,
    attachments: Sequence[Attachment] = (),
    hashtags: Sequence[str] = (),
    exclusions: str = "",
    region_hint: str | None = None,
    base_eligibility: Eligibility | None = None,
    base_fills_gaps: bool = False,
    funding: Funding | None = None,
    posted_at: dt.datetime | None = None,
    closed: bool = False,
    raw: dict[str, Any] | None = None,
) -> ProgramRecord:
    """Build a validated canonical record; raise ValueError (a Korean reason) when it is unusable.

    `base_eligibility` holds the conditions the source's structured fields state: they win over the text,
    unless `base_fills_gaps` (coarse fields) lets the text's own words win where it states the same kind.
    """
    from engine.eligibility import parse_window  # the rule tables load only where records are built

    clean_title = clean_inline(str(title) if title is not None else "")
    if not clean_title:
        raise ValueError("제목이 없습니다")
    if len(clean_title) > MAX_TITLE:
        raise ValueError(f"제목이 너무 깁니다 ({len(clean_title)}자)")
    summary = html_to_text(str(summary_html)) if summary_html else ""
    body = html_to_text(str(body_html)) if body_html else ""
    org = clean_inline(str(organization)) if organization else None
    executor_name = clean_inline(str(executor)) if executor else None
    target_label = clean_inline(str(target)) if target else None
    tags = [clean_inline(t) for t in hashtags if clean_inline(t)]
    eligibility = base_eligibility or Eligibility()
    category_name = clean_inline(str(category)) if category else None
    kinds = [clean_inline(s) for s in support_types if clean_inline(s)]
    return ProgramRecord(
        source=source,
        external_id=external_id,
        title=clean_title,
        summary=summary,
        body=body,
        organization=org,
        executor=executor_name,
        category=category_name,
        support_types=kinds,
        target=target_label,
        regions=eligibility.regions,
        window=window
        if window is not None
        else parse_window(
            str(period) if period is not None else None,
            year_hint=posted_at.year if posted_at else None,  # '10.5.~10.30.' carries no year
        ),
        url=normalize_url(url),
        attachments=list(attachments),
        hashtags=tags,
        eligibility=eligibility,
        funding=funding,
        posted_at=posted_at,
        closed=closed,
        raw=raw or {},
        pending=PendingExtraction(
            structured_fills_gaps=base_fills_gaps, exclusions=exclusions, region_hint=region_hint
        ),
    )
