"""K-Startup: recorded pages, structured bands, the dev rows' conditions, live paging and every fault."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from sqlmodel import Session, select

from db.models import Program
from engine.collectors.kstartup import KStartupCollector, _ages, _enyy, structured_eligibility
from engine.domain import AgeBound
from engine.errors import SourceAuthError, SourceFormatError, SourceQuotaExceeded, SourceUnavailable
from engine.extraction import extract_record

URL_FIELDS = ("detl_pg_url", "biz_gdnc_url")
# The dev set's truth for the ten K-Startup rows (business ages in months).
DEV_TRUTH: dict[str, tuple[tuple[str, str], dict[str, object]]] = {
    "200357": (("2026-10-12", "2026-10-30"), {"regions": ["41"], "rep_age_max": 39, "status_allowed": ["pre_founder"]}),
    "200353": (
        ("2026-10-07", "2026-10-28"),
        {"traits_required": ["woman_owned"], "business_age_max": AgeBound(months=84, inclusive=False)},
    ),
    "200351": (("2026-10-08", "2026-10-27"), {"status_allowed": ["pre_founder"]}),
    "200344": (("2026-10-05", "2026-11-02"), {"rep_age_min": 40}),
    "200342": (
        ("2026-10-06", "2026-10-30"),
        {"rep_age_max": 39, "business_age_max": AgeBound(months=36, inclusive=True)},
    ),
    "200339": (
        ("2026-10-01", "2026-10-22"),
        {"business_age_max": AgeBound(months=36, inclusive=True), "status_allowed": ["operating"]},
    ),
    "200336": (
        ("2026-10-02", "2026-10-22"),
        {"traits_required": ["re_founder"], "business_age_max": AgeBound(months=36, inclusive=True)},
    ),
    "200334": (
        ("2026-09-28", "2026-10-20"),
        {
            "business_age_max": AgeBound(months=60, inclusive=False),
            "status_allowed": ["operating"],
            "industries_exclude": ["I"],
        },
    ),
    "200318": (
        ("2026-09-01", "2026-09-25"),
        {"regions": ["11"], "business_age_max": AgeBound(months=60, inclusive=False)},
    ),
    "200311": (("2026-08-20", "2026-09-10"), {"regions": ["50"], "soho_only": True}),
}


@pytest.fixture
def collector() -> KStartupCollector:
    return KStartupCollector()


@pytest.mark.parametrize("name", ["announcements.json", "announcements_page2.json", "dev_programs.json"])
def test_kstartup_every_recorded_page_parses_with_nothing_rejected(collector, payload, name) -> None:
    batch = collector.parse(payload("kstartup", name))
    assert batch.records and batch.rejected == []


def test_kstartup_uses_pbanc_sn_never_the_row_number(collector, payload) -> None:
    batch = collector.parse(payload("kstartup", "announcements.json"))
    ids = [r.external_id for r in batch.records]
    assert ids[:3] == ["178858", "178851", "178845"]
    assert "1" not in ids


def test_kstartup_decodes_entities_cleans_text_and_fixes_urls(collector, payload) -> None:
    records = {r.external_id: r for r in collector.parse(payload("kstartup", "announcements.json")).records}
    assert records["178833"].category == "기술개발(R&D)"
    assert (
        records["178824"].url == "https://www.k-startup.go.kr/web/contents/bizpbanc-ongoing.do?schM=view&pbancSn=178824"
    )
    assert "\r" not in records["178858"].summary and "  " not in records["178858"].summary
    assert records["178851"].organization == "중소벤처기업진흥공단"
    assert records["178845"].executor is None  # sprv_inst is a type (민간), not a name
    assert records["178858"].raw["id"] == 1


def test_kstartup_title_falls_back_to_the_integrated_name_with_entities_decoded(collector, payload) -> None:
    row = json.loads(payload("kstartup", "announcements.json"))["data"][3]
    row["biz_pbanc_nm"] = None
    assert collector.normalize(row).title == "초기창업패키지(딥테크 특화형)"


def test_kstartup_treats_both_middle_dots_alike_in_categories(collector, payload) -> None:
    records = {r.external_id: r for r in collector.parse(payload("kstartup", "announcements_page2.json")).records}
    assert records["178791"].category == "판로ㆍ해외진출"


def test_kstartup_windows_keep_yyyymmdd_dates_and_a_closed_row_keeps_its_end(collector, payload) -> None:
    records = {r.external_id: r for r in collector.parse(payload("kstartup", "announcements_page2.json")).records}
    closed = records["178798"].window
    assert (closed.kind, closed.start, closed.end) == ("dated", dt.date(2026, 7, 15), dt.date(2026, 8, 4))
    assert "마감" in closed.raw
    row = json.loads(payload("kstartup", "announcements_page2.json"))["data"][0]
    row["pbanc_rcpt_end_dt"] = None
    assert collector.normalize(row).window.kind == "unknown"  # no longer recruiting, no end: never 'open'


def test_kstartup_nationwide_region_and_named_sido(collector, payload) -> None:
    records = {r.external_id: r for r in collector.parse(payload("kstartup", "announcements.json")).records}
    assert records["178858"].regions is None
    assert records["178816"].regions == ["50"]


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        ("예비창업자", {"status_allowed": ["pre_founder"]}),
        ("예비창업자,1년미만,2년미만,3년미만,5년미만,7년미만,10년미만", {}),
        ("1년미만,2년미만,3년미만,5년미만,7년미만,10년미만", {}),
        ("예비창업자,1년미만,2년미만,3년미만", {"business_age_max": AgeBound(months=36, inclusive=False)}),
        (
            "5년미만,7년미만,10년미만",
            {"business_age_min": AgeBound(months=36, inclusive=True)},
        ),
        ("3년미만", {"business_age_max": AgeBound(months=36, inclusive=False)}),
        ("", {}),
    ],
)
def test_business_age_bands_state_status_and_bounds(bands, expected) -> None:
    assert _enyy(bands.split(",") if bands else []) == expected


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        ("만 20세 미만,만 20세 이상 ~ 만 39세 이하,만 40세 이상", {}),
        ("만 20세 미만,만 20세 이상 ~ 만 39세 이하", {"rep_age_max": 39}),
        ("만 20세 이상 ~ 만 39세 이하", {"rep_age_min": 20, "rep_age_max": 39}),
        ("만 40세 이상", {"rep_age_min": 40}),
        ("만 20세 미만,만 40세 이상", {}),
    ],
)
def test_age_bands_state_representative_age_bounds(bands, expected) -> None:
    assert _ages(bands.split(",")) == expected


def test_structured_eligibility_keeps_evidence_of_each_field() -> None:
    row = {"supt_regin": "경기", "biz_enyy": "예비창업자", "biz_trgt_age": "만 40세 이상"}
    found = structured_eligibility(row, ["41"])
    assert found.regions == ["41"] and found.status_allowed == ["pre_founder"] and found.rep_age_min == 40
    assert found.evidence["status_allowed"] == "업력: 예비창업자"


def test_kstartup_dev_rows_match_the_truth_windows_and_conditions(collector, payload) -> None:
    batch = collector.parse(payload("kstartup", "dev_programs.json"))
    assert batch.complete  # totalCount 10 = the ten ids, one page
    for record in map(extract_record, batch.records):
        (start, end), conditions = DEV_TRUTH[record.external_id]
        assert (record.window.kind, str(record.window.start), str(record.window.end)) == ("dated", start, end)
        got = {k: getattr(record.eligibility, k) for k in record.eligibility.condition_keys()}
        assert got == conditions, record.external_id


def body(data: dict[str, object]) -> httpx.Response:
    return httpx.Response(200, content=json.dumps(data, ensure_ascii=False).encode())


@pytest.mark.asyncio
async def test_kstartup_collect_pages_until_the_count_and_sends_filters(
    make_http, serve, payload, keys, secret
) -> None:
    handler, seen = serve(
        httpx.Response(200, content=payload("kstartup", "announcements.json")),
        httpx.Response(200, content=payload("kstartup", "announcements_page2.json")),
    )
    batch = await KStartupCollector(since_sn=178000).collect(make_http("kstartup", handler), keys)
    assert len(batch.records) == 10 and len(seen) == 2
    assert [r.url.params["page"] for r in seen] == ["1", "2"]
    assert seen[0].url.params["cond[rcrt_prgs_yn::EQ]"] == "Y"
    assert seen[0].url.params["cond[pbanc_sn::GT]"] == "178000"
    assert seen[0].url.params["returnType"] == "json"
    assert seen[0].url.params["serviceKey"] == secret  # decoded once on the wire = encoded exactly once
    assert not batch.complete  # a filtered listing never proves completeness


@pytest.mark.asyncio
async def test_kstartup_unfiltered_listing_with_every_page_is_complete(make_http, serve, payload, keys) -> None:
    handler, _ = serve(
        httpx.Response(200, content=payload("kstartup", "announcements.json")),
        httpx.Response(200, content=payload("kstartup", "announcements_page2.json")),
    )
    batch = await KStartupCollector(open_only=False).collect(make_http("kstartup", handler), keys)
    assert batch.complete


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("answer", "error", "code"),
    [
        (
            httpx.Response(
                200,
                content=b"<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg>"
                b"<returnAuthMsg>SERVICE_KEY_IS_NOT_REGISTERED_ERROR</returnAuthMsg>"
                b"<returnReasonCode>30</returnReasonCode></cmmMsgHeader></OpenAPI_ServiceResponse>",
            ),
            SourceAuthError,
            "30",
        ),
        ("error_quota.xml", SourceQuotaExceeded, "22"),
        ("error_no_service.json", SourceFormatError, "12"),
        (
            httpx.Response(401, content=b'{"code":-401,"msg":"\xec\x9d\xb8\xec\xa6\x9d\xed\x82\xa4"}'),
            SourceAuthError,
            "-401",
        ),
    ],
)
async def test_kstartup_error_envelopes_raise_the_source_error_without_retrying(
    make_http, serve, payload, keys, secret, answer, error, code
) -> None:
    response = (
        answer if isinstance(answer, httpx.Response) else httpx.Response(200, content=payload("datagokr", answer))
    )
    handler, seen = serve(response)
    with pytest.raises(error) as info:
        await KStartupCollector().collect(make_http("kstartup", handler), keys)
    assert info.value.code == code and info.value.source == "kstartup"
    assert len(seen) == 1
    assert secret not in str(info.value)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (httpx.ReadTimeout("slow"), SourceUnavailable),
        (httpx.Response(500), SourceUnavailable),
        (httpx.Response(200, content=b"<html><body>\xec\xa0\x90\xea\xb2\x80</body></html>"), SourceUnavailable),
    ],
)
async def test_kstartup_transient_faults_are_retried_then_raised(make_http, serve, keys, sleep, answer, error) -> None:
    handler, seen = serve(answer)
    with pytest.raises(error):
        await KStartupCollector().collect(make_http("kstartup", handler), keys)
    assert len(seen) == 3 and len(sleep.waits) == 2


@pytest.mark.asyncio
async def test_kstartup_truncated_json_is_a_format_error(make_http, serve, payload, keys) -> None:
    page = payload("kstartup", "announcements.json")
    handler, _ = serve(httpx.Response(200, content=page[:5000]))
    with pytest.raises(SourceFormatError):
        await KStartupCollector().collect(make_http("kstartup", handler), keys)


@pytest.mark.asyncio
async def test_kstartup_429_waits_retry_after_then_continues(make_http, serve, payload, keys, sleep) -> None:
    handler, _ = serve(
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(200, content=payload("kstartup", "dev_programs.json")),
    )
    batch = await KStartupCollector(open_only=False).collect(make_http("kstartup", handler), keys)
    assert sleep.waits == [3.0] and batch.complete


@pytest.mark.asyncio
async def test_kstartup_collect_without_a_key_is_an_auth_error(make_http, serve) -> None:
    from engine.settings import SourceKeys

    handler, seen = serve(httpx.Response(200))
    with pytest.raises(SourceAuthError, match="DATAGOKR_SERVICE_KEY"):
        await KStartupCollector().collect(make_http("kstartup", handler), SourceKeys())
    assert seen == []


def test_kstartup_incomplete_listing_closes_nothing_but_a_complete_one_does(collector, payload, store, engine) -> None:
    full = json.loads(payload("kstartup", "dev_programs.json"))
    assert store(collector.parse(json.dumps(full).encode())).new == 10
    marked_closed = {str(r["pbanc_sn"]) for r in full["data"] if r["rcrt_prgs_yn"] == "N"}  # closed at import
    partial = dict(full, data=full["data"][:7], currentCount=7)  # totalCount still 10: pages missing
    report = store(collector.parse(json.dumps(partial).encode()))
    assert (report.unchanged, report.closed) == (7, 0)
    shrunk = dict(partial, totalCount=7, matchCount=7, perPage=7)  # the source really lists seven now
    vanished = {str(r["pbanc_sn"]) for r in full["data"][7:]}
    assert store(collector.parse(json.dumps(shrunk).encode())).closed == len(vanished - marked_closed)
    with Session(engine) as session:
        closed = session.exec(select(Program).where(Program.closed_at.is_not(None))).all()  # type: ignore[union-attr]
    assert sorted(p.external_id for p in closed) == ["200311", "200318", "200334"]


def test_kstartup_second_import_changes_nothing(collector, payload, store) -> None:
    batch = collector.parse(payload("kstartup", "dev_programs.json"))
    store(batch)
    report = store(collector.parse(payload("kstartup", "dev_programs.json")))
    assert (report.new, report.updated, report.unchanged) == (0, 0, 10)


def test_kstartup_parse_leaves_the_text_to_the_ingest_step(collector, payload) -> None:
    records = collector.parse(payload("kstartup", "dev_programs.json")).records
    assert all(r.pending is not None and r.pending.structured_fills_gaps and not r.needs for r in records)
    extracted = [extract_record(r) for r in records]
    assert all(r.pending is None for r in extracted) and any(r.needs for r in extracted)
    assert extract_record(extracted[0]) is extracted[0]  # extracted once, never twice
