"""SourceHttp: retries with backoff that honours Retry-After, error translation, breaker, metrics, redaction."""

from __future__ import annotations

import datetime as dt
import logging

import httpx
import pytest

from engine.collectors.http import SourceHttp, parse_retry_after, redact_text, redact_url, status_error
from engine.errors import (
    SourceAuthError,
    SourceCircuitOpen,
    SourceFormatError,
    SourceQuotaExceeded,
    SourceUnavailable,
)

URL = "https://apis.example.kr/list"


def ok(body: bytes = b'{"data": []}') -> httpx.Response:
    return httpx.Response(200, content=body)


def test_redact_url_masks_every_secret_parameter_and_keeps_the_rest() -> None:
    url = "https://x.kr/a?serviceKey=abc%2Bdef&page=2&crtfcKey=k1&api_key=zz&returnType=json"
    assert redact_url(url) == "https://x.kr/a?serviceKey=***&page=2&crtfcKey=***&api_key=***&returnType=json"


def test_redact_text_masks_authorization_values_and_known_secrets() -> None:
    text = "headers {'Authorization': 'Infuser abc123'} failed for key s3cr3tvalue"
    out = redact_text(text, ["s3cr3tvalue"])
    assert "abc123" not in out and "s3cr3tvalue" not in out


def test_parse_retry_after_reads_seconds_and_http_dates() -> None:
    assert parse_retry_after("7") == 7.0
    when = dt.datetime(2026, 10, 15, 0, 1, tzinfo=dt.UTC)
    header = "Thu, 15 Oct 2026 00:01:30 GMT"
    assert parse_retry_after(header, now=when.timestamp()) == 30.0
    assert parse_retry_after("soon") is None


@pytest.mark.asyncio
async def test_get_retries_500_with_growing_backoff_then_succeeds(make_http, serve, sleep) -> None:
    handler, seen = serve(httpx.Response(500), httpx.Response(503), ok())
    http = make_http("kstartup", handler, rand=lambda: 1.0)
    assert await http.get_bytes(URL) == b'{"data": []}'
    assert len(seen) == 3
    assert sleep.waits == [1.0, 2.0]  # backoff_s 1.0 doubled; jitter at its maximum


@pytest.mark.asyncio
async def test_get_gives_up_after_max_attempts_on_timeouts(make_http, serve, sleep) -> None:
    handler, seen = serve(httpx.ReadTimeout("slow"))
    http = make_http("kstartup", handler)
    with pytest.raises(SourceUnavailable, match="timeout") as info:
        await http.get_bytes(URL)
    assert info.value.code == "timeout"
    assert len(seen) == 3 and len(sleep.waits) == 2


@pytest.mark.asyncio
async def test_get_waits_what_retry_after_asks_on_429(make_http, serve, sleep) -> None:
    handler, seen = serve(httpx.Response(429, headers={"Retry-After": "7"}), ok())
    http = make_http("gov24", handler)
    await http.get_bytes(URL)
    assert sleep.waits == [7.0]
    assert len(seen) == 2


@pytest.mark.asyncio
async def test_get_does_not_wait_a_retry_after_longer_than_the_limit(make_http, serve, sleep) -> None:
    handler, seen = serve(httpx.Response(429, headers={"Retry-After": "86400"}))
    http = make_http("gov24", handler)
    with pytest.raises(SourceQuotaExceeded) as info:
        await http.get_bytes(URL)
    assert info.value.retry_after == 86400.0
    assert len(seen) == 1 and sleep.waits == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "error"), [(401, SourceAuthError), (403, SourceAuthError), (404, SourceFormatError)]
)
async def test_get_does_not_retry_client_errors(make_http, serve, sleep, status, error) -> None:
    handler, seen = serve(httpx.Response(status))
    with pytest.raises(error):
        await make_http("bizinfo", handler).get_bytes(URL)
    assert len(seen) == 1 and sleep.waits == []


@pytest.mark.asyncio
async def test_check_raises_the_envelope_error_before_the_status_is_read(make_http, serve) -> None:
    def check(status: int, body: bytes) -> None:
        if b"quota" in body:
            raise SourceQuotaExceeded("daily quota", source="kstartup", code="22")

    handler, seen = serve(httpx.Response(429, content=b"quota"))
    with pytest.raises(SourceQuotaExceeded) as info:
        await make_http("kstartup", handler).get_bytes(URL, check=check)
    assert info.value.code == "22"
    assert len(seen) == 1  # the daily quota is not retried within a run


@pytest.mark.asyncio
async def test_breaker_opens_after_threshold_and_skips_the_call(make_http, serve) -> None:
    handler, seen = serve(httpx.Response(500))
    http = make_http("kstartup", handler, max_attempts=1)
    for _ in range(3):  # breaker_failures=3 in the test keys
        with pytest.raises(SourceUnavailable):
            await http.get_bytes(URL)
    assert await http.breaker_state() == "open"
    with pytest.raises(SourceCircuitOpen):
        await http.get_bytes(URL)
    assert len(seen) == 3


@pytest.mark.asyncio
async def test_auth_and_format_errors_do_not_open_the_breaker(make_http, serve) -> None:
    handler, _ = serve(httpx.Response(401))
    http = make_http("kstartup", handler, max_attempts=1)
    for _ in range(5):
        with pytest.raises(SourceAuthError):
            await http.get_bytes(URL)
    assert await http.breaker_state() == "closed"


@pytest.mark.asyncio
async def test_restored_open_breaker_skips_until_recovery_then_probes(make_http, serve) -> None:
    handler, seen = serve(ok())
    http = make_http("gov24", handler)
    await http.restore_breaker("open", dt.datetime.now(dt.UTC))
    with pytest.raises(SourceCircuitOpen):
        await http.get_bytes(URL)
    assert seen == []

    later = make_http("gov24", handler)
    await later.restore_breaker("open", dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert await later.breaker_state() == "half_open"
    assert await later.get_bytes(URL) == b'{"data": []}'
    assert await later.breaker_state() == "closed"


@pytest.mark.asyncio
async def test_metrics_count_calls_status_and_breaker(make_http, serve, registry) -> None:
    handler, _ = serve(httpx.Response(500), ok())
    http = make_http("kstartup", handler)
    await http.get_bytes(URL)
    sample = registry.get_sample_value
    assert sample("external_api_calls_total", {"service_name": "kstartup", "status": "500"}) == 1
    assert sample("external_api_calls_total", {"service_name": "kstartup", "status": "200"}) == 1
    assert sample("external_api_duration_seconds_count", {"service_name": "kstartup"}) == 2
    assert sample("external_service_status", {"service_name": "kstartup"}) == 1


@pytest.mark.asyncio
async def test_down_and_recovery_are_logged_once_each(make_http, serve, caplog) -> None:
    handler, _ = serve(httpx.Response(500), httpx.Response(500), ok(), ok())
    http = make_http("kstartup", handler, max_attempts=1)
    caplog.set_level(logging.INFO, logger="engine.collectors.http")
    for _ in range(2):
        with pytest.raises(SourceUnavailable):
            await http.get_bytes(URL)
    await http.get_bytes(URL)
    await http.get_bytes(URL)
    messages = [r.getMessage() for r in caplog.records if r.name == "engine.collectors.http"]
    assert sum("is down" in m for m in messages) == 1
    assert sum("recovered" in m for m in messages) == 1


@pytest.mark.asyncio
async def test_key_never_reaches_logs_errors_or_metrics(make_http, serve, registry, caplog, secret) -> None:
    caplog.set_level(logging.DEBUG)
    handler, _ = serve(httpx.ConnectError(f"cannot connect to {URL}?serviceKey={secret}"))
    http = make_http("kstartup", handler)
    with pytest.raises(SourceUnavailable) as info:
        await http.get_bytes(URL, params={"serviceKey": secret}, headers={"Authorization": f"Infuser {secret}"})
    assert secret not in str(info.value)
    assert "serviceKey=***" in str(info.value)
    assert all(secret not in record.getMessage() for record in caplog.records)
    from prometheus_client import generate_latest

    assert secret.encode() not in generate_latest(registry)


@pytest.mark.asyncio
async def test_raw_query_is_sent_verbatim_after_the_params(make_http, serve) -> None:
    handler, seen = serve(ok())
    http = make_http("kstartup", handler)
    await http.get_bytes(URL, params={"cond[pbanc_sn::GT]": 5, "page": 1}, raw_query="serviceKey=a%2Bb%3D%3D")
    raw = seen[0].url.raw_path.decode()
    assert raw.endswith("&serviceKey=a%2Bb%3D%3D")
    assert seen[0].url.params["cond[pbanc_sn::GT]"] == "5"


def test_from_keys_takes_timeouts_attempts_and_breaker_from_settings(keys) -> None:
    http = SourceHttp.from_keys("bizinfo", httpx.AsyncClient(), keys)
    assert http.max_attempts == 3 and http.breaker_failures == 3
    assert http.timeout.read == keys.timeout_s


def test_status_error_is_the_one_mapping_of_http_status_to_error_class() -> None:
    assert type(status_error("s", 403, "m")) is SourceAuthError
    quota = status_error("s", 429, "m", retry_after="7")
    assert isinstance(quota, SourceQuotaExceeded) and quota.retry_after == 7.0
    assert type(status_error("s", 503, "m")) is SourceUnavailable
    assert type(status_error("s", 404, "m")) is SourceFormatError
