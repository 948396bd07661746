"""Concurrent writers: four `aegis import` processes at once all succeed and lose nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.session import make_engine

ROOT = Path(__file__).resolve().parents[2]
AEGIS = str(Path(sys.executable).with_name("aegis"))
SAMPLE = ROOT / "tests" / "fixtures" / "bizinfo" / "list.json"
PER_PROCESS = 60


def _payload(tag: int) -> bytes:
    """Return a 기업마당 payload of PER_PROCESS notices whose ids belong to process `tag` alone."""
    samples = json.loads(SAMPLE.read_bytes())["jsonArray"]
    items = []
    for i in range(PER_PROCESS):
        item = copy.deepcopy(samples[i % len(samples)])
        item["pblancId"] = f"PBLN_{tag}{i:08d}"
        item["pblancNm"] = f"{item['pblancNm']} 제{tag}-{i}호"
        item.pop("totCnt", None)
        items.append(item)
    return json.dumps({"jsonArray": items}, ensure_ascii=False).encode()


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "AEGIS_DATABASE_URL": url, "AEGIS_LOG_LEVEL": "WARNING"}


def _import_at_once(url: str, files: list[Path]) -> list[subprocess.CompletedProcess[str]]:
    env = _env(url)
    subprocess.run([AEGIS, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    procs = [
        subprocess.Popen(
            [AEGIS, "import", "--source", "bizinfo", "--file", str(f), "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr))
    return out


def _programs(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM programs")).scalar_one())
    finally:
        engine.dispose()


def _check(url: str, tmp_path: Path, *, same_payload: bool) -> None:
    files = []
    for tag in range(1, 5):
        path = tmp_path / f"payload{tag}.json"
        path.write_bytes(_payload(1 if same_payload else tag))
        files.append(path)
    results = _import_at_once(url, files)
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "locked" not in result.stderr and "Traceback" not in result.stderr
    reports = [json.loads(r.stdout) for r in results]
    expected = PER_PROCESS if same_payload else 4 * PER_PROCESS
    assert _programs(url) == expected
    assert sum(r["new"] for r in reports) == expected  # each program counted new exactly once
    if same_payload:
        assert sum(r["unchanged"] for r in reports) == 3 * PER_PROCESS


def test_four_concurrent_imports_on_one_sqlite_file_all_land(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path}/aegis.db", tmp_path, same_payload=False)


@pytest.mark.postgres
def test_four_concurrent_imports_on_postgresql_all_land(postgres_url: str, tmp_path: Path) -> None:
    _check(postgres_url, tmp_path, same_payload=False)


@pytest.mark.postgres
def test_four_concurrent_imports_of_one_payload_on_postgresql_never_collide(postgres_url: str, tmp_path: Path) -> None:
    _check(postgres_url, tmp_path, same_payload=True)
