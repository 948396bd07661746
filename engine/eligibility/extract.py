"""Structured eligibility conditions from a notice's Korean text.

`extract_eligibility` splits the notice into clauses (segments.py), runs one extractor per kind of
condition, and merges the result under the conditions the collector already took from structured
fields (`base`). `infer_needs` lives in needs.py and is re-exported here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from engine.domain import Eligibility
from engine.eligibility.age import extract_business_age, extract_rep_age, notice_year
from engine.eligibility.alternatives import extract_alternatives
from engine.eligibility.common import Findings
from engine.eligibility.industries import extract_industries
from engine.eligibility.needs import infer_needs
from engine.eligibility.regions_extract import extract_regions
from engine.eligibility.segments import Parsed, Segment, normalize, parse_notice
from engine.eligibility.size import extract_employees, extract_revenue
from engine.eligibility.traits import extract_soho, extract_status, extract_traits
from engine.eligibility.unknowable import extract_unknowable

__all__ = ["extract_eligibility", "infer_needs"]

log = logging.getLogger(__name__)

ANY_INDUSTRY = re.compile(r"업종\s*(?:무관|불문|관계\s*없이|구분\s*없이|에\s*관계없이)|모든\s*업종|전\s*업종")
_MAX_CHARS = 50_000  # a notice longer than this is an attachment dump; its head states the conditions


def extract_eligibility(
    *,
    title: str,
    text: str,
    hashtags: Sequence[str] = (),
    organization: str | None = None,
    target: str | None = None,
    base: Eligibility | None = None,
    exclusions: str = "",
    region_hint: str | None = None,
) -> Eligibility:
    """Return the eligibility stated by a notice; conditions in `base` (from structured fields) win.

    `exclusions` is text that lists who may NOT apply (K-Startup `aply_excl_trgt_ctnt`); `region_hint`
    a structured region field ('서울', '전국') used when neither the title nor the text names a 시도.
    """
    try:
        found = _extract(
            title=title or "",
            text=(text or "")[:_MAX_CHARS],
            hashtags=[
                h.strip() for h in (hashtags.split(",") if isinstance(hashtags, str) else hashtags) if h and h.strip()
            ],
            organization=organization,
            target=target,
            exclusions=(exclusions or "")[:_MAX_CHARS],
            region_hint=region_hint,
        )
    except Exception:  # a rule bug must never drop a program: keep what the structured fields say
        log.exception("eligibility extraction failed for %r", (title or "")[:80])
        found = (Findings(), Parsed())
    findings, parsed = found
    extracted = Eligibility(
        **findings.values,
        evidence=dict(findings.evidence),
        preferences=list(dict.fromkeys(parsed.preferences)),
    )
    return merge(base, extracted)


def _extract(
    *,
    title: str,
    text: str,
    hashtags: list[str],
    organization: str | None,
    target: str | None,
    exclusions: str,
    region_hint: str | None,
) -> tuple[Findings, Parsed]:
    parsed = parse_notice(text, exclusions=exclusions)
    segments: list[Segment] = parsed.segments
    found = Findings()
    extract_regions(
        segments, found, title=normalize(title), hashtags=hashtags, organization=organization, region_hint=region_hint
    )
    extract_business_age(segments, found)
    extract_rep_age(segments, found, ref_year=notice_year(title, text))
    extract_employees(segments, found)
    extract_revenue(segments, found)
    extract_industries(segments, found)
    extract_traits(segments, found)
    extract_alternatives(segments, found)
    extract_unknowable(segments, found)
    extract_soho(segments, found, target=target)
    extract_status(segments, found)
    if found.values.get("soho_only") and "employees_max" in found.values:
        # '상시근로자 5인 미만 소상공인' restates the 소상공인 definition; a stricter cap is a real condition.
        bound = found.values["employees_max"]
        if ANY_INDUSTRY.search(found.evidence["employees_max"]):
            # The notice's own limit for every industry ('10인 미만 (업종 무관)') replaces the statutory 5/10.
            del found.values["soho_only"]
            found.evidence.pop("soho_only", None)
        elif (bound.n, bound.inclusive) in {(5, False), (4, True)} and "소상공인" in found.evidence["employees_max"]:
            del found.values["employees_max"]
            found.evidence.pop("employees_max", None)
    return found, parsed


def merge(base: Eligibility | None, extracted: Eligibility) -> Eligibility:
    """Return `extracted` with every condition `base` states replaced by the base value (and evidence)."""
    if base is None:
        return extracted
    data = extracted.model_dump()
    evidence = dict(extracted.evidence)
    for name in base.condition_keys():
        data[name] = getattr(base, name)
        if name in base.evidence:
            evidence[name] = base.evidence[name]
        else:
            evidence.pop(name, None)
    data["evidence"] = evidence
    data["preferences"] = list(dict.fromkeys([*base.preferences, *extracted.preferences]))
    return Eligibility.model_validate(data)
