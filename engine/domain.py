"""Domain types shared by collectors, eligibility extraction, matching and the front ends.

Plain pydantic models, no I/O. `ProgramRecord` is the canonical program every collector produces;
`Eligibility` is the structured eligibility extracted from its Korean text; `Profile` is a user's
business profile (contracts/profile.schema.json).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.regions import normalize_sido

BusinessStatus = Literal["pre_founder", "operating"]
Trait = Literal[
    "woman_owned",
    "disabled_owned",
    "veteran",
    "social_enterprise",
    "exporter",
    "venture_certified",
    "innobiz",
    "relocating_to_province",
    "disaster_affected",
    "re_founder",
]
Need = Literal[
    "working_capital",
    "facility",
    "startup",
    "rnd",
    "export",
    "marketing",
    "hiring",
    "guarantee",
    "education",
    "smart_store",
]
WindowKind = Literal["dated", "always", "unknown"]
WindowStatus = Literal["open", "always", "upcoming", "closed"]
Verdict = Literal["eligible", "unknown", "ineligible"]


class Bound(BaseModel):
    """A numeric bound on a profile value; `inclusive` says whether the bound value itself passes."""

    model_config = ConfigDict(frozen=True)

    n: int
    inclusive: bool


class AgeBound(BaseModel):
    """A 업력 (business age) bound in calendar months: 7년 미만 = months=84, inclusive=False."""

    model_config = ConfigDict(frozen=True)

    months: int
    inclusive: bool


class Eligibility(BaseModel):
    """Structured eligibility of one program. A field left None states no condition of that kind.

    `evidence` maps each condition field name to the sentence it was extracted from, so that every
    verdict can quote the program's own words. `preferences` keeps 우대/가점 sentences, which are
    never requirements.
    """

    regions: list[str] | None = None  # 시도 codes; None = nationwide
    status_allowed: list[BusinessStatus] | None = None
    business_age_max: AgeBound | None = None
    business_age_min: AgeBound | None = None
    rep_age_min: int | None = None  # inclusive
    rep_age_max: int | None = None  # inclusive
    employees_max: Bound | None = None
    employees_min: Bound | None = None
    revenue_max_krw: Bound | None = None
    revenue_min_krw: Bound | None = None
    industries_include: list[str] | None = None  # KSIC section letters
    industries_exclude: list[str] | None = None
    traits_required: list[Trait] | None = None
    # Either-of: any one suffices. Entries are traits, or Korean words for alternatives no profile field can
    # state ('메인비즈'), which can only make the outcome unknown.
    traits_any: list[str] | None = None
    unknowable: list[str] | None = None  # requirements no profile field expresses (세대주, 경력 5년 이상 ...)
    soho_only: bool = False  # 소상공인 only: 상시근로자 5인 미만 (10인 미만 in KSIC B, C, F, H)
    evidence: dict[str, str] = Field(default_factory=dict)
    preferences: list[str] = Field(default_factory=list)

    def condition_keys(self) -> list[str]:
        """Return the names of the conditions this eligibility states."""
        keys = [
            name
            for name in type(self).model_fields
            if name not in {"evidence", "preferences", "soho_only"} and getattr(self, name) is not None
        ]
        if self.soho_only:
            keys.append("soho_only")
        return keys


class Window(BaseModel):
    """An application window. `kind` dated: start/end (either may be None = open-ended);
    always: 상시/예산 소진시까지; unknown: 추후 공지/사업별 상이 (treated as not open)."""

    kind: WindowKind = "unknown"
    start: dt.date | None = None
    end: dt.date | None = None
    raw: str = ""


class Attachment(BaseModel):
    """One attached file of a notice."""

    name: str
    url: str | None = None


class Funding(BaseModel):
    """Structured funding terms, where a source states them (e.g. the financial-products catalog)."""

    max_amount_krw: int | None = None
    interest_rate: str | None = None
    guarantee_rate: str | None = None
    guarantee_fee: str | None = None
    as_of: dt.date | None = None


class PendingExtraction(BaseModel):
    """What the ingest step's extraction reads besides a record's text (set by collectors, never stored)."""

    structured_fills_gaps: bool = False  # coarse structured fields (K-Startup bands): the text's words win
    exclusions: str = ""  # text listing who may NOT apply (K-Startup aply_excl_trgt_ctnt)
    region_hint: str | None = None  # a structured region field ('서울', '전국')


class ProgramRecord(BaseModel):
    """The canonical program record every collector produces, before it is stored.

    A collector sets `eligibility` to what the source's structured fields state and `pending` to the
    extraction hints; the ingest step adds what the text states and clears `pending`.
    """

    source: str
    external_id: str
    title: str
    summary: str = ""  # plain text
    body: str = ""  # plain text of the whole notice where the source gives more than a summary
    organization: str | None = None  # 소관기관
    executor: str | None = None  # 수행기관
    category: str | None = None  # 기업마당 분야 / K-Startup 분류
    support_types: list[str] = Field(default_factory=list)
    target: str | None = None  # the source's own target label (trgetNm, aply_trgt, ...)
    regions: list[str] | None = None  # 시도 codes; None = nationwide
    window: Window = Field(default_factory=Window)
    url: str | None = None
    attachments: list[Attachment] = Field(default_factory=list)
    hashtags: list[str] = Field(default_factory=list)
    eligibility: Eligibility = Field(default_factory=Eligibility)
    needs: list[Need] = Field(default_factory=list)  # what the program pays for, in profile terms
    funding: Funding | None = None
    posted_at: dt.datetime | None = None
    closed: bool = False  # the source itself says recruiting is over (K-Startup rcrt_prgs_yn N)
    raw: dict[str, Any] = Field(default_factory=dict)  # the source payload, kept as received
    pending: PendingExtraction | None = Field(default=None, exclude=True)  # None once extracted

    @property
    def key(self) -> str:
        """Return the '<source>:<external id>' key."""
        return f"{self.source}:{self.external_id}"


class Profile(BaseModel):
    """A user's business profile (contracts/profile.schema.json); `region` normalised to a 시도 code."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    status: BusinessStatus
    region: str
    district: str | None = None
    industry: str | None = Field(default=None, pattern=r"^[A-U]$")
    industry_detail: str | None = None
    founded_on: dt.date | None = None
    employees: int | None = Field(default=None, ge=0)
    annual_revenue_krw: int | None = Field(default=None, ge=0)
    representative_age: int | None = Field(default=None, ge=14, le=120)
    traits: list[Trait] | None = None  # None = not asked; [] = none
    needs: list[Need] = Field(default_factory=list)
    description: str | None = None

    @field_validator("region")
    @classmethod
    def _normalise_region(cls, value: str) -> str:
        code = normalize_sido(value)
        if code is None:
            raise ValueError(f"unknown 시도: {value!r}")
        return code
