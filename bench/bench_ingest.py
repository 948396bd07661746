"""Bench: ingest of synthetic 1,500- and 5,000-record 기업마당 snapshots into a temp-file SQLite.

Targets: first import of 1,500 (parse + extraction + `ingest`, short retried transactions) ≤ 15 s;
re-import unchanged ≤ 3 s (issue 2); ingest linear: 5,000 records ≤ 3.5 × the time of 1,500 (issue 14).
Records are built from the recorded `tests/fixtures/bizinfo/list.json` notices with varied ids, titles
and windows (30 % undated), in the live `jsonArray` shape.
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

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, func, select

import db.models  # noqa: F401  (registers the tables)
from db.models import Program
from db.session import make_engine
from engine.collectors.bizinfo import BizinfoCollector
from engine.ingest import RunReport, ingest

N = 1500
N_LARGE = 5000
LINEAR_FACTOR = 3.5
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


def timed_import(engine: Engine, payload: bytes, now: dt.datetime) -> tuple[float, float, float, RunReport]:
    """Parse and ingest one payload; return (parse s, total wall s, total CPU s, report)."""
    started, cpu = time.perf_counter(), time.process_time()
    batch = BizinfoCollector().parse(payload)
    parsed = time.perf_counter()
    report = ingest(engine, batch, now=now, mode="import")
    return parsed - started, time.perf_counter() - started, time.process_time() - cpu, report


def run(n: int) -> dict[str, Any]:
    """Import an n-record snapshot twice into a fresh database; return the figures."""
    payload = snapshot(n)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        SQLModel.metadata.create_all(engine)
        now = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)
        parse_s, first_s, first_cpu, first = timed_import(engine, payload, now)
        _, second_s, _, second = timed_import(engine, payload, now + dt.timedelta(hours=6))
        with Session(engine) as session:
            stored = session.exec(select(func.count()).select_from(Program)).one()
        engine.dispose()
    return {
        "parse": parse_s,
        "first": first_s,
        "first_cpu": first_cpu,
        "second": second_s,
        "new": first.new,
        "rejected": first.rejected,
        "unchanged": second.unchanged,
        "updated": second.updated,
        "stored": stored,
        "size": len(payload),
    }


def main() -> None:
    """Import 1,500 and 5,000 notices (first and unchanged) and print the figures."""
    run(200)  # warm up: the tokenizer's model and the rule tables load once per process
    figures = {n: run(n) for n in (N, N_LARGE)}
    for n, f in figures.items():
        print(f"snapshot: {n} 기업마당 notices, {f['size'] / 1e6:.1f} MB, {f['stored']} programs stored")
        target = f"  target <= 15 s  {'OK' if f['first'] <= 15 else 'SLOW'}" if n == N else ""
        print(
            f"  first import: {f['first']:6.2f} s wall, {f['first_cpu']:6.2f} s CPU (parse {f['parse']:.2f} s)"
            f"  new {f['new']}, rejected {f['rejected']}{target}"
        )
        target = f"  target <= 3 s  {'OK' if f['second'] <= 3 else 'SLOW'}" if n == N else ""
        print(f"  re-import:    {f['second']:6.2f} s  unchanged {f['unchanged']}, updated {f['updated']}{target}")
        print(f"  throughput:   {n / f['first']:,.0f} records/s first, {n / f['second']:,.0f} records/s unchanged")
    wall = figures[N_LARGE]["first"] / figures[N]["first"]
    cpu = figures[N_LARGE]["first_cpu"] / figures[N]["first_cpu"]
    verdict = "OK" if cpu <= LINEAR_FACTOR else "NOT LINEAR"
    print(
        f"linearity: first import of {N_LARGE} = {wall:.2f} x {N} wall, {cpu:.2f} x CPU"
        f"  target <= {LINEAR_FACTOR} x  {verdict}"
    )


if __name__ == "__main__":
    main()
