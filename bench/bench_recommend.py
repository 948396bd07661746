"""Bench: recommend for one profile against 5,000 open programs in-process, and the CLI wall time.

Targets (issue 3): in-process p50 ≤ 30 ms; `aegis recommend` wall time ≤ 1.5 s without LiteLLM.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine.domain import AgeBound, Bound, Eligibility, Profile, Window
from engine.matching import Candidate, recommend
from engine.search import SearchIndex

AS_OF = dt.date(2026, 11, 26)
NEEDS = ["working_capital", "facility", "startup", "rnd", "export", "marketing", "hiring", "guarantee", "education"]
WORDS = tuple(
    "카페 리모델링 자금 운전 시설 창업 수출 판로 마케팅 고용 인건비 보증 교육 컨설팅 스마트 상점 제조 기술".split()
)


def synthetic_candidates(n: int, rng: random.Random) -> list[Candidate]:
    """Return n open programs with realistic condition mixes."""
    out = []
    for i in range(n):
        el = Eligibility(
            regions=rng.sample(["11", "26", "41", "27", "28"], 1) if rng.random() < 0.4 else None,
            business_age_max=AgeBound(months=rng.choice([36, 60, 84]), inclusive=rng.random() < 0.5)
            if rng.random() < 0.4
            else None,
            rep_age_max=39 if rng.random() < 0.15 else None,
            employees_max=Bound(n=5, inclusive=False) if rng.random() < 0.2 else None,
            industries_exclude=["I"] if rng.random() < 0.1 else None,
            soho_only=rng.random() < 0.4,
        )
        start = AS_OF - dt.timedelta(days=rng.randrange(0, 30))
        out.append(
            Candidate(
                program_id=f"bizinfo:PBLN_{i:012d}",
                source_ids=(f"bizinfo:PBLN_{i:012d}",),
                title=f"2026년 지원사업 {i}",
                organization="중소벤처기업부",
                url=None,
                window=Window(kind="dated", start=start, end=start + dt.timedelta(days=rng.randrange(20, 60))),
                eligibility=el,
                needs=tuple(rng.sample(NEEDS, 2)),
                category="금융",
                support_types=("융자",),
                tokens=tuple(rng.choices(WORDS, k=40)),
            )
        )
    return out


def bench_in_process() -> None:
    rng = random.Random(1)
    candidates = synthetic_candidates(5000, rng)
    index = SearchIndex.build([(c.program_id, c.tokens) for c in candidates])
    profile = Profile(
        status="operating",
        region="서울",
        industry="I",
        founded_on=dt.date(2021, 3, 15),
        employees=3,
        representative_age=34,
        traits=[],
        needs=["working_capital", "facility"],
        description="강남구에서 4년째 카페를 운영하고 있고, 매장 리모델링과 원두 구입 자금이 필요합니다.",
    )
    recommend(profile, candidates, as_of=AS_OF, index=index)  # warm-up
    times = []
    for _ in range(30):
        t = time.perf_counter()
        recommend(profile, candidates, as_of=AS_OF, index=index)
        times.append((time.perf_counter() - t) * 1000)
    print(f"recommend, 5,000 open programs, in-process: p50 {statistics.median(times):.1f} ms (target ≤ 30 ms)")


def bench_cli() -> None:
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, AEGIS_DATABASE_URL=f"sqlite:///{tmp}/aegis.db")
        aegis = str(bin_dir / "aegis")
        subprocess.run([aegis, "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run([aegis, "demo", "load"], env=env, check=True, capture_output=True)
        profile = Path(tmp) / "p.json"
        profile.write_text('{"status": "operating", "region": "서울", "needs": ["working_capital"]}', encoding="utf-8")
        walls = []
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run(
                [aegis, "recommend", "--profile", str(profile), "--json"], env=env, check=True, capture_output=True
            )
            walls.append(time.perf_counter() - t)
        check = "import sys, aegis.cli; aegis.cli.run(sys.argv[1:]); print('litellm' in sys.modules, file=sys.stderr)"
        proc = subprocess.run(
            [sys.executable, "-c", check, "recommend", "--profile", str(profile), "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        print(
            f"aegis recommend CLI wall time (demo snapshot): p50 {statistics.median(walls):.2f} s (target ≤ 1.5 s); "
            f"LiteLLM imported: {proc.stderr.strip().splitlines()[-1]}"
        )


if __name__ == "__main__":
    bench_in_process()
    bench_cli()
