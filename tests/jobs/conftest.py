"""Fixtures for the job runner: a migrated SQLite file shared by several runners, and a core on it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from db.migrate import upgrade
from engine.app import Aegis
from engine.settings import Settings

# A minimal 기업마당 answer in its live shape (`jsonArray` is the list itself).
BIZINFO_PAYLOAD = {
    "jsonArray": [
        {
            "pblancId": "PBLN_000000000900001",
            "pblancNm": "2026년 스마트공장 구축 지원사업 공고",
            "bsnsSumryCn": "<p>중소 제조기업의 스마트공장 구축을 지원합니다.</p>",
            "reqstBeginEndDe": "20261101 ~ 20261231",
            "jrsdInsttNm": "중소벤처기업부",
            "hashtags": "기술,스마트공장,제조",
        }
    ]
}


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A migrated SQLite file that several runners (and processes) can share."""
    url = f"sqlite:///{tmp_path / 'aegis.db'}"
    upgrade(url)
    return url


@pytest.fixture
def make_core(db_url: str) -> Iterator[Callable[[], Aegis]]:
    """Build cores on the shared file (one per runner, like separate processes); dispose them after."""
    cores: list[Aegis] = []

    def build() -> Aegis:
        core = Aegis.build(Settings(database_url=db_url, _env_file=None))  # type: ignore[call-arg]
        cores.append(core)
        return core

    yield build
    for core in cores:
        core.db.dispose()


@pytest.fixture
def bizinfo_file(tmp_path: Path) -> Path:
    """A saved 기업마당 payload on disk."""
    path = tmp_path / "bizinfo.json"
    path.write_text(json.dumps(BIZINFO_PAYLOAD, ensure_ascii=False), encoding="utf-8")
    return path
