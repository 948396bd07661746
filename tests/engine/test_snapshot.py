"""The serving catalogue's snapshot: built at the end of an import, loaded by the next process, kept while unchanged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.models import CatalogSnapshot
from db.session import make_engine
from engine.app import Aegis
from engine.recommend import ProgramCatalog
from engine.settings import Settings
from engine.snapshot import current_stamp

AS_OF = dt.date(2026, 10, 15)


def _payload(*ids: str) -> bytes:
    notices = [
        {
            "pblancId": pid,
            "pblancNm": f"카페 시설자금 지원 {pid}",
            "bsnsSumryCn": "<p>서울특별시 소재 소상공인</p>",
            "reqstBeginEndDe": "2026-10-01 ~ 2026-10-31",
            "jrsdInsttNm": "중소벤처기업부",
            "hashtags": "금융",
        }
        for pid in ids
    ]
    return json.dumps({"jsonArray": notices}, ensure_ascii=False).encode()


@pytest.fixture
def core(engine: Engine) -> Aegis:
    aegis = Aegis(settings=Settings(_env_file=None), db=engine)
    aegis.import_payload(source="bizinfo", payload=_payload("PBLN_1", "PBLN_2"))
    return aegis


def _ids(catalog: ProgramCatalog) -> set[str]:
    return {c.program_id for c in catalog.get(AS_OF).candidates}


def test_a_second_process_loads_the_snapshot_the_import_stored(core: Aegis) -> None:
    second = ProgramCatalog(core.db)
    assert _ids(second) == {"bizinfo:PBLN_1", "bizinfo:PBLN_2"}
    assert second.loads == {"snapshot": 1}
    assert second.get(AS_OF).index.search(["카페"], top_k=5)  # the index came along and answers


def test_an_unchanged_reimport_keeps_the_stamp_and_the_cache(core: Aegis) -> None:
    catalog = ProgramCatalog(core.db)
    first = catalog.get(AS_OF)
    with Session(core.db) as session:
        before = current_stamp(session)
    core.import_payload(source="bizinfo", payload=_payload("PBLN_1", "PBLN_2"))
    with Session(core.db) as session:
        assert current_stamp(session) == before
    assert catalog.get(AS_OF) is first
    assert catalog.loads == {"snapshot": 1, "memory": 1}


def test_a_new_program_changes_the_stamp_and_reaches_every_process(core: Aegis) -> None:
    long_lived = ProgramCatalog(core.db)
    _ids(long_lived)
    core.import_payload(source="bizinfo", payload=_payload("PBLN_1", "PBLN_2", "PBLN_3"))
    assert "bizinfo:PBLN_3" in _ids(long_lived)
    fresh = ProgramCatalog(core.db)
    assert "bizinfo:PBLN_3" in _ids(fresh)
    assert fresh.loads == {"snapshot": 1}  # the import stored the new catalogue: nothing to rebuild


def test_only_one_snapshot_is_kept(core: Aegis) -> None:
    core.import_payload(source="bizinfo", payload=_payload("PBLN_1", "PBLN_2", "PBLN_3"))
    with Session(core.db) as session:
        assert len(session.exec(select(CatalogSnapshot.stamp)).all()) == 1


def test_a_snapshot_from_other_code_is_ignored_and_replaced(core: Aegis) -> None:
    with Session(core.db) as session:
        row = session.exec(select(CatalogSnapshot)).one()
        row.format = "written-by-an-older-aegis"
        session.add(row)
        session.commit()
    catalog = ProgramCatalog(core.db)
    assert _ids(catalog) == {"bizinfo:PBLN_1", "bizinfo:PBLN_2"}
    assert catalog.loads == {"rebuilt": 1}
    again = ProgramCatalog(core.db)
    again.get(AS_OF)
    assert again.loads == {"snapshot": 1}  # the reader that rebuilt stored it for the next one


def test_a_catalogue_built_before_a_closing_is_not_used_after_it(core: Aegis) -> None:
    from db.models import Program

    with Session(core.db) as session:
        row = session.get(Program, "bizinfo:PBLN_2")
        assert row is not None
        row.closed_at = dt.datetime(2026, 10, 20, 9, tzinfo=dt.UTC)
        session.add(row)
        session.commit()
    catalog = ProgramCatalog(core.db)
    assert "bizinfo:PBLN_2" in {c.program_id for c in catalog.get(dt.date(2026, 10, 20)).candidates}
    assert "bizinfo:PBLN_2" not in {c.program_id for c in catalog.get(dt.date(2026, 10, 21)).candidates}


def test_a_file_database_shares_the_snapshot_between_engines(tmp_path: Path) -> None:
    from db.migrate import upgrade

    url = f"sqlite:///{tmp_path}/aegis.db"
    upgrade(url)
    writer = Aegis(settings=Settings(_env_file=None), db=make_engine(url))
    writer.import_payload(source="bizinfo", payload=_payload("PBLN_1"))
    reader = ProgramCatalog(make_engine(url))
    assert _ids(reader) == {"bizinfo:PBLN_1"}
    assert reader.loads == {"snapshot": 1}


@pytest.mark.postgres
def test_postgres_shares_the_snapshot_between_engines(postgres_url: str) -> None:
    from db.migrate import upgrade

    upgrade(postgres_url)
    writer = Aegis(settings=Settings(_env_file=None), db=make_engine(postgres_url))
    writer.import_payload(source="bizinfo", payload=_payload("PBLN_1", "PBLN_2"))
    writer.import_payload(source="bizinfo", payload=_payload("PBLN_1", "PBLN_2"))  # unchanged: nothing to store
    reader = ProgramCatalog(make_engine(postgres_url))
    assert _ids(reader) == {"bizinfo:PBLN_1", "bizinfo:PBLN_2"}
    assert reader.loads == {"snapshot": 1}
