"""Live collection against the fake board on 127.0.0.1: paging, charset, politeness and refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from fakeboard import BOARD, LIST, FakeBoard, dangjin
from sqlalchemy.engine import Engine
from sqlmodel import select

from db.models import CollectionRun, Program, Source
from db.session import session_scope
from engine.collect import collect_source
from engine.collectors.web import DeclarativeCollector, PoliteFetcher
from engine.errors import SourceAuthError, SourceDegraded, SourceError, SourceFormatError
from engine.settings import Settings
from engine.web_sources import seed_web_sources

NOW = dt.datetime(2026, 10, 20, 3, 0, tzinfo=dt.UTC)


def _lists(board: FakeBoard) -> list[str]:
    return [path for path, _agent in board.requests if "list.do" in path]


async def test_collect_pages_through_the_board_and_decodes_the_euckr_detail(board: FakeBoard) -> None:
    batch = await DeclarativeCollector(dangjin(board.base)).collect()
    records = {r.external_id: r for r in batch.records}
    # Page 1's six programs, page 2's four new ones; pinned rows repeated on page 2 count once.
    assert len(records) == 10 and not batch.rejected and batch.complete is False
    assert {"57209", "57188", "57176", "57133"} <= records.keys()
    loan = records["58213"]
    assert loan.window.start == dt.date(2026, 10, 13) and loan.window.end == dt.date(2026, 11, 13)
    assert loan.target is not None and "상시근로자 5인 미만" in loan.target
    assert "국세ㆍ지방세 체납자" in loan.raw["detail"]["exclusions"]
    assert len(_lists(board)) == 3  # page 3 holds no notices: the end of the board
    assert not any("nttId=58207" in path for path, _ in board.requests)  # a filtered notice is never fetched


async def test_collect_stops_at_max_pages(board: FakeBoard) -> None:
    defn = dangjin(board.base, pagination={"page_param": "pageIndex", "max_pages": 1})
    batch = await DeclarativeCollector(defn).collect()
    assert _lists(board) == [f"{BOARD}?bbsId=BBSMSTR_000000000101&pageIndex=1"]
    assert len(batch.records) == 6


async def test_collect_follows_the_next_link_when_there_is_no_page_parameter(board: FakeBoard) -> None:
    defn = dangjin(board.base, pagination={"next_selector": "div.paging a.btn_next", "max_pages": 5})
    await DeclarativeCollector(defn).collect()
    assert _lists(board)[1].endswith("pageIndex=11")  # the '다음' link, resolved against the list URL
    assert len(_lists(board)) == 2  # page 11 is past the end


async def test_collect_refuses_a_board_that_robots_txt_disallows(board: FakeBoard) -> None:
    board.robots = "User-agent: *\nDisallow: /board/\n"
    with pytest.raises(SourceError) as info:
        await DeclarativeCollector(dangjin(board.base)).collect()
    assert info.value.code == "robots"
    assert "robots.txt" in str(info.value) and "disallows /board/list.do" in str(info.value)
    assert "robots.txt" in info.value.user_message
    assert _lists(board) == []  # refused before the first page


async def test_robots_rules_for_aegisbot_apply_even_when_others_may_crawl(board: FakeBoard) -> None:
    board.robots = "User-agent: AegisBot\nDisallow: /\n\nUser-agent: *\nDisallow:\n"
    with pytest.raises(SourceError, match=r"robots\.txt"):
        await DeclarativeCollector(dangjin(board.base)).collect()


async def test_collect_sends_the_configured_user_agent_to_a_board_that_requires_one(board: FakeBoard) -> None:
    agent = "Mozilla/5.0 (compatible; AegisBot/0.1; policy-funding notices)"
    batch = await DeclarativeCollector(dangjin(board.base, "/ua/board/list.do", user_agent=agent)).collect()
    assert len(batch.records) == 10
    assert {a for _path, a in board.requests} == {agent}


async def test_collect_without_a_user_agent_fails_clearly_on_a_board_that_requires_one(board: FakeBoard) -> None:
    with pytest.raises(SourceAuthError) as info:
        await DeclarativeCollector(dangjin(board.base, "/ua/board/list.do")).collect()
    assert "403" in str(info.value) and "user_agent" in str(info.value)
    assert "User-Agent" in info.value.user_message


async def test_collect_refuses_an_oversized_page(board: FakeBoard) -> None:
    with pytest.raises(SourceFormatError, match="larger than 100000 bytes"):
        await DeclarativeCollector(dangjin(board.base, "/big/list.do", max_bytes=100_000)).collect()


async def test_collect_refuses_a_redirect_off_the_configured_host(board: FakeBoard) -> None:
    with pytest.raises(SourceFormatError, match=r"redirect refused.*evil\.example\.com"):
        await DeclarativeCollector(dangjin(board.base, "/hop/list.do")).collect()


async def test_collect_retries_a_503_and_then_succeeds(board: FakeBoard) -> None:
    board.failures = 2
    batch = await DeclarativeCollector(dangjin(board.base, "/flaky/board/list.do", retries=2)).collect()
    assert len(batch.records) == 10


async def test_fetcher_spaces_requests_to_one_host_by_the_delay(board: FakeBoard) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    defn = dangjin(board.base, pagination={"page_param": "pageIndex", "max_pages": 1})
    fetcher = PoliteFetcher(source=defn.name, host="127.0.0.1", user_agent=defn.agent, delay_s=5.0, sleep=record)
    async with fetcher:
        await DeclarativeCollector(defn).collect(fetcher=fetcher)
    # robots.txt, the list and six details: every request after the first waited for the delay.
    assert len(board.requests) == 8 and len(waits) == 7
    assert all(4.0 < w <= 5.0 for w in waits)


async def test_fetcher_refuses_other_schemes_and_hosts(board: FakeBoard) -> None:
    async with PoliteFetcher(source="t", host="127.0.0.1", user_agent="t", delay_s=0) as fetcher:
        with pytest.raises(SourceFormatError, match="only http"):
            await fetcher.get("file:///etc/passwd")
        with pytest.raises(SourceFormatError, match="outside the configured host"):
            await fetcher.get("http://localhost:1/list.do")


def _point_at(engine: Engine, name: str, base: str) -> None:
    with session_scope(engine) as session:
        row = session.get(Source, name)
        assert row is not None
        row.config = dangjin(base).model_dump(mode="json")


def test_seed_web_sources_adds_the_bundled_definitions_once(engine: Engine) -> None:
    assert sorted(seed_web_sources(engine)) == ["busan_biz", "localgov_dangjin", "seoul_sinbo"]
    assert seed_web_sources(engine) == []
    with session_scope(engine) as session:
        rows = session.exec(select(Source)).all()
        assert {r.kind for r in rows} == {"html"}


async def test_selector_drift_records_a_degraded_run_and_closes_nothing(engine: Engine, board: FakeBoard) -> None:
    seed_web_sources(engine)
    _point_at(engine, "localgov_dangjin", board.base)
    report = await collect_source(name="localgov_dangjin", settings=Settings(_env_file=None), engine=engine, now=NOW)
    assert report.new == 10 and report.closed == 0

    board.pages[BOARD] = LIST.replace(b'class="board_list"', b'class="bbs_list"')  # the site was redesigned
    with pytest.raises(SourceDegraded) as info:
        later = NOW + dt.timedelta(hours=6)
        await collect_source(name="localgov_dangjin", settings=Settings(_env_file=None), engine=engine, now=later)
    assert info.value.selector == "table.board_list > tbody > tr"

    with session_scope(engine) as session:
        runs = session.exec(select(CollectionRun).order_by(CollectionRun.id)).all()  # type: ignore[arg-type]
        assert [r.status for r in runs] == ["ok", "degraded"]
        assert runs[1].error_class == "SourceDegraded" and "table.board_list" in (runs[1].error_message or "")
        programs = session.exec(select(Program).where(Program.source == "localgov_dangjin")).all()
        assert len(programs) == 10 and all(p.closed_at is None for p in programs)
        source = session.get(Source, "localgov_dangjin")
        assert source is not None and source.last_error_class == "SourceDegraded"
