"""Use cases over stored programs: recommend for a profile, and free-text search.

Both read de-duplicated candidates (engine/programs.py), call the pure matcher or the BM25 index,
and return plain data in the shapes of shared/contracts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from engine import matching
from engine.domain import Profile
from engine.links import safe_program_link
from engine.matching import Candidate, Match
from engine.snapshot import Catalog, build_catalog, current_stamp, load_snapshot, save_quietly

VISIBLE_STATUSES = frozenset({"open", "always", "upcoming"})

# The explanation seam: takes the matches shown and returns their texts (the LLM gateway's `explain`).
Polisher = Callable[[list[Match], Profile], list[str]]


class ProgramCatalog:
    """The catalogue per process: kept while the programs table's stamp holds, else loaded from the stored
    snapshot, else rebuilt (and stored for the next process). See engine/snapshot.py."""

    def __init__(self, engine: Engine, *, share: bool = True) -> None:
        self._engine = engine
        self._share = share  # store a catalogue this process had to rebuild
        self._cached: Catalog | None = None
        self.loads: Counter[str] = Counter()  # memory | snapshot | rebuilt

    def get(self, as_of: dt.date) -> Catalog:
        """Return the catalogue as of `as_of`, rebuilding it only when the programs changed."""
        with Session(self._engine) as session:
            stamp = current_stamp(session)
            cached = self._cached
            if cached is not None and cached.stamp == stamp and cached.covers(as_of):
                self.loads["memory"] += 1
                return cached
            current = load_snapshot(session, stamp=stamp, as_of=as_of)
            rebuilt = current is None
            if current is None:
                current = build_catalog(session, as_of=as_of, stamp=stamp)
        self.loads["rebuilt" if rebuilt else "snapshot"] += 1
        if rebuilt and self._share:
            save_quietly(self._engine, current)
        self._cached = current
        return current


def recommend(
    *,
    catalog: ProgramCatalog,
    profile: Profile,
    as_of: dt.date,
    top: int = 10,
    include_ineligible: bool = False,
    polish: Polisher | None = None,
) -> dict[str, Any]:
    """Return the contract's recommend output for a profile as of a date."""
    current = catalog.get(as_of)
    matches = matching.recommend(
        profile, current.candidates, as_of=as_of, top=top, include_ineligible=include_ineligible, index=current.index
    )
    texts = polish(matches, profile) if polish is not None and matches else [m.explanation for m in matches]
    results = [match_json(m, text) for m, text in zip(matches, texts, strict=True)]
    return {"as_of": as_of.isoformat(), "results": results, "next_question": matching.next_question(matches)}


def match_json(match: Match, explanation: str) -> dict[str, Any]:
    """Return one recommend result in the contract's shape."""
    c = match.candidate
    deadline = matching.deadline_of(c.window)
    out: dict[str, Any] = {
        "program_id": c.program_id,
        "source_ids": list(c.source_ids),
        "title": c.title,
        "organization": c.organization or "",
        "score": round(match.score, 4),
        "eligibility": match.evaluation.verdict,
        "status": match.status,
        "deadline": deadline.isoformat() if deadline else None,
        "url": safe_program_link(c),  # the source's own or a government domain, else its detail page
        "reasons": list(match.reasons),
        "unmet": list(match.unmet),
        "unknown": list(match.unknown),
        "explanation": explanation,
        "needs": list(c.needs),
    }
    if c.funding is not None:
        out["funding"] = c.funding.model_dump(mode="json", exclude_none=True)
    return out


def search(*, catalog: ProgramCatalog, query: str, as_of: dt.date, top: int = 10) -> dict[str, Any]:
    """Return the contract's search output: open, always-open or upcoming programs ranked by BM25."""
    from engine.text import tokenize_query

    current = catalog.get(as_of)
    visible = {c.program_id: c for c in visible_candidates(current.candidates, as_of)}
    hits = current.index.search(tokenize_query(query), top_k=top, allowed=visible.keys())
    return {
        "query": query,
        "results": [
            {
                "program_id": pid,
                "source_ids": list(visible[pid].source_ids),
                "title": visible[pid].title,
                "score": round(score, 4),
            }
            for pid, score in hits
        ],
    }


def visible_candidates(candidates: Sequence[Candidate], as_of: dt.date) -> list[Candidate]:
    """Return the candidates open, always open or upcoming as of the date."""
    return [c for c in candidates if matching.window_status(c.window, as_of) in VISIBLE_STATUSES]
