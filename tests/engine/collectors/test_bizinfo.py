"""기업마당: the three jsonArray shapes, RSS, reqErr, attachments, HTML summaries, ingest and change detection."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from sqlmodel import Session, col, select

from db.models import Program, ProgramChange
from engine.collectors.bizinfo import BizinfoCollector
from engine.errors import SourceAuthError, SourceFormatError, SourceUnavailable
from engine.extraction import extract_record

LATER = dt.datetime(2026, 10, 16, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def collector() -> BizinfoCollector:
    return BizinfoCollector()


def listing(payload) -> dict:
    return json.loads(payload("bizinfo", "list.json"))


def encode(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("name", "count"),
    [("list.json", 12), ("list_item_shape.json", 3), ("list_single_item.json", 1), ("list.rss.xml", 3)],
)
def test_bizinfo_every_recorded_shape_parses_with_nothing_rejected(collector, payload, name, count) -> None:
    batch = collector.parse(payload("bizinfo", name))
    assert len(batch.records) == count and batch.rejected == []


def test_bizinfo_live_array_with_totcnt_equal_to_the_ids_is_complete(collector, payload) -> None:
    assert collector.parse(payload("bizinfo", "list.json")).complete


def test_bizinfo_documented_shape_maps_aliases(collector, payload) -> None:
    records = {r.external_id: r for r in collector.parse(payload("bizinfo", "list_item_shape.json")).records}
    seoul = extract_record(records["PBLN_000000000127047"])
    assert seoul.title.startswith("[서울]") and seoul.regions == ["11"]
    assert (seoul.window.start, seoul.window.end) == (dt.date(2026, 10, 13), dt.date(2026, 12, 31))


def test_bizinfo_single_item_object_is_one_record_with_an_open_ended_window(collector, payload) -> None:
    (record,) = collector.parse(payload("bizinfo", "list_single_item.json")).records
    assert record.window.kind == "dated" and record.window.start == dt.date(2026, 10, 1) and record.window.end is None


def test_bizinfo_rss_items_parse_with_escaped_urls(collector, payload) -> None:
    records = collector.parse(payload("bizinfo", "list.rss.xml")).records
    assert all(r.url and "&amp;" not in r.url for r in records)


def test_bizinfo_reqerr_in_http_200_is_an_auth_error(collector, payload) -> None:
    with pytest.raises(SourceAuthError, match="인증키") as info:
        collector.parse(payload("bizinfo", "error_reqErr.json"))
    assert info.value.code == "reqErr" and info.value.source == "bizinfo"


def test_bizinfo_attachments_split_on_at_signs(collector, payload) -> None:
    record = collector.parse(payload("bizinfo", "list.json")).records[0]
    names = [a.name for a in record.attachments]
    assert names[:3] == [
        "2026년_소상공인_정책자금_융자사업_4차_변경공고문.hwpx",
        "2026년_소상공인_정책자금_융자사업_4차_변경공고문.pdf",
        "(붙임)_정책자금_융자제외_업종.hwpx",
    ]
    assert record.attachments[1].url and record.attachments[1].url.endswith("fileSn=1")


def test_bizinfo_html_summary_is_decoded_and_urls_untouched(collector, payload) -> None:
    record = collector.parse(payload("bizinfo", "list.json")).records[0]
    assert "<p>" not in record.summary and "&nbsp;" not in record.summary and "☞" in record.summary
    assert "제조업ㆍ건설업" in record.summary
    assert record.url == "https://www.bizinfo.go.kr/sii/siia/selectSIIA200Detail.do?pblancId=PBLN_000000000127052"


def test_bizinfo_notice_without_id_is_rejected_and_the_rest_land(collector, payload) -> None:
    data = listing(payload)
    data["jsonArray"][0]["pblancId"] = ""
    batch = collector.parse(encode(data))
    assert len(batch.records) == 11 and batch.rejected[0].ref == "#1"
    assert not batch.complete


def test_bizinfo_invalid_json_is_a_format_error_and_html_is_unavailable(collector) -> None:
    with pytest.raises(SourceFormatError):
        collector.parse(b'{"jsonArray": [{"pblancId": "P1"')
    with pytest.raises(SourceUnavailable):
        collector.parse(b"<html><body>maintenance</body></html>")


def test_bizinfo_second_import_changes_nothing(collector, payload, store) -> None:
    assert store(collector.parse(payload("bizinfo", "list.json"))).new == 12
    report = store(collector.parse(payload("bizinfo", "list.json")), LATER)
    assert (report.new, report.updated, report.unchanged, report.closed) == (0, 0, 12, 0)


def test_bizinfo_change_detection_names_window_and_title(collector, payload, store, engine) -> None:
    store(collector.parse(payload("bizinfo", "list.json")))
    data = listing(payload)
    notice = data["jsonArray"][3]
    notice["reqstBeginEndDe"] = "2026-10-08 ~ 2026-11-14"
    notice["pblancNm"] = notice["pblancNm"] + " (정정공고)"
    report = store(collector.parse(encode(data)), LATER)
    assert (report.updated, report.unchanged) == (1, 11)
    with Session(engine) as session:
        change = session.exec(select(ProgramChange).where(ProgramChange.kind == "updated")).one()
    assert change.program_key == f"bizinfo:{notice['pblancId']}"
    assert {"window", "title"} <= set(change.fields)
    assert change.detail["window"]["new"]["end"] == "2026-11-14"


def test_bizinfo_complete_listing_closes_what_vanished(collector, payload, store, engine) -> None:
    store(collector.parse(payload("bizinfo", "list.json")))
    data = listing(payload)
    gone = data["jsonArray"].pop()
    for item in data["jsonArray"]:
        item["totCnt"] = 11
    report = store(collector.parse(encode(data)), LATER)
    assert report.closed == 1
    with Session(engine) as session:
        row = session.get(Program, f"bizinfo:{gone['pblancId']}")
    assert row is not None and row.closed_at is not None


def test_bizinfo_incomplete_listing_closes_nothing(collector, payload, store, engine) -> None:
    store(collector.parse(payload("bizinfo", "list.json")))
    data = listing(payload)
    data["jsonArray"] = data["jsonArray"][:5]  # totCnt still 12: the listing is cut short
    report = store(collector.parse(encode(data)), LATER)
    assert report.closed == 0
    with Session(engine) as session:
        assert session.exec(select(Program).where(col(Program.closed_at).is_not(None))).all() == []


@pytest.mark.asyncio
async def test_bizinfo_collect_sends_the_key_and_falls_back_to_rss(make_http, payload, keys, secret) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.params.get("dataType") == "json":
            return httpx.Response(200, content=b'{"jsonArray": [{"pblancId": ')  # cut off mid-way
        return httpx.Response(200, content=payload("bizinfo", "list.rss.xml"))

    batch = await BizinfoCollector().collect(make_http("bizinfo", handler), keys)
    assert len(batch.records) == 3
    assert seen[0].url.params["crtfcKey"] == secret and seen[0].url.params["searchCnt"] == "500"
    assert "dataType" not in seen[1].url.params


@pytest.mark.asyncio
async def test_bizinfo_collect_reqerr_is_an_auth_error_without_the_key(make_http, serve, payload, keys, secret) -> None:
    handler, _ = serve(httpx.Response(200, content=payload("bizinfo", "error_reqErr.json")))
    with pytest.raises(SourceAuthError) as info:
        await BizinfoCollector().collect(make_http("bizinfo", handler), keys)
    assert secret not in str(info.value)
