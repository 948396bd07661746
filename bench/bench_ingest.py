"""Bench: ingest throughput of a synthetic 1,500-record 기업마당 snapshot into a temp-file SQLite.

Targets (issue 2): first import (parse + ingest_batch, one transaction) ≤ 15 s; re-import unchanged ≤ 3 s.
Records are built from the recorded `tests/fixtures/bizinfo/list.json` notices with varied ids, titles
and windows, in the live `jsonArray` shape.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, func, select

import db.models  # noqa: F401  (registers the tables)
from db.models import Program
from db.session import make_engine
from engine.collectors.bizinfo import BizinfoCollector
from engine.ingest import ingest_batch

N = 1500
SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "bizinfo" / "list.json"
TOPICS = ["경영안정자금", "시설자금", "수출바우처", "스마트상점", "판로개척", "R&D 지원", "고용장려금", "컨설팅"]
PLACES = "서울 부산 대구 인천 광주 대전 울산 세종 경기 강원 충북 충남 전북 경북 경남 제주".split()
PERIODS = ["예산 소진시까지", "상시 접수", "추후 공지", "2026-10-01 ~"]


def snapshot(n: int = N, seed: int = 7) -> bytes:
    """Return a live-shaped `jsonArray` payload of n notices derived from the recorded ones."""
    rng = random.Random(seed)
    samples = json.loads(SAMPLE.read_bytes())["jsonArray"]
    items: list[dict[str, Any]] = []
    for i in range(n):
        item = copy.deepcopy(samples[i % len(samples)])
        place, topic = rng.choice(PLACES), rng.choice(TOPICS)
        item["pblancId"] = f"PBLN_{300000 + i:015d}"
        item["pblancNm"] = f"[{place}] 2026년 {place} {topic} 지원사업 {i // len(TOPICS) + 1}차 공고"
        item["pblancUrl"] = f"https://www.bizinfo.go.kr/sii/siia/selectSIIA200Detail.do?pblancId={item['pblancId']}"
        if rng.random() < 0.7:
            start = dt.date(2026, 9, 1) + dt.timedelta(days=rng.randint(0, 60))
            end = start + dt.timedelta(days=rng.randint(7, 60))
            item["reqstBeginEndDe"] = f"{start:%Y-%m-%d} ~ {end:%Y-%m-%d}"
        else:
            item["reqstBeginEndDe"] = rng.choice(PERIODS)
        item["totCnt"] = n
        items.append(item)
    return json.dumps({"jsonArray": items}, ensure_ascii=False).encode()


def timed_import(engine: Any, payload: bytes, now: dt.datetime) -> tuple[float, float, Any]:
    """Parse and ingest one payload in one transaction; return (parse s, total s, report)."""
    started = time.perf_counter()
    batch = BizinfoCollector().parse(payload)
    parsed = time.perf_counter()
    with Session(engine) as session:
        report = ingest_batch(session, batch, now=now, mode="import")
        session.commit()
    return parsed - started, time.perf_counter() - started, report


def main() -> None:
    """Run both imports and print the figures."""
    payload = snapshot()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        SQLModel.metadata.create_all(engine)
        now = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)
        parse_s, first_s, first = timed_import(engine, payload, now)
        reparse_s, second_s, second = timed_import(engine, payload, now + dt.timedelta(hours=6))
        with Session(engine) as session:
            stored = session.exec(select(func.count()).select_from(Program)).one()
        engine.dispose()
    print(f"snapshot: {N} 기업마당 notices, {len(payload) / 1e6:.1f} MB, {stored} programs stored")
    print(
        f"first import:  {first_s:6.2f} s (parse {parse_s:.2f} s)  new {first.new}, rejected {first.rejected}"
        f"  target <= 15 s  {'OK' if first_s <= 15 else 'SLOW'}"
    )
    print(
        f"re-import:     {second_s:6.2f} s (parse {reparse_s:.2f} s)  unchanged {second.unchanged}, "
        f"updated {second.updated}  target <= 3 s  {'OK' if second_s <= 3 else 'SLOW'}"
    )
    print(f"throughput:    {N / first_s:,.0f} records/s first, {N / second_s:,.0f} records/s unchanged")


if __name__ == "__main__":
    main()
