"""engine/inputs.py: bounded, one-line parsing of files, JSON, profiles and dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.errors import InvalidInput
from engine.inputs import MAX_JSON_DEPTH, json_depth, load_json, parse_date, parse_profile, read_payload


@pytest.mark.parametrize(
    ("text", "depth"),
    [("1", 0), ("[]", 1), ('{"a": [1, {"b": []}]}', 4), ('"[[[[" ', 0), (r'["\"[[", []]', 2)],
)
def test_json_depth_ignores_brackets_inside_strings(text: str, depth: int) -> None:
    assert json_depth(text) == depth


def test_load_json_refuses_depth_over_the_bound() -> None:
    assert load_json(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH, what="x") is not None
    with pytest.raises(InvalidInput, match="중첩"):
        load_json(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), what="x")


def test_load_json_names_the_position_of_a_syntax_error() -> None:
    with pytest.raises(InvalidInput, match="1행 12열"):
        load_json(b'{"status": }', what="p.json")


def test_read_payload_bounds_size(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 2048)
    assert len(read_payload(path)) == 2048
    with pytest.raises(InvalidInput, match="너무 큽니다"):
        read_payload(path, max_bytes=1024)


def test_parse_profile_rejects_founding_after_today_only() -> None:
    today = dt.date(2026, 11, 1)
    data = {"status": "operating", "region": "11", "founded_on": "2026-11-01"}
    assert parse_profile(data, today=today).founded_on == today
    with pytest.raises(InvalidInput, match="개업일"):
        parse_profile({**data, "founded_on": "2026-11-02"}, today=today)
    planned = {**data, "status": "pre_founder", "founded_on": "2027-03-01"}  # a 예비창업자's planned opening
    assert parse_profile(planned, today=today).founded_on == dt.date(2027, 3, 1)


def test_parse_profile_names_missing_fields() -> None:
    with pytest.raises(InvalidInput, match="필수 항목이 없습니다: region"):
        parse_profile({"status": "operating"})


def test_parse_date_defaults_only_when_absent() -> None:
    default = dt.date(2026, 1, 1)
    assert parse_date(None, default=default) == default
    assert parse_date("2026-10-15", default=default) == dt.date(2026, 10, 15)
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        parse_date("", default=default)


def test_read_payload_stops_at_the_bound_on_an_endless_device() -> None:
    with pytest.raises(InvalidInput, match="너무 큽니다"):
        read_payload(Path("/dev/zero"), max_bytes=4096)
