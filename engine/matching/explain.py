"""The offline template explanation of one match: 2–3 short plain-Korean sentences.

`explain` is the seam the LLM gateway wraps: one function, match in, text out.
"""

from __future__ import annotations

import datetime as dt

from engine.matching.kinds import KIND_BY_KEY
from engine.matching.kinds.base import field_name
from engine.matching.labels import FIELD_NAMES, format_krw, need_name, object_particle
from engine.matching.model import Match
from engine.matching.verdicts import ConditionResult


def _label(match: Match, result: ConditionResult) -> str:
    kind = KIND_BY_KEY.get(result.key)
    if kind is None:
        return result.key
    if kind.short_label is not None:
        return kind.short_label(match.candidate.eligibility, result.rule, result.outcome, result.profile_field)
    return kind.label


def _labels(match: Match, outcome: str) -> list[str]:
    labels: list[str] = []
    for result in match.evaluation.results:
        if result.outcome == outcome:
            label = _label(match, result)
            if label not in labels:
                labels.append(label)
    return labels


def _detail(reason: str) -> str:
    """Return the part of an unmet reason after '미충족: ', without the quoted notice."""
    text = reason.split(" (공고:", maxsplit=1)[0]
    return text.split("미충족: ", 1)[-1]


def _verdict_sentences(match: Match) -> list[str]:
    verdict = match.evaluation.verdict
    if verdict == "eligible":
        met = _labels(match, "met")
        if not met:
            first = "공고에 따로 정한 자격 조건이 없어 신청할 수 있는 것으로 보입니다."
        else:
            every = "모두 " if len(met) > 1 else ""
            first = f"{', '.join(met)} 조건을 {every}충족해 신청할 수 있는 것으로 보입니다."
    elif verdict == "unknown":
        unknown = ", ".join(_labels(match, "unknown"))
        fields = ", ".join(field_name(f, FIELD_NAMES) for f in match.evaluation.unknown_fields)
        ask = "아직 판단할 수 없습니다"
        if fields:
            ask = f"{fields}{object_particle(fields)} 알려 주셔야 판단할 수 있습니다"
        first = f"맞지 않는 조건은 없지만 {unknown} 요건은 {ask}."
    else:
        unmet = ", ".join(_labels(match, "unmet"))
        detail = _detail(match.unmet[0]) if match.unmet else ""
        first = f"{unmet} 조건이 맞지 않아 신청하기 어렵습니다" + (f": {detail}." if detail else ".")
    sentences = [first]
    if match.matched_needs and verdict != "ineligible":
        needs = ", ".join(need_name(n) for n in match.matched_needs)
        sentences.append(f"찾으시는 분야({needs})에 맞는 사업입니다.")
    return sentences


def window_sentence(match: Match, as_of: dt.date | None = None) -> str:
    """Return one sentence on when to apply: deadline and days left, start date, or always open."""
    as_of = as_of or match.as_of
    window = match.candidate.window
    if match.status == "always":
        return "상시 접수 중입니다(예산이 소진되면 마감)."
    if match.status == "upcoming" and window.start is not None:
        wait = f"({(window.start - as_of).days}일 후)" if as_of else ""
        until = f", 마감 {window.end.isoformat()}" if window.end else ""
        return f"접수 시작: {window.start.isoformat()}{wait}{until}."
    if match.status == "open":
        if window.end is None:
            return "지금 접수 중이며 마감일은 공고에 나와 있지 않습니다."
        if as_of is None:
            return f"마감: {window.end.isoformat()}."
        left = (window.end - as_of).days
        return (
            f"마감: {window.end.isoformat()}, 오늘 마감입니다." if left == 0 else f"마감: {window.end}, {left}일 남음."
        )
    return "접수가 끝났거나 일정이 아직 공지되지 않았습니다."


def funding_sentence(match: Match) -> str | None:
    """Return one sentence on the stated terms (catalog products): amount, rate, guarantee fee."""
    funding = match.candidate.funding
    if funding is None:
        return None
    parts: list[str] = []
    if funding.max_amount_krw:
        parts.append(f"최대 {format_krw(funding.max_amount_krw)}")
    for label, value in (("금리", funding.interest_rate), ("보증비율", funding.guarantee_rate)):
        if value:
            parts.append(f"{label} {value}")
    if funding.guarantee_fee:
        parts.append(f"보증료 {funding.guarantee_fee}")
    if not parts:
        return None
    as_of = f" ({funding.as_of.isoformat()} 기준)" if funding.as_of else ""
    return f"지원 조건: {', '.join(parts)}{as_of}."


def explain(match: Match, as_of: dt.date | None = None) -> str:
    """Return the template explanation of a match: verdict in words, key reasons, terms, deadline, unknowns."""
    sentences = _verdict_sentences(match)
    if (terms := funding_sentence(match)) is not None:
        sentences.append(terms)
    sentences.append(window_sentence(match, as_of))
    return " ".join(sentences)
