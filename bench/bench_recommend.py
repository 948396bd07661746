"""Bench: recommend for one profile against 5,000 open programs in-process, and the CLI wall time.

Targets (issues 3, 14): in-process p50 ≤ 30 ms; `aegis recommend` on 5,000 programs ≤ 1.5 s wall and
≤ 1.5 × its time on the dev snapshot, without LiteLLM (the catalogue comes from the snapshot the import stored).
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


def _aegis(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `aegis` CLI (the installed script, else the module) in a fresh process."""
    script = Path(sys.executable).parent / "aegis"
    cmd = [str(script)] if script.exists() else [sys.executable, "-c", "import aegis.cli; aegis.cli.main()"]
    return subprocess.run([*cmd, *args], env=env, check=True, capture_output=True, text=True)


def _walls(env: dict[str, str], profile: Path, runs: int = 5) -> list[float]:
    walls = []
    for _ in range(runs):
        t = time.perf_counter()
        _aegis(env, "recommend", "--profile", str(profile), "--json")
        walls.append(time.perf_counter() - t)
    return walls


def bench_cli() -> None:
    """`aegis recommend` wall time on the dev snapshot and on 5,000 programs (loaded from the stored catalogue)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_ingest import snapshot

    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "p.json"
        profile.write_text('{"status": "operating", "region": "서울", "needs": ["working_capital"]}', encoding="utf-8")
        dev = dict(os.environ, AEGIS_DATABASE_URL=f"sqlite:///{tmp}/dev.db")
        _aegis(dev, "db", "upgrade")
        _aegis(dev, "demo", "load")
        big = dict(os.environ, AEGIS_DATABASE_URL=f"sqlite:///{tmp}/big.db")
        _aegis(big, "db", "upgrade")
        payload = Path(tmp) / "bizinfo.json"
        payload.write_bytes(snapshot(5000))
        _aegis(big, "import", "--source", "bizinfo", "--file", str(payload))
        # Interleaved, so both see the same machine load.
        dev_walls, big_walls = [], []
        for _ in range(3):
            dev_walls += _walls(dev, profile, 2)
            big_walls += _walls(big, profile, 2)
        check = "import sys, aegis.cli; aegis.cli.run(sys.argv[1:]); print('litellm' in sys.modules, file=sys.stderr)"
        proc = subprocess.run(
            [sys.executable, "-c", check, "recommend", "--profile", str(profile), "--json"],
            env=big,
            capture_output=True,
            text=True,
            check=True,
        )
        d, b = statistics.median(dev_walls), statistics.median(big_walls)
        print(f"aegis recommend CLI wall, dev snapshot: p50 {d:.2f} s (min {min(dev_walls):.2f} s)")
        print(
            f"aegis recommend CLI wall, 5,000 programs: p50 {b:.2f} s (min {min(big_walls):.2f} s; target ≤ 1.5 s) — "
            f"{b / d:.2f}× the dev snapshot (target ≤ 1.5×); LiteLLM imported: {proc.stderr.strip().splitlines()[-1]}"
        )
        bench_use_case(big["AEGIS_DATABASE_URL"])


def bench_use_case(url: str) -> None:
    """The use case a long-lived front calls: catalogue from memory, matcher, result JSON."""
    from engine.app import Aegis
    from engine.settings import Settings

    core = Aegis.build(Settings(_env_file=None, database_url=url))
    profile = Profile(status="operating", region="서울", needs=["working_capital"])
    t = time.perf_counter()
    core.catalog.get(AS_OF)
    first = time.perf_counter() - t
    times = []
    for _ in range(30):
        t = time.perf_counter()
        core.recommend(profile=profile, as_of=AS_OF)
        times.append((time.perf_counter() - t) * 1000)
    print(
        f"recommend use case, 5,000 stored programs: catalogue loaded in {first * 1000:.0f} ms "
        f"({dict(core.catalog.loads)}), then p50 {statistics.median(times):.1f} ms per call"
    )


if __name__ == "__main__":
    bench_in_process()
    bench_cli()
