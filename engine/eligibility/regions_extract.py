"""Where the business must be: 시도 codes from title tags, location phrases, hashtags and the organization.

Order of trust: a title tag ('[서울]', '[전남광주]', '[전국]'), then phrases that place the business
('서울특별시 소재 사업장', '경기도 내 본점', '당진시에 사업자등록'), then a structured hint or the hashtags.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from engine.eligibility.common import Findings
from engine.eligibility.segments import Segment
from engine.regions import ALL_SIDO, MULTI_TOKENS, SIGUNGU, region_aliases, sido_codes_for_token

_NATIONWIDE = {"전국", "전지역", "전 지역", "전국단위"}
_TITLE_TAG = re.compile(r"^\s*[\[【<〔]([^\]】>〕]{1,30})[\]】>〕]")


def _place_names() -> dict[str, frozenset[str]]:
    names: dict[str, frozenset[str]] = {}
    for name, code in region_aliases().items():
        if name in {"광주시"}:  # 경기도 광주시 or 광주광역시: ambiguous in free text
            continue
        names[name] = frozenset({code})
    for name, code in SIGUNGU.items():
        names.setdefault(name, frozenset({code}))
    for name, codes in MULTI_TOKENS.items():
        names[name] = codes
    names["전남광주통합특별시"] = MULTI_TOKENS["전남광주"]
    names["수도권"] = frozenset({"11", "28", "41"})
    # 권역 (groups of 시도) as notices name them.
    names["충청권"] = frozenset({"30", "36", "43", "44"})
    names["호남권"] = frozenset({"29", "46", "52"})
    names["영남권"] = frozenset({"26", "27", "31", "47", "48"})
    names["동남권"] = frozenset({"26", "31", "48"})
    names["대경권"] = frozenset({"27", "47"})
    names["강원권"] = frozenset({"51"})
    names["제주권"] = frozenset({"50"})
    names["비수도권"] = ALL_SIDO - names["수도권"]
    names["수도권 외"] = names["수도권 이외"] = names["비수도권"]
    return names


_PLACES = _place_names()
_PLACE = "|".join(sorted((re.escape(n) for n in _PLACES), key=len, reverse=True))
# A place name not glued to a preceding Hangul syllable ('경기침체' is no place, '경기도 내' is).
_NAME = rf"(?<![가-힣])(?:{_PLACE})"
_LIST = rf"(?P<names>{_NAME}(?:\s*(?:[·,/]|및|또는|와|과)\s*{_NAME})*)"
# What makes a place a requirement on the business: 소재, 내, 관내, 지역, 에 사업장을 둔, 에서 영업 ...
_MARK = (
    r"\s*(?:특별자치도|특별자치시|광역시|특별시)?\s*"
    r"(?:소재(?!\s*(?:영업점|은행|금융기관|지점|대학|기관))|내(?:에)?\s|관내|지역(?!\s*(?:자원|경제|사회|주민|축제|특산))"
    r"|에\s*(?:본점|본사|주사업장|사업장|(?:주된\s*|주\s*)?사무소|공장|지점|사업자\s*등록|사업자등록|주소|소재|거주|위치|있는|둔|두고|등록)"
    r"|에서\s*(?:사업|영업|창업)|로\s*이전|으로\s*이전|인\s*(?:기업|업체|자|사업자|소상공인))"
)
_PLACED = re.compile(_LIST + _MARK)
# '충청권(대전·세종·충남·충북) 소재': the names sit in parentheses before the marker.
_PLACED_PAREN = re.compile(r"\(\s*" + _LIST + r"\s*\)" + _MARK)
# '사업장 소재지가 서울특별시인', '주소지가 당진시인', '사업자등록증 소재지 경기지역'.
_LOCATION_OF = re.compile(
    rf"(?:소재지|주소지|주사무소|본점|본사|사업장|공장)\s*(?:가|이|는)?\s*{_LIST}\s*(?:인|이며|에|지역|내)"
)
_IN_OWN_AREA = re.compile(
    r"(?<![가-힣])(?:도내|관내|시내|군내|구내)|(?:본\s*)?(?:도|시|군)\s*내\s*(?:에\s*)?(?:사업장|본점|본사|소재)"
)
# Lines about lenders, venues or addresses are not about the applicant's location.
_NOT_APPLICANT = re.compile(r"금융기관|협약\s*은행|은행|영업점|주소\s*[:：]|교육장|행사장|장소|개최|일시")


# A place the applicant would move to ('춘천시 소재 보육센터로 이전이 가능한', '입주 예정'): it does not say
# where the business is now, so it restricts nothing.
_FUTURE_MOVE = re.compile(
    r"(?:이전|이주|입주|이사)\s*(?:이|을|를|하는\s*것이)?\s*"
    r"(?:가능|예정|희망|계획|할\s|하려|하고자|하기로|할\s*수|약정|조건)"
)
_FUTURE_SPAN = 30


def _future_move(text: str, start: int, end: int) -> bool:
    """True when the place matched at text[start:end] is where the applicant may or will move to."""
    # A parenthetical aside ('사업장(본점 또는 지점) 이전') does not end the clause: drop it before cutting.
    tail = re.sub(r"\([^()]*\)", " ", text[end : end + 3 * _FUTURE_SPAN])[:_FUTURE_SPAN]
    tail = re.split(r"[,;]|\s(?:및|또는)\s", tail, maxsplit=1)[0]
    return bool(_FUTURE_MOVE.search(text[start:end] + tail))


def _codes(names: str) -> set[str]:
    out: set[str] = set()
    for name in re.split(r"\s*(?:[·,/]|및|또는|와|과)\s*", names):
        out |= _PLACES.get(name.strip(), frozenset())
    return out


def title_regions(title: str) -> tuple[set[str] | None, bool]:
    """Return (codes, nationwide) from a leading '[서울]' / '[전남광주]' / '[전국]' tag of a title."""
    m = _TITLE_TAG.match(title or "")
    if not m:
        return None, False
    tag = m.group(1).strip()
    if tag in _NATIONWIDE:
        return None, True
    codes: set[str] = set()
    for token in re.split(r"\s*[/,·ㆍ]\s*|\s+", tag):
        codes |= set(sido_codes_for_token(token))
        if token in SIGUNGU:
            codes.add(SIGUNGU[token])
    return (codes or None), False


def text_regions(segments: list[Segment]) -> tuple[set[str], str]:
    """Return the 시도 codes the clauses require the business to be in, with the first evidence line."""
    codes: set[str] = set()
    evidence = ""
    for seg in segments:
        if seg.excluded or _NOT_APPLICANT.search(seg.text):
            continue
        found: set[str] = set()
        for pattern in (_PLACED, _PLACED_PAREN, _LOCATION_OF):
            for m in pattern.finditer(seg.text):
                if not _future_move(seg.text, m.start(), m.end()):
                    found |= _codes(m.group("names"))
        if found:
            codes |= found
            evidence = evidence or seg.line
    return codes, evidence


def organization_regions(organization: str | None) -> set[str]:
    """Return the 시도 an organization belongs to when it is a 시도/시군구 government or its agency."""
    if not organization:
        return set()
    org = organization.strip()
    for name, codes in sorted(_PLACES.items(), key=lambda kv: -len(kv[0])):
        if len(name) >= 2 and org.startswith(name) and (len(name) >= 3 or _AGENCY.search(org[len(name) :])):
            return set(codes)
    return set()


# Agencies of a 시도 named with its short name ('경남투자경제진흥원', '서울신용보증재단').
_AGENCY = re.compile(
    r"^(?:특별자치도|특별자치시|광역시|특별시|도|시)?\s*(?:신용보증재단|경제진흥원|테크노파크|투자경제진흥원|경제과학진흥원|창조경제혁신센터|정보산업진흥원|일자리재단|상권|청$)"
)


def hashtag_regions(hashtags: Sequence[str], organization: str | None) -> set[str] | None:
    """Return the 시도 named by hashtags: all of them means nationwide (None) unless a 시도 body posts it."""
    codes: set[str] = set()
    for tag in hashtags:
        codes |= set(sido_codes_for_token(tag))
    if not codes:
        return None
    if codes >= ALL_SIDO:
        own = organization_regions(organization)
        return own or None
    return codes


def extract_regions(
    segments: list[Segment],
    found: Findings,
    *,
    title: str,
    hashtags: Sequence[str],
    organization: str | None,
    region_hint: str | None = None,
) -> None:
    """Record `regions` (sorted 시도 codes); nothing when the program is nationwide."""
    codes, nationwide = title_regions(title)
    if nationwide:
        return
    from_text, line = text_regions(segments)
    if codes:
        # '[전남광주] 순천시 ...': a text that places the business in part of a multi-시도 tag is narrower.
        if from_text and from_text < codes:
            found.set("regions", sorted(from_text), line)
        else:
            found.set("regions", sorted(codes), title)
        return
    if from_text and from_text < ALL_SIDO:
        found.set("regions", sorted(from_text), line)
        return
    hint = (region_hint or "").strip()
    if hint and hint not in _NATIONWIDE:
        hinted: set[str] = set()
        for token in re.split(r"\s*[,/·]\s*", hint):
            hinted |= set(sido_codes_for_token(token))
        if hinted and hinted < ALL_SIDO:
            found.set("regions", sorted(hinted), hint)
            return
    tagged = hashtag_regions(hashtags, organization)
    if tagged:
        found.set("regions", sorted(tagged), ",".join(hashtags))
        return
    own = organization_regions(organization)
    if own:
        for seg in segments:
            if not seg.excluded and _IN_OWN_AREA.search(seg.text) and not _NOT_APPLICANT.search(seg.text):
                found.set("regions", sorted(own), seg.line)
                return
