"""Korean industry names -> KSIC (한국표준산업분류) section letters, and industry conditions from clauses.

Only names that cover (most of) a section are conditions when excluded: '음식점업 제외' excludes I, but
'유흥주점업 제외' or an unnamed '융자제외 업종' excludes a few sub-classes and is no condition on I.
"""

from __future__ import annotations

import re

from engine.eligibility.common import Findings
from engine.eligibility.segments import Segment
from engine.eligibility.size import SOHO_DEFINITION

# (pattern, section). Longer, more specific names first; every pattern is a whole industry name.
INDUSTRY_NAMES: tuple[tuple[str, str], ...] = (
    (r"농업\s*[,·]?\s*임업\s*및\s*어업|농림\s*[·]?\s*(?:축산|수산|어)업|농업|임업|어업|축산업|수산업|농림업", "A"),
    (r"광업", "B"),
    (r"제조업|제조\s*(?:중소)?기업", "C"),
    (r"전기\s*[,·]?\s*가스\s*[,·]?\s*증기\s*및\s*(?:공기\s*조절|수도사업)\s*공급업|전기\s*[·]?\s*가스\s*공급업", "D"),
    (r"수도\s*[,·]?\s*하수\s*및\s*폐기물\s*처리[^,)\n]{0,12}업|폐기물\s*처리업|하수\s*처리업", "E"),
    (r"건설업|건설\s*기업", "F"),
    (r"도매\s*및\s*소매업|도\s*[·]?\s*소매업|도매업|소매업", "G"),
    (r"운수\s*및\s*창고업|운수업|운송업|창고업|물류업", "H"),
    (r"숙박\s*및\s*음식점업|숙박\s*[·,]?\s*음식점업|음식점업|숙박업|외식업|요식업|음식\s*서비스업", "I"),
    (
        r"정보통신업|출판\s*[,·]?\s*영상\s*[,·]?\s*방송통신\s*및\s*정보서비스업|소프트웨어\s*개발\s*(?:및\s*공급)?업|방송업|통신업",
        "J",
    ),
    (r"금융\s*및\s*보험업|금융\s*[·]?\s*보험업|금융업|보험업", "K"),
    (r"부동산업|부동산\s*및\s*임대업", "L"),
    (r"전문\s*[,·]?\s*과학\s*및\s*기술\s*서비스업", "M"),
    (r"사업시설\s*관리[^,)\n]{0,24}서비스업", "N"),
    (r"공공\s*행정[^,)\n]{0,20}행정", "O"),
    (r"교육\s*서비스업", "P"),
    (r"보건업\s*및\s*사회복지\s*서비스업|보건업|사회복지\s*서비스업", "Q"),
    (r"예술\s*[,·]?\s*스포츠\s*및\s*여가\s*관련\s*서비스업", "R"),
    (r"협회\s*및\s*단체\s*[,·]?\s*수리\s*및\s*기타\s*개인\s*서비스업|수리\s*및\s*기타\s*개인\s*서비스업", "S"),
    (r"가구\s*내\s*고용활동[^,)\n]{0,30}", "T"),
    (r"국제\s*및\s*외국\s*기관", "U"),
)
_NAMES = re.compile("|".join(f"(?P<s{i}>{pat})" for i, (pat, _) in enumerate(INDUSTRY_NAMES)))
# Sub-class names that must not be read as their section ('부동산 임대업' is not all of L).
_SUBCLASS = re.compile(r"유흥|사행|주점|무도|부동산\s*임대|석유화학|화학")
# A clause names the industries it admits: '제조업 영위 기업', '업종: 정보통신업', '제조업 분야 기업'.
_INCLUDE_MARK = re.compile(
    r"(?:업|기업)\s*(?:을|를)?\s*(?:영위|경영|운영|종사|하는)|업종\s*[:：]|대상\s*업종|(?:업|기업)\s*분야\s*(?:의\s*)?(?:기업|업체|중소기업)"
    r"|업\s*(?:기업|업체|사업자|소상공인|중소기업|분야)|업체"
    r"|업\s*(?:에\s*)?해당하는|제조\s*(?:중소)?기업|주된\s*업종|주\s*업종"
)
# A KSIC section letter written after a name ('정보통신업(J) 영위') is an annotation: drop it before matching.
_KSIC_NOTE = re.compile(r"\((?:\s*[A-U]\s*|[^()]*(?:표준산업분류|KSIC|코드)[^()]*)\)")
# Umbrella fields that are no KSIC section: an admitted list naming one is not a closed list of sections.
_UMBRELLA = re.compile(
    r"지식\s*(?:기반\s*)?서비스|콘텐츠|신산업|첨단\s*산업|뿌리\s*산업|소재\s*[·]?\s*부품|관광\s*(?:사업|산업|업)"
)
_NO_LIMIT = re.compile(r"업종\s*(?:무관|제한\s*없)")
_EXCEPT = re.compile(r"\s*(?:을|를)?\s*제외(?:한|하고)")


def sections_in(text: str) -> list[str]:
    """Return the KSIC sections named in `text`, in order of first mention."""
    out: list[str] = []
    for m in _NAMES.finditer(text):
        # Only the words glued to this name ('유흥 음식점업'), not a neighbouring list item ('유흥업종, 숙박업').
        before = re.split(r"[,·/(]", text[max(0, m.start() - 8) : m.start()])[-1]
        if _SUBCLASS.search(before):
            continue
        for i, (_, section) in enumerate(INDUSTRY_NAMES):
            if m.group(f"s{i}") and section not in out:
                out.append(section)
                break
    return out


def extract_industries(segments: list[Segment], found: Findings) -> None:
    """Record industries_include (admitted sections) and industries_exclude (sections named as excluded)."""
    for seg in segments:
        text = SOHO_DEFINITION.sub(" ", seg.text)
        text = re.sub(r"\([^)]*10\s*(?:인|명)\s*미만[^)]*\)", " ", text)  # '(제조업 등은 10인 미만)'
        text = _KSIC_NOTE.sub("", text)
        if seg.excluded:
            sections = sections_in(text)
            if sections:
                found.add("industries_exclude", sections, seg.line)
            continue
        except_ = _EXCEPT.search(text)
        if except_:
            # '숙박 및 음식점업을 제외한 전 업종': the sections named right before 제외한 are excluded.
            head = re.split(r"\s중\s|[:：]|으로서", text[: except_.start()])[-1]
            excluded = sections_in(head)
            if excluded:
                found.add("industries_exclude", excluded, seg.line)
            text = text[: except_.start() - len(head)] + " " + text[except_.end() :]
        if _NO_LIMIT.search(text) or not _INCLUDE_MARK.search(text) or _UMBRELLA.search(text):
            continue
        sections = sections_in(text)
        if sections:
            found.add("industries_include", sections, seg.line)
