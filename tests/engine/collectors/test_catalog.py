"""The financial-products catalog: parsing, structured funding, staleness and `aegis import --source catalog`."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from aegis.cli import run
from db.migrate import upgrade
from db.models import Program
from db.session import make_engine, session_scope
from engine.catalog import bundled_catalog
from engine.collectors import get_collector
from engine.collectors.catalog import CatalogCollector, stale_entries
from engine.errors import SourceFormatError
from engine.ingest import ingest_batch

FIXTURE = Path(__file__).parents[2] / "fixtures" / "catalog" / "products.yaml"
TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 0, 0, tzinfo=dt.UTC)


def test_catalog_is_registered_as_a_catalog_source() -> None:
    collector = get_collector("catalog")
    assert isinstance(collector, CatalogCollector) and collector.kind == "catalog"


def test_catalog_fixture_imports_with_funding_stored(engine: Engine) -> None:
    batch = CatalogCollector().parse(FIXTURE.read_bytes(), today=TODAY)
    assert not batch.rejected and batch.complete
    with session_scope(engine) as session:
        report = ingest_batch(session, batch, now=NOW)
    assert (report.new, report.rejected) == (3, 0)
    with session_scope(engine) as session:
        loan = session.get(Program, "catalog:kosmes-youth-startup")
        guarantee = session.get(Program, "catalog:kibo-technology")
        assert loan is not None and guarantee is not None
        assert loan.funding == {
            "max_amount_krw": 100_000_000,
            "interest_rate": "연 2.5% 고정금리",
            "guarantee_rate": None,
            "guarantee_fee": None,
            "as_of": "2026-01-02",
        }
        assert guarantee.funding is not None and guarantee.funding["guarantee_rate"] == "85%"
        assert loan.window_kind == "always"
        assert loan.eligibility["rep_age_max"] == 39
        assert loan.eligibility["business_age_max"] == {"months": 36, "inclusive": False}
        assert "한도 최대 1억원" in loan.summary and "guarantee" in guarantee.needs


def test_bundled_catalog_covers_semas_kosmes_and_guarantees_with_nothing_rejected() -> None:
    batch = CatalogCollector().parse(bundled_catalog(), today=TODAY)
    assert not batch.rejected and len(batch.records) >= 20
    institutions = {r.organization for r in batch.records}
    assert {
        "소상공인시장진흥공단",
        "중소벤처기업진흥공단",
        "지역신용보증재단",
        "기술보증기금",
        "신용보증기금",
    } <= institutions
    assert all(r.funding is not None and r.funding.as_of is not None and r.url for r in batch.records)
    assert all(r.funding.interest_rate or r.funding.guarantee_fee for r in batch.records if r.funding)
    titles = " ".join(r.title for r in batch.records)
    for fund in ("일반경영안정자금", "신용취약소상공인자금", "청년전용창업자금", "신성장기반자금", "재창업자금"):
        assert fund in titles


def test_stale_entries_flags_entries_older_than_the_limit() -> None:
    assert stale_entries(FIXTURE.read_bytes(), TODAY) == ["kosmes-youth-startup (2026-01-02)"]
    assert stale_entries(FIXTURE.read_bytes(), TODAY, max_age_days=30) == [
        "semas-general-stability (2026-09-01)",
        "kosmes-youth-startup (2026-01-02)",
        "kibo-technology (2026-09-01)",
    ]


def test_catalog_parse_warns_the_operator_about_stale_entries(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="engine.collectors.catalog"):
        CatalogCollector().parse(FIXTURE.read_bytes(), today=TODAY)
    assert "kosmes-youth-startup (2026-01-02)" in caplog.text


def test_catalog_rejects_unusable_entries_and_keeps_the_rest() -> None:
    payload = FIXTURE.read_text(encoding="utf-8") + (
        "  - id: broken-amount\n    name: 이상한자금\n    institution: 어딘가\n    max_amount_krw: 많이\n"
        "  - id: no-name\n    institution: 어딘가\n"
        "  - id: kibo-technology\n    name: 중복\n    institution: 기술보증기금\n"
    )
    batch = CatalogCollector().parse(payload.encode(), today=TODAY)
    assert len(batch.records) == 3
    assert [r.ref for r in batch.rejected] == ["broken-amount", "no-name", "kibo-technology"]
    assert "숫자가 아닙니다" in batch.rejected[0].reason
    assert batch.complete is False  # a listing with rejects never closes anything


def test_catalog_that_is_not_yaml_is_a_format_error() -> None:
    with pytest.raises(SourceFormatError, match="products"):
        CatalogCollector().parse(b"<html>not a catalog</html>")


def test_a_product_removed_from_the_catalog_is_closed(engine: Engine) -> None:
    full = FIXTURE.read_text(encoding="utf-8")
    shorter = full[: full.index("  - id: kibo-technology")]
    with session_scope(engine) as session:
        ingest_batch(session, CatalogCollector().parse(full.encode(), today=TODAY), now=NOW)
    with session_scope(engine) as session:
        report = ingest_batch(session, CatalogCollector().parse(shorter.encode(), today=TODAY), now=NOW)
    assert (report.unchanged, report.closed) == (2, 1)


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/aegis.db"
    monkeypatch.setenv("AEGIS_DATABASE_URL", url)
    upgrade(url)
    return url


def test_aegis_import_catalog_imports_the_bundled_file_then_changes_nothing(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(Path(__file__).parents[3] / "engine" / "catalog" / "financial_products.yaml")
    assert run(["import", "--source", "catalog", "--file", path, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["rejected"] == 0 and first["new"] == first["received"] >= 20
    assert run(["import", "--source", "catalog", "--file", path, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert (second["new"], second["updated"], second["unchanged"]) == (0, 0, first["received"])


def test_aegis_import_catalog_exits_2_on_a_broken_file(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("products: [\n", encoding="utf-8")
    assert run(["import", "--source", "catalog", "--file", str(bad)]) == 2
    assert "catalog" in capsys.readouterr().err
    engine = make_engine(db_url)
    try:
        with session_scope(engine) as session:
            assert session.exec(select(Program)).all() == []
    finally:
        engine.dispose()
