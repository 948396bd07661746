"""Envelopes shared by the data.go.kr gateway and api.odcloud.kr: errors, the classic and odcloud pages.

Errors arrive as `OpenAPI_ServiceResponse` (XML in two field layouts, or JSON), often with HTTP 200, or
as odcloud's `{"code": -401, "msg": ...}`; a maintenance HTML page may stand in for either.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from engine.errors import SourceAuthError, SourceError, SourceFormatError, SourceQuotaExceeded, SourceUnavailable

if TYPE_CHECKING:
    from engine.collectors.http import ResponseCheck

# returnReasonCode -> the error class an operator reads it as.
RETRYABLE_CODES = frozenset({"01", "02", "03", "04", "05", "99"})  # gateway, DB, HTTP, timeout, unknown
QUOTA_CODES = frozenset({"22", "23"})  # 22 daily quota (wait for tomorrow), 23 per-second limit
AUTH_CODES = frozenset({"20", "30", "31", "32"})  # access denied, key not registered, key expired, IP
REQUEST_CODES = frozenset({"10", "11", "12"})  # bad parameter, missing parameter, no such service: our bug
PER_SECOND_RETRY_S = 1.0
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_CODE_NAME = re.compile(r"^[A-Z][A-Z0-9_]+$")
_SNIFF = 512


@dataclass
class OdcloudPage:
    """One page of the odcloud envelope (`currentCount`, `data`, `matchCount`, `page`, `perPage`, `totalCount`)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    page: int = 1
    per_page: int = 0
    current: int = 0
    match: int | None = None
    total: int | None = None

    @property
    def last(self) -> bool:
        """Return True when no page follows this one."""
        count = self.match if self.match is not None else self.total
        return not self.rows or count is None or self.page * max(self.per_page, 1) >= count


@dataclass
class ClassicPage:
    """One page of the classic `response`/`header`/`body` envelope."""

    items: list[dict[str, Any]] = field(default_factory=list)
    total: int | None = None
    page_no: int = 1
    num_rows: int = 0


def service_key_param(key: str) -> str:
    """Return `serviceKey=<key>` encoded exactly once: a key already holding `%XX` escapes is used as-is."""
    value = key.strip()
    if not _PERCENT_ESCAPE.search(value):
        value = quote(value, safe="")
    return f"serviceKey={value}"


def gateway_error(code: str, name: str, detail: str, *, source: str, label: str) -> SourceError:
    """Return the SourceError a data.go.kr `returnReasonCode` stands for."""
    code = code.strip().zfill(2) if code.strip().isdigit() else code.strip()
    text = f"{label} error {code} {name}".rstrip() + (f": {detail}" if detail and detail != name else "")
    if code in QUOTA_CODES:
        retry_after = PER_SECOND_RETRY_S if code == "23" else None
        return SourceQuotaExceeded(text, source=source, code=code, retry_after=retry_after)
    if code in AUTH_CODES:
        return SourceAuthError(text, source=source, code=code)
    if code in RETRYABLE_CODES:
        return SourceUnavailable(text, source=source, code=code)
    return SourceFormatError(text, source=source, code=code)  # 10-12 and anything unknown: fix the request


def odcloud_error(code: int, message: str, *, source: str, label: str) -> SourceError:
    """Return the SourceError of an odcloud `{"code": <negative>, "msg": ...}` body."""
    text = f"{label} error {code}: {message}"
    if code in (-401, -403, -4) or "인증" in message:
        return SourceAuthError(text, source=source, code=str(code))
    if code == -429 or "초과" in message or "트래픽" in message:
        return SourceQuotaExceeded(text, source=source, code=str(code))
    if code <= -500 or code == -1:
        return SourceUnavailable(text, source=source, code=str(code))
    return SourceFormatError(text, source=source, code=str(code))


def raise_for_error_payload(payload: bytes, *, source: str, label: str) -> None:
    """Raise the source's error when the payload is an error envelope or a maintenance page."""
    head = payload[:_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        if b"OpenAPI_ServiceResponse" in payload[:4096]:
            raise _xml_gateway_error(payload, source=source, label=label)
        if re.match(rb"(?is)<(!doctype\s+html|html|head|body)\b", head):
            raise SourceUnavailable(f"{label} returned an HTML page (maintenance?) instead of data", source=source)
        return
    if not head.startswith(b"{"):
        return
    if b"OpenAPI_ServiceResponse" in head:
        header = _json(payload, source=source, label=label).get("OpenAPI_ServiceResponse", {})
        header = header.get("cmmMsgHeader", header) if isinstance(header, dict) else {}
        raise _gateway_from_fields(header, source=source, label=label)
    if b'"code"' in head and b'"data"' not in head and len(payload) < 4096:
        data = _json(payload, source=source, label=label)
        code = data.get("code") if isinstance(data, dict) else None
        if isinstance(code, int) and code < 0 and "data" not in data:
            raise odcloud_error(code, str(data.get("msg") or ""), source=source, label=label)


def error_check(*, source: str, label: str) -> ResponseCheck:
    """Return a `SourceHttp` check that raises the source's error envelope, whatever the HTTP status."""

    def check(_status: int, body: bytes) -> None:
        raise_for_error_payload(body, source=source, label=label)

    return check


def load_json(payload: bytes, *, source: str, label: str) -> Any:
    """Decode a JSON payload after ruling out error envelopes; truncated JSON is a SourceFormatError."""
    raise_for_error_payload(payload, source=source, label=label)
    if payload[:_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise SourceFormatError(f"{label} returned XML where JSON was asked (returnType?)", source=source)
    return _json(payload, source=source, label=label)


def odcloud_page(payload: bytes, *, source: str, label: str) -> OdcloudPage:
    """Parse one odcloud page; raise the source's error for error bodies."""
    data = load_json(payload, source=source, label=label)
    if not isinstance(data, dict):
        raise SourceFormatError(f"{label} answer is not a JSON object", source=source)
    if "data" not in data:
        code = data.get("code")
        if isinstance(code, int):
            raise odcloud_error(code, str(data.get("msg") or ""), source=source, label=label)
        raise SourceFormatError(f"{label} answer has no data array", source=source)
    rows = data["data"] or []
    if not isinstance(rows, list):
        raise SourceFormatError(f"{label} data is not an array", source=source)
    return OdcloudPage(
        rows=[r for r in rows if isinstance(r, dict)],
        page=_int(data.get("page")) or 1,
        per_page=_int(data.get("perPage")) or len(rows),
        current=_int(data.get("currentCount")) or len(rows),
        match=_int(data.get("matchCount")),
        total=_int(data.get("totalCount")),
    )


def classic_page(payload: bytes, *, source: str, label: str) -> ClassicPage:
    """Parse the classic envelope: resultCode 00 is ok, `item` may be one object, empty `items` is ""."""
    data = load_json(payload, source=source, label=label)
    response = data.get("response") if isinstance(data, dict) else None
    if not isinstance(response, dict):
        raise SourceFormatError(f"{label} answer has no response envelope", source=source)
    header = response.get("header") or {}
    code = str(header.get("resultCode", "00")).strip()
    message = str(header.get("resultMsg") or "")
    body = response.get("body") or {}
    if code == "03":  # NODATA_ERROR: zero results, not a failure
        return ClassicPage(page_no=_int(body.get("pageNo")) or 1, total=0)
    if code not in ("00", "0"):
        raise gateway_error(code, message, "", source=source, label=label)
    items: Any = body.get("items")
    if isinstance(items, dict):
        items = items.get("item", [])
    if isinstance(items, dict):
        items = [items]
    if items in ("", None):
        items = []
    if not isinstance(items, list):
        raise SourceFormatError(f"{label} items is neither a list nor an object", source=source)
    return ClassicPage(
        items=[i for i in items if isinstance(i, dict)],
        total=_int(body.get("totalCount")),
        page_no=_int(body.get("pageNo")) or 1,
        num_rows=_int(body.get("numOfRows")) or 0,
    )


def _json(payload: bytes, *, source: str, label: str) -> Any:
    try:
        return json.loads(payload.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceFormatError(f"{label} answer is not UTF-8: {exc.reason}", source=source) from exc
    except ValueError as exc:
        raise SourceFormatError(f"{label} returned invalid or truncated JSON: {exc}", source=source) from exc


def _xml_gateway_error(payload: bytes, *, source: str, label: str) -> SourceError:
    try:
        root = ET.fromstring(payload)
    except ET.ParseError as exc:
        return SourceFormatError(f"{label} returned a malformed OpenAPI_ServiceResponse: {exc}", source=source)
    fields = {child.tag: (child.text or "").strip() for child in root.iter() if len(child) == 0}
    return _gateway_from_fields(fields, source=source, label=label)


def _gateway_from_fields(fields: Any, *, source: str, label: str) -> SourceError:
    if not isinstance(fields, dict):
        fields = {}
    code = str(fields.get("returnReasonCode") or "").strip() or "99"
    err_msg = str(fields.get("errMsg") or "").strip()
    auth_msg = str(fields.get("returnAuthMsg") or "").strip()
    # Two layouts: errMsg 'SERVICE ERROR' + the code name in returnAuthMsg, or the code name in errMsg
    # and a Korean sentence in returnAuthMsg.
    if _CODE_NAME.match(auth_msg) and not _CODE_NAME.match(err_msg):
        name, detail = auth_msg, ""
    elif _CODE_NAME.match(err_msg):
        name, detail = err_msg, auth_msg
    else:
        name, detail = auth_msg or err_msg, ""
    return gateway_error(code, name, detail, source=source, label=label)


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None
