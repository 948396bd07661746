"""Condition-by-condition verdicts of one program for one profile, with Korean reasons quoting the program.

The outcomes come from the condition-kind registry (`kinds/`); each kind words its own, this module assembles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.domain import Eligibility, Profile, Verdict
from engine.matching.conditions import Outcome, verdict_from
from engine.matching.kinds import KIND_BY_KEY, outcomes
from engine.matching.kinds.base import UNKNOWABLE_FIELD
from engine.matching.labels import FIELD_NAMES, object_particle, topic_particle


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """The outcome of one condition, with a Korean reason quoting the program where it can."""

    key: str
    outcome: Outcome
    reason: str
    profile_field: str | None
    rule: str = ""  # the program's rule in plain words, e.g. '7년 미만', '상시근로자 5인 미만'


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A verdict and the per-condition results it rests on."""

    verdict: Verdict
    results: tuple[ConditionResult, ...]

    @property
    def met(self) -> list[str]:
        """Return the reasons of the met conditions."""
        return [r.reason for r in self.results if r.outcome == "met"]

    @property
    def unmet(self) -> list[str]:
        """Return the reasons of the unmet conditions."""
        return [r.reason for r in self.results if r.outcome == "unmet"]

    @property
    def unknown(self) -> list[str]:
        """Return the reasons of the undecided conditions (each says what to add)."""
        return [r.reason for r in self.results if r.outcome == "unknown"]

    @property
    def unknown_fields(self) -> list[str]:
        """Return the profile fields that would decide the undecided conditions, each once."""
        fields: list[str] = []
        for r in self.results:
            if r.outcome == "unknown" and r.profile_field and r.profile_field not in fields:
                fields.append(r.profile_field)
        return fields


def _reason(key: str, outcome: Outcome, el: Eligibility, p: Profile, as_of: dt.date) -> ConditionResult:
    kind = KIND_BY_KEY[key]
    label, detail, field = kind.wording(el, p, as_of, outcome)
    if outcome == "unknown":
        label = kind.unknown_label or label
        if field.startswith(UNKNOWABLE_FIELD):
            reason = f"{label}{topic_particle(label)} 프로필 정보로 판단할 수 없습니다. 해당하시는지 확인해 주세요."
        else:
            name = FIELD_NAMES.get(field, field)
            reason = f"{label}{object_particle(label)} 판단하려면 {name}{object_particle(name)} 알려 주세요."
    else:
        reason = f"{label} {'충족' if outcome == 'met' else '미충족'}: {detail}"
    evidence = el.evidence.get(key)
    if evidence:
        reason = f"{reason} (공고: '{evidence}')"
    return ConditionResult(key, outcome, reason, field, kind.rule(el, p, outcome))


def evaluate(eligibility: Eligibility, profile: Profile, as_of: dt.date) -> Evaluation:
    """Return the verdict of `eligibility` for `profile` on `as_of`, one worded result per stated condition."""
    decided = outcomes(eligibility, profile, as_of)
    results = tuple(_reason(key, outcome, eligibility, profile, as_of) for key, outcome in decided)
    return Evaluation(verdict_from(decided), results)
