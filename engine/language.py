"""LLM-polished language through the gateway, with the deterministic templates as the offline path.

Explanations: the `explain` task rewrites each template explanation; a rewrite that states a number,
date or amount found in neither the program, the profile nor the template is thrown away (and
counted). Answers: the `answer` task writes one note per routed program; notes about programs
outside its context, and notes with a link, an eligibility claim or an unfounded number, are dropped.
Every failure falls back to the template text, never to an error.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from engine.ask import Answerer, Context, ModelNotes
from engine.domain import Profile
from engine.links import URL_LIKE
from engine.matching import Match

if TYPE_CHECKING:
    from engine.gateway import Gateway

log = logging.getLogger(__name__)


def program_text(match: Match) -> str:
    """Return the program facts an explanation may rely on."""
    c = match.candidate
    parts = [c.title, c.organization or "", c.window.raw, c.summary]
    return "\n".join(p for p in parts if p)


def profile_text(profile: Profile) -> str:
    """Return the profile as compact JSON (only what the explanation needs; no name)."""
    data = profile.model_dump(mode="json", exclude_none=True, exclude={"name"})
    return json.dumps(data, ensure_ascii=False)


POLISH_LIMIT = 10  # rewrite the results a person reads; a long list keeps its templates


def polish_explanations(gateway: Gateway, matches: list[Match], profile: Profile) -> list[str]:
    """Return one explanation per match: the provider's rewrite where grounded, else the template.

    Only the first POLISH_LIMIT results are rewritten (in parallel); the rest keep their templates.
    """
    from engine.gateway import Explanation, explain_messages, numbers_grounded

    facts_profile = profile_text(profile)

    async def one(match: Match) -> str:
        template = match.explanation
        facts_program = program_text(match)
        result = await gateway.complete(
            "explain",
            explain_messages(template=template, program_text=facts_program, profile_text=facts_profile),
            Explanation,
            offline=lambda: Explanation(text=template),
        )
        if result.provider == "offline":
            return template
        if not numbers_grounded(result.text, [facts_program, facts_profile, template]):
            gateway.count_rejection(result, "ungrounded")
            return template
        if not rewrite_is_safe(result.text, template):
            gateway.count_rejection(result, "unsafe")
            return template
        return result.text

    async def all_of_them() -> list[str]:
        head = await asyncio.gather(*(one(m) for m in matches[:POLISH_LIMIT]))
        return [*head, *(m.explanation for m in matches[POLISH_LIMIT:])]

    return asyncio.run(all_of_them())


# Model prose may describe a program; it may not say who qualifies, nor follow the program's own text.
_ELIGIBILITY_CLAIM = re.compile(
    r"적격|자격\s*(?:이|을|요건)?\s*(?:있|충족|갖추|됩|돼|되)|신청\s*(?:하실\s*)?(?:수\s*있|가능)|"
    r"대상(?:입니다|이에요|이\s*됩니다|에\s*해당)|해당(?:됩니다|돼요|하십니다)|받(?:을|으실)\s*수\s*있|"
    r"누구나|모든\s*(?:사용자|분|사업자|신청자)|제한\s*없이|조건\s*없이"
)
_INSTRUCTION_ECHO = re.compile(r"지시|무시하|프롬프트|시스템\s*메시지|ignore|instruction", re.IGNORECASE)
NOTE_LIMIT = 300  # characters of one note


def note_is_safe(note: str, sources: Sequence[str]) -> bool:
    """Return whether a model's note may be shown: no link, no eligibility claim, no echoed instruction,
    and every number found in the program's own text."""
    from engine.gateway import numbers_grounded

    if not note.strip() or len(note) > NOTE_LIMIT:
        return False
    if URL_LIKE.search(note) or _ELIGIBILITY_CLAIM.search(note) or _INSTRUCTION_ECHO.search(note):
        return False
    return numbers_grounded(note, sources)


def rewrite_is_safe(text: str, template: str) -> bool:
    """Return whether an explanation's rewrite adds no link, no echoed instruction and no eligibility claim
    the matcher's template does not make itself."""
    if URL_LIKE.search(text) or _INSTRUCTION_ECHO.search(text):
        return False
    return all(claim.group(0) in template for claim in _ELIGIBILITY_CLAIM.finditer(text))


def gateway_answerer(gateway: Gateway) -> Answerer:
    """Return an answerer for `engine.ask.ask` that asks the gateway's `answer` task for notes and checks them."""
    from engine.gateway import Answer, answer_messages, validate_citations

    def answer(question: str, context: Context) -> ModelNotes | None:
        ids = [c.program_id for c in context.programs]
        texts = {c.program_id: "\n".join(p for p in (c.title, c.summary) if p) for c in context.programs}
        programs = [(pid, texts[pid]) for pid in ids]
        result = gateway.complete_sync(
            "answer", answer_messages(question=question, programs=programs), Answer, offline=Answer
        )
        if result.provider == "offline" or not isinstance(result.parsed, Answer):
            return None
        kept, dropped = validate_citations(result.parsed, ids)
        if dropped:
            log.info("answer cited programs outside its context: %s", dropped)
        notes: dict[str, str] = {}
        for item in result.parsed.notes:
            if item.program_id not in kept or item.program_id in notes:
                continue
            if note_is_safe(item.note, [texts[item.program_id]]):
                notes[item.program_id] = item.note.strip()
            else:
                gateway.count_rejection(result, "unsafe_note")
        return ModelNotes(notes=notes, provider=result.provider, model=result.model)

    return answer
