"""Agreement with the labelled development set: every verdict, condition and status; nDCG@5 of the top 10."""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

from engine.domain import AgeBound, Eligibility, Profile, Window
from engine.matching import Candidate, evaluate, recommend, window_status

DEV = Path(os.environ.get("AEGIS_DEV_SET", Path(__file__).resolve().parents[4] / "shared" / "data" / "dev"))
pytestmark = pytest.mark.skipif(not (DEV / "truth.json").exists(), reason="the shared dev set is not present")


def load(name: str) -> Any:
    return json.loads((DEV / name).read_text(encoding="utf-8"))


def candidate(program: dict[str, Any]) -> Candidate:
    conditions = dict(program["conditions"])
    for key in ("business_age_max", "business_age_min"):
        if key in conditions:
            bound = conditions[key]
            conditions[key] = AgeBound(months=12 * bound["years"], inclusive=bound["inclusive"])
    window = program["window"]
    return Candidate(
        program_id=program["ids"][0],
        source_ids=tuple(program["ids"]),
        title=program["title"],
        organization=None,
        url=None,
        window=Window(kind=window["kind"], start=window.get("start"), end=window.get("end")),
        eligibility=Eligibility(**conditions, evidence=program.get("evidence", {})),
        needs=tuple(program["needs"]),
        category=None,
        support_types=(),
        tokens=(),
    )


@functools.cache
def dev() -> tuple[dt.date, list[Candidate], dict[str, Profile], dict[str, Any]]:
    truth = load("truth.json")
    profiles = {
        path.stem: Profile(**json.loads(path.read_text(encoding="utf-8")))
        for path in sorted((DEV / "profiles").glob("*.json"))
    }
    return (
        dt.date.fromisoformat(truth["as_of"]),
        [candidate(p) for p in truth["programs"]],
        profiles,
        load("labels.json"),
    )


def test_every_verdict_condition_and_status_matches_the_labels() -> None:
    as_of, candidates, profiles, labels = dev()
    for name, prof in profiles.items():
        for cand in candidates:
            label = labels["profiles"][name][cand.program_id]
            result = evaluate(cand.eligibility, prof, as_of)
            assert (name, cand.program_id, result.verdict) == (name, cand.program_id, label["verdict"])
            assert {r.key: r.outcome for r in result.results} == label["conditions"]
            assert window_status(cand.window, as_of) == label["status"]


def test_default_top10_has_no_ineligible_or_closed_and_ndcg5_is_high() -> None:
    as_of, candidates, profiles, labels = dev()

    def dcg(gains: list[int]) -> float:
        return sum(g / math.log2(i + 2) for i, g in enumerate(gains))

    scores = []
    for name, prof in profiles.items():
        truth = labels["profiles"][name]
        matches = recommend(prof, candidates, as_of=as_of)
        for match in matches:
            assert truth[match.candidate.program_id]["verdict"] != "ineligible"
            assert truth[match.candidate.program_id]["status"] != "closed"
        ideal = sorted((v["relevance"] for v in truth.values()), reverse=True)[:5]
        if dcg(ideal):
            scores.append(dcg([truth[m.candidate.program_id]["relevance"] for m in matches][:5]) / dcg(ideal))
    assert sum(scores) / len(scores) >= 0.95
