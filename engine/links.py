"""Which link of a program any front may show: its own, on its source's domain or a government one.

A stored URL comes from a payload or a web page and may point anywhere (a phishing page planted in a
notice). `safe_program_link` keeps it only when it is http(s), carries no credentials, and its host is
the source's own domain, a government domain (*.go.kr) or a known public agency's; otherwise it gives
the source's own detail page for that id, or None when the source has none.
"""

from __future__ import annotations

import re
from typing import Protocol
from urllib.parse import quote, urlsplit

GOVERNMENT_SUFFIXES = ("go.kr", "gov.kr", "korea.kr")
# Public agencies whose programs the sources carry (the catalog's lenders and guarantors among them).
AGENCY_DOMAINS = (
    "semas.or.kr",  # 소상공인시장진흥공단
    "sbiz.or.kr",  # 소상공인마당
    "kosmes.or.kr",  # 중소벤처기업진흥공단
    "koreg.or.kr",  # 신용보증재단중앙회
    "kibo.or.kr",  # 기술보증기금
    "kodit.co.kr",  # 신용보증기금
    "kised.or.kr",  # 창업진흥원
    "kotra.or.kr",  # KOTRA
    "tipa.or.kr",  # 중소기업기술정보진흥원
    "sbc.or.kr",  # 중소기업유통센터
)
# Each source's own domains, beyond the government and agency ones.
SOURCE_DOMAINS: dict[str, tuple[str, ...]] = {
    "bizinfo": ("bizinfo.go.kr",),
    "kstartup": ("k-startup.go.kr",),
    "gov24": ("gov.kr",),
    "catalog": AGENCY_DOMAINS,
}
# The source's own page for one program id, used when the stored link is not safe to show.
DETAIL_PAGES: dict[str, str] = {
    "bizinfo": "https://www.bizinfo.go.kr/sii/siia/selectSIIA200Detail.do?pblancId={id}",
    "kstartup": "https://www.k-startup.go.kr/web/contents/bizpbanc-ongoing.do?schM=view&pbancSn={id}",
    "gov24": "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{id}",
}
_HOST = re.compile(r"^[a-z0-9.-]+$")
URL_LIKE = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|net|org|io|kr|example|xyz|info|me|ly)(?:/\S*)?", re.I)


class HasLink(Protocol):
    """A program as any layer holds it: a matcher candidate (`program_id`) or a stored row (`key`)."""

    @property
    def url(self) -> str | None: ...


def _on(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def is_safe_url(url: str | None, source: str) -> bool:
    """Return whether `url` is http(s), without credentials, on the source's, a government or an agency domain."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https") or not host or not _HOST.match(host):
        return False
    if parts.username is not None or parts.password is not None or port not in (None, 80, 443):
        return False
    allowed = (*SOURCE_DOMAINS.get(source, ()), *GOVERNMENT_SUFFIXES, *AGENCY_DOMAINS)
    return any(_on(host, domain) for domain in allowed)


def safe_link(*, key: str, url: str | None) -> str | None:
    """Return the link to show for the program '<source>:<id>': its own when safe, else its detail page."""
    source, _, external_id = key.partition(":")
    if is_safe_url(url, source):
        return (url or "").strip()
    page = DETAIL_PAGES.get(source)
    return page.format(id=quote(external_id, safe="")) if page and external_id else None


def safe_program_link(program: HasLink) -> str | None:
    """Return the link any front may show for a program (a matcher candidate or a stored row)."""
    key = getattr(program, "program_id", None) or getattr(program, "key", "")
    return safe_link(key=str(key), url=program.url)


def plain_title(title: str) -> str:
    """Return a title as plain text: anything URL-shaped is left out, so no front turns it into a link."""
    return re.sub(r"\s{2,}", " ", URL_LIKE.sub("", title)).strip() or "(제목 없음)"
