"""The third held-out set (tests/fixtures/heldout3: long, messy notices, written before the rules) through the CLI.

Imports both payloads into a temporary SQLite database with `aegis import`, runs `aegis recommend` for every
profile and checks the verdicts against labels.json (computed by make_labels.py from truth.json), the
default top 10 and the two cross-posted programs.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aegis.cli import run
from db.migrate import upgrade

SET = Path(__file__).resolve().parents[1] / "fixtures" / "heldout3"
LABELS: dict[str, Any] = json.loads((SET / "labels.json").read_text(encoding="utf-8"))
DUPLICATES: list[list[str]] = json.loads((SET / "duplicates.json").read_text(encoding="utf-8"))
AS_OF = LABELS["as_of"]


def _cli(argv: list[str]) -> Any:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run(argv)
    assert code == 0, f"aegis {' '.join(argv[:2])} exited {code}"
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    """Return profile -> {'full': recommend output with ineligible, 'top': default top 10}."""
    url = f"sqlite:///{tmp_path_factory.mktemp('heldout3')}/aegis.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AEGIS_DATABASE_URL", url)
        for name in ("AEGIS_LLM__OPENAI__API_KEY", "AEGIS_LLM__ANTHROPIC__API_KEY", "AEGIS_LLM__GEMINI__API_KEY"):
            mp.delenv(name, raising=False)
        mp.delenv("AEGIS_LLM__SELFHOSTED__API_BASE", raising=False)
        upgrade(url)
        for source in ("bizinfo", "kstartup"):
            result = _cli(["import", "--source", source, "--file", str(SET / f"programs_{source}.json"), "--json"])
            assert result["rejected"] == 0, result["errors"]
        found: dict[str, dict[str, Any]] = {}
        for profile in sorted((SET / "profiles").glob("*.json")):
            base = ["recommend", "--profile", str(profile), "--as-of", AS_OF, "--json"]
            found[profile.stem] = {
                "full": _cli([*base, "--top", "1000", "--include-ineligible"]),
                "top": _cli([*base, "--top", "10"]),
            }
        yield found


def _ids(result: dict[str, Any]) -> set[str]:
    return {*(result.get("source_ids") or []), result["program_id"]}


def _label(profile: str, result: dict[str, Any]) -> dict[str, Any] | None:
    labels = LABELS["profiles"][profile]
    return next((labels[pid] for pid in sorted(_ids(result)) if pid in labels), None)


def test_verdicts_match_the_labels(outputs: dict[str, dict[str, Any]]) -> None:
    total = correct = 0
    wrong: list[str] = []
    for profile, out in outputs.items():
        said: dict[int, str] = {}
        for result in out["full"]["results"]:
            for index, group in enumerate(LABELS["groups"]):
                if _ids(result) & set(group):
                    said.setdefault(index, result["eligibility"])
        for index, group in enumerate(LABELS["groups"]):
            label = LABELS["profiles"][profile][group[0]]
            if label["status"] == "closed":
                continue
            total += 1
            if said.get(index) == label["verdict"]:
                correct += 1
            else:
                wrong.append(f"{profile} × {group[0]}: {said.get(index)} != {label['verdict']}")
    assert total > 200
    assert correct / total >= 0.97, wrong


def test_no_ineligible_or_closed_program_in_the_default_top_10(outputs: dict[str, dict[str, Any]]) -> None:
    bad = []
    for profile, out in outputs.items():
        for result in out["top"]["results"][:10]:
            label = _label(profile, result)
            if label is None or label["verdict"] == "ineligible" or label["status"] == "closed":
                bad.append(f"{profile}: {result['program_id']} {result['title']}")
    assert not bad


def test_cross_posted_programs_are_merged(outputs: dict[str, dict[str, Any]]) -> None:
    seen = 0
    for out in outputs.values():
        for group in DUPLICATES:
            hits = [r for r in out["full"]["results"] if _ids(r) & set(group)]
            if hits:
                seen += 1
                assert len(hits) == 1 and set(group) <= _ids(hits[0]), group
    assert seen >= len(DUPLICATES)
