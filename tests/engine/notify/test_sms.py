"""SENS v2 through its real client code against a fake SENS on 127.0.0.1 that checks signatures."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from engine.errors import ChannelAuthError
from engine.notify import sms
from engine.settings import SensSettings
from tests.engine.notify.fake_sens import ACCESS, SECRET, SERVICE, FakeSens, fake_sens


@pytest.fixture
def sens() -> Iterator[FakeSens]:
    with fake_sens() as state:
        yield state


def _settings(base_url: str, secret: str = SECRET) -> SensSettings:
    return SensSettings(
        access_key=SecretStr(ACCESS),
        secret_key=SecretStr(secret),
        service_id=SERVICE,
        from_number="0212345678",
        base_url=base_url,
        timeout_s=5,
    )


def test_sms_only_when_the_text_fits_90_euc_kr_bytes() -> None:
    assert sms.byte_length("가나다") == 6
    assert sms.message_type("가" * 45) == "SMS"  # exactly 90 bytes
    assert sms.message_type("가" * 45 + "a") == "LMS"
    assert sms.clean("마감 임박 🔔!") == "마감 임박 !"


def test_signature_matches_the_documented_construction() -> None:
    # base64(HMAC-SHA256(secret, "POST /uri\n1700000000000\nAK")) computed independently with the stdlib
    import base64
    import hashlib
    import hmac

    expected = base64.b64encode(
        hmac.new(b"sk", b"POST /sms/v2/services/s/messages\n1700000000000\nAK", hashlib.sha256).digest()
    ).decode()
    got = sms.signature(
        method="POST", uri="/sms/v2/services/s/messages", timestamp="1700000000000", access_key="AK", secret_key="sk"
    )
    assert got == expected


async def test_send_is_accepted_then_reconciled_per_recipient(sens: FakeSens) -> None:
    sens.failing.add("01099998888")
    messages = [sms.SmsMessage("01012345678", "[이지스] 새 공고 🔔"), sms.SmsMessage("01099998888", "[이지스] 새 공고")]
    async with httpx.AsyncClient() as client:
        request_id = await sms.send_batch(_settings(sens.base_url), client=client, messages=messages)
        results = await sms.request_results(_settings(sens.base_url), client=client, request_id=request_id)
    body = sens.requests[request_id]
    assert (
        body["type"] == "SMS" and body["from"] == "0212345678" and body["messages"][0]["content"] == "[이지스] 새 공고 "
    )
    assert [(r.to, r.status) for r in results] == [("01012345678", "sent"), ("01099998888", "failed")]


async def test_long_text_goes_as_lms_with_a_subject(sens: FakeSens) -> None:
    async with httpx.AsyncClient() as client:
        request_id = await sms.send_batch(
            _settings(sens.base_url), client=client, messages=[sms.SmsMessage("01012345678", "가" * 100)]
        )
    body = sens.requests[request_id]
    assert body["type"] == "LMS" and body["subject"].startswith("[이지스]")


async def test_wrong_secret_is_an_auth_error_and_probe_passes_with_the_right_one(sens: FakeSens) -> None:
    async with httpx.AsyncClient() as client:
        with pytest.raises(ChannelAuthError):
            await sms.probe(_settings(sens.base_url, secret="wrong"), client)
        assert sens.refused == 1
        assert await sms.probe(_settings(sens.base_url), client)


async def test_more_than_100_recipients_is_refused_before_sending() -> None:
    async with httpx.AsyncClient() as client:
        with pytest.raises(ValueError, match="1 to 100"):
            await sms.send_batch(
                _settings("http://127.0.0.1:9"), client=client, messages=[sms.SmsMessage("01012345678", "x")] * 101
            )
