"""The condition-kind registry is complete: every `Eligibility` condition field has exactly one entry, and every
entry decides, words, labels and filters (SQL) its condition."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import column

from engine.domain import Eligibility, Profile
from engine.matching import evaluate
from engine.matching.kinds import KIND_BY_KEY, KINDS, Columns, compile_checks

AS_OF = dt.date(2026, 10, 15)
NOT_CONDITIONS = {"evidence", "preferences"}
COLUMNS = Columns(**{name: column(name) for name in Columns.__dataclass_fields__})

# One profile that knows everything and one that knows nothing, so each kind is worded met/unmet and unknown.
FULL = Profile(
    status="operating",
    region="11",
    industry="C",
    founded_on=dt.date(2022, 3, 1),
    employees=3,
    annual_revenue_krw=500_000_000,
    representative_age=35,
    traits=["woman_owned"],
)
BARE = Profile(status="operating", region="26")


def test_every_eligibility_field_has_exactly_one_kind() -> None:
    fields = set(Eligibility.model_fields) - NOT_CONDITIONS
    keys = [kind.key for kind in KINDS]
    assert len(keys) == len(set(keys))
    assert set(keys) == fields


def test_every_kind_decides_words_labels_and_filters_its_sample() -> None:
    for kind in KINDS:
        stated = Eligibility(**{kind.key: kind.sample})
        assert [key for key, _ in compile_checks(stated)] == [kind.key], kind.key
        assert kind.compile(Eligibility()) is None, kind.key
        assert kind.label, kind.key
        assert kind.rule(stated, FULL, "met"), kind.key
        for prof in (FULL, BARE):
            (result,) = evaluate(stated, prof, AS_OF).results
            assert result.reason and result.profile_field, kind.key
        assert kind.sql(Eligibility(), COLUMNS, AS_OF) is None, kind.key
        filtered = kind.sql(stated, COLUMNS, AS_OF) is not None
        kept = kind.keep is not None and kind.keep(stated) is not None
        assert filtered or kept or kind.key in {"unknowable"}, f"{kind.key} has no reverse-matching filter"


def test_kinds_are_looked_up_by_their_field_name() -> None:
    assert KIND_BY_KEY["soho_only"].profile_field == "employees"
    assert all(KIND_BY_KEY[kind.key] is kind for kind in KINDS)


def test_eligibility_stored_before_the_newer_kinds_still_loads_and_round_trips() -> None:
    old = Eligibility.model_validate_json('{"regions": ["11"], "soho_only": true, "evidence": {"regions": "서울"}}')
    assert old.traits_any is None and old.unknowable is None
    assert old.condition_keys() == ["regions", "soho_only"]
    new = Eligibility(traits_any=["innobiz", "메인비즈"], unknowable=["세대주"])
    assert Eligibility.model_validate_json(new.model_dump_json()) == new
