"""Who the applicant must be: required traits (여성기업, 재창업자 ...), 소상공인 only, and business status.

Traits are read only from clauses that state who may apply (never from 우대/가점 lines, hashtags or
the '휴·폐업 중인 기업 제외' kind of exclusion).
"""

from __future__ import annotations

import re

from engine.domain import Trait
from engine.eligibility.common import Findings
from engine.eligibility.segments import Segment, normalize
from engine.eligibility.size import SOHO_DEFINITION

_CERT = r"\s*(?:확인서|확인|인증서?|지정서?)\s*(?:를|을)?\s*(?:보유|소지|발급|받은|취득|획득|가진|갖춘)"
TRAIT_PATTERNS: tuple[tuple[Trait, re.Pattern[str]], ...] = (
    (
        "woman_owned",
        re.compile(
            r"여성기업"
            + _CERT
            + r"|여성기업\s*확인서|여성기업지원에\s*관한\s*법률|대표자?\s*(?:가|이)?\s*여성인|여성이\s*대표자?인"
            r"|여성\s*(?:대표자?|창업자|기업인|CEO)(?:인|로서|이며)?\s*(?:기업|업체|사업자|소상공인|중소기업|예비창업자|창업기업)"
        ),
    ),
    (
        "disabled_owned",
        re.compile(
            r"장애인기업"
            + _CERT
            + r"|장애인기업\s*확인서|장애인기업활동\s*촉진법|대표자?\s*(?:가|이)?\s*장애인인|장애인이\s*대표자?인"
            r"|장애인\s*(?:대표자?|창업자)(?:인|로서|이며)?\s*(?:기업|업체|사업자|소상공인|중소기업|예비창업자)"
        ),
    ),
    (
        "re_founder",
        re.compile(
            r"폐업\s*(?:이후|후|한\s*후)\s*(?:다시\s*)?재?창업|폐업\s*(?:한\s*)?(?:경험|이력|사실)\s*(?:이|을|을\s*가진)?\s*(?:있|보유|가진)"
            r"|\(?예비\)?\s*재창업자|재창업\s*(?:기업|자|한|하여|하려는|예정|\d)|재도전\s*(?:기업|자|창업자)"
        ),
    ),
    (
        "disaster_affected",
        re.compile(
            r"재해\s*확인증|재난\s*피해\s*확인서?|특별\s*재난\s*지역[^\n,]{0,8}피해|피해\s*사실\s*확인서?|(?:재해|재난|호우|태풍|산불|지진|화재)\s*(?:로\s*)?피해\s*(?:를\s*)?(?:입은|기업|중소기업|소상공인|업체|사업자)"
        ),
    ),
    (
        "exporter",
        re.compile(
            r"수출\s*실적\s*(?:이|은)?\s*[\d,.]+\s*(?:만|천만|억|백만)?\s*(?:달러|불|USD|\$|원)\s*이상"
            # '수출실적 보유 기업', '수출 실적을 보유한 중소·창업기업' (a compound subject noun before 기업).
            r"|수출\s*실적\s*(?:이|을)?\s*(?:있는|보유한?)(?!\s*(?:또는|이나|거나|혹은))\s*(?:[가-힣]{1,4}\s*[·,]\s*)*"
            r"[가-힣]{0,6}(?:기업|업체|자)(?![가-힣])"
            r"|(?:직전\s*(?:연도|년도)|최근\s*\d\s*년)\s*(?:직)?수출\s*(?:실적\s*)?(?:이\s*)?있는"
        ),
    ),
    (
        "venture_certified",
        re.compile(r"벤처기업\s*(?:확인|인증|등록)|벤처기업육성에\s*관한\s*특별법|벤처\s*인증\s*기업"),
    ),
    ("innobiz", re.compile(r"이노비즈|기술혁신형\s*중소기업\s*(?:확인|인증|선정)|INNO-?BIZ", re.IGNORECASE)),
    (
        "social_enterprise",
        re.compile(
            r"(?:예비\s*)?사회적\s*기업\s*(?:인증|지정|으로\s*(?:인증|지정))|사회적기업\s*육성법|\(예비\)\s*사회적기업"
            r"|(?:인증|지정)\s*(?:받은\s*)?(?:예비\s*)?사회적\s*기업"
        ),
    ),
    ("veteran", re.compile(r"국가\s*유공자|보훈\s*대상자|제대\s*군인")),
    (
        "relocating_to_province",
        re.compile(
            r"(?:지방|비수도권)\s*(?:으로|에|지역으로)?\s*(?:본사|공장|사업장)?\s*(?:을|를)?\s*이전|수도권[^\n]{0,20}(?:에서|으로부터)[^\n]{0,20}이전"
        ),
    ),
)
_PERMISSIVE = re.compile(r"[^\n,]{0,8}(?:경우|포함)|[^\n,]{0,6}도\s*(?:신청|지원|참여|참가|가능|해당)")
# Clauses that only describe the program or its costs, where a trait word is no requirement.
NOT_TARGET = re.compile(r"최대\s*[\d,.]+\s*(?:억|천만|만)|%p|금리|보증료|이차보전율")


def extract_traits(segments: list[Segment], found: Findings) -> None:
    """Record traits_required from clauses that state who may apply."""
    for seg in segments:
        if seg.excluded or NOT_TARGET.search(seg.text):
            continue
        for trait, pattern in TRAIT_PATTERNS:
            m = pattern.search(seg.text)
            # '폐업 경험이 있는 경우 ... 신청 가능', '재창업자도 신청 가능', '(재창업자 포함)' permit, not require.
            if m and not _PERMISSIVE.match(seg.text[m.end() :]):
                found.add("traits_required", [trait], seg.line)


# 소상공인 required: its 확인서, the 소상공인기본법 definition, or a target clause that ends in 소상공인.
_SOHO_STRONG = re.compile(
    r"소상공인\s*확인서|소상공인\s*기본법|소상공인\s*보호\s*및\s*지원에\s*관한\s*법률"
    r"|소상공인\s*(?:에\s*한함|에\s*한하여|에\s*한해|만\s*(?:신청|지원|참여|해당|대상))"
    r"|소상공인\s*에\s*해당하는\s*(?:자|기업|업체|사업자)"
)
_SOHO_TAIL = re.compile(r"소상공인\s*(?:\([^)]*\))?\s*(?:으로서|에\s*한함|만)?\s*[.]?$|소상공인\s*(?:중|으로서)\s")
_SOHO_ALTERNATIVE = re.compile(
    r"중소\s*기업|중견|소기업|기업\s*(?:및|또는|과|와)|(?:및|또는|과|와)\s*(?:중소)?기업|법인|예비창업자|단체"
)
_DESCRIPTIVE = re.compile(r"(?:위하여|위해|위한|합니다|습니다|드립니다|바랍니다)\s*[.]?$|[:：]")


def extract_soho(segments: list[Segment], found: Findings, *, target: str | None = None) -> None:
    """Record soho_only when the notice is only for 소상공인 (not '중소기업 및 소상공인')."""
    label = normalize(target or "")
    for seg in segments:
        if seg.excluded or (label and normalize(seg.line) == label):
            continue  # the source's target category ('소상공인') is a listing label, not a stated condition
        text = seg.text
        strong = _SOHO_STRONG.search(text) and not _alternative_target(text)
        only_soho_subject = (
            _SOHO_TAIL.search(text)
            and not _SOHO_ALTERNATIVE.search(SOHO_DEFINITION.sub(" ", text))
            and not _DESCRIPTIVE.search(text)
        )
        if strong or SOHO_DEFINITION.search(text) or only_soho_subject:
            found.set("soho_only", True, seg.line)


def _alternative_target(text: str) -> bool:
    """True when a 소상공인확인서 clause also admits other companies ('소상공인확인서 보유 기업 또는 중소기업')."""
    return bool(
        re.search(
            r"소상공인[^\n]{0,20}(?:및|또는|이나)\s*(?:중소|중견)\s*기업|(?:중소|중견)\s*기업\s*(?:및|또는)\s*소상공인",
            text,
        )
    )


# Status: '예비창업자 (공고일 기준 사업자 등록이 없는 자)' -> pre_founder only; '예비창업자 제외' -> operating.
_PRE = re.compile(r"예비\s*(?:재)?창업자|창업\s*예정자|예비\s*창업\s*(?:팀|기업)")
_PRE_BOTH = re.compile(r"\(\s*예비\s*\)\s*(?:재)?창업")
_NO_REGISTRATION = re.compile(
    r"사업자\s*등록(?:증)?\s*(?:이|을)?\s*(?:없는|하지\s*않은|되지\s*않은|안\s*된|미등록)|사업자\s*미등록|미창업자"
    r"|사업자\s*등록\s*(?:이\s*)?전(?:인|의|\s*단계)"
)
_REGISTERED = re.compile(
    r"사업자\s*등록(?:증)?(?:\([^)]*\))?\s*(?:이|을|를)?\s*(?:있는|한\s*자|된\s*자|되어\s*있는|보유|소지|완료|마친|필한|필)"
    r"|기\s*창업자"
)
_OPERATING = re.compile(
    r"(?:운영|영업|영위)\s*(?:중(?!소|견|앙)|하고\s*있)|(?:사업장?|점포|매장|업체|가게)\s*(?:을|를)?\s*(?:운영|경영)\s*(?:하는|하고|중)"
    r"|기존\s*사업자|사업자\s*등록\s*후\s*(?:영업|신청)|실제\s*영업"
    # '사업을 영위하는', '점포를 영위 중인': running a business is presupposed.
    r"|(?:사업|점포|매장|가게)\s*(?:을|를)?\s*영위\s*(?:하는|하고|중)"
)
# Another kind of applicant named next to 예비창업자: '예비창업자 및 창업 3년 이내 기업', '예비창업자와 초기 창업기업'.
_ALTERNATIVE_OPERATING = re.compile(
    r"(?:및|또는|이나|와|과|,|·)\s*(?:\S{0,4}\s)?\s*(?:업력|창업|기업|기존|사업자|재창업|중소|소상공인|\d)"
    r"|(?:기업|사업자|소상공인|대표자)\s*(?:및|또는|와|과)\s*\(?예비"
)


def extract_status(segments: list[Segment], found: Findings) -> None:
    """Record status_allowed: ['pre_founder'] or ['operating'] when only one of them may apply."""
    pre_only: str | None = None
    pre_mention: str | None = None
    operating: str | None = None
    both = False
    for seg in segments:
        text = seg.text
        if seg.excluded:
            if _REGISTERED.search(text) and not _PRE.search(text):
                pre_only = pre_only or seg.line
            elif _PRE.search(text) and not _PRE_BOTH.search(text):
                operating = operating or seg.line
            continue
        if _NO_REGISTRATION.search(text):
            pre_only = pre_only or seg.line
        if _OPERATING.search(text) or _REGISTERED.search(text):
            operating = operating or seg.line
        if _PRE_BOTH.search(text) or (_PRE.search(text) and _ALTERNATIVE_OPERATING.search(_around_pre(text))):
            both = True
        elif _PRE.search(text):
            pre_mention = pre_mention or seg.line
    # A bare '예비창업자' target means pre-founders only, unless the notice also bounds 업력 (then both apply).
    if not pre_only and pre_mention and not both and "business_age_max" not in found.values:
        pre_only = pre_mention
    if pre_only and not operating:
        found.set("status_allowed", ["pre_founder"], pre_only)
    elif (
        operating
        and (not pre_only or _explicit_pre_exclusion(segments))
        and (not both or _explicit_pre_exclusion(segments))
    ):
        found.set("status_allowed", ["operating"], operating)


def _around_pre(text: str) -> str:
    """Return the text right around each 예비창업자 mention, where an alternative would be named."""
    parts = [text[max(0, m.start() - 12) : m.end() + 14] for m in _PRE.finditer(text)]
    return " | ".join(parts)


def _explicit_pre_exclusion(segments: list[Segment]) -> bool:
    return any(s.excluded and _PRE.search(s.text) and not _PRE_BOTH.search(s.text) for s in segments)
