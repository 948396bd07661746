"""Bench the alert pipeline: one new program against 100,000 users, and outbox throughput with workers.

Targets (issue 10): reverse match + enqueue for one new program ≤ 60 s on SQLite and ≤ 10 s on
PostgreSQL (100,000 users); outbox throughput 1 vs 4 worker processes on PostgreSQL, and exactly once
with one worker SIGKILLed mid-run and restarted. PostgreSQL parts run when AEGIS_TEST_POSTGRES_URL
(or AEGIS_BENCH_POSTGRES_URL) is set, in a throwaway schema. AEGIS_BENCH_USERS / AEGIS_BENCH_DELIVERIES
shrink the runs.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from bench_reverse import load_postgres, load_sqlite

from db.migrate import upgrade
from db.models import Contact, Delivery, Program, ProgramChange, User
from db.session import make_engine
from engine.alerts.fill import fill_outbox
from engine.alerts.match import match_changes
from engine.alerts.outbox import counts
from engine.settings import AlertSettings

USERS = int(os.environ.get("AEGIS_BENCH_USERS", "100000"))
DELIVERIES = int(os.environ.get("AEGIS_BENCH_DELIVERIES", "10000"))
AS_OF = dt.date(2026, 11, 26)
KST = ZoneInfo("Asia/Seoul")
WORKER = Path(__file__).resolve().parent / "outbox_worker.py"
BATCH, LEASE_S = 50, 5.0
PROGRAM = {  # nationwide, broad: most users fit (the worst case for one new program)
    "key": "bizinfo:BENCH1",
    "source": "bizinfo",
    "external_id": "BENCH1",
    "title": "소상공인 경영안정 특별자금",
    "organization": "소상공인시장진흥공단",
    "url": "https://www.semas.or.kr/bench",
    "window_kind": "dated",
    "window_start": dt.date(2026, 11, 20),
    "window_end": dt.date(2026, 12, 31),
    "eligibility": {"soho_only": True, "rep_age_max": 69},
    "content_hash": "bench",
    "group_id": "bizinfo:BENCH1",
}


def prepare_users(engine: sa.Engine) -> None:
    """Mark every user registered a day ago (stored as the app stores it) with a verified Telegram chat."""
    now = dt.datetime.now(dt.UTC)
    table = Contact.__table__  # type: ignore[attr-defined]
    users = User.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(sa.update(users).values(onboarded_at=now - dt.timedelta(days=1)))
        ids = list(conn.execute(sa.text("SELECT id FROM users")).scalars())
        conn.execute(
            sa.insert(table),
            [
                {"user_id": i, "channel": "telegram", "address": str(10_000_000 + i), "verified": True}
                | {"verify_attempts": 0, "created_at": now}
                for i in ids
            ],
        )


def match_and_enqueue(engine: sa.Engine) -> tuple[float, float, int, int]:
    """Store one new program; time the match job and the outbox fill: (match s, fill s, alerts, deliveries)."""
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    with engine.begin() as conn:
        conn.execute(sa.insert(Program.__table__), [PROGRAM | {"first_seen": now, "last_seen": now, "updated_at": now}])  # type: ignore[attr-defined]
        conn.execute(
            sa.insert(ProgramChange.__table__),  # type: ignore[attr-defined]
            [{"program_key": PROGRAM["key"], "kind": "new", "fields": [], "detail": {}, "created_at": now}],
        )
    t = time.perf_counter()
    report = match_changes(engine, now=now, as_of=AS_OF)
    match_s = time.perf_counter() - t
    t = time.perf_counter()
    fill = fill_outbox(engine, now=now, as_of=AS_OF, settings=AlertSettings(quiet_hours="off"), tz=KST)
    return match_s, time.perf_counter() - t, report.alerts, fill.deliveries


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """Yield the URL of a fresh migrated schema, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
        upgrade(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def queue_fake(engine: sa.Engine, n: int) -> None:
    """Queue `n` deliveries on the fake channel, due now."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    table = Delivery.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(sa.delete(table))
        conn.execute(
            sa.insert(table),
            [
                {"channel": "fake", "dedupe_key": f"k{i}", "payload": {}, "status": "pending", "available_at": now}
                | {"attempts": 0, "created_at": now, "address": f"a{i}"}
                for i in range(n)
            ],
        )


def drain_with_workers(url: str, workers: int, log: Path, *, kill: bool = False) -> tuple[float, Counter[int], int]:
    """Drain the fake channel with worker processes; return (deliveries/s, sends per id, SIGKILLs)."""
    engine = make_engine(url)
    queue_fake(engine, DELIVERIES)
    log.unlink(missing_ok=True)

    def start(name: str) -> subprocess.Popen[bytes]:
        args = [sys.executable, str(WORKER), url, str(log), name, str(BATCH), str(LEASE_S)]
        return subprocess.Popen(args)

    procs = [start(f"w{n}") for n in range(workers)]
    lines: Callable[[], int] = lambda: len(log.read_text().splitlines()) if log.exists() else 0  # noqa: E731
    while lines() == 0:
        time.sleep(0.01)
    t = time.perf_counter()
    killed = 0
    if kill:
        while lines() < DELIVERIES // 3:
            time.sleep(0.01)
        os.kill(procs[0].pid, signal.SIGKILL)
        procs[0].wait()
        killed = 1
        procs[0] = start("w0-restarted")
    for proc in procs:
        proc.wait()
    seconds = time.perf_counter() - t
    sends = Counter(int(line.split()[0]) for line in log.read_text().splitlines())
    assert counts(engine, channel="fake") == {"sent": DELIVERIES}, counts(engine, channel="fake")
    engine.dispose()
    return DELIVERIES / seconds, sends, killed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        load_sqlite(engine, USERS)
        prepare_users(engine)
        match_s, fill_s, alerts, deliveries = match_and_enqueue(engine)
        print(
            f"one new program, SQLite {USERS:,} users: reverse match + alerts {match_s:.1f} s ({alerts:,} alerts), "
            f"outbox fill {fill_s:.1f} s ({deliveries:,} deliveries); total {match_s + fill_s:.1f} s (target ≤ 60 s)"
        )
        engine.dispose()
    base = os.environ.get("AEGIS_BENCH_POSTGRES_URL") or os.environ.get("AEGIS_TEST_POSTGRES_URL")
    if not base:
        print("PostgreSQL: skipped (set AEGIS_TEST_POSTGRES_URL)")
        return
    with postgres_schema(base) as url:
        engine = make_engine(url)
        load_postgres(engine, USERS)
        prepare_users(engine)
        match_s, fill_s, alerts, deliveries = match_and_enqueue(engine)
        print(
            f"one new program, PostgreSQL {USERS:,} users: reverse match + alerts {match_s:.1f} s ({alerts:,} alerts), "
            f"outbox fill {fill_s:.1f} s ({deliveries:,} deliveries); total {match_s + fill_s:.1f} s (target ≤ 10 s)"
        )
        engine.dispose()
    with postgres_schema(base) as url, tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "sent.log"
        for workers in (1, 4):
            rate, _, _ = drain_with_workers(url, workers, log)
            print(f"outbox throughput, {workers} worker(s), PostgreSQL, {DELIVERIES:,} deliveries: {rate:,.0f}/s")
        rate, sends, _ = drain_with_workers(url, 4, log, kill=True)
        repeated = sum(1 for n in sends.values() if n > 1)
        print(
            f"exactly once: 4 workers, one SIGKILLed and restarted: {len(sends):,}/{DELIVERIES:,} sent, "
            f"{repeated} repeated (in-flight at the kill, ≤ one batch of {BATCH}), {rate:,.0f}/s"
        )


if __name__ == "__main__":
    main()
