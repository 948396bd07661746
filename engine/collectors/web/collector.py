"""`DeclarativeCollector`: runs a `SourceDefinition` through the shared collector protocol.

`parse` reads saved pages (`aegis import`, scrape tests); `collect` pages through the live board
politely. A web listing is never provably complete, so a web source never closes programs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import httpx

from engine.collectors.base import WEB_DEDUP_PRIORITY, Batch, Rejection
from engine.collectors.normalize import build_record
from engine.collectors.web.definition import SourceDefinition
from engine.collectors.web.extract import Detail, Row, next_page_url, parse_detail, rows_of, scrape_list, soup_of
from engine.collectors.web.fetch import PoliteFetcher
from engine.domain import ProgramRecord
from engine.eligibility import parse_date, parse_window
from engine.errors import SourceAuthError, SourceDegraded, SourceError

log = logging.getLogger(__name__)
KST = ZoneInfo("Asia/Seoul")


class DeclarativeCollector:
    """A board described by a `SourceDefinition` (kind "html"); name and label come from it."""

    kind: ClassVar[str] = "html"
    key_setting: ClassVar[str | None] = None  # public boards: no key
    schedule: ClassVar[str] = "30 7,13,19 * * *"  # three polite visits a day (Asia/Seoul)
    dedup_priority: ClassVar[int] = WEB_DEDUP_PRIORITY
    standalone: ClassVar[bool] = False
    secret_params: ClassVar[tuple[str, ...]] = ()

    def __init__(self, definition: SourceDefinition, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.definition = definition
        self.name = definition.name
        self.label = definition.label
        self._transport = transport

    def parse(
        self,
        payload: bytes,
        *,
        url: str | None = None,
        page: int = 1,
        detail: bytes | None = None,
        details: Mapping[str, bytes] | None = None,
        **options: Any,
    ) -> Batch:
        """Parse a saved list page; `details` maps notice ids to saved detail pages, `detail` is matched by title."""
        base = url or self.definition.list_url
        rows = scrape_list(self.definition, payload, base, page=page)
        single = parse_detail(self.definition, detail, base_url=base) if detail is not None else None
        batch = Batch(source=self.name)
        for row in rows:
            if row.skipped:
                continue
            found: Detail | None = None
            if details and row.external_id in details:
                found = parse_detail(self.definition, details[row.external_id], base_url=row.url)
            elif single is not None and single.fields.get("title") == row.title:
                found = single
            self._add(batch, row, found)
        return batch

    def fetcher(self) -> PoliteFetcher:
        """Return a polite fetcher configured by the definition."""
        d = self.definition
        return PoliteFetcher(
            source=d.name,
            host=d.host,
            user_agent=d.agent,
            delay_s=d.delay_s,
            timeout_s=d.timeout_s,
            max_bytes=d.max_bytes,
            retries=d.retries,
            transport=self._transport,
        )

    async def collect(self, http: Any = None, keys: Any = None, *, fetcher: PoliteFetcher | None = None) -> Batch:
        """Fetch the list pages and each program's detail page; `http`/`keys` are unused (no API key)."""
        own = fetcher is None
        client = fetcher or self.fetcher()
        try:
            rows = await self._list_rows(client)
            batch = Batch(source=self.name)
            for row in rows:
                if row.skipped:
                    continue
                try:
                    found = await self._detail(client, row)
                except (SourceDegraded, SourceAuthError):
                    raise  # a redesign or a refusal concerns the whole source
                except SourceError as exc:
                    batch.rejected.append(Rejection(row.external_id, f"상세 페이지를 가져오지 못했습니다: {exc}"))
                    continue
                self._add(batch, row, found)
            return batch
        finally:
            if own:
                await client.aclose()

    async def _list_rows(self, client: PoliteFetcher) -> list[Row]:
        d = self.definition
        pages = d.pagination
        url: str | None = self.page_url(pages.first_page)
        rows: list[Row] = []
        seen: set[str] = set()
        for index in range(pages.max_pages):
            if url is None:
                break
            number = pages.first_page + index
            fetched = await client.get(url)
            soup = soup_of(d, fetched.body, fetched.charset)
            try:
                found = rows_of(d, soup, fetched.url, page=number)
            except SourceDegraded:
                if index == 0:
                    raise  # the first page always has notices: an empty one means the layout changed
                break  # past the last page
            fresh = [r for r in found if r.external_id not in seen]
            if not any(not r.pinned for r in fresh):
                break  # only repeated (pinned) rows: the board served the last page again
            seen.update(r.external_id for r in fresh)
            rows.extend(fresh)
            url = self.page_url(number + 1) if pages.page_param else next_page_url(d, soup, fetched.url)
        return rows

    async def _detail(self, client: PoliteFetcher, row: Row) -> Detail | None:
        if self.definition.detail is None:
            return None
        fetched = await client.get(row.url)
        return parse_detail(self.definition, fetched.body, base_url=fetched.url, header_charset=fetched.charset)

    def page_url(self, number: int) -> str | None:
        """Return the list URL of page `number` (the first page when there is no page parameter)."""
        d = self.definition
        param = d.pagination.page_param
        if not param:
            return d.list_url if number == d.pagination.first_page else None
        parts = urlsplit(d.list_url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != param]
        query.append((param, str(number)))
        return urlunsplit(parts._replace(query=urlencode(query)))

    def _add(self, batch: Batch, row: Row, detail: Detail | None) -> None:
        try:
            batch.records.append(self.record(row, detail))
        except ValueError as exc:
            batch.rejected.append(Rejection(row.external_id, str(exc)))

    def record(self, row: Row, detail: Detail | None) -> ProgramRecord:
        """Build the canonical record of one notice from its row and (optional) detail page."""
        d = self.definition
        fields = detail.fields if detail else {}
        spec = d.detail
        posted = parse_date(row.date)
        period = fields.get(spec.period_field) if spec else None
        # Notice bodies often omit the end date's year ('10. 6. ~ 10. 23.'): the posting year fills it.
        window = parse_window(period, year_hint=posted.year if posted else None) if period else None
        return build_record(
            source=d.name,
            external_id=row.external_id,
            title=row.title,
            summary_html=fields.get("지원내용"),
            body_html=fields.get("body"),
            organization=d.organization,
            executor=fields.get("department") or row.extra.get("department"),
            category=d.category,
            target=fields.get(spec.target_field) if spec else None,
            window=window,
            url=row.url,
            attachments=detail.attachments if detail else (),
            exclusions=fields.get("exclusions", ""),
            region_hint=d.region_hint,
            posted_at=dt.datetime.combine(posted, dt.time(), tzinfo=KST) if posted else None,
            raw={"row": row.as_json(), "detail": {k: v for k, v in fields.items() if k != "body"}},
        )
