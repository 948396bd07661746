"""SMS over NCP SENS v2: signed requests, SMS or LMS by EUC-KR length, ≤ 100 recipients a request.

SENS answers 202 when it *accepted* a request (keep the requestId); whether each recipient got the
message is read later with `request_results` (GET …/messages?requestId=). The sender number must be
registered with SENS in advance. The HTTP client is injected (httpx.AsyncClient).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from engine.errors import ChannelAuthError, ChannelError, ChannelRejected, ChannelUnavailable
from engine.settings import SensSettings

CHANNEL = "sms"
SMS_BYTES = 90  # SENS truncates a longer SMS: send LMS instead
LMS_BYTES = 2000
SUBJECT_BYTES = 40
MAX_RECIPIENTS = 100
LMS_SUBJECT = "[이지스] 지원사업 알림"
ENCODING = "cp949"  # EUC-KR as carriers count it (2 bytes a Hangul syllable)


@dataclass(frozen=True)
class SmsMessage:
    """One text to one phone number (digits, e.g. 01012345678)."""

    to: str
    content: str


@dataclass(frozen=True)
class RecipientResult:
    """What SENS says happened to one recipient of a request."""

    to: str
    status: str  # sent | failed | pending
    detail: str = ""


def configured(settings: SensSettings) -> bool:
    """Return whether the SMS channel can send (keys, service id and sender number set)."""
    return bool(settings.access_key and settings.secret_key and settings.service_id and settings.from_number)


def clean(text: str) -> str:
    """Drop what EUC-KR cannot carry (emoji and the like): SENS rejects a request containing it."""
    return "".join(ch for ch in text if _encodable(ch))


def byte_length(text: str) -> int:
    """Return the length of `text` in EUC-KR bytes."""
    return len(text.encode(ENCODING, errors="ignore"))


def message_type(content: str) -> str:
    """Return SMS when the content fits 90 EUC-KR bytes, else LMS."""
    return "SMS" if byte_length(content) <= SMS_BYTES else "LMS"


def signature(*, method: str, uri: str, timestamp: str, access_key: str, secret_key: str) -> str:
    """Return x-ncp-apigw-signature-v2: base64 HMAC-SHA256 of "METHOD uri\\ntimestamp\\naccess key"."""
    message = f"{method} {uri}\n{timestamp}\n{access_key}"
    digest = hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


async def send_batch(settings: SensSettings, *, client: httpx.AsyncClient, messages: list[SmsMessage]) -> str:
    """Send up to 100 messages of one type in one request; return SENS's requestId (202 = accepted)."""
    if not messages or len(messages) > MAX_RECIPIENTS:
        raise ValueError(f"a SENS request carries 1 to {MAX_RECIPIENTS} messages, not {len(messages)}")
    kinds = {message_type(clean(m.content)) for m in messages}
    if len(kinds) != 1:
        raise ValueError("one SENS request carries one message type: group SMS and LMS apart")
    kind = kinds.pop()
    items: list[dict[str, Any]] = []
    for message in messages:
        item: dict[str, Any] = {"to": message.to, "content": _cut(clean(message.content), LMS_BYTES)}
        if kind == "LMS":
            item["subject"] = LMS_SUBJECT
        items.append(item)
    body: dict[str, Any] = {
        "type": kind,
        "contentType": "COMM",
        "countryCode": "82",
        "from": settings.from_number,
        "content": items[0]["content"],
        "messages": items,
    }
    if kind == "LMS":
        body["subject"] = LMS_SUBJECT
    answer = await _call(settings, client, "POST", _messages_uri(settings), json=body)
    request_id = answer.get("requestId")
    if not request_id:
        raise ChannelUnavailable("SENS answered without a requestId", channel=CHANNEL)
    return str(request_id)


async def request_results(
    settings: SensSettings, *, client: httpx.AsyncClient, request_id: str
) -> list[RecipientResult]:
    """Return the per-recipient outcome of an accepted request (pending while SENS is still working)."""
    uri = f"{_messages_uri(settings)}?{urlencode({'requestId': request_id})}"
    answer = await _call(settings, client, "GET", uri)
    results = []
    for listed in answer.get("messages") or []:
        item = listed
        if "status" not in item and item.get("messageId"):  # the list may omit results: ask per message
            item = item | await _call(settings, client, "GET", f"{_messages_uri(settings)}/{item['messageId']}")
        results.append(_result(item))
    return results


async def probe(settings: SensSettings, client: httpx.AsyncClient) -> str:
    """Make the cheapest signed call (look up a request id that does not exist); raise on bad keys."""
    uri = f"{_messages_uri(settings)}?{urlencode({'requestId': 'aegis-probe'})}"
    with contextlib.suppress(ChannelRejected):  # keys accepted; the made-up request id simply is not there
        await _call(settings, client, "GET", uri)
    return "SENS 서명 인증 성공"


def _result(item: dict[str, Any]) -> RecipientResult:
    status = str(item.get("status", "")).upper()
    name = str(item.get("statusName", "")).lower()
    detail = str(item.get("statusMessage") or item.get("statusCode") or "")
    if status == "COMPLETED" or name in ("success", "fail", "failed"):
        return RecipientResult(str(item.get("to", "")), "sent" if name == "success" else "failed", detail)
    return RecipientResult(str(item.get("to", "")), "pending", detail)


async def _call(
    settings: SensSettings, client: httpx.AsyncClient, method: str, uri: str, *, json: Any = None
) -> dict[str, Any]:
    if not configured(settings):
        raise ChannelAuthError("SENS is not configured", channel=CHANNEL)
    assert settings.access_key is not None and settings.secret_key is not None  # configured() checked
    access = settings.access_key.get_secret_value()
    timestamp = str(int(time.time() * 1000))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "x-ncp-apigw-timestamp": timestamp,
        "x-ncp-iam-access-key": access,
        "x-ncp-apigw-signature-v2": signature(
            method=method,
            uri=uri,
            timestamp=timestamp,
            access_key=access,
            secret_key=settings.secret_key.get_secret_value(),
        ),
    }
    url = settings.base_url.rstrip("/") + uri
    try:
        response = await client.request(method, url, headers=headers, json=json, timeout=settings.timeout_s)
    except httpx.HTTPError as exc:
        raise ChannelUnavailable(f"SENS unreachable: {type(exc).__name__}", channel=CHANNEL) from exc
    if response.status_code in (200, 202):
        try:
            data = response.json()
        except ValueError as exc:
            raise ChannelUnavailable("SENS answered with something that is not JSON", channel=CHANNEL) from exc
        return data if isinstance(data, dict) else {}
    raise _error(response)


def _error(response: httpx.Response) -> ChannelError:
    code = response.status_code
    text = response.text[:200]
    if code in (401, 403):
        ncp = _ncp_error_code(response)  # API Gateway errorCode: 200 auth failed (keys or clock), 210 no permission
        error = ChannelAuthError(f"SENS refused the credentials ({code}, errorCode {ncp or '-'})", channel=CHANNEL)
        error.status, error.code = code, ncp  # type: ignore[attr-defined]  # read by `aegis doctor`
        return error
    if code == 429 or code >= 500:
        retry = response.headers.get("Retry-After")
        after = float(retry) if retry and retry.isdigit() else None
        return ChannelUnavailable(f"SENS unavailable ({code})", channel=CHANNEL, retry_after=after)
    return ChannelRejected(f"SENS rejected the request ({code}): {text}", channel=CHANNEL)


def _ncp_error_code(response: httpx.Response) -> str | None:
    """Return the NCP API Gateway `errorCode` of an error body (`{"error": {"errorCode": "200", ...}}`)."""
    try:
        data = response.json()
    except ValueError:
        return None
    error = data.get("error") if isinstance(data, dict) else None
    code = error.get("errorCode") if isinstance(error, dict) else None
    return str(code) if code is not None else None


def _messages_uri(settings: SensSettings) -> str:
    return f"/sms/v2/services/{settings.service_id}/messages"


def _cut(text: str, limit: int) -> str:
    while byte_length(text) > limit:
        text = text[:-1]
    return text


def _encodable(ch: str) -> bool:
    try:
        ch.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True
