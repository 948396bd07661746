"""Pure extraction for declarative web sources: bytes of a list or detail page → rows and fields.

Handles the traps of Korean government boards: EUC-KR pages, truncated link text, pinned 공지 rows,
relative links, off-host links and HWP-converted bodies whose `□` paragraphs are the real fields.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from engine.collectors.web.definition import SourceDefinition, search_pattern
from engine.domain import Attachment
from engine.eligibility import parse_date
from engine.errors import SourceDegraded
from engine.text import clean_inline, html_to_text

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SECTION = re.compile(r"^\s*□\s*(?P<head>[^:：]+?)\s*(?:[:：]\s*(?P<value>.*))?$")
_EXCLUSION_HEAD = re.compile(r"^\s*[○◦ㅇ]\s*(?:지원\s*)?제외\s*대상")
_CONDITION = re.compile(r"^\s*[○◦ㅇ]")
# EUC-KR pages routinely contain CP949-only syllables; CP949 is the superset browsers actually use.
log = logging.getLogger(__name__)
_ALIASES = {"euc-kr": "cp949", "euckr": "cp949", "ks_c_5601-1987": "cp949", "x-windows-949": "cp949"}


@dataclass
class Row:
    """One notice of a list page."""

    title: str
    url: str
    external_id: str
    date: str | None = None  # ISO when it parses, else as written
    pinned: bool = False
    page: int = 1
    skipped: str | None = None  # why the title filter drops it (a non-program notice)
    extra: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """Return the row as the scrape-test contract shows it."""
        data: dict[str, Any] = {"title": self.title, "url": self.url, "date": self.date, "id": self.external_id}
        data["pinned"] = self.pinned
        data.update(self.extra)
        return data


@dataclass
class Detail:
    """What a detail page says: named fields (incl. `□` sections) and its attachments."""

    fields: dict[str, str] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)


def decode_page(payload: bytes, *, declared: str | None = None, header_charset: str | None = None) -> str:
    """Decode a page: the definition's charset, else BOM, HTTP header, <meta>, then UTF-8 or CP949.

    A page that does not decode in the charset it declares (an EUC-KR page labelled UTF-8) is decoded
    with the fallbacks instead, with a warning: mislabelled pages must not turn into mojibake silently.
    """
    match = _META_CHARSET.search(payload[:4096])
    meta = match.group(1).decode("ascii", errors="ignore") if match else None
    configured = declared if declared and declared.lower() != "auto" else None
    for name in (configured, _bom(payload), header_charset, meta):
        codec = _codec(name) if name else None
        if codec is None:
            continue
        try:
            return payload.decode(codec)
        except UnicodeDecodeError:
            fallback = _fallback(payload, besides=codec)
            if fallback is not None:
                log.warning("page declared %s but is not %s; decoded as %s", name, codec, fallback[0])
                return fallback[1]
            return payload.decode(codec, errors="replace")
    found = _fallback(payload, besides="")
    return found[1] if found is not None else payload.decode("cp949", errors="replace")


def _fallback(payload: bytes, *, besides: str) -> tuple[str, str] | None:
    """Return (codec, text) of the first of UTF-8 and CP949 (EUC-KR's superset) that decodes strictly."""
    for codec in ("utf-8", "cp949"):
        if codec == besides:
            continue
        try:
            return codec, payload.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def _bom(payload: bytes) -> str | None:
    if payload.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if payload.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _codec(name: str) -> str | None:
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def soup_of(defn: SourceDefinition, payload: bytes, header_charset: str | None = None) -> BeautifulSoup:
    """Parse a page with the stdlib parser (no lxml needed), decoded by the charset rules."""
    return BeautifulSoup(decode_page(payload, declared=defn.charset, header_charset=header_charset), "html.parser")


def scrape_list(
    defn: SourceDefinition, html_bytes: bytes, base_url: str, *, page: int = 1, header_charset: str | None = None
) -> list[Row]:
    """Return the notices of a list page; raise SourceDegraded when the row or title selector finds nothing."""
    return rows_of(defn, soup_of(defn, html_bytes, header_charset), base_url, page=page)


def rows_of(defn: SourceDefinition, soup: BeautifulSoup, base_url: str, *, page: int = 1) -> list[Row]:
    """Return the notices of a parsed list page (see `scrape_list`)."""
    sel = defn.listing
    elements = soup.select(sel.row)
    if not elements:
        raise SourceDegraded(
            f"{defn.name}: row selector {sel.row!r} matched nothing", source=defn.name, selector=sel.row
        )
    rows: list[Row] = []
    seen: set[str] = set()
    titled = 0
    for element in elements:
        title_el = element.select_one(sel.title)
        if title_el is None:
            continue  # header or 'no posts' rows
        titled += 1
        row = _row(defn, element, title_el, base_url, page)
        if row is None or row.external_id in seen:
            continue
        seen.add(row.external_id)
        rows.append(row)
    if titled == 0:
        raise SourceDegraded(
            f"{defn.name}: title selector {sel.title!r} matched nothing in {len(elements)} rows",
            source=defn.name,
            selector=sel.title,
        )
    return rows


def _row(defn: SourceDefinition, element: Tag, title_el: Tag, base_url: str, page: int) -> Row | None:
    sel = defn.listing
    # The title attribute carries the full title when the link text is cut ('...').
    title = clean_inline(_attr(title_el, "title") or title_el.get_text(" ", strip=True))
    if not title:
        return None
    link_el = element.select_one(sel.link) if sel.link else title_el
    raw_link = _attr(link_el, sel.link_attr) if link_el is not None else ""
    url, external_id = _link(defn, raw_link, base_url, page)
    if url is None or external_id is None:
        return None
    date_text = _text(element.select_one(sel.date)) if sel.date else ""
    date = parse_date(date_text)
    pinned = bool(sel.pinned and element.css.match(sel.pinned))
    extra = {name: _text(element.select_one(css)) for name, css in sel.extra.items()}
    return Row(
        title=title,
        url=url,
        external_id=external_id,
        date=date.isoformat() if date else (date_text or None),
        pinned=pinned,
        page=page,
        skipped=defn.keep_title(title),
        extra=extra,
    )


def _link(defn: SourceDefinition, raw: str, base_url: str, page: int) -> tuple[str | None, str | None]:
    """Resolve a row's link to (absolute on-host URL, stable id); (None, None) when it must be ignored."""
    sel = defn.listing
    ident: str | None = None
    if sel.id_regex:
        match = search_pattern(sel.id_regex, raw, source=defn.name)
        ident = match.group(1) if match else None
    if sel.detail_url and ident:
        raw = sel.detail_url.format(id=ident, page=page)
    if not raw or raw.lower().startswith(("javascript:", "mailto:", "tel:", "#")):
        return None, None
    url = urljoin(base_url, raw.strip())
    if not is_on_host(defn, url):
        return None, None  # never follow a link off the configured host
    if ident is None and sel.id_param:
        values = parse_qs(urlsplit(url).query).get(sel.id_param)
        ident = values[0] if values else None
    if ident is None:
        if sel.id_param or sel.id_regex:
            return None, None
        ident = hashlib.sha1(_without_page(defn, url).encode()).hexdigest()[:16]
    return url, ident


def _without_page(defn: SourceDefinition, url: str) -> str:
    param = defn.pagination.page_param
    if not param:
        return url
    return re.sub(rf"([?&]){re.escape(param)}=[^&]*&?", r"\1", url).rstrip("?&")


def is_on_host(defn: SourceDefinition, url: str) -> bool:
    """Return True when `url` is http(s) on the source's allowed host."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (parts.hostname or "").lower() == defn.host


def next_page_url(defn: SourceDefinition, soup: BeautifulSoup, base_url: str) -> str | None:
    """Return the on-host URL of the next-link selector, or None on the last page."""
    if not defn.pagination.next_selector:
        return None
    link = soup.select_one(defn.pagination.next_selector)
    href = _attr(link, "href") if link is not None else ""
    if not href or href.lower().startswith(("javascript:", "#")):
        return None
    url = urljoin(base_url, href)
    return url if is_on_host(defn, url) else None


def scrape_detail(defn: SourceDefinition, html_bytes: bytes, *, header_charset: str | None = None) -> dict[str, str]:
    """Return a detail page's fields: the configured selectors, `body`, its `□` sections and exclusions."""
    detail = parse_detail(defn, html_bytes, base_url=defn.list_url, header_charset=header_charset)
    fields = dict(detail.fields)
    if detail.attachments:
        fields["attachments"] = "\n".join(a.name for a in detail.attachments)
    return fields


def parse_detail(
    defn: SourceDefinition, html_bytes: bytes, *, base_url: str, header_charset: str | None = None
) -> Detail:
    """Return a detail page's fields and attachments; raise SourceDegraded when the body selector finds nothing."""
    spec = defn.detail
    out = Detail()
    if spec is None:
        return out
    soup = soup_of(defn, html_bytes, header_charset)
    for name, css in spec.fields.items():
        value = _text(soup.select_one(css))
        if value:
            out.fields[name] = value
    if spec.body:
        body = soup.select_one(spec.body)
        if body is None:
            raise SourceDegraded(
                f"{defn.name}: body selector {spec.body!r} matched nothing", source=defn.name, selector=spec.body
            )
        text = html_to_text(str(body))
        out.fields["body"] = text
        out.fields.update(sections(text))
    if spec.attachments:
        for link in soup.select(spec.attachments):
            name = clean_inline(link.get_text(" ", strip=True))
            href = _attr(link, "href")
            url = urljoin(base_url, href) if href else None
            if name:
                out.attachments.append(Attachment(name=name, url=url if url and is_on_host(defn, url) else None))
    return out


def sections(body: str) -> dict[str, str]:
    """Split a notice body into its `□` sections; a `○ 지원 제외 대상` block becomes `exclusions`."""
    found: dict[str, list[str]] = {}
    exclusions: list[str] = []
    current: list[str] | None = None
    in_exclusion = False
    for line in body.split("\n"):
        match = _SECTION.match(line)
        if match:
            head = re.sub(r"\s+", "", match["head"])
            current = found.setdefault(head, [])
            in_exclusion = False
            if match["value"] and match["value"].strip():
                current.append(match["value"].strip())
            continue
        if current is None:
            continue
        if _EXCLUSION_HEAD.match(line):
            in_exclusion = True
            continue
        if in_exclusion and _CONDITION.match(line):
            in_exclusion = False  # the next ○ condition ends the exclusion block
        if in_exclusion:
            exclusions.append(line.strip())
        else:
            current.append(line.strip())
    fields = {head: "\n".join(lines) for head, lines in found.items() if lines}
    if exclusions:
        fields["exclusions"] = "\n".join(exclusions)
    return fields


def _attr(element: Tag | None, name: str) -> str:
    if element is None:
        return ""
    value = element.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return str(value).strip() if value else ""


def _text(element: Tag | None) -> str:
    return clean_inline(element.get_text(" ", strip=True)) if element is not None else ""
