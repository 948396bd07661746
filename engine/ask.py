"""`aegis ask`: answer a Korean funding question with the programs it relies on.

The question is routed: deadline questions to the window data (open programs only, closing first),
eligibility questions to the matcher (with the profile when given), everything else to retrieval.
Aegis renders the answer itself: a lead sentence, then one line per program with its status and, with
a profile, the matcher's verdict. An LLM (gateway task `answer`) may only add a short note on what
each program offers; a note with a link or an eligibility claim is dropped (engine/language.py), so
links and verdicts never come from model prose, and citations are always programs of the context.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from engine import matching
from engine.domain import Profile
from engine.links import plain_title
from engine.matching import Candidate
from engine.recommend import ProgramCatalog, hold_back_catalog, visible_candidates
from engine.text import tokenize_query

Route = Literal["deadline", "eligibility", "retrieval"]
MAX_CITED = 5

_DEADLINE = re.compile(r"마감|접수\s*중|언제까지|기한|신청\s*기간|지금\s*신청|모집\s*중|임박")
_ELIGIBILITY = re.compile(r"자격|대상|받을\s*수|신청할\s*수|해당\s*(?:되|돼|하)|가능할까|가능한가|될까요|되나요|조건")
# Words of a deadline question that say "when", not "what": left out of its topical search.
_DEADLINE_WORDS = frozenset(
    "마감 임박 접수 신청 기간 기한 언제 모집 지원 사업 지원사업 공고".split()
    + "지금 오늘 이번 가깝 빠르 곧 목록 알리 알려 주다".split()
)
VERDICT_TEXT = {"eligible": "신청 가능", "unknown": "추가 확인 필요", "ineligible": "자격 미충족"}


@dataclass(frozen=True)
class Context:
    """What an answer may rely on: the routed programs, in order, with one line each."""

    route: Route
    programs: tuple[Candidate, ...]
    lines: tuple[str, ...]
    profiled: bool = False  # verdicts were checked against a profile


@dataclass(frozen=True)
class ModelNotes:
    """An LLM's contribution to an answer: checked notes by program id, and who wrote them."""

    notes: dict[str, str]
    provider: str
    model: str | None


# An LLM answerer: (question, context) -> notes on the context's programs; None = not available.
Answerer = Callable[[str, Context], ModelNotes | None]


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
    kind = route_question(question)
    if kind == "deadline":
        chosen = _closing_first(current.index, by_id, tokens, as_of)
    else:
        ranked = [by_id[pid] for pid, _ in current.index.search(tokens, top_k=20, allowed=by_id.keys())]
        if kind == "eligibility" and profile is not None:
            pool = ranked or visible
            top = MAX_CITED + current.products  # room for the catalog products held back
            matches = matching.recommend(profile, pool, as_of=as_of, top=top, index=current.index)
            chosen = [m.candidate for m in hold_back_catalog(matches, profile)[:MAX_CITED]]
        else:
            chosen = ranked[:MAX_CITED]
    lines = tuple(_line(c, as_of, profile, kind) for c in chosen)
    return Context(route=kind, programs=tuple(chosen), lines=lines, profiled=profile is not None)


def _closing_first(index: Any, by_id: dict[str, Candidate], tokens: Sequence[str], as_of: dt.date) -> list[Candidate]:
    """Return open programs with a deadline, closing today first: the topical ones when the question names a topic."""
    topical = [t for t in tokens if t not in _DEADLINE_WORDS]
    hits = index.search(topical, top_k=len(by_id), allowed=by_id.keys()) if topical else []
    pool = [by_id[pid] for pid, _ in hits] or list(by_id.values())
    dated = [
        c
        for c in pool
        if matching.window_status(c.window, as_of) == "open" and matching.deadline_of(c.window) is not None
    ]
    dated.sort(key=lambda c: (matching.deadline_of(c.window) or dt.date.max, c.title, c.program_id))
    return dated[:MAX_CITED]


def _when(c: Candidate, as_of: dt.date) -> str:
    status = matching.window_status(c.window, as_of)
    if status == "always":
        return "상시 접수"
    if status == "upcoming":
        return f"접수 예정 ({c.window.start} 시작)" if c.window.start else "접수 예정"
    deadline = matching.deadline_of(c.window)
    if deadline is None:
        return "접수 중"
    days = (deadline - as_of).days
    return f"접수 중, 오늘 마감 ({deadline})" if days == 0 else f"접수 중, 마감 {deadline} (D-{days})"


def _line(c: Candidate, as_of: dt.date, profile: Profile | None, route: Route) -> str:
    title = plain_title(c.title)
    org = c.organization or ""
    named = f"{title} ({org})" if org and org not in title else title  # each organisation named once
    verdict = ""
    if profile is not None:
        verdict = ", " + VERDICT_TEXT[matching.evaluate(c.eligibility, profile, as_of).verdict]
    return f"{named} — {_when(c, as_of)}{verdict}"


def lead_sentence(context: Context) -> str:
    """Return the answer's first sentence: what the list is, and whether eligibility was checked."""
    if context.route == "deadline":
        lead = "접수 중인 공고를 마감이 가까운 순서로 모았습니다."
    elif context.route == "eligibility" and context.profiled:
        lead = "사업 정보로 자격을 확인한 공고입니다."
    else:
        lead = "질문과 관련된 공고입니다."
    if not context.profiled and context.route == "eligibility":
        lead += " 사업 정보가 없어 자격은 확인하지 않았습니다. 사업 정보를 알려 주시면 공고별로 확인해 드립니다."
    return lead


def render_answer(context: Context, notes: dict[str, str] | None = None) -> str:
    """Return the answer text: the lead, then one line per program (with the model's note, when checked)."""
    if not context.programs:
        if context.route == "deadline":
            return "지금 접수 중이면서 마감일이 정해진 공고를 찾지 못했습니다."
        return "질문과 관련된 접수 중인 공고를 찾지 못했습니다. 다른 표현으로 질문하거나 사업 정보를 알려 주세요."
    rows = []
    for i, (c, line) in enumerate(zip(context.programs, context.lines, strict=True), 1):
        note = (notes or {}).get(c.program_id)
        rows.append(f"{i}. {line}" + (f"\n   {note}" if note else ""))
    return lead_sentence(context) + "\n" + "\n".join(rows)


def offline_answer(question: str, context: Context) -> str:
    """Return the deterministic answer: what was found, one line per program."""
    return render_answer(context)


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
    cited = [c.program_id for c in context.programs]  # every program the answer names, and only those
    if answerer is not None and context.programs:
        written = answerer(question, context)
        if written is not None and written.notes:
            notes = {pid: note for pid, note in written.notes.items() if pid in cited}
            if notes:
                text = render_answer(context, notes)
                return {"answer": text, "citations": cited, "provider": written.provider, "model": written.model}
    return {"answer": offline_answer(question, context), "citations": cited, "provider": "offline", "model": None}
