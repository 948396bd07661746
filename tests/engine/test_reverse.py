"""Reverse matching in SQL selects exactly the users the pure matcher does not rule out."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlmodel import Session

from db.migrate import upgrade
from db.models import User
from db.session import make_engine
from engine.domain import AgeBound, Bound, Eligibility, Profile
from engine.matching import evaluate
from engine.reverse import matching_user_ids

AS_OF = dt.date(2026, 2, 28)
REGIONS = ["11", "26", "41", "46", "29", "51"]
PROGRAM_REGIONS = [*REGIONS, "42"]  # programs may carry the legacy 강원 code
SECTIONS = ["C", "I", "G", "J", "F", None]
TRAITS = ["woman_owned", "exporter", "re_founder"]
ONBOARDED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _random_user(rng: random.Random, uid: int) -> User:
    pre = rng.random() < 0.2
    return User(
        id=uid,
        status="pre_founder" if pre else "operating",
        region=rng.choice(REGIONS),
        industry=rng.choice(SECTIONS),
        # month-end dates around leap days stress the calendar arithmetic
        founded_on=None
        if pre or rng.random() < 0.15
        else dt.date(2016, 2, 29) + dt.timedelta(days=rng.randrange(3800)),
        employees=None if rng.random() < 0.15 else rng.randrange(0, 60),
        annual_revenue_krw=None if rng.random() < 0.2 else rng.randrange(0, 3_000_000_000, 50_000_000),
        representative_age=None if rng.random() < 0.1 else rng.randrange(19, 75),
        traits=None if rng.random() < 0.3 else rng.sample(TRAITS, rng.randrange(0, 3)),
        onboarded_at=ONBOARDED,
    )


def _random_eligibility(rng: random.Random) -> Eligibility:
    pick = rng.random
    return Eligibility(
        regions=rng.sample(PROGRAM_REGIONS, rng.randrange(0, 3)) if pick() < 0.5 else None,
        status_allowed=[rng.choice(["pre_founder", "operating"])] if pick() < 0.3 else None,
        business_age_max=AgeBound(months=rng.choice([12, 36, 60, 84, 6]), inclusive=pick() < 0.5)
        if pick() < 0.5
        else None,
        business_age_min=AgeBound(months=rng.choice([3, 12, 24]), inclusive=pick() < 0.5) if pick() < 0.3 else None,
        rep_age_min=rng.choice([20, 40]) if pick() < 0.2 else None,
        rep_age_max=rng.choice([39, 34]) if pick() < 0.3 else None,
        employees_max=Bound(n=rng.choice([5, 10, 50]), inclusive=pick() < 0.5) if pick() < 0.3 else None,
        employees_min=Bound(n=10, inclusive=True) if pick() < 0.1 else None,
        revenue_max_krw=Bound(n=1_000_000_000, inclusive=pick() < 0.5) if pick() < 0.3 else None,
        industries_include=["C"] if pick() < 0.2 else None,
        industries_exclude=["I"] if pick() < 0.2 else None,
        traits_required=[rng.choice(TRAITS)] if pick() < 0.2 else None,
        # either-of, sometimes with an alternative no trait states (unknown, never unmet)
        traits_any=rng.sample([*TRAITS, "메인비즈"], rng.randrange(1, 4)) if pick() < 0.3 else None,
        unknowable=["세대주"] if pick() < 0.1 else None,
        soho_only=pick() < 0.4,
    )


def _profile(u: User) -> Profile:
    return Profile(
        status=u.status,
        region=u.region,
        industry=u.industry,
        founded_on=u.founded_on,
        employees=u.employees,
        annual_revenue_krw=u.annual_revenue_krw,
        representative_age=u.representative_age,
        traits=u.traits,
    )


def _check_against_matcher(session: Session, users: list[User], rng: random.Random, rounds: int) -> None:
    for _ in range(rounds):
        eligibility = _random_eligibility(rng)
        as_of = AS_OF + dt.timedelta(days=rng.randrange(-400, 400))
        expected = [u.id for u in users if evaluate(eligibility, _profile(u), as_of).verdict != "ineligible"]
        assert matching_user_ids(session, eligibility=eligibility, as_of=as_of) == expected, eligibility


def test_reverse_match_equals_matcher_on_random_profiles_sqlite(engine) -> None:
    rng = random.Random(7)
    users = [_random_user(rng, i) for i in range(1, 401)]
    with Session(engine) as session:
        session.add_all(users)
        session.commit()
        _check_against_matcher(session, users, rng, rounds=150)


def test_reverse_match_skips_inactive_and_unfinished_users(engine) -> None:
    with Session(engine) as session:
        session.add(User(id=1, status="operating", region="11", onboarded_at=ONBOARDED))
        blocked = dt.datetime.now(dt.UTC)
        session.add(
            User(id=2, status="operating", region="11", onboarded_at=ONBOARDED, state="inactive", blocked_at=blocked)
        )
        session.add(User(id=3, status="operating", region="11"))  # still onboarding
        session.commit()
        assert matching_user_ids(session, eligibility=Eligibility(), as_of=AS_OF) == [1]


@pytest.mark.postgres
def test_reverse_match_equals_matcher_on_postgres(postgres_url: str) -> None:
    upgrade(postgres_url)
    pg = make_engine(postgres_url)
    rng = random.Random(11)
    users = [_random_user(rng, i) for i in range(1, 201)]
    with Session(pg) as session:
        session.add_all(users)
        session.commit()
        _check_against_matcher(session, users, rng, rounds=60)
    pg.dispose()
