"""기업마당 (bizinfo.go.kr) notices: `bizinfoApi.do` JSON in its three `jsonArray` shapes, and RSS.

Traps handled here: `jsonArray` is the array itself (live) or an object with `item` as a list or a
single object (documented), alias field names (`seq`, `title`, `link`, `author`, `lcategory`,
`pubDate`, `description`, `reqstDt`, `hashTags`), `reqErr` inside HTTP 200 (an auth error),
`@`-joined attachments, HTML summaries, and RSS when `dataType` is omitted or JSON does not parse.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any, ClassVar

from engine.collectors.base import Batch, Rejection
from engine.collectors.normalize import build_record, parse_timestamp, split_list
from engine.domain import Attachment, ProgramRecord
from engine.errors import SourceAuthError, SourceFormatError, SourceUnavailable

if TYPE_CHECKING:
    from engine.collectors.http import SourceHttp
    from engine.settings import SourceKeys


# Documented alias -> live field name.
ALIASES = {
    "seq": "pblancId",
    "title": "pblancNm",
    "link": "pblancUrl",
    "author": "jrsdInsttNm",
    "lcategory": "pldirSportRealmLclasCodeNm",
    "pubDate": "creatPnttm",
    "description": "bsnsSumryCn",
    "reqstDt": "reqstBeginEndDe",
    "hashTags": "hashtags",
}
PAGE_SIZE = 500  # searchCnt asked per call; the API returns every open notice at once


class BizinfoCollector:
    """기업마당 지원사업 공고."""

    name: ClassVar[str] = "bizinfo"
    label: ClassVar[str] = "기업마당"
    kind: ClassVar[str] = "api"
    key_setting: ClassVar[str | None] = "bizinfo_api_key"
    schedule: ClassVar[str | None] = "10 */3 * * *"  # staggered: two sources never start in the same minute
    dedup_priority: ClassVar[int] = 10  # the widest portal: its notice is the canonical one
    standalone: ClassVar[bool] = False
    secret_params: ClassVar[tuple[str, ...]] = ("crtfcKey",)

    def parse(self, payload: bytes, **options: Any) -> Batch:
        """Parse a `bizinfoApi.do` answer (JSON in any shape, or RSS)."""
        text = _decode(payload)
        stripped = text.lstrip()
        if stripped.startswith("<"):
            if "<rss" in stripped[:500] or stripped.startswith("<?xml"):
                return self._parse_items(_rss_items(text, self.name))
            raise SourceUnavailable("기업마당 returned an HTML page instead of data", source=self.name)
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise SourceFormatError(f"기업마당 returned invalid JSON: {exc}", source=self.name) from exc
        return self._parse_items(_json_items(data, self.name))

    async def collect(self, http: SourceHttp, keys: SourceKeys) -> Batch:
        """Fetch the whole open listing (one call, `searchCnt` large), JSON first, RSS as fallback."""
        if keys.bizinfo_api_key is None:
            raise SourceAuthError(
                "기업마당 crtfcKey is not configured (AEGIS_SOURCES__BIZINFO_API_KEY)", source=self.name
            )
        params = {"crtfcKey": keys.bizinfo_api_key.get_secret_value(), "dataType": "json", "searchCnt": PAGE_SIZE}
        body = await http.get_bytes(keys.bizinfo_url, params=params)
        try:
            return self.parse(body)
        except SourceFormatError:
            # JSON that does not parse: the RSS answer carries the same notices.
            params.pop("dataType")
            return self.parse(await http.get_bytes(keys.bizinfo_url, params=params))

    def _parse_items(self, items: tuple[list[dict[str, Any]], int | None]) -> Batch:
        rows, total = items
        batch = Batch(source=self.name)
        for position, raw in enumerate(rows):
            row = {ALIASES.get(k, k): v for k, v in raw.items()}
            try:
                batch.records.append(self.normalize(row))
            except ValueError as exc:
                ref = str(row.get("pblancId") or f"#{position + 1}")
                batch.rejected.append(Rejection(ref, str(exc)))
        ids = {r.external_id for r in batch.records}
        batch.complete = total is not None and total == len(ids) and not batch.rejected
        return batch

    def normalize(self, row: dict[str, Any]) -> ProgramRecord:
        """Turn one notice (live field names) into the canonical record; ValueError if unusable."""
        external_id = str(row.get("pblancId") or "").strip()
        if not external_id:
            raise ValueError("pblancId가 없습니다")
        return build_record(
            source=self.name,
            external_id=external_id,
            title=row.get("pblancNm"),
            summary_html=row.get("bsnsSumryCn"),
            organization=row.get("jrsdInsttNm"),
            executor=row.get("excInsttNm"),
            category=row.get("pldirSportRealmLclasCodeNm"),
            support_types=[row[k] for k in ("pldirSportRealmMlsfcCodeNm",) if row.get(k)],
            target=row.get("trgetNm"),
            period=row.get("reqstBeginEndDe"),
            url=row.get("pblancUrl"),
            attachments=_attachments(row),
            hashtags=split_list(row.get("hashtags"), ","),
            posted_at=parse_timestamp(row.get("creatPnttm")),
            raw=row,
        )


def _decode(payload: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return payload.decode(encoding)
        except UnicodeDecodeError:
            continue
    return payload.decode("utf-8", errors="replace")


def _json_items(data: Any, source: str) -> tuple[list[dict[str, Any]], int | None]:
    if isinstance(data, dict) and "reqErr" in data and "jsonArray" not in data:
        raise SourceAuthError(f"기업마당 error: {data['reqErr']}", source=source, code="reqErr")
    if not isinstance(data, dict) or "jsonArray" not in data:
        raise SourceFormatError("기업마당 JSON has no jsonArray", source=source)
    array = data["jsonArray"]
    if isinstance(array, dict):  # the documented shape: a channel object with `item`
        array = array.get("item", [])
    if isinstance(array, dict):  # one result: `item` is a single object
        array = [array]
    if array in ("", None):
        array = []
    if not isinstance(array, list):
        raise SourceFormatError("기업마당 jsonArray is neither a list nor an object", source=source)
    rows = [r for r in array if isinstance(r, dict)]
    return rows, _total(rows)


def _total(rows: list[dict[str, Any]]) -> int | None:
    for row in rows:
        value = row.get("totCnt")
        if value not in (None, ""):
            try:
                return int(str(value).strip())
            except ValueError:
                return None
    return None


def _rss_items(text: str, source: str) -> tuple[list[dict[str, Any]], int | None]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise SourceFormatError(f"기업마당 RSS does not parse: {exc}", source=source) from exc
    rows = [{child.tag: (child.text or "").strip() for child in item} for item in root.iter("item")]
    return rows, _total(rows)


def _attachments(row: dict[str, Any]) -> list[Attachment]:
    files: list[Attachment] = []
    for names_key, urls_key in (("fileNm", "flpthNm"), ("printFileNm", "printFlpthNm")):
        names = split_list(row.get(names_key), "@")
        urls = split_list(row.get(urls_key), "@")
        for i, name in enumerate(names):
            files.append(Attachment(name=name, url=urls[i] if i < len(urls) else None))
    return files
