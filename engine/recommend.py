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
from engine.catalog import CATALOG_SOURCE, is_stale
from engine.domain import Profile
from engine.links import safe_program_link
from engine.matching import Candidate, Match
from engine.snapshot import Catalog, build_catalog, current_stamp, load_snapshot, save_quietly

VISIBLE_STATUSES = frozenset({"open", "always", "upcoming"})
CATALOG_WINDOW = 10  # the places a person reads
CATALOG_CAP = 3  # catalog products among them, unless financing is all the profile asks for
FINANCING_NEEDS = frozenset({"working_capital", "facility", "guarantee"})

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
    spare = current.products  # room for the catalog products held back
    matches = matching.recommend(
        profile,
        current.candidates,
        as_of=as_of,
        top=top + spare,
        include_ineligible=include_ineligible,
        index=current.index,
    )
    matches = hold_back_catalog(matches, profile)[:top]
    texts = polish(matches, profile) if polish is not None and matches else [m.explanation for m in matches]
    results = [match_json(m, text) for m, text in zip(matches, texts, strict=True)]
    return {"as_of": as_of.isoformat(), "results": results, "next_question": matching.next_question(matches)}


def is_catalog(candidate: Candidate) -> bool:
    """Return whether the candidate is a financial-catalog product (not a notice)."""
    return candidate.program_id.partition(":")[0] == CATALOG_SOURCE


def _fits(candidate: Candidate, profile: Profile) -> bool:
    """A product fits when the profile states its main purpose (its first need) or is the industry it names."""
    needs = candidate.needs
    if needs and needs[0] in profile.needs:
        return True
    industries = candidate.eligibility.industries_include
    return bool(industries and profile.industry and profile.industry in industries)


def hold_back_catalog(matches: list[Match], profile: Profile) -> list[Match]:
    """Return the matches with catalog products kept out of the first CATALOG_WINDOW places unless they fit,
    and at most CATALOG_CAP of them there unless financing is the only need the profile states.

    Products are always-open and state few conditions, so they would otherwise crowd out the notices.
    """
    uncapped = bool(profile.needs) and set(profile.needs) <= FINANCING_NEEDS
    head: list[Match] = []
    shown = 0
    for m in matches:
        if len(head) == CATALOG_WINDOW:
            break
        if is_catalog(m.candidate):
            if not _fits(m.candidate, profile) or (not uncapped and shown >= CATALOG_CAP):
                continue
            shown += 1
        head.append(m)
    kept = {id(m) for m in head}
    return head + [m for m in matches if id(m) not in kept]


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
        if is_catalog(c) and match.as_of is not None:
            out["stale"] = is_stale(c.funding.as_of, match.as_of)  # terms older than the catalog's limit
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
