"""Pure recommendation core: window status, verdicts with Korean reasons, ranking, explanations, next question."""

from engine.matching.conditions import Outcome, add_months, months_between
from engine.matching.explain import explain, window_sentence
from engine.matching.kinds import KINDS, ConditionKind, outcomes, verdict_of
from engine.matching.labels import FIELD_NAMES, NEED_NAMES, QUESTIONS, TRAIT_NAMES, format_krw
from engine.matching.model import Candidate, Match
from engine.matching.questions import FIELD_PRIORITY, next_question, question_text
from engine.matching.ranking import recommend
from engine.matching.verdicts import ConditionResult, Evaluation, evaluate
from engine.matching.window import UPCOMING_DAYS, days_left, deadline_of, window_status

__all__ = [
    "FIELD_NAMES",
    "FIELD_PRIORITY",
    "KINDS",
    "NEED_NAMES",
    "QUESTIONS",
    "TRAIT_NAMES",
    "UPCOMING_DAYS",
    "Candidate",
    "ConditionKind",
    "ConditionResult",
    "Evaluation",
    "Match",
    "Outcome",
    "add_months",
    "days_left",
    "deadline_of",
    "evaluate",
    "explain",
    "format_krw",
    "months_between",
    "next_question",
    "outcomes",
    "question_text",
    "recommend",
    "verdict_of",
    "window_sentence",
    "window_status",
]
