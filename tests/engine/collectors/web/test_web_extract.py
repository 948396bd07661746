"""Pure extraction on the localgov samples: rows, charset, `□` sections, filters and selector drift."""

from __future__ import annotations

import codecs
import datetime as dt
import time

import pytest
from fakeboard import DETAIL_EUCKR, DETAIL_UTF8, LIST

from engine.collectors.web import DeclarativeCollector, SourceDefinition, load_definition, scrape_detail, scrape_list
from engine.collectors.web.definition import search_pattern
from engine.collectors.web.definitions import bundled_definitions
from engine.collectors.web.extract import decode_page, sections
from engine.errors import InvalidInput, SourceDegraded, SourceFormatError
from engine.extraction import extract_record

BASE = "https://www.dangjin.go.kr/kor/sub05_02_01/list.do?bbsId=BBSMSTR_000000000101&pageIndex=1"


def test_scrape_list_keeps_program_rows_and_skips_non_program_notices(definition: SourceDefinition) -> None:
    rows = scrape_list(definition, LIST, BASE)
    kept = [r for r in rows if not r.skipped]
    assert len(rows) == 10  # the hidden mobile copy (ul.board_list_m) is never read
    assert [r.external_id for r in kept] == ["58213", "58209", "58188", "58176", "58133", "58102"]
    skipped = {r.external_id for r in rows if r.skipped}
    assert skipped == {"51870", "58207", "58150", "58121"}  # privacy notice, 고시, exam result, tender


def test_scrape_list_prefers_title_attribute_over_truncated_link_text(definition: SourceDefinition) -> None:
    row = next(r for r in scrape_list(definition, LIST, BASE) if r.external_id == "58176")
    assert row.title == "[공고] 2026년 하반기 청년창업 지원사업(청년 창업공간 임차료 지원) 대상자 모집"


def test_scrape_list_resolves_relative_links_and_reads_dates_and_pins(definition: SourceDefinition) -> None:
    first = scrape_list(definition, LIST, BASE)[0]
    assert first.url == (
        "https://www.dangjin.go.kr/kor/sub05_02_01/view.do?bbsId=BBSMSTR_000000000101&nttId=58213&pageIndex=1"
    )
    assert first.date == "2026-10-06"
    assert first.pinned is True
    assert first.extra == {"department": "기업지원과"}
    assert "N" not in first.title  # the 'new' badge sits outside the link


def test_scrape_list_drops_rows_linking_off_host(definition: SourceDefinition) -> None:
    page = LIST.replace(
        b"./view.do?bbsId=BBSMSTR_000000000101&amp;nttId=58188", b"https://evil.example.com/view.do?nttId=58188"
    )
    ids = [r.external_id for r in scrape_list(definition, page, BASE)]
    assert "58188" not in ids
    assert len(ids) == 9


def test_scrape_list_dedupes_a_notice_listed_twice(definition: SourceDefinition) -> None:
    row = LIST.split(b"<tbody>")[1].split(b"</tr>")[0] + b"</tr>"
    page = LIST.replace(b"</tbody>", row + b"</tbody>", 1)
    ids = [r.external_id for r in scrape_list(definition, page, BASE)]
    assert ids.count("58213") == 1


def test_scrape_list_raises_degraded_naming_the_row_selector_on_a_redesign(definition: SourceDefinition) -> None:
    redesigned = LIST.replace(b'class="board_list"', b'class="bbs-table"')
    with pytest.raises(SourceDegraded) as info:
        scrape_list(definition, redesigned, BASE)
    assert info.value.selector == "table.board_list > tbody > tr"
    assert "table.board_list > tbody > tr" in str(info.value)


def test_scrape_list_raises_degraded_naming_the_title_selector_when_rows_lose_it(definition: SourceDefinition) -> None:
    with pytest.raises(SourceDegraded) as info:
        scrape_list(definition, LIST.replace(b'class="subject"', b'class="tit"'), BASE)
    assert info.value.selector == "td.subject > a"


def test_scrape_detail_decodes_euckr_by_its_meta_charset(definition: SourceDefinition) -> None:
    fields = scrape_detail(definition, DETAIL_EUCKR)
    assert fields["title"] == "[기업지원과] 2026년 하반기 당진시 소상공인 경영안정자금 이차보전 지원 공고"
    assert fields["신청기간"].startswith("2026. 10. 13.(화) ~ 2026. 11. 13.(금) 18:00까지")
    assert "상시근로자 5인 미만" in fields["지원대상"]
    assert "당진시에 사업자등록" in fields["지원대상"]
    assert "휴ㆍ폐업" not in fields["지원대상"]  # the exclusion block is kept apart
    assert "국세ㆍ지방세 체납자" in fields["exclusions"]
    assert fields["attachments"].splitlines()[0].endswith("공고문.hwp")
    assert "미리보기" not in fields["attachments"]


def test_scrape_detail_reads_a_head_with_its_value_after_the_colon(definition: SourceDefinition) -> None:
    fields = scrape_detail(definition, DETAIL_UTF8)
    assert fields["신청기간"] == "2026. 10. 6.(화) ~ 10. 23.(금) 18:00까지"
    assert fields["선정방법"].startswith("서류심사 및 현장실사")
    assert "최근 3년 이내 동일 사업" in fields["exclusions"]
    assert "이전글" not in fields["body"]  # the prev/next navigation is not part of the notice


def test_scrape_detail_raises_degraded_when_the_body_selector_matches_nothing(definition: SourceDefinition) -> None:
    with pytest.raises(SourceDegraded, match="body selector"):
        scrape_detail(definition, DETAIL_UTF8.replace(b'class="content"', b'class="view-body"'))


def test_sections_split_heads_conditions_and_exclusions() -> None:
    body = "머리말\n□ 지원대상 : 소상공인\n○ 업력 7년 미만\n○ 지원 제외 대상\n- 체납자\n○ 당진시 소재\n□ 문의처"
    assert sections(body) == {"지원대상": "소상공인\n○ 업력 7년 미만\n○ 당진시 소재", "exclusions": "- 체납자"}


def test_decode_page_prefers_declared_then_bom_then_header_then_meta() -> None:
    korean = "<p>신청기간</p>"
    assert decode_page(korean.encode("cp949"), declared="euc-kr") == korean
    assert decode_page(codecs.BOM_UTF8 + korean.encode(), header_charset="euc-kr") == korean
    assert decode_page(korean.encode("cp949"), header_charset="EUC-KR") == korean
    assert decode_page(b'<meta charset="euc-kr">' + korean.encode("cp949")).endswith(korean)
    assert decode_page(korean.encode("cp949")) == korean  # no declaration: not UTF-8, so CP949


def test_collector_parse_matches_a_saved_detail_and_fills_a_year_less_end_date(definition: SourceDefinition) -> None:
    batch = DeclarativeCollector(definition).parse(LIST, details={"58209": DETAIL_UTF8}, detail=DETAIL_EUCKR)
    records = {r.external_id: r for r in batch.records}
    assert len(records) == 6 and not batch.rejected and batch.complete is False
    store = records["58209"]
    assert (store.window.kind, store.window.start, store.window.end) == (
        "dated",
        dt.date(2026, 10, 6),
        dt.date(2026, 10, 23),
    )
    loan = extract_record(records["58213"])
    assert loan.window.end == dt.date(2026, 11, 13)
    assert loan.eligibility.soho_only is True
    assert loan.regions == ["44"]  # 충남, from the definition's region hint and the body
    assert loan.posted_at is not None and loan.posted_at.date() == dt.date(2026, 10, 6)
    assert [a.name for a in loan.attachments][1] == "[별지 제1호] 이차보전 지원 신청서.hwpx"
    assert records["58188"].window.kind == "unknown"  # no detail page saved for it


def test_every_bundled_definition_loads() -> None:
    names = {load_definition(payload).name for _file, payload in bundled_definitions()}
    assert names == {"localgov_dangjin", "seoul_sinbo", "busan_biz"}
    busan = next(load_definition(p) for f, p in bundled_definitions() if f == "busan_biz.yaml")
    assert busan.agent.startswith("Mozilla/")


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("- a list", "mapping"),
        ("name: x1\nlabel: x\nlist_url: ftp://a/b\nlisting: {row: tr, title: a}", "list_url"),
        (
            "name: ok_name\nlabel: x\nlist_url: https://a.kr/l\nallowed_host: b.kr\nlisting: {row: tr, title: a}",
            "allowed_host",
        ),
        ("name: ok_name\nlabel: x\nlist_url: https://a.kr/l\nlisting: {row: tr}", "listing.title"),
    ],
)
def test_load_definition_rejects_bad_definitions_as_invalid_input(yaml_text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        load_definition(yaml_text.encode())


def test_euc_kr_page_labelled_utf8_is_decoded_as_korean_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    korean = "<html><body><a href='view.do?seq=1'>2026년 소상공인 경영안정자금 지원</a></body></html>"
    with caplog.at_level("WARNING", logger="engine.collectors.web.extract"):
        text = decode_page(korean.encode("euc-kr"), header_charset="utf-8")
    assert text == korean
    assert any("declared utf-8" in r.getMessage() for r in caplog.records)


def test_a_correctly_labelled_page_decodes_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    korean = "지원사업 공고"
    with caplog.at_level("WARNING", logger="engine.collectors.web.extract"):
        assert decode_page(korean.encode("euc-kr"), header_charset="euc-kr") == korean
    assert not caplog.records


def test_a_regex_bomb_in_a_definition_is_refused_at_once_with_the_reason(definition: SourceDefinition) -> None:
    data = definition.model_dump(mode="json")
    data["listing"]["id_regex"] = "^(a+)+$"
    started = time.monotonic()
    with pytest.raises(InvalidInput, match="id_regex") as raised:
        load_definition(data)
    assert time.monotonic() - started < 2
    assert "반복 안에 반복" in str(raised.value) and "nested repetition" in str(raised.value)


def test_a_pattern_that_still_backtracks_is_stopped_by_the_time_bound() -> None:
    started = time.monotonic()
    with pytest.raises(SourceFormatError, match="id_regex ran longer"):
        search_pattern("^(a|aa)+$", "a" * 200 + "!", source="board", timeout_s=0.2)
    assert time.monotonic() - started < 10
