"""The recommendation's value objects: a loaded program (`Candidate`) and one ranked result (`Match`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from engine.domain import Eligibility, Funding, Verdict, Window, WindowStatus
from engine.matching.conditions import Checks
from engine.matching.kinds import compile_checks
from engine.matching.verdicts import Evaluation
from engine.matching.window import deadline_of


@dataclass(frozen=True)
class Candidate:
    """One de-duplicated program as the engine loaded it; `tokens` are Kiwi morphemes stored at ingest."""

    program_id: str
    source_ids: tuple[str, ...]
    title: str
    organization: str | None
    url: str | None
    window: Window
    eligibility: Eligibility
    needs: tuple[str, ...]
    category: str | None
    support_types: tuple[str, ...]
    tokens: tuple[str, ...]
    funding: Funding | None = None
    summary: str = ""

    @cached_property
    def checks(self) -> Checks:
        """Return the compiled eligibility checks (built on first use; the eligibility must not change after)."""
        return compile_checks(self.eligibility)

    @cached_property
    def condition_count(self) -> int:
        """Return how many conditions the program states (cached: ranking reads it for every candidate)."""
        return len(self.eligibility.condition_keys())

    def __getstate__(self) -> dict[str, Any]:
        # The compiled checks are closures: leave them out so candidates pickle (caches, processes).
        return {k: v for k, v in self.__dict__.items() if k != "checks"}


@dataclass(frozen=True)
class Match:
    """One recommended program: verdict, window status, score and the Korean reasons behind them."""

    candidate: Candidate
    evaluation: Evaluation
    status: WindowStatus
    score: float
    reasons: tuple[str, ...]  # met-condition reasons, then relevance signals
    unmet: tuple[str, ...]
    unknown: tuple[str, ...]  # each says what the user could add to decide it
    explanation: str
    as_of: dt.date | None = None  # the evaluation date (for '16일 남음')
    matched_needs: tuple[str, ...] = ()  # profile needs this program pays for
    matched_terms: tuple[str, ...] = ()  # description terms found in the program's text

    @property
    def verdict(self) -> Verdict:
        """Return the eligibility verdict."""
        return self.evaluation.verdict

    @property
    def deadline(self) -> dt.date | None:
        """Return the last day to apply, if stated."""
        return deadline_of(self.candidate.window)
