"""Company size bounds: 상시근로자 수 (employees) and 매출액 (revenue), plus the 소상공인 definition line."""

from __future__ import annotations

import re

from engine.domain import Bound
from engine.eligibility.common import AMOUNT_RE, COMPARATOR_RE, Findings, bound_of, parse_krw
from engine.eligibility.segments import Segment

# The statutory 소상공인 definition: 5인 미만, 10인 미만 in 제조업·건설업·운수업·광업. It states soho_only.
SOHO_DEFINITION = re.compile(
    r"(?:상시\s*)?근로자\s*(?:수\s*)?(?:가\s*)?5\s*(?:인|명)\s*미만[^\n]{0,40}?(?:제조업|광업|건설업|운수업)[^\n]{0,30}?10\s*(?:인|명)\s*미만"
)

_HEAD = r"(?:상시\s*)?(?:근로자|종업원|고용\s*인원|직원|상시\s*고용인|피보험자)(?:\s*수)?\s*(?:가|이|는)?\s*"
_COUNT = r"(?P<n{i}>\d{{1,4}})\s*(?:인|명)\s*(?P<c{i}>" + COMPARATOR_RE + ")"
# '상시근로자 5인 미만', '상시 근로자 수 10인 이상 50인 미만', '종업원 5명 이하'.
_EMPLOYEES = re.compile(_HEAD + _COUNT.format(i=1) + r"(?:\s*(?:~|-|,|및|이고)?\s*" + _COUNT.format(i=2) + ")?")
# '5인 이상 우선지원대상기업', '50인 미만 사업장' without the noun.
_EMPLOYEES_BARE = re.compile(
    _COUNT.format(i=1) + r"\s*(?:의\s*)?(?=사업장|기업|업체|중소기업|소기업|우선지원|사업자|법인)"
)

_REVENUE = re.compile(
    r"(?:연\s*)?(?:매출액?|연매출|매출\s*규모|매출\s*실적)\s*(?:이|은|가|액이)?\s*(?:\([^)]*\)\s*)?(?:기준\s*)?"
    r"(?P<a1>" + AMOUNT_RE + r")\s*(?P<c1>" + COMPARATOR_RE + r")"
    r"(?:\s*(?:~|-|,|이고|및)?\s*(?P<a2>" + AMOUNT_RE + r")\s*(?P<c2>" + COMPARATOR_RE + r"))?"
)


# Staff counted for a task ('참여 직원 수', '담당 직원', '채용 근로자') are not the company's 상시근로자.
# Only a word glued to the head noun counts: '참여 대상: 상시근로자 5인 이상' is still a size bound.
_TASK_PARTY = re.compile(r"(?:참여|전담|투입|배정|담당|채용|신규|파견|수강|참가)\s*(?:하는|할|한)?\s*$")


def _company_size(text: str, start: int) -> bool:
    """True unless the word right before a head count names staff assigned to a task."""
    return not _TASK_PARTY.search(text[max(0, start - 12) : start])


def extract_employees(segments: list[Segment], found: Findings) -> None:
    """Record employees_max / employees_min (Bound) from 상시근로자 phrases; the 소상공인 definition is skipped."""
    for seg in segments:
        text = SOHO_DEFINITION.sub(" ", seg.text)
        matches = list(_EMPLOYEES.finditer(text)) or list(_EMPLOYEES_BARE.finditer(text))
        for m in matches:
            if not _company_size(text, m.start()):
                continue
            for i in (1, 2):
                number = m.groupdict().get(f"n{i}")
                word = m.groupdict().get(f"c{i}")
                if not number or not word or word == "이내":
                    continue
                side, inclusive = bound_of(word, excluded=seg.excluded)
                found.set(f"employees_{side}", Bound(n=int(number), inclusive=inclusive), seg.line)


def extract_revenue(segments: list[Segment], found: Findings) -> None:
    """Record revenue_max_krw / revenue_min_krw (Bound, won) from 매출액 phrases."""
    for seg in segments:
        for m in _REVENUE.finditer(seg.text):
            for i in (1, 2):
                amount = m.group(f"a{i}")
                word = m.group(f"c{i}")
                if not amount or not word:
                    continue
                value = parse_krw(amount)
                if not value or not re.search(r"[억만천원조]", amount):
                    continue  # '매출액 10% 이상 증가' is growth, not a size bound
                side, inclusive = bound_of(word, excluded=seg.excluded)
                found.set(f"revenue_{side}_krw", Bound(n=value, inclusive=inclusive), seg.line)
