"""The ingest pipeline: closing (by the source, by the window) and reopening, with change events."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from db.models import Program, ProgramChange
from db.session import session_scope
from engine.collectors.base import Batch
from engine.domain import ProgramRecord, Window
from engine.ingest import close_expired, ingest_batch

NOW = dt.datetime(2026, 10, 15, 1, 0, tzinfo=dt.UTC)
WINDOW = Window(kind="dated", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), raw="20261001 ~ 20261031")


def _record(*, closed: bool = False, end: dt.date = dt.date(2026, 10, 31)) -> ProgramRecord:
    return ProgramRecord(
        source="kstartup",
        external_id="300001",
        title="2026년 초기창업패키지 추가 모집",
        window=WINDOW.model_copy(update={"end": end}),
        closed=closed,
    )


def _ingest(engine, record: ProgramRecord, now: dt.datetime = NOW):
    with session_scope(engine) as session:
        return ingest_batch(session, Batch(source="kstartup", records=[record]), now=now)


def _events(engine) -> list[tuple[str, list[str]]]:
    with Session(engine) as session:
        rows = session.exec(select(ProgramChange).order_by(ProgramChange.id))  # type: ignore[arg-type]
        return [(r.kind, r.fields) for r in rows]


def _closed_at(engine) -> dt.datetime | None:
    with Session(engine) as session:
        return session.exec(select(Program.closed_at)).one()


def test_source_marking_recruiting_over_closes_early_with_an_event(engine) -> None:
    _ingest(engine, _record())
    report = _ingest(engine, _record(closed=True), NOW + dt.timedelta(days=1))
    assert report.updated == 1
    assert _closed_at(engine) == NOW + dt.timedelta(days=1)
    assert _events(engine)[-1] == ("closed", ["listing"])


def test_new_record_already_marked_closed_is_stored_closed(engine) -> None:
    report = _ingest(engine, _record(closed=True))
    assert report.new == 1
    assert _closed_at(engine) == NOW


def test_reopened_program_clears_closed_at(engine) -> None:
    _ingest(engine, _record(closed=True))
    _ingest(engine, _record(end=dt.date(2026, 11, 15)), NOW + dt.timedelta(days=2))
    assert _closed_at(engine) is None
    assert _events(engine)[-1][0] == "reopened"


def test_close_expired_closes_only_passed_dated_windows(engine) -> None:
    _ingest(engine, _record())
    with session_scope(engine) as session:
        assert close_expired(session, today=dt.date(2026, 10, 31), now=NOW) == 0  # the end date is inclusive
    with session_scope(engine) as session:
        assert close_expired(session, today=dt.date(2026, 11, 1), now=NOW) == 1
    assert _closed_at(engine) == NOW
    assert _events(engine)[-1] == ("closed", ["window"])


@pytest.mark.postgres
def test_upserts_and_change_events_on_postgres(postgres_url: str) -> None:
    from db.migrate import upgrade
    from db.session import make_engine

    upgrade(postgres_url)
    pg = make_engine(postgres_url)
    try:
        assert _ingest(pg, _record()).new == 1
        assert _ingest(pg, _record()).unchanged == 1  # idempotent: same content, nothing updated
        report = _ingest(pg, _record(end=dt.date(2026, 11, 15)), NOW + dt.timedelta(days=1))
        assert report.updated == 1
        assert _events(pg) == [("new", []), ("updated", ["window"])]
        with Session(pg) as session:
            row = session.exec(select(Program)).one()
        assert row.window_end == dt.date(2026, 11, 15)
        assert row.eligibility == _record().eligibility.model_dump(mode="json")  # JSONB round trip
        assert row.first_seen == NOW and row.last_seen == NOW + dt.timedelta(days=1)  # tz-aware UTC
    finally:
        pg.dispose()


def test_program_closed_after_its_window_stays_closed_when_listed_again(engine) -> None:
    _ingest(engine, _record())
    later = dt.datetime(2026, 11, 3, 1, 0, tzinfo=dt.UTC)
    with session_scope(engine) as session:
        assert close_expired(session, today=dt.date(2026, 11, 3), now=later) == 1
    report = _ingest(engine, _record(), later + dt.timedelta(hours=1))  # the portal still lists it
    assert report.unchanged == 1
    assert _closed_at(engine) == later
    assert [kind for kind, _ in _events(engine)] == ["new", "closed"]


def test_bare_listing_entry_does_not_erase_what_a_full_answer_stored(engine) -> None:
    full = _record().model_copy(update={"summary": "창업 3년 이내 기업", "url": "https://www.k-startup.go.kr/a"})
    _ingest(engine, full)
    bare = _record()  # same title and window, no text (the documented shape's six fields)
    assert _ingest(engine, bare, NOW + dt.timedelta(hours=1)).unchanged == 1
    with Session(engine) as session:
        row = session.exec(select(Program)).one()
    assert row.summary == "창업 3년 이내 기업"
    assert row.last_seen == NOW + dt.timedelta(hours=1)


def test_duplicates_within_one_batch_and_across_batches_share_a_group(engine) -> None:
    first = _record()
    repost = _record().model_copy(
        update={"source": "bizinfo", "external_id": "PBLN_9", "title": "[전국] " + first.title}
    )
    other_round = _record(end=dt.date(2026, 11, 20)).model_copy(update={"external_id": "300002"})
    later_copy = _record().model_copy(update={"external_id": "300009", "title": first.title + " (재공고)"})
    with session_scope(engine) as session:
        ingest_batch(session, Batch(source="kstartup", records=[first, repost, other_round]), now=NOW)
    with session_scope(engine) as session:
        ingest_batch(session, Batch(source="kstartup", records=[later_copy]), now=NOW)
    with Session(engine) as session:
        groups = {p.key: p.group_id for p in session.exec(select(Program))}
    assert groups["bizinfo:PBLN_9"] == groups["kstartup:300001"] == groups["kstartup:300009"] == "kstartup:300001"
    assert groups["kstartup:300002"] == "kstartup:300002"  # another window: never the same program
