"""The leader lease: one holder at a time, takeover after expiry, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from db.migrate import upgrade
from db.session import make_engine
from engine.leases import acquire_or_renew, current_holder, make_holder_id, release

T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=30)


def _check_lease_lifecycle(engine: Engine) -> None:
    assert acquire_or_renew(engine, holder="a", ttl=TTL, now=T0)
    assert not acquire_or_renew(engine, holder="b", ttl=TTL, now=T0 + dt.timedelta(seconds=1))
    assert acquire_or_renew(engine, holder="a", ttl=TTL, now=T0 + dt.timedelta(seconds=20))  # renewal
    assert not acquire_or_renew(engine, holder="b", ttl=TTL, now=T0 + dt.timedelta(seconds=40))  # renewed: still a
    later = T0 + dt.timedelta(seconds=51)
    assert acquire_or_renew(engine, holder="b", ttl=TTL, now=later)  # a's lease expired at 50 s
    assert current_holder(engine, now=later) == "b"
    assert not acquire_or_renew(engine, holder="a", ttl=TTL, now=later)
    release(engine, holder="a")  # not the holder: no effect
    assert current_holder(engine, now=later) == "b"
    release(engine, holder="b")
    assert current_holder(engine, now=later) is None
    assert acquire_or_renew(engine, holder="a", ttl=TTL, now=later)


def test_lease_has_one_holder_and_passes_on_after_expiry(engine: Engine) -> None:
    _check_lease_lifecycle(engine)


def test_lease_has_one_holder_on_a_shared_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'aegis.db'}"
    upgrade(url)
    one, two = make_engine(url), make_engine(url)
    try:
        assert acquire_or_renew(one, holder="one", ttl=TTL, now=T0)
        assert not acquire_or_renew(two, holder="two", ttl=TTL, now=T0)
        assert acquire_or_renew(two, holder="two", ttl=TTL, now=T0 + TTL)
        assert current_holder(one, now=T0 + TTL) == "two"
    finally:
        one.dispose()
        two.dispose()


def test_lease_names_are_independent(engine: Engine) -> None:
    assert acquire_or_renew(engine, name="scheduler", holder="a", ttl=TTL, now=T0)
    assert acquire_or_renew(engine, name="other", holder="b", ttl=TTL, now=T0)


def test_holder_id_names_host_and_process_and_fits_the_column() -> None:
    holder = make_holder_id()
    host, pid, token = holder.rsplit(":", 2)
    assert host and pid.isdigit() and len(token) == 12
    assert len(holder) <= 100
    assert make_holder_id() != holder


@pytest.mark.postgres
def test_lease_has_one_holder_and_passes_on_after_expiry_on_postgres(postgres_url: str) -> None:
    upgrade(postgres_url)
    engine = make_engine(postgres_url)
    try:
        _check_lease_lifecycle(engine)
    finally:
        engine.dispose()


def test_worst_case_takeover_fits_the_promised_30_seconds() -> None:
    from db.session import SQLITE_BUSY_TIMEOUT_MS
    from jobs.runner import HEARTBEAT_S, LEASE_TTL

    # The lease expires TTL after the dead leader's last renewal; the standby's next heartbeat may wait
    # out the busy timeout behind a writer and fail, so the one after it takes over.
    worst = LEASE_TTL.total_seconds() + HEARTBEAT_S + SQLITE_BUSY_TIMEOUT_MS / 1000 + HEARTBEAT_S
    assert worst <= 30
    assert LEASE_TTL.total_seconds() >= 4 * HEARTBEAT_S  # a leader survives three slow renewals
