"""Korean names for the profile vocabulary (needs, traits, KSIC sections, statuses) and amount formatting."""

from __future__ import annotations

NEED_NAMES: dict[str, str] = {
    "working_capital": "운전자금",
    "facility": "시설자금",
    "startup": "창업지원",
    "rnd": "기술개발(R&D)",
    "export": "수출",
    "marketing": "마케팅·판로",
    "hiring": "고용",
    "guarantee": "보증",
    "education": "교육·컨설팅",
    "smart_store": "스마트상점·디지털전환",
}

TRAIT_NAMES: dict[str, str] = {
    "woman_owned": "여성기업",
    "disabled_owned": "장애인기업",
    "veteran": "국가유공자 기업",
    "social_enterprise": "사회적기업",
    "exporter": "수출기업",
    "venture_certified": "벤처기업 인증",
    "innobiz": "이노비즈 인증",
    "relocating_to_province": "지방이전 기업",
    "disaster_affected": "재해 피해 기업",
    "re_founder": "재창업자",
}

STATUS_NAMES: dict[str, str] = {
    "pre_founder": "예비창업자(사업자등록 전)",
    "operating": "사업자등록을 한 사업자",
}

# KSIC (한국표준산업분류) section letters.
INDUSTRY_NAMES: dict[str, str] = {
    "A": "농업, 임업 및 어업",
    "B": "광업",
    "C": "제조업",
    "D": "전기, 가스, 증기 및 공기 조절 공급업",
    "E": "수도, 하수 및 폐기물 처리, 원료 재생업",
    "F": "건설업",
    "G": "도매 및 소매업",
    "H": "운수 및 창고업",
    "I": "숙박 및 음식점업",
    "J": "정보통신업",
    "K": "금융 및 보험업",
    "L": "부동산업",
    "M": "전문, 과학 및 기술 서비스업",
    "N": "사업시설 관리, 사업 지원 및 임대 서비스업",
    "O": "공공 행정, 국방 및 사회보장 행정",
    "P": "교육 서비스업",
    "Q": "보건업 및 사회복지 서비스업",
    "R": "예술, 스포츠 및 여가관련 서비스업",
    "S": "협회 및 단체, 수리 및 기타 개인 서비스업",
    "T": "가구 내 고용활동 및 자가 소비 생산활동",
    "U": "국제 및 외국기관",
}

SOHO_PLAIN = "소상공인(상시근로자 5인 미만 사업자, 제조·건설·운수·광업은 10인 미만)"

# Profile fields in plain Korean, as a question would name them.
FIELD_NAMES: dict[str, str] = {
    "founded_on": "개업일",
    "employees": "상시근로자 수",
    "industry": "업종",
    "representative_age": "대표자 만 나이",
    "annual_revenue_krw": "연 매출액",
    "traits": "보유 인증·자격",
    "region": "사업장 소재지(시도)",
    "status": "사업자등록 여부",
}

# The question the conversation asks to fill each field.
QUESTIONS: dict[str, str] = {
    "founded_on": "사업자등록증의 개업일이 언제인가요? (예: 2021-03-15)",
    "employees": "대표자를 제외한 상시근로자는 몇 명인가요?",
    "industry": "어떤 업종인가요? (예: 제조업, 도소매업, 음식점업, 정보통신업)",
    "representative_age": "대표자의 만 나이는 몇 세인가요?",
    "annual_revenue_krw": "작년 연 매출액은 얼마인가요? (예: 3억원)",
    "traits": (
        "해당하는 인증·자격이 있나요? (여성기업, 장애인기업, 재창업, 수출기업, 벤처기업, 이노비즈 등, 없으면 '없음')"
    ),
    "region": "사업장은 어느 시도에 있나요?",
    "status": "사업자등록을 하셨나요, 아니면 예비창업자인가요?",
}


def need_name(need: str) -> str:
    """Return the Korean name of a need (the key itself if unknown)."""
    return NEED_NAMES.get(need, need)


def trait_name(trait: str) -> str:
    """Return the Korean name of a trait (the key itself if unknown)."""
    return TRAIT_NAMES.get(trait, trait)


def industry_name(letter: str) -> str:
    """Return 'C 제조업' for a KSIC section letter."""
    name = INDUSTRY_NAMES.get(letter)
    return f"{letter} {name}" if name else letter


def format_krw(amount: int) -> str:
    """Return an amount in won the Korean way: 1000000000 -> '10억원', 350000000 -> '3억 5,000만원'."""
    if amount < 0:
        return "-" + format_krw(-amount)
    eok, rest = divmod(amount, 100_000_000)
    man, won = divmod(rest, 10_000)
    parts: list[str] = []
    if eok:
        parts.append(f"{eok:,}억")
    if man:
        parts.append(f"{man:,}만")
    if won or not parts:
        parts.append(f"{won:,}")
    return " ".join(parts) + "원"


def format_months(months: int) -> str:
    """Return a duration in months as '5년 7개월', '7년' or '8개월'."""
    years, rest = divmod(months, 12)
    if years and rest:
        return f"{years}년 {rest}개월"
    if years:
        return f"{years}년"
    return f"{rest}개월"


def _last_syllable(word: str) -> str:
    stem = word.rstrip()
    while stem.endswith(")") and "(" in stem:
        stem = stem[: stem.rindex("(")].rstrip()
    return stem[-1:]


def particle(word: str, after_consonant: str, after_vowel: str) -> str:
    """Return the particle form that follows `word` (을/를, 은/는, 이/가), judged by its last Hangul syllable."""
    last = _last_syllable(word)
    if last and "가" <= last <= "힣":
        return after_consonant if (ord(last) - 0xAC00) % 28 else after_vowel
    return f"{after_consonant}({after_vowel})"


def object_particle(word: str) -> str:
    """Return 을 or 를 for `word`."""
    return particle(word, "을", "를")


def topic_particle(word: str) -> str:
    """Return 은 or 는 for `word`."""
    return particle(word, "은", "는")
