"""What a program pays for, in the profile's `needs` vocabulary, from its category, title and body.

The source's category is a strong hint (기업마당 분야, K-Startup 분류); the title names the program's
purpose; the body counts only for words that say what the money is for ('운전자금', '시설자금', '보증'),
never for the incidental '마케팅 등' or '멘토링 제공' of a startup package.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from engine.domain import Need
from engine.eligibility.segments import normalize

_ORDER: tuple[Need, ...] = (
    "startup",
    "rnd",
    "export",
    "marketing",
    "smart_store",
    "hiring",
    "education",
    "guarantee",
    "working_capital",
    "facility",
)

# 기업마당 분야 and K-Startup 분류 -> needs.
_CATEGORY: tuple[tuple[re.Pattern[str], tuple[Need, ...]], ...] = (
    (re.compile(r"^금융$|융자|정책자금"), ("working_capital",)),
    (re.compile(r"^기술$|기술개발|R\s*&\s*D|R&amp;D"), ("rnd",)),
    (re.compile(r"^인력$|인력|고용"), ("hiring",)),
    (re.compile(r"^수출$"), ("export",)),
    (re.compile(r"^내수$"), ("marketing",)),
    (re.compile(r"^창업$|사업화|창업"), ("startup",)),
    (re.compile(r"멘토링|컨설팅|교육"), ("education",)),
    (re.compile(r"시설|공간|보육"), ("facility",)),
)
_TITLE: dict[Need, re.Pattern[str]] = {
    "startup": re.compile(r"창업(?!성장기술개발)|스타트업|사업화|액셀러레이팅|창업패키지"),
    "rnd": re.compile(r"기술개발|R\s*&\s*D|연구개발|기술혁신"),
    "export": re.compile(r"수출|해외|글로벌"),
    "marketing": re.compile(
        r"판로|라이브\s*커머스|온라인\s*(?:판매|쇼핑|마케팅|시장)|홍보|마케팅|박람회|전시회|구매\s*상담"
    ),
    "smart_store": re.compile(r"스마트\s*(?:상점|공방|기술|오더)|디지털\s*전환|키오스크"),
    "hiring": re.compile(r"고용|채용|인건비|일자리|인력"),
    "education": re.compile(r"교육|아카데미|사관학교|컨설팅|멘토링|코칭|캠프|교육생"),
    "guarantee": re.compile(r"보증"),
    "working_capital": re.compile(
        r"운전자금|경영\s*안정|긴급\s*경영|운영자금|경영자금|자금\s*조달|육성자금|이차보전|특별자금"
    ),
    "facility": re.compile(r"시설|리모델링|인테리어|장비|설비|환경\s*개선"),
}
_BODY: dict[Need, re.Pattern[str]] = {
    "rnd": re.compile(r"기술개발|R\s*&\s*D|연구개발"),
    "export": re.compile(r"해외\s*(?:진출|마케팅|판로|시장|전시)|수출\s*(?:기업|실적|지원|바우처)|글로벌\s*시장"),
    "marketing": re.compile(r"판로|라이브\s*커머스|쇼핑몰|온라인\s*판매|판매\s*촉진|홍보|광고|해외\s*마케팅"),
    "smart_store": re.compile(
        r"스마트\s*(?:상점|기술|오더|공방|미러)|키오스크|서빙\s*로봇|테이블\s*오더|디지털\s*전환"
    ),
    "hiring": re.compile(r"채용|인건비|일자리\s*창출|고용\s*유지"),
    "guarantee": re.compile(r"(?:특례|특별)\s*보증|보증\s*(?:지원|서\s*발급)|원\s*보증|보증비율"),
    "working_capital": re.compile(r"운전자금|운영자금|경영\s*안정|경영자금|운전\s*[·,]\s*시설"),
    "facility": re.compile(
        r"시설자금|시설\s*개선|리모델링|인테리어|설비\s*(?:투자|도입|구입)|장비\s*(?:구입|도입)|운전\s*[·,]\s*시설|키오스크|서빙\s*로봇|스마트\s*기기"
    ),
}
_SKIP_LINE = re.compile(r"우대|가점|문의|☎|콜센터")


def infer_needs(
    *,
    title: str,
    text: str,
    category: str | None = None,
    support_types: Sequence[str] = (),
    hashtags: Sequence[str] = (),
) -> list[Need]:
    """Return what the program pays for, in the profile's `needs` vocabulary."""
    del hashtags  # hashtags repeat the category and agency names; they add noise, not evidence
    title_n = normalize(title or "")
    body = "\n".join(line for line in normalize_lines(text) if not _SKIP_LINE.search(line))
    needs: set[Need] = set()
    for cat in [category or "", *support_types]:
        cat_n = normalize(cat).replace("ㆍ", "·")
        for pattern, mapped in _CATEGORY:
            if cat_n and pattern.search(cat_n):
                needs.update(mapped)
        if "판로" in cat_n or "해외" in cat_n:
            needs.update(_split_market(title_n, body))
    for need, pattern in _TITLE.items():
        if pattern.search(title_n):
            needs.add(need)
    for need, pattern in _BODY.items():
        if pattern.search(body):
            needs.add(need)
    if "education" in needs and not (
        _TITLE["education"].search(title_n) or _education_category(category, support_types)
    ):
        needs.discard("education")
    if not needs and category and "경영" in category:
        needs.add("education")  # 기업마당 '경영' without another purpose: consulting and management support
    return [n for n in _ORDER if n in needs]


def normalize_lines(text: str) -> list[str]:
    """Return the normalised non-empty lines of a text."""
    return [normalize(line) for line in (text or "").splitlines() if line.strip()]


def _split_market(title: str, body: str) -> set[Need]:
    """K-Startup '판로·해외진출': export when it is about going abroad, marketing when about sales."""
    out: set[Need] = set()
    if re.search(r"해외|수출|글로벌", title):
        out.add("export")
    if re.search(r"판로|판매|홍보|마케팅|커머스", title):
        out.add("marketing")
    if not out:
        out.add("export" if re.search(r"해외|수출|글로벌", body) else "marketing")
    return out


def _education_category(category: str | None, support_types: Sequence[str]) -> bool:
    return any(re.search(r"멘토링|컨설팅|교육", c or "") for c in [category, *support_types])
