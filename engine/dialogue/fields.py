"""The profile fields the dialogue asks for: question, buttons (names, never codes), typed answers, display.

Button values are short ASCII ids (region codes, KSIC letters, trait keys) so callback data stays far
under Telegram's 64-byte limit; people only ever see the Korean labels.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from engine.eligibility.common import parse_krw
from engine.matching.labels import INDUSTRY_NAMES, NEED_NAMES, TRAIT_NAMES, format_krw
from engine.regions import SIDO, normalize_sido, sido_for_district, sido_name

# The order onboarding asks in; founded_on only for operating businesses.
ONBOARDING_ORDER: tuple[str, ...] = (
    "status",
    "region",
    "industry",
    "founded_on",
    "employees",
    "representative_age",
    "traits",
    "needs",
)
EDITABLE: tuple[str, ...] = (*ONBOARDING_ORDER[:6], "annual_revenue_krw", "traits", "needs")
REQUIRED = frozenset({"status", "region"})
MULTI = frozenset({"traits", "needs"})

LABELS: dict[str, str] = {
    "status": "사업 상태",
    "region": "지역",
    "industry": "업종",
    "founded_on": "개업 연월",
    "employees": "상시근로자",
    "representative_age": "대표자 나이",
    "annual_revenue_krw": "연 매출",
    "traits": "해당 사항",
    "needs": "필요한 자금",
}

QUESTIONS: dict[str, str] = {
    "status": "사업자등록을 하셨나요?",
    "region": "사업장(또는 창업할 곳)은 어느 지역인가요?",
    "industry": "어떤 업종인가요?",
    "founded_on": "언제 개업하셨나요? 연도를 골라 주세요. (예: 2021-03 처럼 입력해도 돼요)",
    "employees": "대표자를 빼고 함께 일하는 직원(상시근로자)은 몇 명인가요? 숫자로 입력해도 돼요.",
    "representative_age": "대표자 나이대를 골라 주세요. 만 나이를 숫자로 입력하면 더 정확해요.",
    "annual_revenue_krw": "작년 연 매출은 어느 정도인가요? (예: 3억원 처럼 입력해도 돼요)",
    "traits": "해당하는 것을 모두 고른 뒤 '완료'를 눌러 주세요.",
    "needs": "필요한 자금·지원을 모두 고른 뒤 '완료'를 눌러 주세요.",
}

STATUS_OPTIONS = (("op", "운영 중", "operating"), ("pre", "예비창업", "pre_founder"))
STATUS_LABEL = {"operating": "운영 중", "pre_founder": "예비창업"}

# Everyday names of the common KSIC sections, first page; the rest follow under '그 밖의 업종'.
INDUSTRY_COMMON: tuple[tuple[str, str], ...] = (
    ("I", "음식점·숙박업"),
    ("G", "도소매업(가게·쇼핑몰)"),
    ("C", "제조업"),
    ("J", "정보통신업(IT·앱)"),
    ("S", "수리·개인서비스업(미용·세탁 등)"),
    ("P", "교육서비스업(학원 등)"),
    ("F", "건설업(인테리어 등)"),
    ("H", "운수·창고업(택배·물류)"),
    ("M", "전문·과학·기술서비스업"),
    ("R", "예술·스포츠·여가업"),
    ("Q", "보건·사회복지업"),
    ("A", "농업·임업·어업"),
)
EMPLOYEE_OPTIONS = (("0", "없음(혼자)"), ("1", "1명"), ("2", "2명"), ("3", "3명"), ("4", "4명"))
EMPLOYEE_BANDS = (("5", "5~9명"), ("10", "10~49명"), ("50", "50명 이상"))
AGE_OPTIONS = (
    ("29", "20대"),
    ("32", "30~34세"),
    ("37", "35~39세"),
    ("45", "40대"),
    ("55", "50대"),
    ("65", "60세 이상"),
)
REVENUE_OPTIONS = (
    ("50000000", "1억원 미만"),
    ("200000000", "1억~3억원"),
    ("600000000", "3억~10억원"),
    ("1500000000", "10억원 이상"),
)


_ENDING = re.compile(r"(?:이에요|예요|이요|입니다|이고|에서|에|요|쪽|지역)$")


@dataclass(frozen=True)
class Option:
    """One choice of a field: the button label and its ASCII value."""

    value: str
    label: str


def options(name: str, *, today: dt.date, page: str = "") -> list[Option]:
    """Return the choices of field `name` (for founded_on: years, or months once `page` is a year)."""
    if name == "status":
        return [Option(v, label) for v, label, _ in STATUS_OPTIONS]
    if name == "region":
        return [Option(code, short) for code, (short, _full) in SIDO.items()]
    if name == "industry":
        if page == "all":
            common = {code for code, _ in INDUSTRY_COMMON}
            return [Option(c, n) for c, n in INDUSTRY_NAMES.items() if c not in common and c not in ("T", "U")]
        return [Option(c, n) for c, n in INDUSTRY_COMMON]
    if name == "founded_on":
        if page.isdigit():
            return [Option(f"{page}-{m:02d}", f"{m}월") for m in range(1, 13)]
        start = today.year if page != "older" else today.year - 8
        return [Option(f"y{y}", f"{y}년") for y in range(start, start - 8, -1)]
    if name == "employees":
        return [Option(v, label) for v, label in (*EMPLOYEE_OPTIONS, *EMPLOYEE_BANDS)]
    if name == "representative_age":
        return [Option(v, label) for v, label in AGE_OPTIONS]
    if name == "annual_revenue_krw":
        return [Option(v, label) for v, label in REVENUE_OPTIONS]
    if name == "traits":
        return [Option(k, v) for k, v in TRAIT_NAMES.items()]
    if name == "needs":
        return [Option(k, v) for k, v in NEED_NAMES.items()]
    raise KeyError(name)


def value_of(name: str, option: str) -> Any:
    """Return the profile value of a pressed option (None when the option is not one of the field's)."""
    if name == "status":
        return next((value for v, _, value in STATUS_OPTIONS if v == option), None)
    if name == "region":
        return option if option in SIDO else None
    if name == "industry":
        return option if option in INDUSTRY_NAMES else None
    if name == "founded_on":
        m = re.fullmatch(r"(\d{4})-(\d{2})", option)
        return dt.date(int(m.group(1)), int(m.group(2)), 1).isoformat() if m else None
    if name in ("employees", "representative_age", "annual_revenue_krw"):
        return int(option) if option.isdigit() else None
    if name == "traits":
        return option if option in TRAIT_NAMES else None
    if name == "needs":
        return option if option in NEED_NAMES else None
    return None


def parse_typed(name: str, text: str, *, today: dt.date) -> Any:
    """Return the value a person typed for field `name`, or None when it cannot be read."""
    text = text.strip()
    if name == "status":
        if re.search(r"예비|준비|아직", text):
            return "pre_founder"
        if re.search(r"운영|영업|있", text):
            return "operating"
        return None
    if name == "region":
        for word in re.findall(r"[가-힣]+", text):
            stem = _ENDING.sub("", word)
            for candidate in (word, stem, stem + "시", stem + "군"):
                if code := normalize_sido(candidate) or sido_for_district(candidate):
                    return code
        return None
    if name == "industry":
        from engine.onboarding import rule_draft

        return rule_draft(text, today=today).get("industry")
    if name == "founded_on":
        m = re.search(r"((?:19|20)\d{2})\s*(?:년|[-./])\s*(\d{1,2})?", text)
        if not m:
            return None
        month = int(m.group(2) or 1)
        year = int(m.group(1))
        if not 1 <= month <= 12 or dt.date(year, month, 1) > today:
            return None
        return dt.date(year, month, 1).isoformat()
    if name in ("employees", "representative_age"):
        m = re.search(r"\d{1,4}", text)
        if m is None:
            return 0 if name == "employees" and re.search(r"없|혼자", text) else None
        value = int(m.group())
        return value if name == "employees" or 14 <= value <= 120 else None
    if name == "annual_revenue_krw":
        return parse_krw(text if text.endswith("원") else text + "원")
    return None


def shown(name: str, value: Any) -> str:
    """Return a profile value the way a person reads it (names, not codes)."""
    if value is None or value == []:
        return "없음" if name in MULTI and value == [] else "-"
    if name == "status":
        return STATUS_LABEL.get(str(value), str(value))
    if name == "region":
        return sido_name(str(value))
    if name == "industry":
        return INDUSTRY_NAMES.get(str(value), str(value))
    if name == "founded_on":
        day = dt.date.fromisoformat(str(value))
        return f"{day.year}년 {day.month}월"
    if name == "employees":
        bands = dict(EMPLOYEE_BANDS)  # a band's button stores its lower bound: show the band
        return "없음(혼자)" if value == 0 else bands.get(str(value), f"{value}명")
    if name == "representative_age":
        return dict(AGE_OPTIONS).get(str(value), f"만 {value}세")  # a band's button: show the band
    if name == "annual_revenue_krw":
        return format_krw(int(value))
    if name == "traits":
        return ", ".join(TRAIT_NAMES.get(v, v) for v in value)
    if name == "needs":
        return ", ".join(NEED_NAMES.get(v, v) for v in value)
    return str(value)


def profile_lines(fields: dict[str, Any]) -> list[str]:
    """Return '- 지역: 서울특별시 강남구' lines for the fields present."""
    lines: list[str] = []
    for name in EDITABLE:
        if name not in fields or fields[name] is None:
            continue
        text = shown(name, fields[name])
        if name == "region" and fields.get("district"):
            text += f" {fields['district']}"
        lines.append(f"- {LABELS[name]}: {text}")
    return lines


def applies(name: str, fields: dict[str, Any]) -> bool:
    """Return whether onboarding asks field `name` given the answers so far."""
    return not (name == "founded_on" and fields.get("status") == "pre_founder")
