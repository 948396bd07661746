"""`aegis demo load`: the bundled snapshot imports cleanly, idempotently, with cross-posts grouped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, select
from typer.testing import CliRunner

from aegis.cli import app
from db.migrate import upgrade
from db.models import Program
from db.session import make_engine
from engine.demo import demo_payloads

# The same program posted on both portals (same window, slightly different titles).
CROSS_POSTED = [
    ("bizinfo:PBLN_000000000310021", "kstartup:310101"),  # 생애최초 청년창업 지원사업
    ("bizinfo:PBLN_000000000310030", "kstartup:310112"),  # 로컬크리에이터 활성화 지원사업
]


def _item_count(source: str, payload: bytes) -> int:
    if source == "catalog":
        return len(yaml.safe_load(payload)["products"])
    data = json.loads(payload.decode("utf-8"))
    return len(data["jsonArray"]) if source == "bizinfo" else len(data["data"])


def _counts(output: str) -> dict[str, dict[str, int]]:
    """Parse '기업마당: 신규 21, 변경 0, 동일 0, 거부 0' lines into {label: {신규: 21, ...}}."""
    counts: dict[str, dict[str, int]] = {}
    for line in output.splitlines():
        label, sep, rest = line.partition(": ")
        if not sep or "신규" not in rest:
            continue
        counts[label] = {k: int(v) for k, v in (part.split() for part in rest.split(", "))}
    return counts


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/aegis.db"
    monkeypatch.setenv("AEGIS_DATABASE_URL", url)
    upgrade(url)
    return url


def test_payloads_are_bundled_in_import_order() -> None:
    payloads = demo_payloads()
    assert [source for source, _ in payloads] == ["bizinfo", "kstartup", "catalog"]
    bizinfo = json.loads(payloads[0][1])
    assert {item["totCnt"] for item in bizinfo["jsonArray"]} == {len(bizinfo["jsonArray"])}
    kstartup = json.loads(payloads[1][1])
    assert kstartup["currentCount"] == len(kstartup["data"]) == kstartup["totalCount"]


def test_demo_load_imports_everything_once_and_groups_cross_posts(db_url: str) -> None:
    payloads = demo_payloads()
    expected = {source: _item_count(source, payload) for source, payload in payloads}
    runner = CliRunner()

    first = runner.invoke(app, ["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = _counts(first.output)
    assert len(counts) == len(payloads), first.output
    assert all(c["거부"] == 0 for c in counts.values()), first.output
    assert sum(c["신규"] for c in counts.values()) == sum(expected.values()), first.output
    assert counts["기업마당"]["신규"] == expected["bizinfo"]

    second = runner.invoke(app, ["demo", "load"])
    assert second.exit_code == 0, second.output
    again = _counts(second.output)
    assert all(c["신규"] == 0 and c["변경"] == 0 and c["거부"] == 0 for c in again.values()), second.output
    assert sum(c["동일"] for c in again.values()) == sum(expected.values()), second.output

    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            rows = {row.key: row for row in session.exec(select(Program))}
    finally:
        engine.dispose()
    assert len(rows) == sum(expected.values())
    for bizinfo_key, kstartup_key in CROSS_POSTED:
        assert rows[bizinfo_key].group_id == rows[kstartup_key].group_id == bizinfo_key
    groups = {row.group_id for row in rows.values()}
    assert len(groups) == len(rows) - len(CROSS_POSTED)  # nothing else merges
