"""`aegis ask`: answer a Korean funding question with the programs it relies on.

The question is routed: deadline / 접수중 questions to the window data, eligibility questions to the
matcher (with the profile when given), everything else to retrieval. The offline answer names the
retrieved programs with one line each; an LLM answer (gateway task `answer`) may replace its text,
but citations are always programs that exist and were in its context.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from engine import matching
from engine.domain import Profile
from engine.matching import Candidate
from engine.recommend import ProgramCatalog, visible_candidates
from engine.text import tokenize_query

Route = Literal["deadline", "eligibility", "retrieval"]
MAX_CITED = 5

_DEADLINE = re.compile(r"마감|접수\s*중|언제까지|기한|신청\s*기간|지금\s*신청|모집\s*중|임박")
_ELIGIBILITY = re.compile(r"자격|대상|받을\s*수|신청할\s*수|해당\s*(?:되|돼|하)|가능할까|가능한가|될까요|되나요|조건")


@dataclass(frozen=True)
class Context:
    """What an answer may rely on: the routed programs, in order, with one line each."""

    route: Route
    programs: tuple[Candidate, ...]
    lines: tuple[str, ...]


# An LLM answerer: (question, context) -> (text, cited ids, provider, model); None = not available.
Answerer = Callable[[str, Context], tuple[str, list[str], str, str | None] | None]


def route_question(question: str) -> Route:
    """Route a question: deadline, eligibility or retrieval."""
    if _DEADLINE.search(question):
        return "deadline"
    if _ELIGIBILITY.search(question):
        return "eligibility"
    return "retrieval"


def build_context(*, catalog: ProgramCatalog, question: str, profile: Profile | None, as_of: dt.date) -> Context:
    """Return the programs a question should be answered from, by its route."""
    current = catalog.get(as_of)
    visible = visible_candidates(current.candidates, as_of)
    by_id = {c.program_id: c for c in visible}
    tokens = tokenize_query(question)
    ranked = [by_id[pid] for pid, _ in current.index.search(tokens, top_k=20, allowed=by_id.keys())]
    kind = route_question(question)
    if kind == "deadline":
        pool = ranked or visible
        dated = [c for c in pool if matching.deadline_of(c.window) is not None]
        chosen = sorted(dated, key=lambda c: matching.deadline_of(c.window) or dt.date.max)[:MAX_CITED]
    elif kind == "eligibility" and profile is not None:
        pool = ranked or visible
        matches = matching.recommend(profile, pool, as_of=as_of, top=MAX_CITED, index=current.index)
        chosen = [m.candidate for m in matches]
    else:
        chosen = ranked[:MAX_CITED]
    lines = tuple(_line(c, as_of, profile) for c in chosen)
    return Context(route=kind, programs=tuple(chosen), lines=lines)


def _line(c: Candidate, as_of: dt.date, profile: Profile | None) -> str:
    status = matching.window_status(c.window, as_of)
    deadline = matching.deadline_of(c.window)
    when = {"always": "상시 접수", "upcoming": "접수 예정"}.get(status, f"마감 {deadline}" if deadline else "접수 중")
    verdict = ""
    if profile is not None:
        outcome = matching.evaluate(c.eligibility, profile, as_of).verdict
        verdict = {"eligible": ", 신청 가능", "unknown": ", 추가 확인 필요", "ineligible": ", 자격 미충족"}[outcome]
    org = f" ({c.organization})" if c.organization else ""
    return f"{c.title}{org} — {when}{verdict}"


def offline_answer(question: str, context: Context) -> str:
    """Return the deterministic answer: what was found, one line per program."""
    if not context.programs:
        return "질문과 관련된 접수 중인 공고를 찾지 못했습니다. 다른 표현으로 질문하거나 사업 정보를 알려 주세요."
    lead = {
        "deadline": "마감이 가까운 순서로 접수 중인 공고입니다.",
        "eligibility": "사업 정보로 자격을 확인한 공고입니다.",
        "retrieval": "질문과 관련된 공고입니다.",
    }[context.route]
    body = "\n".join(f"{i}. {line}" for i, line in enumerate(context.lines, 1))
    return f"{lead}\n{body}"


def ask(
    *,
    catalog: ProgramCatalog,
    question: str,
    profile: Profile | None,
    as_of: dt.date,
    answerer: Answerer | None = None,
) -> dict[str, Any]:
    """Return the contract's ask output: answer, citations (all in the DB), provider and model."""
    context = build_context(catalog=catalog, question=question, profile=profile, as_of=as_of)
    allowed = [c.program_id for c in context.programs]
    if answerer is not None and context.programs:
        answered = answerer(question, context)
        if answered is not None:
            text, cited, provider, model = answered
            kept = [pid for pid in cited if pid in allowed]
            named = [c.program_id for c in context.programs if c.title in text and c.program_id not in kept]
            return {"answer": text, "citations": kept + named, "provider": provider, "model": model}
    return {"answer": offline_answer(question, context), "citations": allowed, "provider": "offline", "model": None}
