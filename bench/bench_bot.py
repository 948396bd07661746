"""Bench: the Telegram bot's /recommend reply latency and its alert throughput, without an LLM.

1. /recommend through the dialogue (state load, user read, not-interested filter, matcher, cards,
   state save) on 5,000 stored programs: p50/p95 of `respond` (target p95 ≤ 300 ms), and the same
   through the real bot long-polling a fake Bot API server (update queued → last card received).
2. Telegram alert throughput: 3,000 users with one due delivery each (and 100 of them two more, to
   exercise per-chat pacing), drained by the bot's AlertSender against a fake Bot API that enforces
   30 msg/s overall and 1 msg/s per chat (answering 429 on a breach). Targets: ≥ 28 msg/s sustained,
   0 lost, 0 limit breaches, each delivery sent once.
3. A sending bot killed with SIGKILL mid-run, then another started: 0 lost, repeats ≤ the sends in
   flight at the kill (their leases run out and the next bot sends them).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlmodel import Session, SQLModel, select

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests" / "bot")]
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bench_ingest import snapshot  # noqa: E402
from telegram_fakes import TOKEN, FakeBotAPI  # noqa: E402

import db.models  # noqa: E402, F401  (registers the tables)
from db.models import Delivery, User  # noqa: E402
from db.session import make_engine  # noqa: E402
from engine.app import Aegis  # noqa: E402
from engine.dialogue import Event, respond  # noqa: E402
from engine.settings import Settings  # noqa: E402

NOW = dt.datetime(2026, 10, 1, 1, 0, tzinfo=dt.UTC)
USERS = 30
CALLS = 150
ALERT_USERS = 3000
BUSY_USERS = 100  # get two more messages each (per-chat pacing at 1/s)
DESCRIPTIONS = (
    "강남구에서 3년째 카페를 운영하고 직원은 2명이에요. 저는 41살이에요.",
    "부산에서 온라인 쇼핑몰을 혼자 운영해요.",
    "수원에서 창업을 준비하는 27살 예비창업자예요. 앱을 만들려고 해요.",
)


def _core(url: str, **telegram: object) -> Aegis:
    settings = Settings(telegram={"bot_token": TOKEN, **telegram}, _env_file=None)  # type: ignore[call-arg]
    return Aegis(settings=settings, db=make_engine(url))


def _onboard(core: Aegis, key: str, description: str) -> None:
    def send(kind: str, **fields: str) -> None:
        respond(core, conversation=key, event=Event(kind=kind, sender_id=1, **fields), now=NOW)  # type: ignore[arg-type]

    send("command", text="/start")
    send("button", data="c:y")
    send("text", text=description)
    send("button", data="o:ok")
    for field in ("founded_on", "employees", "representative_age", "traits", "needs", "industry"):
        send("button", data=f"f:{field}:~skip")


def bench_recommend(url: str) -> None:
    core = _core(url)
    keys = [f"telegram:{7000 + i}" for i in range(USERS)]
    for i, key in enumerate(keys):
        _onboard(core, key, DESCRIPTIONS[i % len(DESCRIPTIONS)])
    event = Event(kind="command", text="/recommend", sender_id=1)
    respond(core, conversation=keys[0], event=event, now=NOW)  # catalogue into memory
    times, cards = [], []
    for n in range(CALLS):
        t = time.perf_counter()
        replies = respond(core, conversation=keys[n % USERS], event=event, now=NOW)
        times.append((time.perf_counter() - t) * 1000)
        cards.append(sum(1 for r in replies if r.button_data()[:1] and r.button_data()[0].startswith("d:")))
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"/recommend through the dialogue, 5,000 programs, {USERS} users: p50 {statistics.median(times):.0f} ms, "
        f"p95 {p95:.0f} ms (target ≤ 300 ms), max {times[-1]:.0f} ms; cards per reply {Counter(cards).most_common()}"
    )


def bench_recommend_live(url: str) -> None:
    """Time /recommend through the real bot and a fake Bot API (queue update → last card sent)."""
    from bot.app import serve

    with FakeBotAPI() as fake:
        core = _core(url, base_url=fake.base_url)

        async def main() -> list[float]:
            stop = asyncio.Event()
            task = asyncio.create_task(serve(core, stop, poll_timeout=1, sender_idle_s=0.5))
            chat = 7000
            times = []
            for _ in range(20):
                before = len(fake.sent(chat_id=chat))
                t = time.perf_counter()
                fake.user_says(chat, "/recommend")
                while True:
                    await asyncio.sleep(0.005)
                    sent = fake.sent(chat_id=chat)
                    if len(sent) > before and any(
                        "더 볼까요" in m["text"] or "자격을 확정" in m["text"] for m in sent[before:]
                    ):
                        break
                times.append((time.perf_counter() - t) * 1000)
            stop.set()
            await task
            return times

        times = sorted(asyncio.run(main()))
    print(
        f"/recommend through the real bot (long polling a fake Bot API): p50 {statistics.median(times):.0f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1]:.0f} ms (update queued → last message sent)"
    )


def bench_alerts(url: str) -> None:
    from bot.app import build_application
    from bot.delivery import AlertSender

    with FakeBotAPI(overall_per_s=30, per_chat_interval_s=1.0) as fake:
        core = _core(url, base_url=fake.base_url, send_rate_per_s=29.0)
        now = dt.datetime.now(dt.UTC)
        with Session(core.db) as session:
            for i in range(ALERT_USERS):
                chat = 100_000 + i
                user = User(telegram_chat_id=chat, source="telegram", created_at=now, updated_at=now, consented_at=now)
                session.add(user)
                session.flush()
                for n in range(3 if i < BUSY_USERS else 1):
                    payload = {"kind": "broadcast", "text": f"알림 {n}: 새 공고가 올라왔어요."}
                    session.add(
                        Delivery(
                            user_id=user.id,
                            channel="telegram",
                            address=str(chat),
                            kind="broadcast",
                            dedupe_key=f"bench:{n}",
                            payload=payload,
                            available_at=now,
                            created_at=now,
                        )
                    )
            session.commit()
        total = ALERT_USERS + 2 * BUSY_USERS

        async def main() -> float:
            application = build_application(core)
            async with application:
                sender = AlertSender(core=core, bot=application.bot, idle_s=0.2)
                stop = asyncio.Event()
                task = asyncio.create_task(sender.run(stop))
                t = time.perf_counter()
                while len(fake.sent()) < total and time.perf_counter() - t < 600:
                    await asyncio.sleep(0.05)
                elapsed = time.perf_counter() - t
                stop.set()
                await task
            return elapsed

        elapsed = asyncio.run(main())
        sent = fake.sent()
        per_chat = Counter(int(m["chat_id"]) for m in sent)
        with Session(core.db) as session:
            statuses = Counter(d.status for d in session.exec(select(Delivery)).all())
        duplicates = sum(
            n - (3 if chat < 100_000 + BUSY_USERS else 1)
            for chat, n in per_chat.items()
            if n > (3 if chat < 100_000 + BUSY_USERS else 1)
        )
        lost = total - statuses.get("sent", 0)
        print(
            f"Telegram alerts, {ALERT_USERS:,} users ({total:,} messages, {BUSY_USERS} chats with 3): "
            f"{len(sent) / elapsed:.1f} msg/s sustained over {elapsed:.0f} s "
            "(target ≥ 28; the fake allows 30/s and 1/s per chat), "
            f"lost {lost}, duplicates {duplicates}, limit breaches {fake.violations}, outbox {dict(statuses)}"
        )


SENDER = """
import asyncio, os
os.environ.setdefault("PTB_TIMEDELTA", "true")
from bot.app import build_application
from bot.delivery import AlertSender
from engine.app import build_core

async def main():
    core = build_core()
    application = build_application(core)
    async with application:
        await AlertSender(core=core, bot=application.bot, idle_s=0.2).run(asyncio.Event())

asyncio.run(main())
"""


def bench_sigkill(url: str, n: int = 1000) -> None:
    """Kill a sending bot with SIGKILL mid-run, start another: every delivery arrives, repeats ≤ in flight."""
    import signal
    import subprocess

    with FakeBotAPI() as fake:
        env = dict(
            os.environ,
            AEGIS_DATABASE_URL=url,
            AEGIS_TELEGRAM__BOT_TOKEN=TOKEN,
            AEGIS_TELEGRAM__BASE_URL=fake.base_url,
            AEGIS_TELEGRAM__SEND_RATE_PER_S="100",
            AEGIS_ALERTS__LEASE_S="3",
            PYTHONPATH=str(ROOT),
        )
        now = dt.datetime.now(dt.UTC)
        with Session(make_engine(url)) as session:
            for i in range(n):
                user = User(telegram_chat_id=200_000 + i, source="telegram", created_at=now, updated_at=now)
                session.add(user)
                session.flush()
                session.add(
                    Delivery(
                        user_id=user.id,
                        channel="telegram",
                        address=str(200_000 + i),
                        kind="broadcast",
                        dedupe_key="kill",
                        payload={"kind": "broadcast", "text": "공지"},
                        available_at=now,
                        created_at=now,
                    )
                )
            session.commit()
        first = subprocess.Popen([sys.executable, "-c", SENDER], env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
        while len(fake.sent()) < n // 3:
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
        at_kill = len(fake.sent())
        second = subprocess.Popen([sys.executable, "-c", SENDER], env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
        t = time.monotonic()
        while len({m["chat_id"] for m in fake.sent()}) < n and time.monotonic() - t < 120:
            time.sleep(0.1)
        time.sleep(1.0)
        second.terminate()
        second.wait()
        per_chat = Counter(int(m["chat_id"]) for m in fake.sent())
        repeats = sum(c - 1 for c in per_chat.values())
        print(
            f"SIGKILL mid-run ({n:,} deliveries, killed after {at_kill}): lost {n - len(per_chat)}, "
            f"repeated {repeats} (bound: the sends in flight at the kill, ≤ 200)"
        )


def main() -> None:
    global ALERT_USERS, BUSY_USERS  # a quick run: bench_bot.py --alerts 600
    if "--sigkill" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/kill.db"
            SQLModel.metadata.create_all(make_engine(url))
            bench_sigkill(url)
        return
    if "--alerts" in sys.argv:
        rest = sys.argv[sys.argv.index("--alerts") + 1 :]
        if rest and rest[0].isdigit():
            ALERT_USERS, BUSY_USERS = int(rest[0]), int(rest[0]) // 30
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/alerts.db"
            SQLModel.metadata.create_all(make_engine(url))
            bench_alerts(url)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bot.db"
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        core = _core(url)
        core.import_payload(source="bizinfo", payload=snapshot(5000))
        bench_recommend(url)
        bench_recommend_live(url)
        kill_url = f"sqlite:///{tmp}/kill.db"
        SQLModel.metadata.create_all(make_engine(kill_url))
        bench_sigkill(kill_url)
        alerts_url = f"sqlite:///{tmp}/alerts.db"
        SQLModel.metadata.create_all(make_engine(alerts_url))
        bench_alerts(alerts_url)


if __name__ == "__main__":
    main()
