"""The dashboard's read models: labels, schedule periods, freshness, the quality file and the chain editor."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.models import Source
from engine.admin.gateway import chain_changes, chain_rows
from engine.admin.labels import d_day, regions_label, status_key
from engine.admin.overview import cron_interval, overview
from engine.admin.quality import parse_score_output, read_quality, write_quality
from engine.errors import InvalidInput
from engine.settings import LLMSettings

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("kind", "start", "end", "closed", "status", "dn"),
    [
        ("dated", dt.date(2026, 11, 1), dt.date(2026, 12, 4), False, "open", "D-3"),
        ("dated", dt.date(2026, 11, 1), TODAY, False, "open", "D-day"),
        ("dated", dt.date(2026, 12, 10), None, False, "upcoming", ""),
        ("dated", None, dt.date(2026, 11, 1), False, "closed", ""),
        ("always", None, None, False, "always", ""),
        ("unknown", None, None, False, "unknown", ""),
        ("dated", dt.date(2026, 11, 1), dt.date(2026, 12, 4), True, "closed", ""),
    ],
)
def test_status_and_d_day(
    kind: str, start: dt.date | None, end: dt.date | None, closed: bool, status: str, dn: str
) -> None:
    got = status_key(window_kind=kind, start=start, end=end, closed=closed, today=TODAY)
    assert (got, d_day(status=got, end=end, today=TODAY)) == (status, dn)


def test_regions_label_names_sido_or_nationwide() -> None:
    assert regions_label(None) == "전국"
    assert regions_label(["11", "41"]) == "서울, 경기"


@pytest.mark.parametrize(
    ("cron", "hours"),
    [("0 */6 * * *", 6), ("30 7 * * *", 24), ("0 9,18 * * *", 12), ("*/15 * * * *", 0.25), ("0 3 * * 1", 168)],
)
def test_cron_interval(cron: str, hours: float) -> None:
    assert cron_interval(cron) == dt.timedelta(hours=hours)


def test_freshness_is_red_past_the_schedule(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Source(name="bizinfo", schedule="0 */6 * * *", last_success_at=NOW - dt.timedelta(hours=8)))
        session.add(Source(name="kstartup", schedule="0 */6 * * *", last_success_at=NOW - dt.timedelta(hours=10)))
        session.add(Source(name="gov24", enabled=False, schedule="0 */6 * * *"))
        session.commit()
    figures = overview(engine, now=NOW, tz=ZoneInfo("Asia/Seoul"), quality_file=Path("/nonexistent"))
    fresh = {f.source: f.stale for f in figures.freshness}
    assert fresh == {"bizinfo": False, "kstartup": True, "gov24": False}


def test_quality_score_round_trips_through_its_file(tmp_path: Path) -> None:
    score = parse_score_output("recall@10: 0.82\nerror: x\nndcg@10: 0.71\nsummary: a=1\n", measured_at=NOW)
    path = write_quality(score, tmp_path / "quality.json")
    back = read_quality(path)
    assert back is not None and back.figures == {"recall@10": 0.82, "ndcg@10": 0.71}
    assert back.stale(NOW + dt.timedelta(days=8)) and not back.stale(NOW + dt.timedelta(days=6))
    assert read_quality(tmp_path / "missing.json") is None
    with pytest.raises(InvalidInput):
        parse_score_output("error: aegis missing", measured_at=NOW)


def test_chain_editor_turns_edits_into_settings() -> None:
    llm = LLMSettings()
    rows = chain_rows(llm)
    assert [r["제공자"] for r in rows] == ["openai", "anthropic", "gemini", "selfhosted"]
    assert chain_changes(llm, rows) == {}
    rows[0]["사용"] = False
    rows[2]["순서"] = 0
    rows[3]["모델"] = "llama3.1:8b"
    assert chain_changes(llm, rows) == {
        "llm.chain": ["gemini", "anthropic", "selfhosted"],
        "llm.selfhosted.model": "llama3.1:8b",
    }


def test_escape_md_leaves_no_markup_html_or_bare_link() -> None:
    from dashboard.common import escape_md

    escaped = escape_md("<script>alert(1)</script> **굵게** https://example.com/a_b")
    assert "<script>" not in escaped and "**" not in escaped and "https://" not in escaped
    assert escaped.replace("\\", "") == "<script>alert(1)</script> **굵게** https://example.com/a_b"
