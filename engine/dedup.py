"""De-duplication: the same program posted by several sources (or re-posted) is one group.

Two records are the same program when their application windows agree and their titles, stripped of
tags, years and boilerplate (공고, 모집, 안내 …), are near-identical. Round markers (1차/2차, 4분기)
must agree, so 1차 and 2차 모집 with different windows never merge.
"""

from __future__ import annotations

import re

from engine.domain import Window
from engine.regions import MULTI_TOKENS, region_aliases, sido_codes_for_token

# Source priority for the canonical record of a group: the first listed source wins.
SOURCE_PRIORITY = ("bizinfo", "kstartup", "gov24")
# Curated sources whose records are products, not notices: never grouped with anything.
STANDALONE_SOURCES = frozenset({"catalog"})

_TAG = re.compile(r"\[[^\]]*\]|【[^】]*】")
_YEAR = re.compile(r"(19|20)\d{2}\s*년?")
_ROUND = re.compile(r"(\d+)\s*(차|분기|기|회)")
_BOILERPLATE = re.compile(
    r"공고|모집|안내|신청|접수|계획|추가|참가자|참여기업|참가기업|사업자|지원사업|시행|사전|예고|변경|재공고|및|의|"
    r"·|ㆍ|\(|\)|「|」|『|』|'|\"|-|,|\.|:|\s"
)
SIMILARITY_THRESHOLD = 0.6
_PLACE_NAME = re.compile(
    r"(?<![가-힣])(?:"
    + "|".join(sorted((re.escape(n) for n in [*region_aliases(), *MULTI_TOKENS]), key=len, reverse=True))
    + ")"
)
UNDATED_THRESHOLD = 0.85


def title_core(title: str) -> str:
    """Return the distinctive core of a title: no tags, years, rounds or boilerplate words."""
    text = _TAG.sub(" ", title)
    text = _YEAR.sub(" ", text)
    text = _ROUND.sub(" ", text)
    return _BOILERPLATE.sub("", text)


def rounds(title: str) -> frozenset[str]:
    """Return the round markers of a title (e.g. {'2차', '4분기'})."""
    return frozenset(f"{n}{unit}" for n, unit in _ROUND.findall(_YEAR.sub(" ", title)))


def title_places(title: str) -> frozenset[str]:
    """Return the 시도 codes a title names ('[서울]', '부산광역시', '전남광주', '대구·경북')."""
    codes: set[str] = set()
    for m in _PLACE_NAME.finditer(title):
        codes |= sido_codes_for_token(m.group(0))
    return frozenset(codes)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def title_similarity(a: str, b: str, *, containment: bool = True) -> float:
    """Return the Dice similarity of two titles' cores over character bigrams (0..1).

    With `containment`, one core inside the other counts as identical (a portal adding words).
    """
    core_a, core_b = title_core(a), title_core(b)
    if not core_a or not core_b:
        return 0.0
    if containment and (core_a in core_b or core_b in core_a):
        return 1.0
    # The better of two readings: bigrams across the whole core, and bigrams within each word, so that
    # the same words in another order ('청년 창업자 초기' / '청년 초기창업') still agree.
    return max(_dice(_bigrams(core_a), _bigrams(core_b)), _dice(_word_bigrams(a), _word_bigrams(b)))


def _word_bigrams(title: str) -> set[str]:
    """Return the bigrams inside each word of a title's core (no tags, years, rounds or boilerplate)."""
    text = _ROUND.sub(" ", _YEAR.sub(" ", _TAG.sub(" ", title)))
    grams: set[str] = set()
    for word in re.split(r"[\s·ㆍ,()「」『』'\"\-.:]+", text):
        core = _BOILERPLATE.sub("", word)
        if core:
            grams |= _bigrams(core)
    return grams


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def same_window(a: Window, b: Window) -> bool:
    """Return whether two windows describe the same application period."""
    if a.kind != b.kind:
        return False
    if a.kind == "dated":
        return a.start == b.start and a.end == b.end
    return True


def same_program(title_a: str, window_a: Window, title_b: str, window_b: Window) -> bool:
    """Return whether two records are one program (same window, same rounds, near-identical titles)."""
    if not same_window(window_a, window_b):
        return False
    if rounds(title_a) != rounds(title_b):
        return False
    places_a, places_b = title_places(title_a), title_places(title_b)
    if places_a and places_b and not places_a & places_b:
        return False  # '서울 청년 창업 지원' and '부산 청년 창업 지원' are two programs
    if window_a.kind == "dated":
        return title_similarity(title_a, title_b) >= SIMILARITY_THRESHOLD
    # Undated windows say nothing: the titles alone must match closely, and a short title inside a
    # long one (a fund's name inside one notice about it) is not enough.
    return title_similarity(title_a, title_b, containment=False) >= UNDATED_THRESHOLD


def canonical_key(keys: list[str]) -> str:
    """Return the key that represents a group: by source priority, then the smallest key."""

    def rank(key: str) -> tuple[int, str]:
        source = key.split(":", 1)[0]
        order = SOURCE_PRIORITY.index(source) if source in SOURCE_PRIORITY else len(SOURCE_PRIORITY)
        return order, key

    return min(keys, key=rank)
