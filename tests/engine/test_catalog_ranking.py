"""Catalog products in recommendations: never crowding the notices, only where they fit, flagged when stale."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.engine import Engine

from engine.app import Aegis
from engine.catalog import bundled_catalog
from engine.domain import Profile
from engine.settings import Settings

AS_OF = dt.date(2026, 11, 26)


def _notice(i: int) -> dict[str, object]:
    return {
        "pblancId": f"PBLN_{i:03d}",
        "pblancNm": f"서울 소상공인 판로·마케팅 지원사업 {i}차",
        "bsnsSumryCn": "<p>서울특별시 소재 소상공인 대상 온라인 판로 마케팅 지원</p>",
        "reqstBeginEndDe": "2026-11-01 ~ 2026-12-31",
        "jrsdInsttNm": "서울특별시",
        "hashtags": "내수,판로",
    }


@pytest.fixture
def core(engine: Engine) -> Aegis:
    aegis = Aegis(settings=Settings(_env_file=None), db=engine)
    aegis.import_payload(source="catalog", payload=bundled_catalog())
    notices = [_notice(i) for i in range(1, 13)]
    aegis.import_payload(source="bizinfo", payload=json.dumps({"jsonArray": notices}, ensure_ascii=False).encode())
    return aegis


def _catalog_ids(out: dict[str, object]) -> list[str]:
    results = out["results"]
    assert isinstance(results, list)
    return [r["program_id"] for r in results if r["program_id"].startswith("catalog:")]


def _cafe(*needs: str) -> Profile:
    return Profile(
        status="operating",
        region="서울",
        industry="I",
        employees=2,
        founded_on=dt.date(2025, 3, 1),
        representative_age=35,
        traits=[],
        needs=list(needs),
    )


def test_a_cafe_sees_at_most_three_products_and_no_technology_guarantee(core: Aegis) -> None:
    out = core.recommend(profile=_cafe("marketing", "working_capital", "guarantee"), as_of=AS_OF)
    shown = _catalog_ids(out)
    assert len(out["results"]) == 10
    assert len(shown) == 3  # more fit (the financing-only case below shows them), three are shown
    assert not any(pid.startswith("catalog:kibo-") for pid in shown)  # 기술보증: no stated need or industry fit


def test_a_profile_asking_only_for_financing_may_see_more_products(core: Aegis) -> None:
    shown = _catalog_ids(core.recommend(profile=_cafe("working_capital", "guarantee"), as_of=AS_OF))
    assert len(shown) > 3
    assert not any(pid.startswith("catalog:kibo-") for pid in shown)


def test_a_product_is_shown_for_the_industry_it_names(core: Aegis) -> None:
    maker = Profile(status="operating", region="서울", industry="C", employees=4, needs=["education"])
    cafe = Profile(status="operating", region="서울", industry="I", employees=4, needs=["education"])
    assert "catalog:semas-sogong-specialized" in _catalog_ids(core.recommend(profile=maker, as_of=AS_OF))
    assert _catalog_ids(core.recommend(profile=cafe, as_of=AS_OF)) == []  # no product is for education


def test_every_catalog_result_says_whether_its_terms_are_stale(core: Aegis) -> None:
    results = core.recommend(profile=_cafe("working_capital", "guarantee"), as_of=AS_OF)["results"]
    stale = {r["program_id"]: r["stale"] for r in results if r["program_id"].startswith("catalog:")}
    assert stale["catalog:semas-general-stability"] is False  # refreshed from the 2026-10-07 notice
    assert True in stale.values()  # the 2025 terms are flagged
    assert all("stale" not in r for r in results if r["program_id"].startswith("bizinfo:"))
