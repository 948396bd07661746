"""The financial-products catalog: parsing, structured funding, staleness and `aegis import --source catalog`."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import select

from aegis.cli import run
from db.migrate import upgrade
from db.models import Program
from db.session import make_engine, session_scope
from engine.catalog import bundled_catalog
from engine.collectors import get_collector
from engine.collectors.catalog import CatalogCollector, stale_entries
from engine.domain import Profile, ProgramRecord
from engine.errors import SourceFormatError
from engine.ingest import ingest_batch
from engine.matching import evaluate

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


def test_every_bundled_product_states_its_conditions_and_needs_traced_to_its_notice() -> None:
    data = yaml.safe_load(bundled_catalog())
    batch = CatalogCollector().parse(bundled_catalog(), today=TODAY)
    by_id = {r.external_id: r for r in batch.records}
    for entry in data["products"]:
        record = by_id[entry["id"]]
        assert entry.get("conditions") and record.needs == entry["needs"], entry["id"]
        notice = " ".join(f"{entry.get('notice', '')} {entry['eligibility']}".split())
        for key in entry["conditions"]:
            assert " ".join(record.eligibility.evidence[key].split()) in notice, (entry["id"], key)


def test_the_2026_semas_notice_refreshed_the_three_funds_it_states() -> None:
    batch = CatalogCollector().parse(bundled_catalog(), today=TODAY)
    fresh = {r.external_id for r in batch.records if r.funding and r.funding.as_of == dt.date(2026, 10, 7)}
    assert fresh == {"semas-general-stability", "semas-credit-vulnerable", "semas-innovation-growth"}
    assert "semas-general-stability (2026-10-07)" not in stale_entries(bundled_catalog(), TODAY)


def _product(product_id: str) -> ProgramRecord:
    batch = CatalogCollector().parse(bundled_catalog(), today=TODAY)
    return next(r for r in batch.records if r.external_id == product_id)


def test_a_pre_founder_is_not_eligible_for_general_management_stability_funds() -> None:
    fund = _product("semas-general-stability").eligibility
    pre_founder = Profile(status="pre_founder", region="서울", needs=["working_capital"])
    assert evaluate(fund, pre_founder, TODAY).verdict == "ineligible"


def test_without_an_employee_count_the_fewer_than_five_condition_is_unknown() -> None:
    fund = _product("semas-general-stability").eligibility
    no_count = Profile(status="operating", region="서울", industry="I")
    two = Profile(status="operating", region="서울", industry="I", employees=2)
    assert evaluate(fund, no_count, TODAY).verdict == "unknown"
    assert evaluate(fund, two, TODAY).verdict == "eligible"


def test_a_condition_without_its_notice_sentence_rejects_the_product() -> None:
    entry = {
        "id": "x-fund",
        "name": "어떤자금",
        "institution": "소상공인시장진흥공단",
        "eligibility": "상시근로자 5인 미만 소상공인",
        "needs": ["working_capital"],
        "conditions": {"soho_only": True, "rep_age_max": 39},
        "evidence": {"soho_only": "상시근로자 5인 미만 소상공인", "rep_age_max": "만 39세 이하"},
    }
    batch = CatalogCollector().parse(yaml.safe_dump({"products": [entry]}, allow_unicode=True).encode(), today=TODAY)
    assert not batch.records and "rep_age_max" in batch.rejected[0].reason
