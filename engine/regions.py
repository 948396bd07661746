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
