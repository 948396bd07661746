"""De-duplication: the same program posted by several sources (or re-posted) is one group.

Two records are the same program when their application windows agree and their titles, stripped of
tags, years and boilerplate (공고, 모집, 안내 …), are near-identical. Round markers (1차/2차, 4분기)
and other numbers (공고 1/공고 2) must agree; one source's two ids are two programs unless one says it
replaces the other (재공고, 변경 공고). `GroupIndex` finds a record's group without a scan.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from functools import lru_cache

from engine.collectors import BUILTIN_COLLECTORS
from engine.collectors.base import WEB_DEDUP_PRIORITY
from engine.domain import Window
from engine.regions import MULTI_TOKENS, region_aliases, sido_codes_for_token

# Source priority for the canonical record of a group (lowest first), as each collector declares it;
# a declarative web source (not in the registry) ranks as the web collector class says.
SOURCE_PRIORITY: dict[str, int] = {cls.name: cls.dedup_priority for cls in BUILTIN_COLLECTORS}
# Sources whose records are products, not notices: never grouped with anything.
STANDALONE_SOURCES = frozenset(cls.name for cls in BUILTIN_COLLECTORS if cls.standalone)

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
# Dice >= t between sets A and B needs |A ∩ B| >= t / (2 - t) * |A| (since |A ∩ B| <= |B|).
_UNDATED_OVERLAP = UNDATED_THRESHOLD / (2 - UNDATED_THRESHOLD) - 0.01  # a margin against rounding
_NUMBER = re.compile(r"\d+")
_REPLACES = re.compile(
    r"재\s*공고|재\s*공모|(?:변경|정정|수정|연장)\s*공고|공고\s*(?:변경|정정|수정|연장)|"
    r"(?:기존|당초|종전)\s*공고[^\n]{0,30}(?:대체|갈음|취소|변경)"
)
_CACHE = 1 << 16


@lru_cache(maxsize=_CACHE)
def title_core(title: str) -> str:
    """Return the distinctive core of a title: no tags, years, rounds or boilerplate words."""
    text = _TAG.sub(" ", title)
    text = _YEAR.sub(" ", text)
    text = _ROUND.sub(" ", text)
    return _BOILERPLATE.sub("", text)


@lru_cache(maxsize=_CACHE)
def rounds(title: str) -> frozenset[str]:
    """Return the round markers of a title (e.g. {'2차', '4분기'})."""
    return frozenset(f"{n}{unit}" for n, unit in _ROUND.findall(_YEAR.sub(" ", title)))


@lru_cache(maxsize=_CACHE)
def numbers(title: str) -> frozenset[str]:
    """Return the numbers of a title other than years and rounds ('공고 2' -> {'2'})."""
    return frozenset(_NUMBER.findall(_ROUND.sub(" ", _YEAR.sub(" ", _TAG.sub(" ", title)))))


def replaces_earlier(text: str) -> bool:
    """Return whether a notice says it replaces an earlier one (재공고, 변경·정정·연장 공고)."""
    return _REPLACES.search(text) is not None


@lru_cache(maxsize=_CACHE)
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
    return max(_dice(_core_bigrams(a), _core_bigrams(b)), _dice(_word_bigrams(a), _word_bigrams(b)))


@lru_cache(maxsize=_CACHE)
def _core_bigrams(title: str) -> frozenset[str]:
    core = title_core(title)
    return frozenset(_bigrams(core)) if core else frozenset()


@lru_cache(maxsize=_CACHE)
def _word_bigrams(title: str) -> frozenset[str]:
    """Return the bigrams inside each word of a title's core (no tags, years, rounds or boilerplate)."""
    text = _ROUND.sub(" ", _YEAR.sub(" ", _TAG.sub(" ", title)))
    grams: set[str] = set()
    for word in re.split(r"[\s·ㆍ,()「」『』'\"\-.:]+", text):
        core = _BOILERPLATE.sub("", word)
        if core:
            grams |= _bigrams(core)
    return frozenset(grams)


def _dice(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
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
    numbers_a, numbers_b = numbers(title_a), numbers(title_b)
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return False  # '창업 지원 공고 1' and '창업 지원 공고 2' are two programs
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
        return SOURCE_PRIORITY.get(source, WEB_DEDUP_PRIORITY), key

    return min(keys, key=rank)


WindowKey = tuple[str, dt.date | None, dt.date | None]
StoredTitle = tuple[str, str, WindowKey, str]  # key, title, window, group id


class GroupIndex:
    """Stored titles by window, built once per import, to find the duplicate group of a record.

    Dated records meet only their exact window. Undated ones (상시, unknown) meet only titles sharing a
    bigram in the prefix a near-identical title must share (prefix filtering), so a record is compared
    with its few look-alikes, never with every undated program: ingest stays linear.
    """

    def __init__(self, stored: Iterable[StoredTitle]) -> None:
        self._dated: dict[WindowKey, dict[str, None]] = {}
        self._postings: dict[tuple[str, str], set[str]] = {}  # (window kind, bigram) -> keys
        self._entries: dict[str, tuple[str, WindowKey, str, int]] = {}  # key -> title, window, group, order
        self._order = 0
        for key, title, window, group_id in stored:
            self._put(key, title, window, group_id)

    def assign(self, *, key: str, title: str, window: Window, text: str = "") -> str:
        """Return the group of a record (an earlier look-alike's, or its own key) and remember the record.

        `text` is the record's own text: a notice saying it replaces an earlier one may join a record of
        its own source.
        """
        source = key.split(":", 1)[0]
        if source in STANDALONE_SOURCES:
            return key
        wkey = window_key(window)
        group = key
        says_replaces = replaces_earlier(f"{title}\n{text[:2000]}")
        for other in self._candidates(key, title, wkey):
            other_title, other_window, group_id, _ = self._entries[other]
            if other.split(":", 1)[0] == source and not (says_replaces or replaces_earlier(other_title)):
                continue  # one source's two ids are two programs unless one replaces the other
            if same_program(title, window, other_title, _window(other_window)):
                group = group_id
                break
        self._put(key, title, wkey, group)
        return group

    def _candidates(self, key: str, title: str, window: WindowKey) -> list[str]:
        if window[0] == "dated":
            found: Iterable[str] = self._dated.get(window, {})
        else:
            found = set().union(*(self._postings.get((window[0], g), ()) for g in _prefixes(title)))
        return sorted((k for k in found if k != key), key=lambda k: self._entries[k][3])

    def _put(self, key: str, title: str, window: WindowKey, group_id: str) -> None:
        self._drop(key)
        self._order += 1
        self._entries[key] = (title, window, group_id, self._order)
        if window[0] == "dated":
            self._dated.setdefault(window, {})[key] = None
        else:
            for gram in _prefixes(title):
                self._postings.setdefault((window[0], gram), set()).add(key)

    def _drop(self, key: str) -> None:
        previous = self._entries.pop(key, None)
        if previous is None:
            return
        title, window, _, _ = previous
        if window[0] == "dated":
            self._dated.get(window, {}).pop(key, None)
        else:
            for gram in _prefixes(title):
                self._postings.get((window[0], gram), set()).discard(key)


def window_key(window: Window) -> WindowKey:
    """Return the index key of a window: its dates when dated, its kind alone otherwise."""
    return (window.kind, window.start, window.end) if window.kind == "dated" else (window.kind, None, None)


def _window(key: WindowKey) -> Window:
    return Window(kind=key[0], start=key[1], end=key[2])


@lru_cache(maxsize=_CACHE)
def _prefixes(title: str) -> frozenset[str]:
    """Return the bigrams a near-identical title must share with this one, in either reading of the title."""
    out: set[str] = set()
    for grams in (_core_bigrams(title), _word_bigrams(title)):
        ordered = sorted(grams)
        need = max(1, math.ceil(_UNDATED_OVERLAP * len(ordered)))
        out.update(ordered[: len(ordered) - need + 1])
    return frozenset(out)
