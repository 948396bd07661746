"""One outbox worker process for the exactly-once test and bench: drains channel "fake" until it is empty.

Usage: python bench/outbox_worker.py DATABASE_URL LOG_FILE WORKER_NAME BATCH LEASE_S
Each "send" appends "<delivery id> <worker>" to LOG_FILE (flushed) before the delivery is marked sent,
so a SIGKILL between the two shows up as a repeated id when the lease runs out and another worker sends.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.alerts.outbox import DeliveryView, counts
from engine.alerts.send import drain
from engine.settings import AlertSettings

IDLE_S = 0.2


async def main(url: str, log_path: str, worker: str, batch: int, lease_s: float) -> None:
    """Drain the fake channel; stop when nothing is pending or leased any more."""
    from db.session import make_engine

    db = make_engine(url)
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    async def send(delivery: DeliveryView) -> str:
        os.write(fd, f"{delivery.id} {worker}\n".encode())
        return f"fake-{delivery.id}"

    alerts = AlertSettings(lease_s=lease_s)
    while True:
        report = await drain(db, channel="fake", send=send, alerts=alerts, worker=worker, batch=batch)
        if report.sent == 0:
            if counts(db, channel="fake").get("pending", 0) == 0:
                break
            await asyncio.sleep(IDLE_S)  # rows leased by a dead worker: wait for the lease to run out
    os.close(fd)
    db.dispose()


if __name__ == "__main__":
    url, log_path, worker, batch, lease_s = sys.argv[1:6]
    asyncio.run(main(url, log_path, worker, int(batch), float(lease_s)))
