"""A declarative (low-code) web source: a board described as data, loaded from YAML or the `sources` table.

The dashboard edits these; `DeclarativeCollector` runs them. Validation errors become `InvalidInput`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from engine.errors import InvalidInput, SourceFormatError

DEFAULT_USER_AGENT = "AegisBot/0.1 (policy-funding notices; polite crawler)"
_NAME = r"^[a-z][a-z0-9_]{1,49}$"
PATTERN_TIMEOUT_S = 1.0  # a definition's regex gets this long per text, then the source fails
MAX_PATTERN = 300
# A repeated group that itself repeats ('(a+)+', '(\\w*\\s?)*', '(?:x+){2,}'): backtracking explodes.
_NESTED_REPEAT = re.compile(r"\((?:\?[:P<>=!a-zA-Z_]*)?[^()]*(?:[*+]|\{\d*,\d*\})[^()]*\)(?:[*+]|\{\d*,)")


def check_pattern(value: str) -> str:
    """Return a definition's regex when it compiles and cannot backtrack catastrophically; ValueError saying why."""
    if len(value) > MAX_PATTERN:
        raise ValueError(f"정규식이 너무 깁니다 ({len(value)}자, 최대 {MAX_PATTERN}자) / pattern too long")
    if _NESTED_REPEAT.search(value):
        raise ValueError(
            "반복 안에 반복이 있는 정규식(예: (a+)+)은 처리 시간이 폭증할 수 있어 쓸 수 없습니다 "
            "/ nested repetition can backtrack catastrophically"
        )
    try:
        regex.compile(value)
    except regex.error as exc:
        raise ValueError(f"정규식을 해석할 수 없습니다: {exc} / pattern does not compile") from exc
    return value


def search_pattern(pattern: str, text: str, *, source: str, timeout_s: float = PATTERN_TIMEOUT_S) -> Any:
    """Search `text` with a definition's regex, bounded in time; SourceFormatError when it runs too long."""
    try:
        return regex.search(pattern, text, timeout=timeout_s)
    except TimeoutError as exc:
        raise SourceFormatError(
            f"{source}: id_regex ran longer than {timeout_s:g}s on one link; fix the definition",
            source=source,
            code="regex_timeout",
            user_message="출처 정의의 정규식(id_regex)이 시간 제한을 넘었습니다. 정규식을 단순하게 고쳐 주세요.",
        ) from exc


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Pagination(_Strict):
    """How to reach the next list page: a page parameter, or a next-link selector."""

    page_param: str | None = None  # e.g. pageIndex
    first_page: int = 1
    next_selector: str | None = None  # e.g. 'div.paging a.btn_next'; used when page_param is unset
    max_pages: int = Field(default=1, ge=1, le=50)


class ListSelectors(_Strict):
    """CSS selectors of the list page; `title`, `link` and `date` are relative to `row`."""

    row: str  # pick the desktop table rows, so a hidden mobile copy of the list is never read
    title: str
    link: str | None = None  # defaults to the title element
    link_attr: str = "href"
    date: str | None = None
    pinned: str | None = None  # rows matching this repeat on every page (공지)
    id_param: str | None = None  # the query parameter of the link that identifies a notice
    id_regex: str | None = None  # or a regex with one group over the link attribute ('fn_view(123)')
    detail_url: str | None = None  # template for JS links: 'view.do?seq={id}&pageIndex={page}'
    extra: dict[str, str] = Field(default_factory=dict)  # more row fields: name -> selector

    @field_validator("id_regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None and regex.compile(check_pattern(value)).groups != 1:
            raise ValueError("정규식에 괄호 그룹이 정확히 하나 있어야 합니다 / id_regex needs exactly one group")
        return value


class DetailSelectors(_Strict):
    """CSS selectors of a detail page; the body's `□` sections become fields of their own."""

    body: str | None = None
    attachments: str | None = None  # the file links (<a>), not viewer buttons
    fields: dict[str, str] = Field(default_factory=dict)  # name -> selector (title, dept, tel, ...)
    period_field: str = "신청기간"
    target_field: str = "지원대상"


class SourceDefinition(_Strict):
    """One board: where it is, how to page through it, what to read, and how politely."""

    name: str = Field(pattern=_NAME)
    label: str  # Korean display name
    list_url: str
    allowed_host: str | None = None  # defaults to the list URL's host
    organization: str | None = None
    region_hint: str | None = None  # 시도 of a local board, for region extraction
    category: str | None = None
    pagination: Pagination = Field(default_factory=Pagination)
    listing: ListSelectors
    detail: DetailSelectors | None = None
    charset: str | None = None  # None or 'auto': BOM, header, <meta>, then UTF-8 / CP949
    user_agent: str | None = None  # None sends DEFAULT_USER_AGENT
    delay_s: float = Field(default=2.0, ge=0, le=60)
    timeout_s: float = Field(default=15.0, gt=0, le=120)
    max_bytes: int = Field(default=3_000_000, gt=0, le=20_000_000)
    retries: int = Field(default=2, ge=0, le=5)
    include_keywords: list[str] = Field(default_factory=list)  # keep a row only if its title has one
    exclude_keywords: list[str] = Field(default_factory=list)  # drop non-program notices

    @field_validator("list_url")
    @classmethod
    def _http_only(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("list_url must be an absolute http(s) URL")
        return value

    @model_validator(mode="after")
    def _host(self) -> SourceDefinition:
        if self.allowed_host is None:
            self.allowed_host = urlsplit(self.list_url).hostname
        elif urlsplit(self.list_url).hostname != self.allowed_host.lower():
            raise ValueError(f"list_url is not on allowed_host {self.allowed_host}")
        return self

    @property
    def host(self) -> str:
        """Return the only host this source may fetch from."""
        return (self.allowed_host or "").lower()

    @property
    def agent(self) -> str:
        """Return the User-Agent sent with every request."""
        return self.user_agent or DEFAULT_USER_AGENT

    def keep_title(self, title: str) -> str | None:
        """Return why a title is filtered out (a non-program notice), or None to keep it."""
        for word in self.exclude_keywords:
            if word in title:
                return f"제외어 '{word}'"
        if self.include_keywords and not any(word in title for word in self.include_keywords):
            return "포함어 없음"
        return None


def load_definition(data: bytes | str | dict[str, Any]) -> SourceDefinition:
    """Parse and validate a definition from YAML (or an already-loaded mapping); InvalidInput if bad."""
    if isinstance(data, dict):
        raw: Any = data
    else:
        try:
            raw = yaml.safe_load(data.decode("utf-8-sig") if isinstance(data, bytes) else data)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"source definition is not valid YAML: {_first_line(exc)}") from exc
    if not isinstance(raw, dict):
        raise InvalidInput("source definition must be a YAML mapping")
    try:
        return SourceDefinition.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "definition"
        raise InvalidInput(f"invalid source definition ({where}): {first['msg']}") from exc


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]
