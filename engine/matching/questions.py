"""The next question to ask: the one profile field that would decide the most undecided verdicts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from engine.matching.kinds.base import UNKNOWABLE_FIELD
from engine.matching.labels import QUESTIONS
from engine.matching.model import Match

# Tie order: the fields users know offhand and that decide the most conditions come first.
FIELD_PRIORITY: tuple[str, ...] = (
    "founded_on",
    "employees",
    "industry",
    "representative_age",
    "annual_revenue_krw",
    "traits",
)


def next_question(matches: Sequence[Match], *, top: int = 10) -> str | None:
    """Return the profile field deciding the most 'unknown' verdicts among the first `top` matches, or None."""
    counts: Counter[str] = Counter()
    for match in matches[:top]:
        if match.evaluation.verdict == "unknown":
            counts.update(match.evaluation.unknown_fields)
    if not counts:
        return None

    def rank(field: str) -> tuple[int, int, str]:
        order = FIELD_PRIORITY.index(field) if field in FIELD_PRIORITY else len(FIELD_PRIORITY)
        return (-counts[field], order, field)

    return min(counts, key=rank)


def question_text(field: str) -> str:
    """Return the Korean question that asks for a profile field (or whether an unknowable requirement holds)."""
    if field.startswith(UNKNOWABLE_FIELD):
        words = field.removeprefix(UNKNOWABLE_FIELD).replace("·", ", ")
        return f"여러 공고가 '{words}' 요건을 둡니다. 해당하시나요? (예/아니오)"
    return QUESTIONS.get(field, f"{field} 값을 알려 주세요.")
