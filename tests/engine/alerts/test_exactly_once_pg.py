"""Exactly once on PostgreSQL: 4 worker processes drain the outbox; one is SIGKILLed and restarted."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from db.models import Delivery
from db.session import make_engine
from engine.alerts.outbox import counts

ROOT = Path(__file__).resolve().parents[3]
WORKER = ROOT / "bench" / "outbox_worker.py"
N = 300
BATCH = 10
LEASE_S = 2.0


def _start(url: str, log: Path, name: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(WORKER), url, str(log), name, str(BATCH), str(LEASE_S)])


def _sent_lines(log: Path) -> list[tuple[int, str]]:
    if not log.exists():
        return []
    return [(int(i), w) for i, w in (line.split() for line in log.read_text().splitlines() if line.strip())]


@pytest.mark.postgres
def test_four_workers_send_every_delivery_once_despite_a_sigkill(postgres_url: str, tmp_path: Path) -> None:
    db = make_engine(postgres_url)
    SQLModel.metadata.create_all(db)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with db.begin() as conn:
        conn.execute(
            sa.insert(Delivery.__table__),  # type: ignore[attr-defined]
            [
                {"channel": "fake", "dedupe_key": f"k{i}", "payload": {}, "status": "pending", "available_at": now}
                | {"attempts": 0, "created_at": now, "address": f"a{i}"}
                for i in range(N)
            ],
        )
    log = tmp_path / "sent.log"
    workers = [_start(postgres_url, log, f"w{n}") for n in range(4)]
    deadline = time.monotonic() + 60
    while len(_sent_lines(log)) < N // 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    victim = workers[0]
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    workers[0] = _start(postgres_url, log, "w0-restarted")
    for worker in workers:
        assert worker.wait(timeout=120) == 0

    lines = _sent_lines(log)
    sends = Counter(i for i, _ in lines)
    assert counts(db, channel="fake") == {"sent": N}
    with db.connect() as conn:
        ids = set(conn.execute(sa.select(Delivery.__table__.c.id)).scalars())  # type: ignore[attr-defined]
    assert set(sends) == ids  # every delivery was sent
    repeated = {i for i, n in sends.items() if n > 1}
    first_sender = {}
    for i, w in lines:
        first_sender.setdefault(i, w)
    assert len(repeated) <= BATCH  # only the killed worker's in-flight batch can repeat
    assert all(first_sender[i] == "w0" for i in repeated)
    assert max(sends.values()) <= 2
    db.dispose()


@pytest.mark.postgres
def test_match_fill_and_claim_on_postgres_queue_once(postgres_url: str) -> None:
    from zoneinfo import ZoneInfo

    from engine import users
    from engine.alerts.fill import fill_outbox
    from engine.alerts.match import match_changes
    from engine.alerts.outbox import claim_due
    from engine.domain import Profile
    from engine.settings import AlertSettings
    from tests.engine.alerts.conftest import AS_OF, T0, add_change, add_program

    db = make_engine(postgres_url)
    SQLModel.metadata.create_all(db)
    for chat_id in (1, 2):
        user = users.get_or_create_telegram_user(db, chat_id=chat_id, display_name=None, now=T0 - dt.timedelta(days=1))
        profile = Profile.model_validate({"status": "operating", "region": "서울", "employees": 2})
        users.save_profile(db, user_id=user.id, profile=profile, now=T0 - dt.timedelta(days=1))
    add_change(db, add_program(db, eligibility={"regions": ["11"]}))
    settings = AlertSettings(quiet_hours="off")
    for _ in range(2):
        match_changes(db, now=T0, as_of=AS_OF)
        fill_outbox(db, now=T0, as_of=AS_OF, settings=settings, tz=ZoneInfo("Asia/Seoul"))
    assert counts(db) == {"pending": 2}
    first = claim_due(db, channel="telegram", worker="a", limit=1, now=T0, lease_s=60)
    second = claim_due(db, channel="telegram", worker="b", limit=5, now=T0, lease_s=60)
    assert len(first) == len(second) == 1 and first[0].id != second[0].id
    db.dispose()
