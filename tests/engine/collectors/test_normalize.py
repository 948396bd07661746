"""Shared normalisation: required fields, URLs left as sent, periods without a year."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.collectors.normalize import build_record, normalize_url


def test_period_without_year_takes_the_posting_year() -> None:
    posted = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
    record = build_record(source="bizinfo", external_id="1", title="공고", period="10.5.~10.30.", posted_at=posted)
    assert (record.window.kind, record.window.start, record.window.end) == (
        "dated",
        dt.date(2026, 10, 5),
        dt.date(2026, 10, 30),
    )


def test_record_without_title_is_rejected_with_a_korean_reason() -> None:
    with pytest.raises(ValueError, match="제목이 없습니다"):
        build_record(source="bizinfo", external_id="1", title="  ")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("www.k-startup.go.kr/web/view.do?a=1&para=2", "https://www.k-startup.go.kr/web/view.do?a=1&para=2"),
        ("https://x.go.kr/a?b=1&amp;c=2", "https://x.go.kr/a?b=1&amp;c=2"),  # entities in URLs are never decoded
        ("//cdn.example.kr/f.pdf", "https://cdn.example.kr/f.pdf"),
        ("javascript:void(0)", None),
        ("", None),
    ],
)
def test_urls_get_a_scheme_but_are_otherwise_left_as_sent(raw: str, expected: str | None) -> None:
    assert normalize_url(raw) == expected
