"""Bench: reverse matching (ids of every user a program can match) on synthetic profiles.

Targets (issue 3): one 시도 + one KSIC section ≤ 1 s on 100,000 profiles (SQLite) and on 1,000,000
(PostgreSQL); a nationwide program with broad conditions ≤ 5 s on 1,000,000 (PostgreSQL).
PostgreSQL runs when AEGIS_TEST_POSTGRES_URL (or AEGIS_BENCH_POSTGRES_URL) is set; it uses a
throwaway schema.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
import uuid

import sqlalchemy as sa
from sqlmodel import Session

from db.migrate import upgrade
from db.session import make_engine
from engine.domain import AgeBound, Eligibility
from engine.reverse import matching_user_ids

AS_OF = dt.date(2026, 11, 26)
# Rough shares of Korean businesses by 시도 and KSIC section (retail, food, manufacturing dominate).
REGIONS = {"11": 19, "41": 26, "26": 7, "27": 5, "28": 6, "29": 3, "30": 3, "31": 2, "36": 1, "43": 3, "44": 4,
           "46": 4, "47": 5, "48": 6, "50": 1.5, "51": 3, "52": 3.5}  # fmt: skip
SECTIONS = {"G": 25, "I": 20, "C": 12, "F": 8, "H": 7, "M": 5, "J": 4, "S": 6, "N": 4, "P": 3, "Q": 2, "R": 2, "L": 2}

NARROW = Eligibility(regions=["26"], industries_include=["C"], business_age_max=AgeBound(months=84, inclusive=False))
BROAD = Eligibility(soho_only=True, rep_age_max=69)


def rows(n: int, seed: int = 3):
    """Yield synthetic user rows with realistic distributions (some fields missing)."""
    rng = random.Random(seed)
    regions, rw = list(REGIONS), list(REGIONS.values())
    sections, sw = list(SECTIONS), list(SECTIONS.values())
    now = dt.datetime.now(dt.UTC).isoformat()
    for i in range(1, n + 1):
        pre = rng.random() < 0.12
        founded = None if pre or rng.random() < 0.1 else AS_OF - dt.timedelta(days=int(rng.expovariate(1 / 2500)))
        yield (
            i,
            "pre_founder" if pre else "operating",
            rng.choices(regions, rw)[0],
            None if rng.random() < 0.05 else rng.choices(sections, sw)[0],
            founded.isoformat() if founded else None,
            None if rng.random() < 0.1 else min(int(rng.expovariate(1 / 4)), 300),
            None if rng.random() < 0.3 else int(rng.expovariate(1 / 4e8)),
            None if rng.random() < 0.05 else rng.randint(20, 75),
            json.dumps([]) if rng.random() < 0.8 else None,
            now,
        )


COLUMNS = ("id", "status", "region", "industry", "founded_on", "employees", "annual_revenue_krw",
           "representative_age", "traits", "created_at")  # fmt: skip


def load_sqlite(engine: sa.Engine, n: int) -> None:
    cols = ", ".join(COLUMNS) + ", needs, state, source, onboarded_at, updated_at"
    marks = ", ".join("?" for _ in COLUMNS) + ", '[]', 'active', 'import', ?, ?"
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        raw.executemany(f"INSERT INTO users ({cols}) VALUES ({marks})", ((*r, r[-1], r[-1]) for r in rows(n)))


def load_postgres(engine: sa.Engine, n: int) -> None:
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        with (
            raw.cursor() as cur,
            cur.copy(
                f"COPY users ({', '.join(COLUMNS)}, needs, state, source, onboarded_at, updated_at) FROM STDIN"
            ) as copy,
        ):
            for r in rows(n):
                copy.write_row((*r, "[]", "active", "import", r[-1], r[-1]))
        conn.execute(sa.text("ANALYZE users"))


def timed(engine: sa.Engine, eligibility: Eligibility) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(3):
        with Session(engine) as session:
            t = time.perf_counter()
            count = len(matching_user_ids(session, eligibility=eligibility, as_of=AS_OF))
            times.append(time.perf_counter() - t)
    return statistics.median(times), count


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        load_sqlite(engine, 100_000)
        seconds, count = timed(engine, NARROW)
        print(f"reverse match, 1 시도 + 1 KSIC, SQLite 100,000 profiles: {seconds:.3f} s, {count} users (target ≤ 1 s)")
        engine.dispose()
    base = os.environ.get("AEGIS_BENCH_POSTGRES_URL") or os.environ.get("AEGIS_TEST_POSTGRES_URL")
    if not base:
        print("PostgreSQL: skipped (set AEGIS_TEST_POSTGRES_URL)")
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
        upgrade(url)
        engine = make_engine(url)
        t = time.perf_counter()
        load_postgres(engine, 1_000_000)
        print(f"(loaded 1,000,000 synthetic profiles into PostgreSQL in {time.perf_counter() - t:.1f} s)")
        seconds, count = timed(engine, NARROW)
        print(f"reverse match, 1 시도 + 1 KSIC, PostgreSQL 1,000,000: {seconds:.3f} s, {count} users (target ≤ 1 s)")
        seconds, count = timed(engine, BROAD)
        print(f"reverse match, nationwide broad, PostgreSQL 1,000,000: {seconds:.3f} s, {count} users (target ≤ 5 s)")
        engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
