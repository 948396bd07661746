"""data.go.kr / odcloud envelopes: error codes, the classic and odcloud pages, and the serviceKey encoding."""

from __future__ import annotations

import json

import httpx
import pytest

from engine.collectors.datagokr import (
    classic_page,
    gateway_error,
    odcloud_page,
    raise_for_error_payload,
    service_key_param,
)
from engine.errors import SourceAuthError, SourceFormatError, SourceQuotaExceeded, SourceUnavailable

ARGS = {"source": "kstartup", "label": "K-Startup"}


def test_service_key_param_encodes_a_plain_key_once() -> None:
    assert service_key_param("ab+c/d==") == "serviceKey=ab%2Bc%2Fd%3D%3D"


def test_service_key_param_keeps_an_already_encoded_key_as_is() -> None:
    assert service_key_param("ab%2Bc%2Fd%3D%3D") == "serviceKey=ab%2Bc%2Fd%3D%3D"


@pytest.mark.asyncio
@pytest.mark.parametrize("key", ["ab+c/d==", "ab%2Bc%2Fd%3D%3D"])
async def test_service_key_reaches_the_wire_encoded_exactly_once(make_http, serve, key) -> None:
    handler, seen = serve(httpx.Response(200, content=b"{}"))
    await make_http("kstartup", handler).get_bytes("https://apis.data.go.kr/x", raw_query=service_key_param(key))
    assert seen[0].url.raw_path.decode().endswith("serviceKey=ab%2Bc%2Fd%3D%3D")
    assert b"%25" not in seen[0].url.raw_path


@pytest.mark.parametrize(
    ("code", "error"),
    [
        *[(c, SourceUnavailable) for c in ("01", "02", "03", "04", "05", "99")],
        ("22", SourceQuotaExceeded),
        ("23", SourceQuotaExceeded),
        *[(c, SourceAuthError) for c in ("20", "30", "31", "32")],
        *[(c, SourceFormatError) for c in ("10", "11", "12")],
    ],
)
def test_gateway_error_maps_every_return_reason_code(code, error) -> None:
    found = gateway_error(code, "NAME", "", **ARGS)
    assert type(found) is error
    assert found.code == code and found.source == "kstartup"


def test_per_second_limit_is_retried_after_a_second_but_the_daily_quota_is_not() -> None:
    assert gateway_error("23", "X", "", **ARGS).retry_after == 1.0  # type: ignore[attr-defined]
    assert gateway_error("22", "X", "", **ARGS).retry_after is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "error", "code", "words"),
    [
        ("error_key_not_registered.xml", SourceAuthError, "30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"),
        ("error_quota.xml", SourceQuotaExceeded, "22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR"),
        ("error_no_service.json", SourceFormatError, "12", "NO_OPENAPI_SERVICE_ERROR"),
    ],
)
def test_gateway_error_payloads_raise_their_class_naming_the_error(payload, name, error, code, words) -> None:
    with pytest.raises(error) as info:
        raise_for_error_payload(payload("datagokr", name), **ARGS)
    assert info.value.code == code
    assert words in str(info.value) and "K-Startup" in str(info.value)


def test_quota_error_in_the_other_layout_keeps_the_korean_sentence(payload) -> None:
    with pytest.raises(SourceQuotaExceeded, match="일일 서비스 요청제한"):
        raise_for_error_payload(payload("datagokr", "error_quota.xml"), **ARGS)


def test_odcloud_error_body_is_an_auth_error(payload) -> None:
    with pytest.raises(SourceAuthError, match="-401") as info:
        odcloud_page(payload("odcloud", "error_unauthorized.json"), source="gov24", label="보조금24")
    assert "인증키는 필수" in str(info.value) and info.value.code == "-401"


@pytest.mark.parametrize(
    ("code", "msg", "error"),
    [
        (-4, "등록되지 않은 인증키", SourceAuthError),
        (-429, "요청 초과", SourceQuotaExceeded),
        (-500, "오류", SourceUnavailable),
    ],
)
def test_odcloud_negative_codes_map_sensibly(code, msg, error) -> None:
    body = json.dumps({"code": code, "msg": msg}, ensure_ascii=False).encode()
    with pytest.raises(error):
        odcloud_page(body, **ARGS)


def test_maintenance_html_page_is_unavailable() -> None:
    page = b"<!DOCTYPE html><html><body>\xec\xa0\x90\xea\xb2\x80 \xec\xa4\x91</body></html>"
    with pytest.raises(SourceUnavailable, match="HTML"):
        odcloud_page(page, **ARGS)


def test_truncated_json_is_a_format_error(payload) -> None:
    body = payload("kstartup", "announcements.json")
    with pytest.raises(SourceFormatError, match="truncated"):
        odcloud_page(body[: len(body) // 2], **ARGS)


def test_classic_envelope_single_item_is_a_list_of_one(payload) -> None:
    page = classic_page(payload("datagokr", "ok_single_item.json"), **ARGS)
    assert [i["pblancId"] for i in page.items] == ["PBLN_000000000126930"]
    assert page.total == 1441 and page.page_no == 145


def test_classic_envelope_empty_items_string_is_zero_results(payload) -> None:
    page = classic_page(payload("datagokr", "ok_empty.json"), **ARGS)
    assert page.items == [] and page.total == 0


def test_classic_envelope_with_an_error_result_code_raises() -> None:
    body = b'{"response":{"header":{"resultCode":"30","resultMsg":"SERVICE_KEY_IS_NOT_REGISTERED_ERROR"}}}'
    with pytest.raises(SourceAuthError):
        classic_page(body, **ARGS)


def test_odcloud_page_reads_counts_and_knows_the_last_page(payload) -> None:
    first = odcloud_page(payload("kstartup", "announcements.json"), **ARGS)
    last = odcloud_page(payload("kstartup", "announcements_page2.json"), **ARGS)
    assert (first.page, first.per_page, first.total, first.last) == (1, 8, 10, False)
    assert (last.page, last.current, last.last) == (2, 2, True)
