"""업력 (business age, in months) and 대표자 연령 (representative age) bounds from notice clauses."""

from __future__ import annotations

import re

from engine.domain import AgeBound
from engine.eligibility.common import COMPARATOR_RE, Findings, bound_of
from engine.eligibility.segments import Segment

# Words that date a business: 업력, 창업, 설립, 개업, 사업 개시, 사업자등록 ...
_AGE_NOUN = (
    r"(?:업력|재창업|창업|법인\s*설립|설립|개업|사업\s*개시|사업자\s*등록|사업자등록증상\s*개업"
    r"|영업\s*개시|(?:사업|영업|영위|운영)\s*기간)"
)
_SPAN = (
    r"(?P<n{i}>\d{{1,3}}(?:\.\d)?)\s*(?P<u{i}>년|개월|일)(?:\s*(?P<m{i}>\d{{1,2}})\s*개월)?\s*(?:이|가|을|를)?\s*(?P<c{i}>"
    + r"(?:경과|초과)(?:하지|되지)\s*(?:않은|아니한)|(?:지나|넘)지\s*(?:않은|아니한)|미경과|"
    + COMPARATOR_RE
    + r"|경과(?![하되]지)|지난)"
)
_SPAN1 = _SPAN.format(i=1)
_SPAN2 = _SPAN.format(i=2)
# '창업 후 7년 이내', '공고일 기준 설립 5년 미만', '사업자등록 후 3개월 이상 경과', '업력 3년 이상 7년 미만'.
_NOUN_FIRST = re.compile(
    _AGE_NOUN + r"(?P<gap>[^\d\n]{0,14}?)" + _SPAN1 + r"(?:\s*(?:~|부터|-|,|및)?\s*" + _SPAN2 + r")?"
)
# '7년 미만 (예비)창업기업', '3년 이내 창업한', '6개월 이상 영업 중인'.
_NUMBER_FIRST = re.compile(
    _SPAN1
    + r"\s*(?:의\s*)?(?:\(예비\)\s*)?"
    + r"(?=재?창업\s*(?:기업|자|초기|한|하여)|개업한|설립된|영업\s*중|운영\s*중|사업\s*영위)"
)
# A gap that wanders into another topic means the number does not date the business.
_BAD_GAP = re.compile(
    r"경력|경험|근무|재직|최근|매출|수출|고용|채용|지원|수혜|거치|대출|상환|교육|경진|보증|융자|근로|인원|년도"
)
_NO_LIMIT = re.compile(r"업력\s*(?:무관|제한\s*없)")


def _months(number: str, unit: str, extra_months: str | None = None) -> int:
    value = float(number)
    if unit == "년" and extra_months:
        return round(value * 12) + int(extra_months)  # '2년 3개월 미만'
    if unit == "년":
        return round(value * 12)
    if unit == "일":
        return int(value // 30)  # '사업자등록 후 60일 이상' ~ 2 months: the finest unit AgeBound has
    return round(value)


def _comparator(word: str) -> str:
    word = re.sub(r"\s+", "", word)
    if word.startswith(("초과", "넘지")) and word.endswith(("않은", "아니한")):
        return "이하"  # '5년을 초과하지 않은': 5 years exactly is still in
    if word == "미경과" or word.endswith(("않은", "아니한")):
        return "미만"  # '5년이 경과하지 않은': on the 5th anniversary 5 years have passed
    if word in {"경과", "지난"}:
        return "이상"
    return word


def extract_business_age(segments: list[Segment], found: Findings) -> None:
    """Record business_age_max / business_age_min (AgeBound, months) from 업력 phrases."""
    for seg in segments:
        if _NO_LIMIT.search(seg.text) and not re.search(r"\d\s*(?:년|개월)", seg.text):
            continue
        spans: list[tuple[str, str, str | None, str]] = []
        for m in _NOUN_FIRST.finditer(seg.text):
            if _BAD_GAP.search(m.group("gap")):
                continue
            spans.append((m["n1"], m["u1"], m["m1"], m["c1"]))
            if m["n2"]:
                spans.append((m["n2"], m["u2"], m["m2"], m["c2"]))
        if not spans:
            spans = [(m["n1"], m["u1"], m["m1"], m["c1"]) for m in _NUMBER_FIRST.finditer(seg.text)]
        for number, unit, extra, word in spans:
            months = _months(number, unit, extra)
            if months <= 0:
                continue
            side, inclusive = bound_of(_comparator(word), excluded=seg.excluded)
            found.set(f"business_age_{side}", AgeBound(months=months, inclusive=inclusive), seg.line)


# '만 39세 이하', '만 40세 미만', '만 19세 이상 39세 이하', '만 19~39세', '만 20세 이상 ~ 만 39세 이하'.
# A band's two ends are read together so that a party word before it covers both.
_AGE_RANGE = re.compile(
    r"만?\s*(?P<lo>\d{2})\s*세?\s*(?:이상\s*(?:~|-|부터|,)?|~|-|부터)\s*(?:만\s*)?(?P<hi>\d{2})\s*세(?:\s*(?P<hc>이하|미만|까지))?"
)
_AGE_ONE = re.compile(r"만?\s*(?P<n>\d{2})\s*세\s*(?P<c>이상|이하|미만|초과)")
# An age next to these words is about employees, children or trainees, not the representative.
_NOT_REP = re.compile(
    r"채용|고용|근로자|직원|재직|구직|취업|인턴|유아|아동|자녀|학생|어르신|노인|가구원|멘토|강사|심사위원|평가위원|코치"
)
_NOT_REP_WINDOW = 16


_REP = re.compile(r"대표자?|사업주|창업자|신청자|본인")


def _about_representative(text: str, start: int, end: int) -> bool:
    """True unless the words around an age name another party (the hire, an employee, a trainee).

    '대표자 만 50세 이상인 소상공인(상시근로자 5인 미만 ...)': an explicit 대표자 right before the age wins
    over a party word after it; parenthetical asides after the age say nothing about whose age it is.
    """
    before = text[max(0, start - _NOT_REP_WINDOW) : start]
    after = re.sub(r"\([^()]*\)?", " ", text[end : end + _NOT_REP_WINDOW + 24])[:_NOT_REP_WINDOW]
    rep = list(_REP.finditer(before))
    other = list(_NOT_REP.finditer(before))
    if rep and (not other or rep[-1].start() > other[-1].start()):
        return True
    return not (other or _NOT_REP.search(after))


# '1987. 1. 1. 이후 출생자', '1987년 1월 1일 이후 출생한', '1987년 이후 출생자': a birth-date bound.
_BIRTH = re.compile(
    r"(?<!\d)(?P<y>19\d{2})\s*(?:[./-]|년)\s*(?:(?P<m>\d{1,2})\s*(?:[./-]|월)\s*(?P<d>\d{1,2})\s*(?:일|\.)?)?"
    r"\s*(?:생\s*)?(?P<side>이후|부터|이전|까지)\s*(?:출생|태어난|생)"
)
_REF_YEAR = re.compile(r"(?<!\d)(20[1-9]\d)(?!\d)")


def notice_year(*texts: str) -> int | None:
    """Return the year a notice is about: the first 20xx year in its title, else in its text."""
    for text in texts:
        m = _REF_YEAR.search(text or "")
        if m:
            return int(m.group(1))
    return None


def _birth_bounds(seg: Segment, found: Findings, ref_year: int | None) -> None:
    """Turn 'born on or after 1987-01-01' into 만 (ref_year - 1987)세 이하 in the notice's year."""
    if ref_year is None or seg.excluded:
        return
    for m in _BIRTH.finditer(seg.text):
        if not _about_representative(seg.text, m.start(), m.end()):
            continue
        year = int(m["y"])
        month, day = int(m["m"] or 1), int(m["d"] or 1)
        if m["side"] in ("이후", "부터"):
            # Born on or after Jan 1 of `year`: at most ref_year - year years old in ref_year.
            found.set("rep_age_max", ref_year - year - (0 if (month, day) == (1, 1) else 1), seg.line)
        else:
            # Born on or before Jan 1 of `year`: at least ref_year - year years old all through ref_year.
            found.set("rep_age_min", ref_year - year - (0 if (month, day) == (1, 1) else 1), seg.line)


def extract_rep_age(segments: list[Segment], found: Findings, *, ref_year: int | None = None) -> None:
    """Record rep_age_min / rep_age_max (inclusive years) from 대표자 age requirements.

    `ref_year` (the notice's year) converts birth-date bounds ('1987. 1. 1. 이후 출생자') into ages.
    """
    for seg in segments:
        _age_phrases(seg, found)
    for seg in segments:
        _birth_bounds(seg, found, ref_year)


def _age_phrases(seg: Segment, found: Findings) -> None:
    """Record the bounds of '만 39세 이하', '만 19세 이상 34세 이하' and '만 19~39세' in one clause."""
    taken: list[tuple[int, int]] = []
    for m in _AGE_RANGE.finditer(seg.text):
        lo, hi = int(m["lo"]), int(m["hi"])
        if m["hc"] == "미만":
            hi -= 1
        if lo >= hi:
            continue
        taken.append((m.start(), m.end()))  # a band about another party hides its two ends as well
        if not _about_representative(seg.text, m.start(), m.end()):
            continue
        if seg.excluded:
            continue  # an excluded band with both ends does not give a single bound
        found.set("rep_age_min", lo, seg.line)
        found.set("rep_age_max", hi, seg.line)
    for m in _AGE_ONE.finditer(seg.text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if not _about_representative(seg.text, m.start(), m.end()):
            continue
        n = int(m["n"])
        side, inclusive = bound_of(m["c"], excluded=seg.excluded)
        if side == "max":
            found.set("rep_age_max", n if inclusive else n - 1, seg.line)
        else:
            found.set("rep_age_min", n if inclusive else n + 1, seg.line)
