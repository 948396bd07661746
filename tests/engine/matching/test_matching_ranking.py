"""Recommendation: window and verdict filters, tier order, relevance order, reasons and scores."""

from __future__ import annotations

import datetime as dt
import pickle
import random
from typing import Any

from engine.domain import AgeBound, Bound, Eligibility, Funding, Profile, Window
from engine.matching import Candidate, recommend
from engine.search import SearchIndex

AS_OF = dt.date(2026, 10, 15)
OPEN = Window(kind="dated", start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31))
ALWAYS = Window(kind="always")


def cand(pid: str, *, window: Window = ALWAYS, needs: tuple[str, ...] = (), **kw: Any) -> Candidate:
    fields: dict[str, Any] = {
        "program_id": pid,
        "source_ids": (pid,),
        "title": f"사업 {pid}",
        "organization": None,
        "url": None,
        "window": window,
        "eligibility": Eligibility(),
        "needs": needs,
        "category": None,
        "support_types": (),
        "tokens": (),
    }
    return Candidate(**(fields | kw))


def profile(**fields: Any) -> Profile:
    base: dict[str, Any] = {"status": "operating", "region": "서울", "needs": ["working_capital"]}
    return Profile(**(base | fields))


def ids(matches: list[Any]) -> list[str]:
    return [m.candidate.program_id for m in matches]


def test_closed_programs_are_never_listed() -> None:
    candidates = [
        cand("past", window=Window(kind="dated", start=dt.date(2026, 9, 1), end=dt.date(2026, 10, 14))),
        cand("tbd", window=Window(kind="unknown", raw="추후 공지")),
        cand("far", window=Window(kind="dated", start=dt.date(2026, 11, 15))),
        cand("soon", window=Window(kind="dated", start=dt.date(2026, 11, 14))),
        cand("today", window=Window(kind="dated", end=AS_OF)),
    ]
    matches = recommend(profile(), candidates, as_of=AS_OF, include_ineligible=True)
    assert sorted(ids(matches)) == ["soon", "today"]
    assert {m.candidate.program_id: m.status for m in matches} == {"soon": "upcoming", "today": "open"}


def test_ineligible_programs_are_listed_only_when_asked_and_last() -> None:
    busan = cand("busan", eligibility=Eligibility(regions=["26"]), needs=("working_capital",))
    plain = cand("plain")
    assert ids(recommend(profile(), [busan, plain], as_of=AS_OF)) == ["plain"]
    matches = recommend(profile(), [busan, plain], as_of=AS_OF, include_ineligible=True)
    assert ids(matches) == ["plain", "busan"]
    assert matches[1].unmet and matches[1].evaluation.verdict == "ineligible"


def test_eligible_ranks_above_unknown_even_when_the_unknown_shares_a_need() -> None:
    unknown = cand("unknown", eligibility=Eligibility(soho_only=True), needs=("working_capital",))
    eligible = cand("eligible")
    matches = recommend(profile(), [unknown, eligible], as_of=AS_OF)
    assert ids(matches) == ["eligible", "unknown"]
    assert matches[0].score > matches[1].score
    assert matches[1].unknown == (
        "소상공인(상시근로자 5인 미만 사업자) 여부를 판단하려면 상시근로자 수를 알려 주세요.",
    )


def test_a_shared_need_outranks_every_other_signal() -> None:
    shared = cand("shared", needs=("working_capital",), window=Window(kind="dated", start=dt.date(2026, 11, 1)))
    other = cand(
        "other",
        needs=("export",),
        window=Window(kind="dated", end=dt.date(2026, 10, 16)),
        category="금융",
        support_types=("융자",),
        funding=Funding(max_amount_krw=10**8),
        tokens=("카페", "자금"),
    )
    index = SearchIndex.build([("shared", ()), ("other", ("카페", "자금"))])
    prof = profile(description="카페 운영 자금이 필요합니다")
    assert ids(recommend(prof, [other, shared], as_of=AS_OF, index=index)) == ["shared", "other"]


def test_more_covered_needs_rank_higher() -> None:
    one = cand("one", needs=("working_capital",))
    two = cand("two", needs=("working_capital", "facility"))
    prof = profile(needs=["working_capital", "facility"])
    assert ids(recommend(prof, [one, two], as_of=AS_OF)) == ["two", "one"]


def test_category_hint_and_bm25_break_ties() -> None:
    plain = cand("plain")
    hinted = cand("hinted", category="금융")
    assert ids(recommend(profile(), [plain, hinted], as_of=AS_OF)) == ["hinted", "plain"]
    about_cafe = cand("cafe", tokens=("카페", "리모델링"))
    index = SearchIndex.build([("plain", ("수출",)), ("cafe", ("카페", "리모델링"))])
    matches = recommend(profile(description="카페 리모델링"), [plain, about_cafe], as_of=AS_OF, index=index)
    assert ids(matches) == ["cafe", "plain"]
    assert "설명과 관련된 내용: 카페, 리모델링" in matches[0].reasons


def test_open_with_near_deadline_ranks_above_always_above_upcoming() -> None:
    near = cand("near", window=Window(kind="dated", end=dt.date(2026, 10, 18)))
    always = cand("always")
    upcoming = cand("upcoming", window=Window(kind="dated", start=dt.date(2026, 10, 20)))
    matches = recommend(profile(), [upcoming, always, near], as_of=AS_OF)
    assert ids(matches) == ["near", "always", "upcoming"]
    assert "마감 임박: 3일 남음" in matches[0].reasons


def test_reasons_hold_met_conditions_then_relevance_signals() -> None:
    seoul = cand("seoul", eligibility=Eligibility(regions=["11"]), needs=("working_capital", "facility"))
    match = recommend(profile(), [seoul], as_of=AS_OF)[0]
    assert match.reasons == ("지역 요건 충족: 서울특별시", "관심 분야 일치: 운전자금")
    assert match.matched_needs == ("working_capital",)
    assert match.as_of == AS_OF and match.explanation


def test_top_limits_the_output_and_order_is_deterministic() -> None:
    candidates = [cand(f"p{i:02d}", needs=("working_capital",)) for i in range(30)]
    first = recommend(profile(), candidates, as_of=AS_OF, top=5)
    assert len(first) == 5
    assert ids(first) == ids(recommend(profile(), list(reversed(candidates)), as_of=AS_OF, top=5))
    assert recommend(profile(), candidates, as_of=AS_OF, top=0) == []
    assert recommend(profile(), [], as_of=AS_OF) == []


def test_scores_are_comparable_tiers() -> None:
    eligible = cand("e")
    unknown = cand("u", eligibility=Eligibility(rep_age_max=39), needs=("working_capital",))
    ineligible = cand("i", eligibility=Eligibility(regions=["26"]), needs=("working_capital",))
    scores = {
        m.candidate.program_id: m.score
        for m in recommend(profile(), [eligible, unknown, ineligible], as_of=AS_OF, include_ineligible=True)
    }
    assert 2 <= scores["e"] < 3 and 1 <= scores["u"] < 2 and 0 <= scores["i"] < 1


def synthetic_candidates(n: int, seed: int = 7) -> list[Candidate]:
    rng = random.Random(seed)
    needs = ["working_capital", "facility", "startup", "rnd", "export", "marketing", "hiring", "guarantee"]
    words = [f"단어{i}" for i in range(3000)]
    out = []
    for i in range(n):
        start = AS_OF + dt.timedelta(days=rng.randint(-60, 40))
        window = rng.choice(
            [ALWAYS, Window(kind="dated", start=start, end=start + dt.timedelta(days=rng.randint(5, 90)))]
        )
        eligibility = Eligibility(
            regions=rng.choice([None, ["11"], ["41", "11"], ["26"]]),
            status_allowed=rng.choice([None, ["operating"]]),
            business_age_max=rng.choice([None, AgeBound(months=84, inclusive=False)]),
            rep_age_max=rng.choice([None, 39]),
            employees_max=rng.choice([None, Bound(n=50, inclusive=False)]),
            traits_required=rng.choice([None, None, ["woman_owned"]]),
            soho_only=rng.random() < 0.4,
            evidence={"soho_only": "소상공인확인서 보유 소상공인"},
        )
        out.append(
            cand(
                f"s:{i}",
                window=window,
                eligibility=eligibility,
                needs=tuple(rng.sample(needs, 2)),
                category=rng.choice(["금융", "창업", "기술", None]),
                tokens=tuple(rng.sample(words, 40)),
            )
        )
    return out


def test_recommend_over_5000_candidates_returns_the_top_ten() -> None:
    # Its speed is measured by bench/bench_recommend.py, not asserted here.
    candidates = synthetic_candidates(5000)
    index = SearchIndex.build([(c.program_id, c.tokens) for c in candidates])
    prof = profile(
        founded_on=dt.date(2021, 3, 15),
        employees=3,
        industry="I",
        representative_age=35,
        description="단어1 단어2 자금",
    )
    matches = recommend(prof, candidates, as_of=AS_OF, index=index)
    assert len(matches) == 10
    assert len({m.candidate.program_id for m in matches}) == 10
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_candidates_pickle_after_their_checks_were_compiled() -> None:
    seoul = cand("seoul", eligibility=Eligibility(regions=["11"]))
    assert recommend(profile(), [seoul], as_of=AS_OF)
    copy = pickle.loads(pickle.dumps(seoul))
    assert copy == seoul
    assert ids(recommend(profile(region="부산"), [copy], as_of=AS_OF)) == []


def test_program_for_the_profiles_own_region_ranks_above_a_nationwide_one() -> None:
    local = cand("local", needs=("working_capital",), eligibility=Eligibility(regions=["11"]))
    nationwide = cand("all", needs=("working_capital",))
    assert ids(recommend(profile(), [nationwide, local], as_of=AS_OF)) == ["local", "all"]


def test_program_stating_conditions_the_profile_meets_ranks_above_one_stating_none() -> None:
    targeted = cand("targeted", needs=("working_capital",), eligibility=Eligibility(status_allowed=["operating"]))
    generic = cand("generic", needs=("working_capital",))
    assert ids(recommend(profile(), [generic, targeted], as_of=AS_OF)) == ["targeted", "generic"]


def test_common_words_of_a_description_do_not_decide_the_order() -> None:
    docs = [
        cand(f"d{i}", needs=("working_capital",), tokens=("자금", "필요", "카페" if i == 3 else "제조"))
        for i in range(12)
    ]
    index = SearchIndex.build([(c.program_id, c.tokens) for c in docs])
    out = recommend(profile(description="카페 운영 자금이 필요합니다"), docs, as_of=AS_OF, top=3, index=index)
    assert ids(out)[0] == "d3"
    assert out[0].matched_terms == ("카페",)
