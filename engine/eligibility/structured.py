"""Merge a source's structured conditions (K-Startup 업력 and age bands, its region field) with the text's.

The bands are coarse ('3년미만' cannot say 이내 from 미만), so the notice's own words win for every kind they
state; the bands fill every kind the text leaves unstated. Pure: the ingest step calls `merge_structured`.
"""

from __future__ import annotations

import re

from engine.domain import Eligibility

# Wording that says outright the applicant has no business registration yet (not a bare '예비창업자').
_EXPLICIT_PRE = re.compile(
    r"사업자\s*등록(?:증)?\s*(?:이|을)?\s*(?:없|하지|되지|안\s*된|전|이전|미)|사업자\s*미등록|미창업|창업\s*전"
)
_SOURCE_WINS = frozenset({"regions"})  # the source's own region field is more reliable than place names in text


def merge_structured(text: Eligibility, structured: Eligibility) -> Eligibility:
    """Return the text's eligibility with every condition it leaves unstated taken from `structured`.

    A pre-founders-only status the text inferred from a bare '예비창업자' mention gives way when the bands
    admit businesses with 업력 too: the bands then say who may apply, and the 업력 maximum covers pre-founders.
    """
    data = text.model_dump()
    evidence = dict(text.evidence)
    stated = set(text.condition_keys())
    for key in structured.condition_keys():
        if key in stated and key not in _SOURCE_WINS:
            continue
        data[key] = getattr(structured, key)
        if key in structured.evidence:
            evidence[key] = structured.evidence[key]
        else:
            evidence.pop(key, None)
    bands_admit_businesses = structured.business_age_max is not None and not structured.status_allowed
    if (
        bands_admit_businesses
        and text.status_allowed == ["pre_founder"]
        and text.business_age_max is None
        and not _EXPLICIT_PRE.search(text.evidence.get("status_allowed", ""))
    ):
        data["status_allowed"] = None
        evidence.pop("status_allowed", None)
    data["evidence"] = evidence
    return Eligibility.model_validate(data)
