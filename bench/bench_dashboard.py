"""Dashboard render time: the overview and programs pages with 10,000 programs and 100,000 users (target ≤ 2 s each).

Prints the read model's time and the full page run through Streamlit's AppTest (logged in, warm core).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

PROGRAMS = 10_000
USERS = 100_000
TARGET_S = 2.0


def populate(url: str) -> None:
    """Fill a migrated database with synthetic programs, users and deliveries in bulk."""
    from db.models import Delivery, Program, User
    from db.session import make_engine

    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    sources = ["bizinfo", "kstartup", "gov24", "localgov_dangjin"]
    categories = ["경영", "금융", "창업", "기술", "수출", "인력"]
    programs = []
    for i in range(PROGRAMS):
        start = today - dt.timedelta(days=rng.randint(0, 60))
        end = start + dt.timedelta(days=rng.randint(5, 90))
        programs.append(
            {
                "key": f"{sources[i % 4]}:{i}",
                "source": sources[i % 4],
                "external_id": str(i),
                "title": f"2026년 소상공인 지원사업 {i}호 참여기업 모집 공고",
                "organization": "중소벤처기업부",
                "category": categories[i % len(categories)],
                "regions": None if i % 3 else [rng.choice(["11", "26", "41", "44"])],
                "window_kind": "dated",
                "window_start": start,
                "window_end": end,
                "content_hash": f"{i:064d}",
                "first_seen": now - dt.timedelta(days=rng.randint(0, 40)),
                "last_seen": now,
                "updated_at": now,
                "group_id": f"{sources[i % 4]}:{i}",
                "support_types": [],
                "attachments": [],
                "hashtags": [],
                "eligibility": {},
                "needs": [],
                "raw": {},
            }
        )
    users = [
        {
            "state": "active" if i % 10 else "inactive",
            "status": "operating",
            "region": rng.choice(["11", "26", "41", "44"]),
            "industry": rng.choice("CGIJ"),
            "source": "import",
            "onboarded_at": now if i % 4 else None,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(USERS)
    ]
    deliveries = [
        {
            "user_id": i + 1,
            "channel": "telegram",
            "kind": "alert",
            "dedupe_key": f"d{i}",
            "payload": {},
            "status": "sent" if i % 20 else "dead",
            "available_at": now,
            "created_at": now - dt.timedelta(days=i % 30),
            "sent_at": now - dt.timedelta(days=i % 30),
            "attempts": 1,
        }
        for i in range(USERS // 2)
    ]
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.insert(Program), programs)
        conn.execute(sa.insert(User), users)
        conn.execute(sa.insert(Delivery), deliveries)
    engine.dispose()


def timed(label: str, fn: object) -> float:
    """Run `fn` once warm (after one untimed run) and print its time."""
    assert callable(fn)
    fn()
    start = time.perf_counter()
    fn()
    took = time.perf_counter() - start
    verdict = "ok" if took <= TARGET_S else "OVER TARGET"
    print(f"{label}: {took:.2f} s (target ≤ {TARGET_S:.0f} s, {verdict})")
    return took


def main() -> None:
    """Build the database, then time the read models and the pages."""
    from streamlit.testing.v1 import AppTest

    from db.migrate import upgrade
    from engine.admin.overview import overview
    from engine.admin.programs import browse_programs
    from engine.app import build_core
    from engine.auth import hash_password
    from engine.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        started = time.perf_counter()
        populate(url)
        took = time.perf_counter() - started
        print(f"populated {PROGRAMS:,} programs, {USERS:,} users, {USERS // 2:,} deliveries in {took:.1f} s")
        os.environ["AEGIS_DATABASE_URL"] = url
        os.environ["AEGIS_DASHBOARD__PASSWORD_HASH"] = hash_password("benchmark password")
        core = build_core(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
        now = dt.datetime.now(dt.UTC)
        timed("overview read model", lambda: overview(core.db, now=now, tz=core.tz))
        timed("programs read model (page 1)", lambda: browse_programs(core.db, today=core.today()))

        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        at.run()
        at.text_input(key="login_password").input("benchmark password")
        at.get("form_submit_button")[0].click()
        at.run()
        assert not at.exception, at.exception

        def page(name: str) -> None:
            at.switch_page(f"dashboard/pages/{name}.py").run()
            assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])

        timed("overview page (AppTest run)", lambda: page("overview"))
        timed("programs page (AppTest run)", lambda: page("programs"))


if __name__ == "__main__":
    main()
