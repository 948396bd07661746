"""Profile drafts from a user's own words, for onboarding: the gateway's `extract_profile` task when a
provider answers, deterministic rules otherwise. A draft is only a proposal: nothing is saved until the
user confirms it, and every field is checked against the profile contract before it is offered.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from engine.domain import Profile
from engine.eligibility.common import parse_krw
from engine.eligibility.industries import sections_in
from engine.regions import normalize_sido, sido_for_district

if TYPE_CHECKING:
    from engine.gateway import Gateway

# Everyday words for a business that name its KSIC section (the formal names are in sections_in).
_EVERYDAY_INDUSTRY: tuple[tuple[str, str], ...] = (
    (r"카페|커피|식당|음식점|베이커리|빵집|치킨|분식|술집|호프|펜션|게스트하우스|민박", "I"),
    (r"쇼핑몰|온라인\s*(?:판매|스토어)|스마트스토어|편의점|마트|소매|도매|꽃집|옷가게|잡화", "G"),
    (r"공장|제조|생산|가공|공방", "C"),
    (r"앱|소프트웨어|플랫폼|IT|웹\s*서비스|게임\s*개발|SaaS", "J"),
    (r"미용실|헤어|네일|세탁|수선|피부관리", "S"),
    (r"학원|교습소|과외|교육\s*사업", "P"),
    (r"인테리어|건설|시공", "F"),
    (r"택배|운송|물류|화물", "H"),
)
_HANGUL_WORD = re.compile(r"[가-힣]+")
_JOSA = re.compile(r"(?:에서|에|의|은|는|이|가|을|를|으로|로|지역|쪽)$")
_EMPLOYEES = re.compile(r"(?:직원|종업원|근로자|상시근로자|알바(?:생)?)\s*(?:은|는|이|가|수)?\s*(\d{1,4})\s*(?:명|인)")
_ALONE = re.compile(r"혼자|1인\s*(?:기업|사업자|창업)|나\s*홀로")
_AGE = re.compile(r"(?:나이|연령|만)?\s*(\d{2})\s*(?:세|살)")
_FOUNDED = re.compile(
    r"(20\d{2}|19\d{2})\s*년\s*(?:(\d{1,2})\s*월\s*)?(?:에\s*)?(?:개업|창업|오픈|설립|시작|문을\s*열)"
    # '2021년부터 카페를 운영합니다': a year followed by 부터 and running the business
    r"|(20\d{2}|19\d{2})\s*년\s*(?:(\d{1,2})\s*월\s*)?부터[^.\n\d]{0,16}?(?:운영|영업|장사)"
)
# A count of years ('4년째', '3년 동안'), never the tail of a calendar year ('2021년').
_YEARS_RUNNING = re.compile(r"(?<!\d)(\d{1,2})\s*년\s*(째|차|동안|간)?[^.\n\d]{0,16}?(?:운영|영업|장사|하고)")
_PRE_FOUNDER = re.compile(r"예비\s*창업|창업(?:을|를)?\s*준비|창업\s*예정|아직\s*사업자")
_OPERATING = re.compile(r"(?:운영|영업|장사)\s*(?:하|합|해|한|중)|사업자(?:등록)?(?:이|가)?\s*있")
_REVENUE = re.compile(
    r"(?:매출|매출액)\s*(?:은|이|는)?\s*(?:연\s*)?(?:약\s*)?(\d[\d,.]*\s*(?:억|천만|백만|만)(?:\s*\d[\d,.]*\s*(?:천만|백만|만|천))*)"
)


@dataclass
class ProfileDraft:
    """A proposed profile: the fields found, what is still missing, and who proposed them."""

    fields: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    provider: str = "offline"

    def profile(self) -> Profile | None:
        """Return the draft as a profile once it has the required fields, else None."""
        try:
            return Profile.model_validate(self.fields)
        except ValidationError:
            return None


def rule_draft(text: str, *, today: dt.date) -> dict[str, Any]:
    """Return the profile fields that plain rules find in a Korean description of a business."""
    found: dict[str, Any] = {}
    if _PRE_FOUNDER.search(text):
        found["status"] = "pre_founder"
    elif _OPERATING.search(text) or _FOUNDED.search(text) or _YEARS_RUNNING.search(text):
        found["status"] = "operating"
    if region := _region(text):
        found.update(region)
    sections = sections_in(text) or [s for pattern, s in _EVERYDAY_INDUSTRY if re.search(pattern, text)]
    if sections:
        found["industry"] = sections[0]
    if m := _EMPLOYEES.search(text):
        found["employees"] = int(m.group(1))
    elif _ALONE.search(text):
        found["employees"] = 0
    if m := _AGE.search(text):
        found["representative_age"] = int(m.group(1))
    if found.get("status") != "pre_founder":
        if m := _FOUNDED.search(text):
            year, month = m.group(1) or m.group(3), m.group(2) or m.group(4)
            found["founded_on"] = dt.date(int(year), int(month or 1), 1).isoformat()
        elif m := _YEARS_RUNNING.search(text):
            # 'N년째' is the Nth year (N-1 full years); 'N년 동안' is N years: an estimate the user confirms.
            years = max(int(m.group(1)) - (1 if m.group(2) in ("째", "차") else 0), 0)
            found["founded_on"] = dt.date(today.year - years, today.month, 1).isoformat()
    if (m := _REVENUE.search(text)) and (amount := parse_krw(m.group(1) + "원")) is not None:
        found["annual_revenue_krw"] = amount
    found["description"] = text.strip()
    return found


def _region(text: str) -> dict[str, str] | None:
    """Return region (and district) from the first place name: '서울', '강남구에서', '수원에서'."""
    for word in _HANGUL_WORD.findall(text):
        stem = _JOSA.sub("", word)
        for candidate in (word, stem, stem + "시", stem + "군"):
            if code := normalize_sido(candidate):
                return {"region": code}
            if code := sido_for_district(candidate):
                return {"region": code, "district": candidate}
    return None


def draft_profile(text: str, *, today: dt.date, gateway: Gateway | None = None) -> ProfileDraft:
    """Propose profile fields from free text: the LLM's reading where grounded and valid, else the rules'."""
    rules = rule_draft(text, today=today)
    fields, provider = rules, "offline"
    if gateway is not None and gateway.configured:
        from engine.gateway import ProfileDraft as LLMDraft
        from engine.gateway import extract_profile_messages

        result = gateway.complete_sync("extract_profile", extract_profile_messages(text=text), LLMDraft)
        if result.provider != "offline" and isinstance(result.parsed, LLMDraft):
            llm = {k: v for k, v in result.parsed.model_dump(mode="json").items() if v not in (None, [], "")}
            fields, provider = {**rules, **_valid_fields(llm)}, result.provider
    fields = _valid_fields(fields)
    missing = [name for name in ("status", "region", "industry", "founded_on", "employees") if name not in fields]
    if fields.get("status") == "pre_founder" and "founded_on" in missing:
        missing.remove("founded_on")
    return ProfileDraft(fields=fields, missing=missing, provider=provider)


def _valid_fields(candidate: dict[str, Any]) -> dict[str, Any]:
    """Keep only the fields that pass the profile contract one by one (a bad guess is dropped, not fixed)."""
    base = {"status": "operating", "region": "11"}
    kept: dict[str, Any] = {}
    for name, value in candidate.items():
        if name not in Profile.model_fields:
            continue
        try:
            Profile.model_validate({**base, name: value})
        except ValidationError:
            continue
        kept[name] = normalize_sido(value) if name == "region" else value
    return kept
