"""Korean 시도 (province-level) regions: codes, names and normalisation.

Codes are the 2-digit 법정동 시도 codes. 강원 is 51 and 전북 52 since they became 특별자치도;
older data says 42 and 45, which normalise to the new codes.
"""

from __future__ import annotations

# code -> (short name, full name)
SIDO: dict[str, tuple[str, str]] = {
    "11": ("서울", "서울특별시"),
    "26": ("부산", "부산광역시"),
    "27": ("대구", "대구광역시"),
    "28": ("인천", "인천광역시"),
    "29": ("광주", "광주광역시"),
    "30": ("대전", "대전광역시"),
    "31": ("울산", "울산광역시"),
    "36": ("세종", "세종특별자치시"),
    "41": ("경기", "경기도"),
    "43": ("충북", "충청북도"),
    "44": ("충남", "충청남도"),
    "46": ("전남", "전라남도"),
    "47": ("경북", "경상북도"),
    "48": ("경남", "경상남도"),
    "50": ("제주", "제주특별자치도"),
    "51": ("강원", "강원특별자치도"),
    "52": ("전북", "전북특별자치도"),
}

ALL_SIDO: frozenset[str] = frozenset(SIDO)

# Old codes that still appear in data.
LEGACY_CODES = {"42": "51", "45": "52"}

# Every spelling that names exactly one 시도 (short, full, old full names, common variants).
_ALIASES: dict[str, str] = {}
for _code, (_short, _full) in SIDO.items():
    _ALIASES[_short] = _code
    _ALIASES[_full] = _code
_ALIASES.update(
    {
        "서울시": "11",
        "부산시": "26",
        "대구시": "27",
        "인천시": "28",
        "광주시": "29",  # 광주광역시; 경기도 광주시 is resolved by district context, not here
        "대전시": "30",
        "울산시": "31",
        "세종시": "36",
        "강원도": "51",
        "전라북도": "52",
        "전북도": "52",
        "충청북도": "43",
        "충청남도": "44",
        "전라남도": "46",
        "경상북도": "47",
        "경상남도": "48",
        "제주도": "50",
        "제주시": "50",
    }
)

# Multi-시도 tokens: the 2026 기업마당 hashtag 전남광주 covers 광주 and 전남.
MULTI_TOKENS: dict[str, frozenset[str]] = {
    "전남광주": frozenset({"29", "46"}),
    "광주전남": frozenset({"29", "46"}),
}


def normalize_sido(value: str | None) -> str | None:
    """Return the 2-digit 시도 code for a code, short name or full name; None if unknown."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        code = text[:2] if len(text) >= 2 else text
        code = LEGACY_CODES.get(code, code)
        return code if code in SIDO else None
    return _ALIASES.get(text)


def sido_codes_for_token(token: str) -> frozenset[str]:
    """Return the 시도 codes a single name or hashtag token stands for (empty if none)."""
    token = token.strip()
    if token in MULTI_TOKENS:
        return MULTI_TOKENS[token]
    code = normalize_sido(token)
    return frozenset({code}) if code else frozenset()


def sido_name(code: str) -> str:
    """Return the full name of a 시도 code (the code itself if unknown)."""
    return SIDO.get(code, (code, code))[1]


def sido_short(code: str) -> str:
    """Return the short name of a 시도 code (the code itself if unknown)."""
    return SIDO.get(code, (code, code))[0]


def region_aliases() -> dict[str, str]:
    """Return every single-시도 spelling mapped to its code (a copy)."""
    return dict(_ALIASES)


# 시군구 names that belong to exactly one 시도, grouped by 시도 (2026 boundaries: 군위군 is in 대구).
# Names shared by several 시도 (중구, 동구, 서구, 남구, 북구, 강서구, 고성군) and 광주시 (경기 광주시 vs
# 광주광역시) are left out on purpose: a text naming only them does not tell the 시도.
_SIGUNGU_BY_SIDO: dict[str, str] = {
    "11": "종로구 용산구 성동구 광진구 동대문구 중랑구 성북구 강북구 도봉구 노원구 은평구 서대문구 마포구 양천구 "
    "구로구 금천구 영등포구 동작구 관악구 서초구 강남구 송파구 강동구",
    "26": "부산진구 동래구 영도구 해운대구 사하구 금정구 연제구 수영구 사상구 기장군",
    "27": "수성구 달서구 달성군 군위군",
    "28": "미추홀구 연수구 남동구 부평구 계양구 강화군 옹진군",
    "29": "광산구",
    "30": "유성구 대덕구",
    "31": "울주군",
    "41": "수원시 성남시 의정부시 안양시 부천시 광명시 평택시 동두천시 안산시 고양시 과천시 구리시 남양주시 오산시 "
    "시흥시 군포시 의왕시 하남시 용인시 파주시 이천시 안성시 김포시 화성시 양주시 포천시 여주시 연천군 가평군 양평군",
    "43": "청주시 충주시 제천시 보은군 옥천군 영동군 증평군 진천군 괴산군 음성군 단양군",
    "44": "천안시 공주시 보령시 아산시 서산시 논산시 계룡시 당진시 금산군 부여군 서천군 청양군 홍성군 예산군 태안군",
    "46": "목포시 여수시 순천시 나주시 광양시 담양군 곡성군 구례군 고흥군 보성군 화순군 장흥군 강진군 해남군 영암군 "
    "무안군 함평군 영광군 장성군 완도군 진도군 신안군",
    "47": "포항시 경주시 김천시 안동시 구미시 영주시 영천시 상주시 문경시 경산시 의성군 청송군 영양군 영덕군 청도군 "
    "고령군 성주군 칠곡군 예천군 봉화군 울진군 울릉군",
    "48": "창원시 진주시 통영시 사천시 김해시 밀양시 거제시 양산시 의령군 함안군 창녕군 남해군 하동군 산청군 함양군 "
    "거창군 합천군",
    "50": "서귀포시",
    "51": "춘천시 원주시 강릉시 동해시 태백시 속초시 삼척시 홍천군 횡성군 영월군 평창군 정선군 철원군 화천군 양구군 "
    "인제군 양양군",
    "52": "전주시 군산시 익산시 정읍시 남원시 김제시 완주군 진안군 무주군 장수군 임실군 순창군 고창군 부안군",
}
SIGUNGU: dict[str, str] = {name: code for code, names in _SIGUNGU_BY_SIDO.items() for name in names.split()}


def sido_for_district(name: str) -> str | None:
    """Return the 시도 code of an unambiguous 시군구 name ('당진시' -> '44'), else None."""
    return SIGUNGU.get(name.strip())
