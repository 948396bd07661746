"""The dev labelled set: extracted conditions, windows and needs against shared/data/dev/truth.json.

Inputs are built exactly as the bizinfo and kstartup collectors pass them to the extractor.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import pytest

from engine.domain import Eligibility, Window
from engine.eligibility import extract_eligibility, infer_needs, parse_window
from engine.text import html_to_text

DEV = Path("/work/shared/data/dev")
CONDITION_KEYS = (
    "regions",
    "status_allowed",
    "business_age_max",
    "business_age_min",
    "rep_age_min",
    "rep_age_max",
    "employees_max",
    "employees_min",
    "revenue_max_krw",
    "industries_include",
    "industries_exclude",
    "traits_required",
    "soho_only",
)

pytestmark = pytest.mark.skipif(not (DEV / "truth.json").exists(), reason="shared dev set not mounted")


def _load() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    truth = json.loads((DEV / "truth.json").read_text(encoding="utf-8"))
    records: dict[str, dict[str, Any]] = {}
    for item in json.loads((DEV / "programs_bizinfo.json").read_text(encoding="utf-8"))["jsonArray"]:
        records[f"bizinfo:{item['pblancId']}"] = item
    for row in json.loads((DEV / "programs_kstartup.json").read_text(encoding="utf-8"))["data"]:
        records[f"kstartup:{row['pbanc_sn']}"] = row
    return truth, records


def _cases() -> list[tuple[str, dict[str, Any]]]:
    if not (DEV / "truth.json").exists():
        return []
    truth, _ = _load()
    return [(pid, program) for program in truth["programs"] for pid in program["ids"]]


def _unescape(value: str | None) -> str:
    return html.unescape(value or "").replace("\r\n", "\n").strip()


def _inputs(pid: str, record: dict[str, Any]) -> dict[str, Any]:
    """Return the extract_eligibility keyword arguments a collector builds for this record."""
    if pid.startswith("bizinfo:"):
        return {
            "title": record["pblancNm"],
            "text": html_to_text(record["bsnsSumryCn"]),
            "hashtags": [t for t in (record.get("hashtags") or "").split(",") if t],
            "organization": record.get("jrsdInsttNm"),
            "target": record.get("trgetNm"),
        }
    text = "\n".join(_unescape(record.get(k)) for k in ("aply_trgt_ctnt", "pbanc_ctnt") if record.get(k))
    return {
        "title": _unescape(record["biz_pbanc_nm"]),
        "text": text,
        "organization": record.get("pbanc_ntrp_nm"),
        "target": record.get("aply_trgt"),
        "exclusions": _unescape(record.get("aply_excl_trgt_ctnt")),
        "region_hint": record.get("supt_regin"),
    }


def _expected(conditions: dict[str, Any], key: str) -> Any:
    value = conditions.get(key)
    if key == "soho_only":
        return bool(value)
    if value is None:
        return None
    if key.startswith("business_age_"):
        return {"months": 12 * value["years"], "inclusive": value["inclusive"]}
    if isinstance(value, list):
        return sorted(value)
    return value


def _actual(elig: Eligibility, key: str) -> Any:
    value = getattr(elig, key)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, list):
        return sorted(value)
    if hasattr(value, "model_dump"):
        return value.model_dump()
    return value


def _visible_text(kwargs: dict[str, Any]) -> str:
    parts = [kwargs["title"], kwargs["text"], ",".join(kwargs.get("hashtags", ())), kwargs.get("exclusions", "")]
    parts += [kwargs.get("region_hint") or "", kwargs.get("target") or ""]
    return "\n".join(parts)


@pytest.mark.parametrize(("pid", "program"), _cases(), ids=[pid for pid, _ in _cases()])
def test_conditions_match_truth(pid: str, program: dict[str, Any]) -> None:
    _, records = _load()
    kwargs = _inputs(pid, records[pid])
    elig = extract_eligibility(**kwargs)
    mismatches = {
        key: (_actual(elig, key), _expected(program["conditions"], key))
        for key in CONDITION_KEYS
        if _actual(elig, key) != _expected(program["conditions"], key)
    }
    assert not mismatches, f"{pid} {program['title']}: (got, want) {mismatches}"
    visible = _visible_text(kwargs)
    for key in elig.condition_keys():
        assert elig.evidence.get(key), f"{pid}: no evidence for {key}"
        assert elig.evidence[key] in visible, f"{pid}: evidence for {key} is not verbatim"


def _window_text(pid: str, record: dict[str, Any]) -> Window:
    if pid.startswith("bizinfo:"):
        return parse_window(record.get("reqstBeginEndDe"))
    return parse_window(None, start=record.get("pbanc_rcpt_bgng_dt"), end=record.get("pbanc_rcpt_end_dt"))


@pytest.mark.parametrize(("pid", "program"), _cases(), ids=[pid for pid, _ in _cases()])
def test_window_matches_truth(pid: str, program: dict[str, Any]) -> None:
    _, records = _load()
    window = _window_text(pid, records[pid])
    want = program["window"]
    assert window.kind == want["kind"]
    if want["kind"] == "dated":
        assert window.start == (dt.date.fromisoformat(want["start"]) if want.get("start") else None)
        assert window.end == (dt.date.fromisoformat(want["end"]) if want.get("end") else None)


def _needs_for(pid: str, record: dict[str, Any]) -> set[str]:
    kwargs = _inputs(pid, record)
    if pid.startswith("bizinfo:"):
        category = record.get("pldirSportRealmLclasCodeNm")
    else:
        category = _unescape(record.get("supt_biz_clsfc"))
    return set(infer_needs(title=kwargs["title"], text=kwargs["text"], category=category))


def test_needs_match_truth() -> None:
    """Every program's needs (union over its duplicate records) equal truth's; each record finds a subset."""
    truth, records = _load()
    wrong: dict[str, tuple[list[str], list[str]]] = {}
    for program in truth["programs"]:
        want = set(program["needs"])
        found = [_needs_for(pid, records[pid]) for pid in program["ids"]]
        union = set().union(*found)
        if union != want or any(not f <= want or not f for f in found):
            wrong[program["title"]] = (sorted(union), sorted(want))
    assert not wrong, wrong
