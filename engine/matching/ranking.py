"""Recommendation: filter by window and verdict, then rank by tier and relevance (formula below).

score = tier + 0.50·shares_need + 0.10·need_coverage + 0.05·category_hint + 0.10·bm25 + 0.05·urgency
        + 0.05·funding + 0.05·local + 0.05·targeted
(tier 2 eligible, 1 unknown, 0 ineligible; every term in [0, 1] and the extras sum to 0.45, so a shared
need always outranks none). `local`: the program is for the profile's own 시도; `targeted`: how many
conditions it states (a program written for businesses like this one beats one that states none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from engine.domain import Profile, Verdict, WindowStatus
from engine.matching.conditions import verdict_of_checks
from engine.matching.explain import explain
from engine.matching.labels import need_name
from engine.matching.model import Candidate, Match
from engine.matching.verdicts import evaluate
from engine.matching.window import window_status
from engine.search import SearchIndex

TIER: dict[Verdict, float] = {"eligible": 2.0, "unknown": 1.0, "ineligible": 0.0}
W_SHARES_NEED = 0.50  # the dev set's relevance 2 is exactly "shares a need": it must dominate
W_COVERAGE = 0.10  # share of the profile's needs the program pays for
W_HINT = 0.05  # the program's category / support types name a profile need
W_BM25 = 0.10  # BM25 of the profile's description (common words dropped), divided by the best in this output
W_URGENCY = 0.05  # open with a near deadline up, upcoming down, always neutral
W_FUNDING = 0.05  # the source states funding terms (an amount, for money needs)
W_LOCAL = 0.05  # a program for the profile's own 시도 (fewer applicants, written for the area)
W_TARGETED = 0.05  # scaled by the conditions it states, up to TARGETED_CAP
TARGETED_CAP = 3
# Words every funding request and notice shares: they say nothing about which program fits.
DESCRIPTION_STOPWORDS = frozenset(
    "필요 자금 지원 사업 운영 업체 기업 신청 가능 경우 대상 관련 예정 정도 하다 있다 되다 위하다 받다 싶다".split()
)
URGENT_DAYS = 30
MONEY_NEEDS = frozenset({"working_capital", "facility", "guarantee", "startup"})

# Words of 기업마당 분야 / K-Startup 분류 and support types that point at each need.
NEED_HINTS: dict[str, tuple[str, ...]] = {
    "working_capital": ("금융", "융자", "운전자금", "경영안정", "정책자금"),
    "facility": ("시설", "공간", "설비"),
    "startup": ("창업", "사업화", "보육"),
    "rnd": ("기술", "r&d", "연구", "개발"),
    "export": ("수출", "해외", "글로벌"),
    "marketing": ("내수", "판로", "마케팅", "홍보"),
    "hiring": ("인력", "고용", "채용"),
    "guarantee": ("보증",),
    "education": ("교육", "컨설팅", "멘토링"),
    "smart_store": ("스마트", "디지털"),
}


@lru_cache(maxsize=4096)
def _hinted_needs(category: str | None, support_types: tuple[str, ...]) -> frozenset[str]:
    text = " ".join((category or "", *support_types)).lower()
    return frozenset(need for need, words in NEED_HINTS.items() if any(w in text for w in words))


def _urgency(candidate: Candidate, status: WindowStatus, as_of: dt.date) -> float:
    """Return 0.5 neutral, up to 1 for an open program closing soon, 0.25 for an upcoming one."""
    if status == "upcoming":
        return 0.25
    end = candidate.window.end if status == "open" else None
    if end is None:
        return 0.5
    return 0.5 + 0.5 * max(0.0, 1.0 - (end - as_of).days / URGENT_DAYS)


def _funding_fit(candidate: Candidate, needs: frozenset[str]) -> float:
    funding = candidate.funding
    if funding is None:
        return 0.0
    if funding.max_amount_krw and (not needs or needs & MONEY_NEEDS):
        return 1.0
    return 0.5


def _signals(match: Match, description_terms: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """Return the description terms found in the program and the relevance reasons."""
    reasons: list[str] = []
    if match.matched_needs:
        reasons.append(f"관심 분야 일치: {', '.join(need_name(n) for n in match.matched_needs)}")
    terms: tuple[str, ...] = ()
    if description_terms:
        tokens = set(match.candidate.tokens)
        terms = tuple(t for t in description_terms if t in tokens)[:5]
        if terms:
            reasons.append(f"설명과 관련된 내용: {', '.join(terms)}")
    as_of = match.as_of
    end = match.candidate.window.end
    if as_of is not None and match.status == "open" and end is not None and (end - as_of).days <= 7:
        left = (end - as_of).days
        reasons.append("마감 임박: 오늘 마감" if left == 0 else f"마감 임박: {left}일 남음")
    return terms, reasons


def recommend(
    profile: Profile,
    candidates: Sequence[Candidate],
    *,
    as_of: dt.date,
    top: int = 10,
    include_ineligible: bool = False,
    index: SearchIndex | None = None,
) -> list[Match]:
    """Return the best `top` programs for `profile` on `as_of`: never closed, ineligible only if asked."""
    if top <= 0:
        return []
    needs: frozenset[str] = frozenset(profile.needs)
    terms = index.terms_in(profile.description) if index is not None and profile.description else []
    if index is not None:
        terms = [t for t in terms if t not in index.common_terms and t not in DESCRIPTION_STOPWORDS]
    bm25 = index.score_all(terms) if index is not None and terms else {}
    rows: list[tuple[float, dt.date, str, Candidate, WindowStatus, tuple[str, ...]]] = []
    for cand in candidates:
        status = window_status(cand.window, as_of)
        if status == "closed":
            continue
        verdict = verdict_of_checks(cand.checks, profile, as_of)
        if verdict == "ineligible" and not include_ineligible:
            continue
        score = TIER[verdict] + (W_URGENCY * 0.5 if status == "always" else W_URGENCY * _urgency(cand, status, as_of))
        shared = tuple(n for n in cand.needs if n in needs) if needs else ()
        if shared:
            score += W_SHARES_NEED + W_COVERAGE * len(shared) / len(needs)
        if needs and needs & _hinted_needs(cand.category, cand.support_types):
            score += W_HINT
        if cand.funding is not None:
            score += W_FUNDING * _funding_fit(cand, needs)
        regions = cand.eligibility.regions
        if regions and profile.region in regions:
            score += W_LOCAL
        score += W_TARGETED * min(cand.condition_count, TARGETED_CAP) / TARGETED_CAP
        rows.append((-score, cand.window.end or dt.date.max, cand.program_id, cand, status, shared))
    best_bm25 = max((bm25.get(row[2], 0.0) for row in rows), default=0.0) if bm25 else 0.0
    if best_bm25 > 0:  # normalised within this output, so the best description match gets the full weight
        rows = [
            (neg - W_BM25 * bm25.get(pid, 0.0) / best_bm25, end, pid, cand, status, shared)
            for neg, end, pid, cand, status, shared in rows
        ]
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    out: list[Match] = []
    for neg_score, _, _, cand, status, shared in rows[:top]:
        evaluation = evaluate(cand.eligibility, profile, as_of)
        match = Match(
            candidate=cand,
            evaluation=evaluation,
            status=status,
            score=round(-neg_score, 4),
            reasons=(),
            unmet=tuple(evaluation.unmet),
            unknown=tuple(evaluation.unknown),
            explanation="",
            as_of=as_of,
            matched_needs=shared,
        )
        matched_terms, signals = _signals(match, terms)
        match = replace(match, reasons=(*evaluation.met, *signals), matched_terms=matched_terms)
        out.append(replace(match, explanation=explain(match)))
    return out
