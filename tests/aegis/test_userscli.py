"""`aegis users import`: JSON Lines and CSV through the command, with the contract's JSON report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from aegis import userscli
from db.migrate import upgrade

PROFILE = {"status": "operating", "region": "부산", "industry": "C", "employees": 4}


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    url = f"sqlite:///{tmp_path / 'aegis.db'}"
    upgrade(url)
    monkeypatch.setenv("AEGIS_DATABASE_URL", url)
    app = typer.Typer()
    app.command("noop")(lambda: None)  # a second command keeps `users` a sub-command group
    userscli.register(app)
    return app


def test_users_import_json_prints_the_contract_report_and_is_idempotent(app: typer.Typer, tmp_path: Path) -> None:
    file = tmp_path / "users.jsonl"
    file.write_text(
        "\n".join(
            [
                json.dumps({"name": "박사장", "profile": PROFILE, "phone": "+82 10-2222-3333"}, ensure_ascii=False),
                "",
                json.dumps({"profile": PROFILE, "email": "not-an-email"}),
            ]
        ),
        encoding="utf-8",
    )
    first = CliRunner().invoke(app, ["users", "import", "--file", str(file), "--json"])
    assert first.exit_code == 0, first.output
    out = json.loads(first.output)
    assert {k: out[k] for k in ("received", "new", "updated", "rejected")} == {
        "received": 2,
        "new": 1,
        "updated": 0,
        "rejected": 1,
    }
    assert out["errors"][0].startswith("line 3:")
    again = json.loads(CliRunner().invoke(app, ["users", "import", "--file", str(file), "--json"]).output)
    assert (again["new"], again["updated"]) == (0, 1)


def test_users_import_reads_csv_by_extension(app: typer.Typer, tmp_path: Path) -> None:
    file = tmp_path / "users.csv"
    file.write_text(
        "name,phone,status,region,industry,employees,needs\n김대표,010-1111-2222,operating,서울,I,2,working_capital;marketing\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["users", "import", "--file", str(file), "--json"])
    assert json.loads(result.output)["new"] == 1
