"""보조금24: business-service filter, region from 소관기관명, JA codes into eligibility, live paging, faults."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest

from engine.collectors.gov24 import Gov24Collector, organization_region, structured_eligibility
from engine.errors import SourceAuthError, SourceUnavailable

KST = dt.timezone(dt.timedelta(hours=9))
KEPT = ["457000000213", "149200000049", "142100000174"]


@pytest.fixture
def collector() -> Gov24Collector:
    return Gov24Collector()


def records(batch):
    return {r.external_id: r for r in batch.records}


@pytest.mark.parametrize("with_conditions", [False, True])
@pytest.mark.parametrize("name", ["serviceList.json", "serviceDetail.json"])
def test_gov24_every_recorded_payload_parses_with_nothing_rejected(collector, payload, name, with_conditions) -> None:
    conditions = payload("gov24", "supportConditions.json") if with_conditions else None
    batch = collector.parse(payload("gov24", name), conditions=conditions)
    assert batch.records and batch.rejected == []


def test_gov24_supportconditions_given_as_the_file_imports_nothing(collector, payload) -> None:
    batch = collector.parse(payload("gov24", "supportConditions.json"))
    assert batch.received == 0 and not batch.complete


def test_gov24_keeps_business_services_including_individual_or_soho(collector, payload) -> None:
    batch = collector.parse(payload("gov24", "serviceList.json"))
    assert [r.external_id for r in batch.records] == KEPT  # 개인||소상공인 is kept, 개인 and 개인||가구 are not
    assert not batch.complete  # 6 of 10,979 services


def test_gov24_record_fields(collector, payload) -> None:
    found = records(collector.parse(payload("gov24", "serviceList.json")))["457000000213"]
    assert found.title == "소상공인 경영안정자금 이차보전 지원"
    assert found.organization == "충청남도 당진시" and found.executor == "충남신용보증재단 당진지점"
    assert found.regions == ["44"]
    assert (found.window.kind, found.window.start, found.window.end) == (
        "dated",
        dt.date(2026, 10, 13),
        dt.date(2026, 11, 13),
    )
    assert found.posted_at == dt.datetime(2023, 2, 14, 10, 5, 12, tzinfo=KST)
    assert found.url == "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/457000000213"
    assert "조회수" not in found.raw  # volatile: would make every import look different
    assert "지원대상" in found.body


def test_gov24_central_ministry_is_nationwide_and_always_open(collector, payload) -> None:
    found = records(collector.parse(payload("gov24", "serviceList.json")))["149200000049"]
    assert found.regions is None and found.window.kind == "always"


def test_gov24_conditions_map_into_eligibility(collector, payload) -> None:
    batch = collector.parse(payload("gov24", "serviceList.json"), conditions=payload("gov24", "supportConditions.json"))
    by_id = records(batch)
    soho = by_id["457000000213"].eligibility
    assert soho.status_allowed == ["operating"] and soho.soho_only and soho.industries_include is None
    assert soho.evidence["soho_only"] == "사용자구분: 소상공인"
    assert by_id["149200000049"].eligibility.status_allowed == ["operating"]  # JA2101 중소기업


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        ({"JA1101": "Y"}, {"status_allowed": ["pre_founder"]}),
        ({"JA1101": "Y", "JA1102": "Y"}, {}),
        (
            {"JA1102": "Y", "JA1201": "Y", "JA1202": "Y"},
            {"status_allowed": ["operating"], "industries_include": ["C", "I"]},
        ),
        ({"JA2201": "Y", "JA2203": "Y", "JA2202": "Y"}, {"industries_include": ["A", "C", "J"]}),
        ({"JA1201": "Y", "JA1299": "Y"}, {}),
        ({"JA0110": 19, "JA0111": 39}, {"rep_age_min": 19, "rep_age_max": 39}),
        ({"JA0110": 0, "JA0111": 150}, {}),
        ({"JA0102": "Y"}, {"traits_required": ["woman_owned"]}),
        ({"JA0101": "Y", "JA0102": "Y"}, {}),
        ({"JA0101": "Y"}, {}),
    ],
)
def test_gov24_ja_codes_map_straight_into_conditions(marked, expected) -> None:
    found = structured_eligibility(["법인/시설/단체", "소상공인"], marked, region=None, organization=None)
    got = {k: getattr(found, k) for k in found.condition_keys()} if found else {}
    assert got == expected


def test_gov24_soho_only_service_states_soho_only() -> None:
    found = structured_eligibility(["개인", "소상공인"], None, region="44", organization="충청남도 당진시")
    assert found is not None and found.soho_only and found.regions == ["44"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("충청남도 당진시", "44"),
        ("서울특별시", "11"),
        ("강원특별자치도 춘천시", "51"),
        ("중소벤처기업부", None),
        (None, None),
    ],
)
def test_gov24_region_is_the_prefix_of_the_agency_name(name, code) -> None:
    assert organization_region(name) == code


def page(rows: list[dict[str, object]], number: int, per_page: int, total: int) -> httpx.Response:
    data = {
        "currentCount": len(rows),
        "data": rows,
        "matchCount": total,
        "page": number,
        "perPage": per_page,
        "totalCount": total,
    }
    return httpx.Response(200, content=json.dumps(data, ensure_ascii=False).encode())


@pytest.mark.asyncio
async def test_gov24_collect_pages_services_then_conditions_with_the_infuser_header(
    make_http, payload, keys, secret
) -> None:
    services = json.loads(payload("gov24", "serviceList.json"))["data"]
    conditions = json.loads(payload("gov24", "supportConditions.json"))["data"]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        number = int(request.url.params["page"])
        rows = services if request.url.path.endswith("/serviceList") else conditions
        return page(rows[(number - 1) * 4 : number * 4], number, 4, len(rows))

    batch = await Gov24Collector().collect(make_http("gov24", handler), keys)
    assert [r.url.path.rsplit("/", 1)[-1] for r in seen] == ["serviceList"] * 2 + ["supportConditions"] * 2
    assert all(r.headers["Authorization"] == f"Infuser {secret}" for r in seen)
    assert secret not in str(seen[0].url)
    assert sorted(r.external_id for r in batch.records) == sorted(KEPT)
    assert batch.complete  # six services listed, six received
    assert records(batch)["149200000049"].eligibility.status_allowed == ["operating"]


@pytest.mark.asyncio
async def test_gov24_unauthorized_body_is_an_auth_error(make_http, serve, payload, keys, secret) -> None:
    handler, seen = serve(httpx.Response(401, content=payload("odcloud", "error_unauthorized.json")))
    with pytest.raises(SourceAuthError, match="-401") as info:
        await Gov24Collector().collect(make_http("gov24", handler), keys)
    assert len(seen) == 1 and secret not in str(info.value)


@pytest.mark.asyncio
async def test_gov24_maintenance_page_is_retried_then_unavailable(make_http, serve, keys) -> None:
    handler, seen = serve(httpx.Response(503, content=b"<!DOCTYPE html><html>maintenance</html>"))
    with pytest.raises(SourceUnavailable):
        await Gov24Collector().collect(make_http("gov24", handler), keys)
    assert len(seen) == 3


def test_gov24_import_twice_changes_nothing(collector, payload, store) -> None:
    conditions = payload("gov24", "supportConditions.json")
    assert store(collector.parse(payload("gov24", "serviceList.json"), conditions=conditions)).new == 3
    report = store(collector.parse(payload("gov24", "serviceList.json"), conditions=conditions))
    assert (report.new, report.updated, report.unchanged) == (0, 0, 3)
