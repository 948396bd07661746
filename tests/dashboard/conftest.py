"""Dashboard fixtures: a migrated SQLite file named by `AEGIS_DATABASE_URL`, and a core on it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from db.migrate import upgrade
from engine.app import Aegis
from engine.settings import Settings

# A minimal 기업마당 answer in its live shape (`jsonArray` is the list itself).
BIZINFO_PAYLOAD = {
    "jsonArray": [
        {
            "pblancId": "PBLN_000000000900002",
            "pblancNm": "2026년 소상공인 경영환경 개선 지원사업 공고",
            "bsnsSumryCn": "<p>소상공인의 점포 환경 개선 비용을 지원합니다.</p>",
            "reqstBeginEndDe": "20261101 ~ 20261231",
            "jrsdInsttNm": "중소벤처기업부",
            "hashtags": "경영,소상공인,환경개선",
        }
    ]
}


@pytest.fixture
def core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Aegis]:
    """A core on a fresh migrated SQLite file that the app under test also reads (via the environment)."""
    url = f"sqlite:///{tmp_path / 'aegis.db'}"
    upgrade(url)
    monkeypatch.setenv("AEGIS_DATABASE_URL", url)
    built = Aegis.build(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    yield built
    built.db.dispose()
    st.cache_resource.clear()  # the app caches its core per URL; do not keep this one


@pytest.fixture
def bizinfo_payload() -> bytes:
    """The 기업마당 payload as bytes."""
    return json.dumps(BIZINFO_PAYLOAD, ensure_ascii=False).encode("utf-8")
