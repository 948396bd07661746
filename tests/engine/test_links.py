"""Which program link a front may show: the stored one on an allowed domain, else the source's detail page."""

from __future__ import annotations

import pytest

from engine.links import plain_title, safe_link


@pytest.mark.parametrize(
    "url",
    [
        "https://www.bizinfo.go.kr/sii/siia/selectSIIA200Detail.do?pblancId=PBLN_1",
        "http://www.sbiz.or.kr/notice/1",  # a known agency
        "https://www.seoul.go.kr/news/1",  # any government domain
    ],
)
def test_a_link_on_the_source_government_or_agency_domain_is_kept(url: str) -> None:
    assert safe_link(key="bizinfo:PBLN_1", url=url) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/apply",
        "https://bizinfo.go.kr.evil.example/",  # a government name as a subdomain of another
        "https://www.bizinfo.go.kr@evil.example/",  # credentials trick: the host is evil.example
        "javascript:alert(1)",
        "ftp://www.bizinfo.go.kr/file",
        "https://notgo.kr/",
        "https://www.bizinfo.go.kr:8443/",
        None,
        "",
    ],
)
def test_any_other_link_becomes_the_sources_detail_page(url: str | None) -> None:
    assert safe_link(key="bizinfo:PBLN_1", url=url) == (
        "https://www.bizinfo.go.kr/sii/siia/selectSIIA200Detail.do?pblancId=PBLN_1"
    )


def test_the_detail_page_escapes_the_id() -> None:
    link = safe_link(key="kstartup:12&x=<y>", url="https://evil.example")
    assert link is not None and link.endswith("pbancSn=12%26x%3D%3Cy%3E")


def test_a_source_without_a_detail_page_shows_no_foreign_link() -> None:
    assert (
        safe_link(key="catalog:semas-general-stability", url="https://ols.semas.or.kr/") == "https://ols.semas.or.kr/"
    )
    assert safe_link(key="catalog:x", url="https://evil.example/") is None
    assert safe_link(key="myweb:7", url="https://evil.example/") is None


def test_a_title_is_plain_text_without_anything_url_shaped() -> None:
    assert plain_title("카페 지원 https://evil.example/x 안내") == "카페 지원 안내"
    assert plain_title("evil.example 에서 신청") == "에서 신청"
    assert plain_title("2026년 소상공인 정책자금") == "2026년 소상공인 정책자금"
