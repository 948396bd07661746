"""The conversation, transport-neutral: what Aegis says to a person, whatever the front end.

The bot renders these texts to Telegram and `aegis chat` to the terminal; neither composes replies of
its own. This first turn is stateless: a self-description in, what was understood and the programs to
look at out (nothing is saved).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from engine.collectors import BUILTIN_COLLECTORS
from engine.matching.labels import format_krw, industry_name
from engine.regions import sido_name

if TYPE_CHECKING:
    from engine.app import Aegis


def welcome_text(program_count: int, sources: Sequence[str]) -> str:
    """Return the Korean welcome: what Aegis does and how to begin."""
    return (
        "안녕하세요! 이지스(Aegis)는 소상공인·창업자를 위한 정책자금 추천 도우미예요.\n"
        f"{'·'.join(sources)}의 지원사업 공고를 모아, 사업장에 맞는 공고를 골라 드려요.\n"
        f"지금 {program_count:,}건의 공고를 살펴보고 있어요.\n\n"
        "시작하는 방법:\n"
        "사업장을 한두 문장으로 소개해 주세요. 지역, 업종, 개업 시기(또는 예비창업 여부), 직원 수, 나이를 "
        "넣어 주시면 더 정확해요.\n"
        "예) 강남구에서 4년째 카페를 운영하고 직원은 3명이에요. 저는 34살이에요.\n"
        "이해한 내용과 함께 지금 신청할 만한 공고를 바로 보여 드릴게요."
    )


def source_labels() -> list[str]:
    """Return the Korean names of the sources Aegis collects."""
    return [collector.label for collector in BUILTIN_COLLECTORS]


def draft_reply(fields: dict[str, object], missing: Sequence[str], results: Sequence[dict[str, object]]) -> str:
    """Return the Korean reply to a self-description: what was understood, then the top programs."""
    labels = {
        "status": "사업 상태",
        "region": "지역",
        "district": "시군구",
        "industry": "업종",
        "founded_on": "개업일",
        "employees": "상시근로자",
        "representative_age": "대표자 나이",
        "annual_revenue_krw": "연 매출",
    }
    understood = [f"- {label}: {_shown(key, fields[key])}" for key, label in labels.items() if key in fields]
    lines = ["이렇게 이해했어요:", *(understood or ["- (아직 알아낸 정보가 없어요)"])]
    if missing:
        lines.append(f"더 알려 주시면 정확해져요: {', '.join(labels.get(m, m) for m in missing)}")
    if not results:
        if "region" in missing or "status" in missing:
            lines.append("지역과 사업 상태(운영 중/예비창업)를 알려 주시면 공고를 추천해 드릴게요.")
        else:
            lines.append("지금 조건에 맞는 접수 중 공고를 찾지 못했어요.")
        return "\n".join(lines)
    lines.append("\n지금 살펴볼 만한 공고:")
    for i, r in enumerate(results, 1):
        deadline = r.get("deadline") or ("상시" if r.get("status") == "always" else "미정")
        lines.append(f"{i}. {r['title']} (마감 {deadline})")
        lines.append(f"   {r['explanation']}")
    return "\n".join(lines)


def _shown(key: str, value: object) -> str:
    """Return a profile value the way a person reads it (names, not codes)."""
    if key == "status":
        return {"operating": "운영 중", "pre_founder": "예비창업"}.get(str(value), str(value))
    if key == "region":
        return sido_name(str(value))
    if key == "industry":
        return industry_name(str(value))
    if key == "employees":
        return f"{value}명"
    if key == "representative_age":
        return f"만 {value}세"
    if key == "annual_revenue_krw" and isinstance(value, int):
        return format_krw(value)
    return str(value)


def reply_to_description(core: Aegis, text: str, *, top: int = 3) -> str:
    """Draft a profile from the user's words and recommend for it (nothing is saved)."""
    draft = core.draft_profile(text=text)
    profile = draft.profile()
    results: list[dict[str, object]] = []
    if profile is not None:
        results = core.recommend(profile=profile, as_of=core.today(), top=top)["results"]
    return draft_reply(draft.fields, draft.missing, results)
