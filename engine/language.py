"""LLM-polished language through the gateway, with the deterministic templates as the offline path.

Explanations: the `explain` task rewrites each template explanation; a rewrite that states a number,
date or amount found in neither the program, the profile nor the template is thrown away (and
counted). Answers: the `answer` task over the routed programs; citations outside its context are
dropped. Every failure falls back to the template text, never to an error.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

from engine.ask import Answerer, Context, offline_answer
from engine.domain import Profile
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
        return result.text

    async def all_of_them() -> list[str]:
        head = await asyncio.gather(*(one(m) for m in matches[:POLISH_LIMIT]))
        return [*head, *(m.explanation for m in matches[POLISH_LIMIT:])]

    return asyncio.run(all_of_them())


def gateway_answerer(gateway: Gateway) -> Answerer:
    """Return an answerer for `engine.ask.ask` that uses the gateway's `answer` task."""
    from engine.gateway import Answer, answer_messages, validate_citations

    def answer(question: str, context: Context) -> tuple[str, list[str], str, str | None] | None:
        ids = [c.program_id for c in context.programs]
        programs = [
            (c.program_id, "\n".join(p for p in (line, c.summary) if p))
            for c, line in zip(context.programs, context.lines, strict=True)
        ]
        fallback = Answer(answer=offline_answer(question, context), citations=ids)
        result = gateway.complete_sync(
            "answer", answer_messages(question=question, programs=programs), Answer, offline=lambda: fallback
        )
        if result.provider == "offline" or not isinstance(result.parsed, Answer):
            return None
        kept, dropped = validate_citations(result.parsed, ids)
        if dropped:
            log.info("answer cited programs outside its context: %s", dropped)
        return result.parsed.answer, kept, result.provider, result.model

    return answer
